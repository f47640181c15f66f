"""The keyed chain, signed checkpoints and the database's refusals, tried as an insider with
the database file (and without the ledger key) would (docs/decisions/0080)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import override_settings

from fullpicture.audit.models import Action, LedgerEvent
from fullpicture.audit.selectors import (
    checkpoint_parse,
    ledger_checkpoint,
    ledger_verify,
    ledger_verify_checkpoint,
)
from fullpicture.audit.services import (
    GENESIS,
    Actor,
    EventSpec,
    canonical_form,
    event_hash,
    event_hash_unkeyed,
    ledger_record,
    ledger_record_many,
)
from fullpicture.audit.triggers import drop_ledger_triggers, ensure_ledger_triggers

pytestmark = pytest.mark.django_db

ACTOR = Actor(id="user:7", agency="AG7")
WRONG_KEY = b"a-key-the-insider-guessed-0123456789-abcdef"


def _write(n: int) -> None:
    ledger_record_many(
        actor=ACTOR,
        events=[
            EventSpec(action=Action.VIEW, object_type="person", object_id=i, details={"i": i})
            for i in range(n)
        ],
    )


@contextmanager
def _without_triggers() -> Iterator[None]:
    """What an insider with the database file can do: drop the triggers, then put them back."""
    drop_ledger_triggers()
    try:
        yield
    finally:
        ensure_ledger_triggers()


def _rechain(from_seq: int, digest: object) -> None:
    """Recompute every hash from ``from_seq`` on with ``digest(event) -> hex``."""
    events = list(LedgerEvent.objects.order_by("seq"))
    prev = GENESIS
    with connection.cursor() as cursor:
        for event in events:
            if event.seq >= from_seq:
                event.prev_hash = prev
                event.hash = digest(event)  # type: ignore[operator]
                cursor.execute(
                    "UPDATE audit_ledgerevent SET prev_hash = %s, hash = %s WHERE seq = %s",
                    [event.prev_hash, event.hash, event.seq],
                )
            prev = event.hash


def _edit_and_rechain(seq: int, digest: object) -> None:
    with _without_triggers(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_ledgerevent SET object_id = '999' WHERE seq = %s", [seq])
        _rechain(seq, digest)


def _wrong_key_hmac(event: LedgerEvent) -> str:
    return hmac.new(WRONG_KEY, canonical_form(event).encode("ascii"), "sha256").hexdigest()


def test_the_hash_is_an_hmac_under_the_key_kept_outside_the_database(settings):
    event = ledger_record(actor=ACTOR, action=Action.VIEW, object_type="person", object_id=1)
    key = settings.FULLPICTURE_LEDGER_KEY.encode()
    body = canonical_form(event).encode("ascii")
    assert event.hash == hmac.new(key, body, "sha256").hexdigest()
    assert event.hash != hashlib.sha256(body).hexdigest()
    assert ledger_verify().ok
    with override_settings(FULLPICTURE_LEDGER_KEY=WRONG_KEY.decode()):
        result = ledger_verify()
    assert not result.ok
    assert result.broken_seq == 1


@pytest.mark.parametrize(
    "digest", [event_hash_unkeyed, _wrong_key_hmac], ids=["plain-sha256", "wrong-key"]
)
def test_an_edit_with_the_chain_recomputed_without_the_key_fails_verify(digest):
    _write(6)
    _edit_and_rechain(3, digest)
    assert LedgerEvent.objects.get(seq=3).object_id == "999"
    result = ledger_verify()
    assert (result.ok, result.broken_seq, result.checked) == (False, 3, 2)
    assert "keyed hash" in result.problem
    with pytest.raises(CommandError, match=r"broken at event #3"):
        call_command("audit", "verify")


def test_without_the_key_the_ledger_is_neither_written_nor_verified():
    from django.core.exceptions import ImproperlyConfigured

    _write(1)
    with override_settings(FULLPICTURE_LEDGER_KEY=""):
        with pytest.raises(ImproperlyConfigured, match="FULLPICTURE_LEDGER_KEY"):
            ledger_record(actor=ACTOR, action=Action.VIEW, object_type="person")
        with pytest.raises(ImproperlyConfigured):
            ledger_verify()
    assert LedgerEvent.objects.count() == 1


# ------------------------------------------------------------------ checkpoints


def _checkpoint_file(tmp_path: Path) -> Path:
    path = tmp_path / "head.json"
    call_command("audit", "head", "--out", str(path), stdout=StringIO())
    return path


def test_verify_against_a_checkpoint_passes_on_an_untouched_ledger(tmp_path, capsys):
    _write(60)
    path = _checkpoint_file(tmp_path)
    assert json.loads(path.read_text())["seq"] == "60"
    _write(5)  # later events are fine: the checkpoint only anchors what came before it
    call_command("audit", "verify", "--checkpoint", str(path))
    out = capsys.readouterr().out
    assert "65 events" in out
    assert "checkpoint #60" in out


def test_a_tail_cut_past_the_checkpoint_fails_verify_with_it(tmp_path):
    _write(120)
    path = _checkpoint_file(tmp_path)
    with _without_triggers(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_ledgerevent WHERE seq > 70")
    # The shortened chain is still a valid chain on its own...
    assert ledger_verify().ok
    call_command("audit", "verify", stdout=StringIO())
    # ...but not against the published checkpoint.
    result = ledger_verify_checkpoint(checkpoint=checkpoint_parse(path.read_text()))
    assert (result.ok, result.broken_seq) == (False, 120)
    assert "events were removed" in result.problem
    with pytest.raises(CommandError, match=r"#120.*ends at #70: events were removed"):
        call_command("audit", "verify", "--checkpoint", str(path))


def test_an_event_before_the_checkpoint_changed_with_the_key_still_fails_against_it(
    tmp_path, settings
):
    """Even whoever holds the key cannot rewrite what a published checkpoint anchors."""
    _write(10)
    path = _checkpoint_file(tmp_path)
    key = settings.FULLPICTURE_LEDGER_KEY.encode()
    _edit_and_rechain(4, lambda e: hmac.new(key, canonical_form(e).encode(), "sha256").hexdigest())
    assert ledger_verify().ok  # recomputed with the right key: the chain alone holds
    result = ledger_verify_checkpoint(checkpoint=checkpoint_parse(path.read_text()))
    assert (result.ok, result.broken_seq) == (False, 10)
    assert "changed" in result.problem
    with pytest.raises(CommandError, match="#10: the event differs from the checkpoint"):
        call_command("audit", "verify", "--checkpoint", str(path))


def test_the_checkpointed_event_itself_altered_fails(tmp_path):
    _write(5)
    path = _checkpoint_file(tmp_path)
    _edit_and_rechain(5, event_hash_unkeyed)
    with pytest.raises(CommandError, match="#5"):
        call_command("audit", "verify", "--checkpoint", str(path))


def test_an_altered_or_foreign_checkpoint_is_refused(tmp_path):
    _write(5)
    path = _checkpoint_file(tmp_path)
    body = json.loads(path.read_text())
    body["seq"] = "3"  # claim an earlier head, to hide a cut of the last events
    path.write_text(json.dumps(body))
    with pytest.raises(CommandError, match=r"checkpoint refused: .*altered"):
        call_command("audit", "verify", "--checkpoint", str(path))
    foreign = ledger_checkpoint(key=WRONG_KEY)
    path.write_text(json.dumps(foreign))
    with pytest.raises(CommandError, match="signed with another key"):
        call_command("audit", "verify", "--checkpoint", str(path))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not JSON"),
        ("[1]", "JSON object"),
        ('{"seq": "1"}', "lacks format, hash, at, key_id, signature"),
    ],
)
def test_a_file_that_is_not_a_checkpoint_is_named(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(CommandError, match=message):
        call_command("audit", "verify", "--checkpoint", str(path))
    with pytest.raises(CommandError, match="cannot read the checkpoint"):
        call_command("audit", "verify", "--checkpoint", str(tmp_path / "missing.json"))


# ------------------------------------------------------------------ the database refuses


def _insert(sql: str, seq: int, prev_hash: str, digest: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            sql.format(
                cols="seq, at, action, actor_id, actor_agency, object_type, object_id, purpose, "
                "legal_basis, reason_code, details, prev_hash, hash"
            ),
            [seq, *ROW, prev_hash, digest],
        )


ROW = ["2026-01-01 00:00:00", "view", "user:1", "", "person", "1", "", "", "", "{}"]
PLAIN = "INSERT INTO audit_ledgerevent ({cols}) VALUES (%s" + ", %s" * 12 + ")"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's INSERT OR REPLACE")
@pytest.mark.parametrize("verb", ["INSERT OR REPLACE", "REPLACE"])
def test_sqlite_refuses_insert_or_replace(verb):
    _write(3)
    before = list(LedgerEvent.objects.values_list("seq", "object_id", "hash"))
    third = LedgerEvent.objects.get(seq=3)
    sql = PLAIN.replace("INSERT", verb, 1)
    # Replace an event in place, keeping its links (the old row would be deleted first).
    with pytest.raises(DatabaseError, match="append-only"):
        _insert(sql, 3, third.prev_hash, "f" * 64)
    # Or take the next place with an existing hash (the REPLACE would delete that row).
    with pytest.raises(DatabaseError, match="append-only"):
        _insert(sql, 4, third.hash, third.hash)
    assert list(LedgerEvent.objects.values_list("seq", "object_id", "hash")) == before


def test_an_insert_that_does_not_extend_the_head_is_refused():
    _write(3)
    head = LedgerEvent.objects.get(seq=3)
    cases = [
        (5, head.hash, "a" * 64),  # skips a sequence
        (4, "b" * 64, "c" * 64),  # does not link to the head
        (4, GENESIS, "d" * 64),  # links to the start
    ]
    for seq, prev_hash, digest in cases:
        with pytest.raises(DatabaseError, match="append-only"):
            _insert(PLAIN, seq, prev_hash, digest)
    with pytest.raises((DatabaseError, IntegrityError)):
        _insert(PLAIN, 2, LedgerEvent.objects.get(seq=1).hash, "e" * 64)  # an old place
    assert LedgerEvent.objects.count() == 3
    # What extends the head goes in (the keyed hash is for verify to judge).
    _insert(PLAIN, 4, head.hash, "9" * 64)
    assert LedgerEvent.objects.count() == 4
    assert ledger_verify().broken_seq == 4


def test_update_delete_and_truncate_stay_refused():
    _write(2)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_ledgerevent SET object_id = 'x' WHERE seq = 1")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_ledgerevent WHERE seq = 2")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_ledgerevent")
    assert LedgerEvent.objects.count() == 2


def test_many_events_at_once_extend_the_head_in_order():
    ledger_record(actor=ACTOR, action=Action.VIEW, object_type="person")
    _write(300)
    ledger_record(actor=ACTOR, action=Action.VIEW, object_type="person")
    assert LedgerEvent.objects.count() == 302
    assert ledger_verify().ok


# ------------------------------------------------------------------ a ledger from before keying


def _unkeyed_chain(n: int) -> None:
    """Events as the ledger wrote them before it was keyed: plain SHA-256."""
    from django.utils import timezone

    prev = GENESIS
    for seq in range(1, n + 1):
        event = LedgerEvent(
            seq=seq,
            at=timezone.now(),
            action=Action.VIEW,
            actor_id="user:1",
            object_type="person",
            object_id=str(seq),
            details={},
            prev_hash=prev,
        )
        event.hash = event_hash_unkeyed(event)
        event.save(force_insert=True)
        prev = event.hash


def _key_the_ledger() -> None:
    from importlib import import_module

    from django.apps import apps
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

    module = import_module("fullpicture.audit.migrations.0004_key_the_ledger")
    module.key_the_ledger(apps, BaseDatabaseSchemaEditor(connection))


def test_an_unkeyed_ledger_is_keyed_by_an_epoch_event_that_anchors_it():
    _unkeyed_chain(5)
    unkeyed = ledger_verify()  # an unkeyed ledger does not pass as a keyed one
    assert (unkeyed.ok, unkeyed.broken_seq) == (False, 1)
    assert "plain, unkeyed hashes and no key epoch" in unkeyed.problem
    _key_the_ledger()
    epoch = LedgerEvent.objects.get(action=Action.KEY_EPOCH)
    assert epoch.seq == 6
    assert epoch.details["unkeyed_events"] == "5"
    assert epoch.hash == event_hash(epoch)
    _key_the_ledger()  # once only
    assert LedgerEvent.objects.filter(action=Action.KEY_EPOCH).count() == 1
    ledger_record(actor=ACTOR, action=Action.VIEW, object_type="person")
    assert ledger_verify().ok
    assert ledger_verify().checked == 7
    # An old event edited and the plain chain recomputed breaks the link into the epoch.
    _edit_and_rechain(2, event_hash_unkeyed)
    result = ledger_verify()
    assert (result.ok, result.broken_seq) == (False, 6)


def test_an_unkeyed_ledger_that_does_not_verify_is_not_keyed():
    _unkeyed_chain(3)
    with _without_triggers(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_ledgerevent SET object_id = '999' WHERE seq = 2")
    with pytest.raises(RuntimeError, match="#2"):
        _key_the_ledger()
    assert not LedgerEvent.objects.filter(action=Action.KEY_EPOCH).exists()


def test_an_epoch_keyed_with_another_key_is_named():
    _unkeyed_chain(2)
    _key_the_ledger()
    with override_settings(FULLPICTURE_LEDGER_KEY=WRONG_KEY.decode()):
        result = ledger_verify()
    assert (result.ok, result.broken_seq) == (False, 3)
    assert "another key" in result.problem
