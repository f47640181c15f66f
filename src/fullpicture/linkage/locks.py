"""One linker at a time: a database-held lock around every path that assigns records to persons.

Two linkers working at once each read the same records as pending and each link them,
which doubled link history and left persons with no records (issue #18). Every service
that moves records between persons (batch and real-time linking, importing records,
reviewers' decisions, undo, split, merge) runs inside :func:`linker_lock`:

* **PostgreSQL**: an advisory lock on one fixed key. Outside a transaction it is a
  session lock held across the run's many chunk transactions and released at the end
  (or when the connection closes, so a killed run frees it); inside a transaction (a
  web request, a service called by another) it is a transaction lock released at
  commit, so nobody reads the picture before this change is committed.
* **SQLite**: a lock row (``linkage.LinkerLock``) claimed in its own short write
  transaction and cleared at the end. A holder whose process is gone (same host, pid
  no longer alive) is taken over. Inside a transaction the database's own write lock
  (``BEGIN IMMEDIATE``) already excludes every other writer until commit, so the row is
  only checked: when a run elsewhere holds it, waiting would deadlock (that run needs
  the write lock this transaction holds), so :class:`LinkerBusy` is raised at once.

A second run waits, polling with back-off, up to ``FULLPICTURE_LINKER_WAIT_SECONDS``
(default 120; 10 inside a transaction on PostgreSQL), then raises :class:`LinkerBusy`,
whose message says plainly that another linking run is in progress. The lock is
re-entrant within a thread (``records_link`` calls ``record_link_now``).
"""

from __future__ import annotations

import functools
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from fullpicture.core.errors import PlainError
from fullpicture.linkage.models import LinkerLock

ADVISORY_KEY = 0x46504C4B  # "FPLK": the one key Full Picture's linkers share
IN_TRANSACTION_WAIT = 10.0

P = ParamSpec("P")
R = TypeVar("R")

_held = threading.local()


class LinkerBusy(PlainError):
    """Another linking run holds the lock (and did not finish within the wait)."""


def _wait_default() -> float:
    return float(getattr(settings, "FULLPICTURE_LINKER_WAIT_SECONDS", 120))


def _poll(attempt: Callable[[], bool], *, wait: float) -> bool:
    """Call ``attempt`` until it succeeds or ``wait`` seconds have passed (back-off)."""
    deadline = time.monotonic() + wait
    pause = 0.05
    while True:
        if attempt():
            return True
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(pause, left))
        pause = min(pause * 2, 1.0)


# ------------------------------------------------------------------ PostgreSQL
def _pg_holder() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND objid = %s AND classid = 0 LIMIT 1",
            [ADVISORY_KEY],
        )
        row = cursor.fetchone()
    return f"database session {row[0]}" if row else "another session"


def _pg_try(function: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [ADVISORY_KEY])
        return bool(cursor.fetchone()[0])


@contextmanager
def _pg_lock(purpose: str, wait: float) -> Iterator[None]:
    if connection.in_atomic_block:
        if not _poll(lambda: _pg_try("pg_try_advisory_xact_lock"), wait=wait):
            raise LinkerBusy(_busy(purpose, _pg_holder()))
        yield  # released when the surrounding transaction ends
        return
    if not _poll(lambda: _pg_try("pg_try_advisory_lock"), wait=wait):
        raise LinkerBusy(_busy(purpose, _pg_holder()))
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY])
        except DatabaseError:
            # The connection is gone, and the session lock with it.
            connection.close()


# ---------------------------------------------------------------------- SQLite
def _token() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _alive(holder: str) -> bool:
    """Whether the holder named by ``host:pid:token`` may still be running."""
    try:
        host, pid, _ = holder.split(":", 2)
        number = int(pid)
    except ValueError:
        return False
    if host != socket.gethostname():
        return True  # another machine: we cannot tell, so respect its lock
    try:
        os.kill(number, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sqlite_claim(token: str, purpose: str) -> tuple[bool, LinkerLock]:
    with transaction.atomic():
        row, _ = LinkerLock.objects.get_or_create(pk=1)
        if row.holder and row.holder != token and _alive(row.holder):
            return False, row
        LinkerLock.objects.filter(pk=1).update(
            holder=token, purpose=purpose, acquired_at=timezone.now()
        )
        return True, row


def _sqlite_describe(row: LinkerLock) -> str:
    pid = row.holder.split(":")[1] if row.holder.count(":") >= 2 else "?"
    since = row.acquired_at.isoformat(timespec="seconds") if row.acquired_at else "a while"
    return f"{row.purpose or 'a linking run'} in process {pid} since {since}"


@contextmanager
def _sqlite_lock(purpose: str, wait: float) -> Iterator[None]:
    if connection.in_atomic_block:
        row = LinkerLock.objects.filter(pk=1).first()
        if row is not None and row.holder and _alive(row.holder):
            raise LinkerBusy(_busy(purpose, _sqlite_describe(row)))
        yield  # this transaction holds the database's write lock until it ends
        return
    token = _token()
    last: list[LinkerLock] = []

    def attempt() -> bool:
        claimed, row = _sqlite_claim(token, purpose)
        last[:] = [row]
        return claimed

    if not _poll(attempt, wait=wait):
        raise LinkerBusy(_busy(purpose, _sqlite_describe(last[0])))
    try:
        yield
    finally:
        with transaction.atomic():
            LinkerLock.objects.filter(pk=1, holder=token).update(
                holder="", purpose="", acquired_at=None
            )


# ------------------------------------------------------------------------ API
def _busy(purpose: str, holder: str) -> str:
    return (
        f"Another linking run is in progress ({holder}), so {purpose} did not start: "
        "records are assigned to persons by one run at a time. Try again when it has finished."
    )


@contextmanager
def linker_lock(*, purpose: str, wait: float | None = None) -> Iterator[None]:
    """Hold the linker lock for the block (re-entrant within a thread).

    Raises :class:`LinkerBusy` when another run still holds it after ``wait`` seconds.
    """
    depth = getattr(_held, "depth", 0)
    if depth:
        _held.depth = depth + 1
        try:
            yield
        finally:
            _held.depth -= 1
        return
    seconds = _wait_default() if wait is None else wait
    if connection.vendor == "postgresql":
        if connection.in_atomic_block:
            seconds = min(seconds, IN_TRANSACTION_WAIT)
        lock = _pg_lock(purpose, seconds)
    else:
        lock = _sqlite_lock(purpose, seconds)
    with lock:
        _held.depth = 1
        try:
            yield
        finally:
            _held.depth = 0


def linker_locked(purpose: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a service that assigns records to persons: it runs under the linker lock."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with linker_lock(purpose=purpose):
                return function(*args, **kwargs)

        return wrapper

    return decorate
