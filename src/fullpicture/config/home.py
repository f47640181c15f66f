"""The data folder: everything Full Picture stores lives under FULLPICTURE_HOME."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def data_home() -> Path:
    """Return the data folder (``FULLPICTURE_HOME``, default ``./var``), creating it."""
    home = Path(os.environ.get("FULLPICTURE_HOME", "var")).expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    return home


def local_secret_key(home: Path) -> str:
    """Return the local secret key kept in the data folder, generating it once.

    The key is written with owner-only permissions and is never committed:
    the data folder is outside the source tree's tracked files.
    """
    path = home / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    return key


def local_ledger_key(path: Path) -> str:
    """Return the ledger's HMAC key kept in ``path``, generating it once (owner-only).

    The key signs the audit ledger's hash chain and its checkpoints. It lives outside
    the database so that someone who can edit the database file cannot recompute the
    chain (docs/decisions/0080-keyed-ledger-and-checkpoints.md). Back it up apart from
    the database: without it ``audit verify`` cannot prove the ledger's integrity.
    """
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    return key


def read_ledger_key(path: Path) -> str:
    """The ledger key in ``path`` if it can be read, else ``""`` (never generated)."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
