"""Keep the ledger's triggers in place.

The 0002 migration creates the UPDATE/DELETE/TRUNCATE refusals, 0003 the refusal of any
insert that does not extend the head; this re-creates any that are missing after every
``migrate`` (and after a test database flush), so the ledger is never left writable by
accident.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.db import connections

_MIGRATIONS = (
    "fullpicture.audit.migrations.0002_append_only_triggers",
    "fullpicture.audit.migrations.0003_inserts_extend_the_head",
)


def _statements(vendor: str, direction: str) -> list[str]:
    statements: list[str] = []
    for name in _MIGRATIONS if direction == "UP" else reversed(_MIGRATIONS):
        module = import_module(name)
        by_vendor = {
            "sqlite": getattr(module, f"SQLITE_{direction}"),
            "postgresql": getattr(module, f"POSTGRES_{direction}"),
        }
        statements += by_vendor.get(vendor, [])
    return statements


def ensure_ledger_triggers(using: str = "default", **kwargs: Any) -> None:
    connection = connections[using]
    if "audit_ledgerevent" not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, "UP"):
            cursor.execute(statement)


def drop_ledger_triggers(using: str = "default") -> None:
    """Only for tearing down a test database; never called by the application."""
    connection = connections[using]
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, "DOWN"):
            cursor.execute(statement)
