"""How long the last import and sweep took, for ``/metrics`` (issue #18).

The commands run in their own processes, so each records its last duration in the data
folder (``FULLPICTURE_HOME/metrics/<operation>.json``: seconds, when it finished, and
whether it succeeded; no personal data) and ``/metrics`` reads them back. On several
machines, each web process reports the operations run on its own machine.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings

OPERATIONS = ("import-records", "import-items", "alerts-sweep", "link")


def _folder() -> Path:
    return Path(settings.FULLPICTURE_HOME) / "metrics"


@contextmanager
def timed(operation: str) -> Iterator[None]:
    """Record the block's duration under ``operation`` (also when it fails)."""
    began = time.perf_counter()
    ok = False
    try:
        yield
        ok = True
    finally:
        _record(operation, seconds=time.perf_counter() - began, ok=ok)


def _record(operation: str, *, seconds: float, ok: bool) -> None:
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{operation}.", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"seconds": round(seconds, 3), "finished_at": time.time(), "ok": ok}, handle)
    Path(tmp).replace(folder / f"{operation}.json")


def timings_read() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        path = _folder() / f"{operation}.json"
        try:
            found[operation] = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
    return found
