"""Backups that verify (issue #18): ``fullpicture backup DIR`` and ``fullpicture restore DIR``.

A backup folder holds:

* the database: ``fullpicture.sqlite3`` made with SQLite's online backup API (a
  consistent copy while the hub runs), or ``fullpicture.dump`` from ``pg_dump
  --format=custom`` on PostgreSQL;
* ``home/``: the data folder's own files beside the database: every top-level file but
  the SQLite database itself (``secret_key``, and the ledger's key and checkpoint
  files), and the ``linkage/`` (trained models) and ``media/`` (signed agreements)
  folders;
* ``manifest.json``: the database kind, the ledger head at the time, and the SHA-256 of
  every file, which ``restore`` checks before it touches anything.

``restore`` puts the database and the files back, then runs ``fullpicture audit verify``
on the restored copy (through the command, so the ledger's own checks, such as keyed
hashes and signed checkpoints, are the ones run) and fails if it does not verify.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from fullpicture.core.errors import PlainError

MANIFEST = "manifest.json"
SQLITE_FILE = "fullpicture.sqlite3"
PG_FILE = "fullpicture.dump"
HOME_DIRS = ("linkage", "media")
SKIP_TOP = {"static", "outbox"}


class BackupError(PlainError):
    """A backup or restore that cannot go ahead, in words for the operator."""


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    database: str
    files: int
    ledger_seq: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (PostgreSQL's client tools are needed).")
    return found


def _pg_env_and_args() -> tuple[dict[str, str], list[str]]:
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, args


def _home_files(home: Path, database_file: Path | None) -> list[Path]:
    skip = set()
    if database_file is not None:
        skip = {database_file.name, database_file.name + "-wal", database_file.name + "-shm"}
    found: list[Path] = []
    for entry in sorted(home.iterdir()):
        if entry.is_file() and entry.name not in skip:
            found.append(entry)
        elif entry.is_dir() and entry.name in HOME_DIRS:
            found.extend(p for p in sorted(entry.rglob("*")) if p.is_file())
    return found


def _ledger_head() -> tuple[int, str]:
    from django.apps import apps

    event = apps.get_model("audit", "LedgerEvent")
    head = event.objects.order_by("-seq").values_list("seq", "hash").first()
    return (int(head[0]), str(head[1])) if head else (0, "")


def backup_make(*, folder: Path) -> BackupResult:
    """Copy the database and the data folder's own files into ``folder`` (new or empty)."""
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: give a new folder for each backup.")
    folder.mkdir(parents=True, exist_ok=True)
    home = Path(settings.FULLPICTURE_HOME)
    seq, head = _ledger_head()
    files: dict[str, str] = {}
    database_file: Path | None = None
    if connection.vendor == "sqlite":
        database_file = Path(settings.DATABASES["default"]["NAME"])
        connection.ensure_connection()
        target = sqlite3.connect(folder / SQLITE_FILE)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        files[SQLITE_FILE] = _sha256(folder / SQLITE_FILE)
    elif connection.vendor == "postgresql":
        env, args = _pg_env_and_args()
        done = subprocess.run(  # noqa: S603  (pg_dump, arguments from settings)
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--file",
                str(folder / PG_FILE),
                *args,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        files[PG_FILE] = _sha256(folder / PG_FILE)
    else:  # pragma: no cover - only the two supported databases
        raise BackupError(f"no backup for a {connection.vendor} database")
    for source in _home_files(home, database_file):
        relative = source.relative_to(home)
        target_path = folder / "home" / relative
        target_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target_path)
        files[f"home/{relative.as_posix()}"] = _sha256(target_path)
    manifest: dict[str, Any] = {
        "database": connection.vendor,
        "created_at": dt.datetime.now(tz=dt.UTC).isoformat(timespec="seconds"),
        "ledger_head": {"seq": seq, "hash": head},
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), "utf-8")
    return BackupResult(folder, connection.vendor, len(files), seq)


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} holds no {MANIFEST}: it is not a Full Picture backup.")
    manifest: dict[str, Any] = json.loads(path.read_text("utf-8"))
    for name, digest in manifest["files"].items():
        copy = folder / name
        if not copy.is_file() or _sha256(copy) != digest:
            raise BackupError(f"{name} in {folder} is missing or changed since the backup.")
    return manifest


def _reload_ledger_key() -> None:
    """The restored data folder brings its own ledger key file: read it back, unless the
    key comes from the environment (then the operator chose it), so this process verifies
    and writes with the key the ledger was keyed with."""
    if os.environ.get("FULLPICTURE_LEDGER_KEY"):
        return
    key_file = Path(getattr(settings, "FULLPICTURE_LEDGER_KEY_FILE", ""))
    if key_file.is_file():
        settings.FULLPICTURE_LEDGER_KEY = key_file.read_text(encoding="utf-8").strip()


def backup_restore(*, folder: Path, verify: bool = True) -> dict[str, Any]:
    """Put a backup back into the configured database and data folder, then verify the
    ledger through ``fullpicture audit verify``. Returns the backup's manifest."""
    manifest = _manifest(folder)
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"This backup is of a {manifest['database']} database; the hub is configured "
            f"for {connection.vendor}."
        )
    home = Path(settings.FULLPICTURE_HOME)
    if connection.vendor == "sqlite":
        target = Path(settings.DATABASES["default"]["NAME"])
        connections.close_all()
        source = sqlite3.connect(folder / SQLITE_FILE)
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            source.close()
            destination.close()
    else:
        env, args = _pg_env_and_args()
        connections.close_all()
        done = subprocess.run(  # noqa: S603  (pg_restore, arguments from settings)
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                *args,
                str(folder / PG_FILE),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    for name in manifest["files"]:
        if name.startswith("home/"):
            target_path = home / name.removeprefix("home/")
            target_path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(folder / name, target_path)
    _reload_ledger_key()
    if verify:
        call_command("audit", "verify")
        seq, _ = _ledger_head()
        if seq < manifest["ledger_head"]["seq"]:
            raise BackupError(
                f"The restored ledger ends at event {seq}, before the head the backup "
                f"recorded ({manifest['ledger_head']['seq']}): events are missing."
            )
    return manifest
