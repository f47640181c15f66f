"""Logs as JSON lines (issue #18): one object per line, for a log shipper.

Only what the code logs goes out: the project's rule is that log messages carry ids,
kinds and counts, never personal data (CONVENTIONS.md), and this formatter adds no
request data (no paths, which carry ids of persons; no query strings; no user names).
Exceptions are logged by their class only; the traceback's text can quote values, so it
is left out unless ``FULLPICTURE_LOG_TRACEBACKS`` is set.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__name__
            if os.environ.get("FULLPICTURE_LOG_TRACEBACKS"):
                entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
