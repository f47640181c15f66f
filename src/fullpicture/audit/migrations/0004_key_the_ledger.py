"""Key a ledger written before its hashes were keyed (docs/decisions/0080).

Events already in the ledger keep their plain SHA-256 hashes (the database refuses to
change them, and rewriting them would destroy the evidence they are). The migration
verifies them, then appends one ``key_epoch`` event, keyed with the ledger key, whose
previous hash is the last plain hash: from it on every hash is keyed, and an edit of any
earlier event, even with the plain chain recomputed, breaks the link into this keyed
event, which cannot be recomputed without the key. A chain that no longer verifies is
not keyed (keying it would launder the tampering): the migration stops and names the
event. An empty ledger needs nothing: it is keyed from its first event.
"""

import hashlib
import hmac

from django.db import migrations
from django.utils import timezone

from fullpicture.audit.services import GENESIS, canonical_form, key_id, ledger_key


def key_the_ledger(apps, schema_editor):
    LedgerEvent = apps.get_model("audit", "LedgerEvent")
    events = LedgerEvent.objects.using(schema_editor.connection.alias)
    if not events.exists() or events.filter(action="key_epoch").exists():
        return
    key = ledger_key()
    prev, expected = GENESIS, 1
    for event in events.order_by("seq").iterator(chunk_size=5000):
        plain = hashlib.sha256(canonical_form(event).encode("ascii")).hexdigest()
        if event.seq != expected or event.prev_hash != prev or plain != event.hash:
            raise RuntimeError(
                f"The audit ledger does not verify at event #{event.seq}, so it was not "
                "keyed: investigate (docs/operating.md, 'The ledger') before migrating."
            )
        prev, expected = event.hash, expected + 1
    epoch = LedgerEvent(
        seq=expected,
        at=timezone.now(),
        action="key_epoch",
        actor_id="system:migrate",
        actor_agency="",
        object_type="ledger",
        object_id="",
        purpose="",
        legal_basis="",
        reason_code="",
        details={"scheme": "hmac-sha256", "unkeyed_events": str(expected - 1), "key_id": key_id(key)},
        prev_hash=prev,
    )
    epoch.hash = hmac.new(key, canonical_form(epoch).encode("ascii"), "sha256").hexdigest()
    epoch.save(using=schema_editor.connection.alias, force_insert=True)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_inserts_extend_the_head")]

    operations = [migrations.RunPython(key_the_ledger, migrations.RunPython.noop)]
