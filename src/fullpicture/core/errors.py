"""Errors an operator reads: one plain sentence, never a traceback (issue #18).

``fullpicture`` (``cli.main``) turns these into a message on stderr and exit status 1:

* :class:`PlainError`: raised by services whose message is already for a person (the
  linker lock's "another linking run is in progress");
* a database error that says the database is locked, read-only, full or unreachable,
  put into words by :func:`plain_database_error`.

Anything else still shows its traceback: it is a bug to be reported.
"""

from __future__ import annotations

from django.db import DatabaseError

_DATABASE_SENTENCES: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("database is locked", "lock timeout", "could not obtain lock", "deadlock detected"),
        "The database is busy: another process held its write lock for too long. Nothing "
        "from the step that failed was stored; run the command again in a moment.",
    ),
    (
        ("readonly database", "read-only", "read only"),
        "The database is read-only, so nothing could be stored. Check the file's or the "
        "server's permissions (or whether this is a standby), then run the command again.",
    ),
    (
        ("database or disk is full", "no space left", "could not extend file", "disk full"),
        "The disk holding the database is full. Nothing from the step that failed was "
        "stored; free some space, then run the command again.",
    ),
    (
        (
            "unable to open database file",
            "connection refused",
            "could not connect",
            "connection failed",
            "server closed the connection",
            "terminating connection",
            "the connection is closed",
        ),
        "The database cannot be reached (is it running, and is DATABASE_URL or "
        "FULLPICTURE_HOME right?). Nothing was stored; run the command again once it is back.",
    ),
)


class PlainError(Exception):
    """An error whose message is written for the person running the command."""


def plain_database_error(exc: BaseException) -> str | None:
    """One sentence for a database that is locked, read-only, full or away; else None."""
    if not isinstance(exc, DatabaseError):
        return None
    text = str(exc).lower()
    for needles, sentence in _DATABASE_SENTENCES:
        if any(n in text for n in needles):
            return sentence
    return None
