"""Keep the ledger's append-only triggers in place.

The 0002 migration creates them; this re-creates any that are missing after
every ``migrate`` (and after a test database flush), so the ledger is never
left writable by accident.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.db import connections


def ensure_ledger_triggers(using: str = "default", **kwargs: Any) -> None:
    connection = connections[using]
    if "audit_ledgerevent" not in connection.introspection.table_names():
        return
    module = import_module("fullpicture.audit.migrations.0002_append_only_triggers")
    statements = {"sqlite": module.SQLITE_UP, "postgresql": module.POSTGRES_UP}
    with connection.cursor() as cursor:
        for statement in statements.get(connection.vendor, []):
            cursor.execute(statement)


def drop_ledger_triggers(using: str = "default") -> None:
    """Only for tearing down a test database; never called by the application."""
    module = import_module("fullpicture.audit.migrations.0002_append_only_triggers")
    connection = connections[using]
    statements = {"sqlite": module.SQLITE_DOWN, "postgresql": module.POSTGRES_DOWN}
    with connection.cursor() as cursor:
        for statement in statements.get(connection.vendor, []):
            cursor.execute(statement)
