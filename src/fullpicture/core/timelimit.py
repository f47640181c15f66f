"""A time limit on the statements of a block, so no request holds the database for long.

PostgreSQL: ``SET LOCAL statement_timeout`` inside a savepoint (the request's
transaction keeps its own setting afterwards; a cancelled statement rolls the
savepoint back, which also undoes the ``SET LOCAL``). SQLite: a progress handler that
interrupts the running statement once the budget is spent (SQLite has no statement
timeout; the handler runs every few thousand virtual-machine steps). Either way an
overrun raises :class:`TimeLimitExceeded` and the block's work is rolled back.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction

# How many SQLite virtual-machine instructions run between two looks at the clock.
SQLITE_STEPS = 5_000


class TimeLimitExceeded(Exception):
    """A statement ran past the block's time limit and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"stopped after {seconds:g} s")
        self.seconds = seconds


@contextmanager
def statement_time_limit(seconds: float, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block with every statement limited to ``seconds`` (wall clock on SQLite:
    the whole block). Raises TimeLimitExceeded when a statement is stopped."""
    connection = connections[using]
    try:
        with transaction.atomic(using=using):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SHOW statement_timeout")
                    previous = cursor.fetchone()[0]
                    milliseconds = max(1, int(seconds * 1000))
                    cursor.execute(f"SET LOCAL statement_timeout = {milliseconds}")
                yield
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
            elif connection.vendor == "sqlite":
                connection.ensure_connection()
                raw = connection.connection
                deadline = time.monotonic() + seconds

                def past_deadline() -> int:
                    return 1 if time.monotonic() > deadline else 0

                raw.set_progress_handler(past_deadline, SQLITE_STEPS)
                try:
                    yield
                finally:
                    raw.set_progress_handler(None, SQLITE_STEPS)
            else:  # pragma: no cover - the hub runs on SQLite or PostgreSQL only
                yield
    except OperationalError as exc:
        if _was_stopped(exc):
            raise TimeLimitExceeded(seconds) from exc
        raise


def _was_stopped(exc: OperationalError) -> bool:
    cause = exc.__cause__
    if cause is not None and type(cause).__name__ == "QueryCanceled":  # psycopg
        return True
    return "interrupted" in str(exc) or "statement timeout" in str(exc)
