"""Database triggers that refuse any insert into the ledger that does not extend its head.

An insert must carry the next sequence (head + 1), the head's hash as its previous hash,
and a hash not already in the ledger. On SQLite this also refuses ``INSERT OR REPLACE``
(``REPLACE INTO``): its delete of the old row fires no delete trigger unless
``recursive_triggers`` is on, but the BEFORE INSERT trigger runs first and refuses a
sequence or hash that already exists. The UPDATE, DELETE and TRUNCATE refusals of 0002
stay. docs/decisions/0080-keyed-ledger-and-checkpoints.md.
"""

from django.db import migrations, models

GENESIS = "0" * 64
MESSAGE = (
    "audit ledger is append-only: an insert must extend the head "
    "(sequence head + 1, previous hash the head''s hash, a new hash)"
)

SQLITE_UP = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_ledgerevent_extends_head BEFORE INSERT ON audit_ledgerevent
       BEGIN
         SELECT RAISE(ABORT, '{MESSAGE}')
         WHERE NEW.seq IS NOT COALESCE((SELECT MAX(seq) FROM audit_ledgerevent), 0) + 1
            OR NEW.prev_hash IS NOT COALESCE(
                 (SELECT hash FROM audit_ledgerevent ORDER BY seq DESC LIMIT 1), '{GENESIS}')
            OR EXISTS (SELECT 1 FROM audit_ledgerevent WHERE hash = NEW.hash);
       END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_ledgerevent_extends_head;"]
POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION audit_ledgerevent_extends_head() RETURNS trigger AS $$
       DECLARE
         head_seq bigint;
         head_hash varchar;
       BEGIN
         SELECT seq, hash INTO head_seq, head_hash FROM audit_ledgerevent
           ORDER BY seq DESC LIMIT 1;
         IF head_seq IS NULL THEN
           head_seq := 0;
           head_hash := '{GENESIS}';
         END IF;
         IF NEW.seq IS DISTINCT FROM head_seq + 1 OR NEW.prev_hash IS DISTINCT FROM head_hash
         THEN
           RAISE EXCEPTION '{MESSAGE}';
         END IF;
         RETURN NEW;
       END;
       $$ LANGUAGE plpgsql;""",
    """CREATE OR REPLACE TRIGGER audit_ledgerevent_extends_head BEFORE INSERT ON audit_ledgerevent
       FOR EACH ROW EXECUTE FUNCTION audit_ledgerevent_extends_head();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_ledgerevent_extends_head ON audit_ledgerevent;",
    "DROP FUNCTION IF EXISTS audit_ledgerevent_extends_head();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.AlterField(
            model_name="ledgerevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("view", "Viewed"),
                    ("search", "Searched (saw that persons are known)"),
                    ("share", "Shared"),
                    ("withhold", "Withheld"),
                    ("request", "Requested information"),
                    ("answer", "Answered a request"),
                    ("link", "Linked records"),
                    ("unlink", "Unlinked records"),
                    ("merge", "Merged persons"),
                    ("split", "Split a person"),
                    ("review", "Decided a possible match"),
                    ("break_glass", "Break-glass access"),
                    ("export", "Exported"),
                    ("import", "Imported"),
                    ("create", "Created"),
                    ("update", "Changed"),
                    ("sign_in", "Signed in"),
                    ("sign_in_failed", "Failed to sign in"),
                    ("sign_out", "Signed out"),
                    ("denied", "Access denied"),
                    ("key_epoch", "Ledger keyed (events before it were hashed without a key)"),
                ],
                max_length=32,
            ),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
