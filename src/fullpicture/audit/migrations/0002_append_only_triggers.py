"""Database triggers that refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE) on the ledger."""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER IF NOT EXISTS audit_ledgerevent_no_update BEFORE UPDATE ON audit_ledgerevent
       BEGIN SELECT RAISE(ABORT, 'audit ledger is append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_ledgerevent_no_delete BEFORE DELETE ON audit_ledgerevent
       BEGIN SELECT RAISE(ABORT, 'audit ledger is append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_ledgerevent_no_update;",
    "DROP TRIGGER IF EXISTS audit_ledgerevent_no_delete;",
]
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION audit_ledgerevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit ledger is append-only'; END;
       $$ LANGUAGE plpgsql;""",
    """CREATE OR REPLACE TRIGGER audit_ledgerevent_no_change BEFORE UPDATE OR DELETE ON audit_ledgerevent
       FOR EACH ROW EXECUTE FUNCTION audit_ledgerevent_append_only();""",
    """CREATE OR REPLACE TRIGGER audit_ledgerevent_no_truncate BEFORE TRUNCATE ON audit_ledgerevent
       FOR EACH STATEMENT EXECUTE FUNCTION audit_ledgerevent_append_only();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_ledgerevent_no_change ON audit_ledgerevent;",
    "DROP TRIGGER IF EXISTS audit_ledgerevent_no_truncate ON audit_ledgerevent;",
    "DROP FUNCTION IF EXISTS audit_ledgerevent_append_only();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
