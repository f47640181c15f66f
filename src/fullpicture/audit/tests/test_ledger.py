"""The ledger: hash chain, append-only triggers, verification and tamper detection."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from fullpicture.audit.models import Action, LedgerEvent
from fullpicture.audit.selectors import ledger_head, ledger_verify
from fullpicture.audit.services import GENESIS, Actor, event_hash, ledger_record

pytestmark = pytest.mark.django_db

ACTOR = Actor(id="user:1", agency="AG1")


def _write(n: int) -> list[LedgerEvent]:
    return [
        ledger_record(
            actor=ACTOR,
            action=Action.VIEW,
            object_type="person",
            object_id=i,
            purpose="safeguarding_enquiry",
            details={"i": i},
        )
        for i in range(n)
    ]


def test_events_chain_from_genesis():
    events = _write(3)
    assert events[0].prev_hash == GENESIS
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert [e.seq for e in events] == [1, 2, 3]
    assert ledger_head() == (3, events[2].hash)
    assert ledger_verify().ok


def test_hash_is_stable_after_a_round_trip_through_the_database():
    event = _write(1)[0]
    stored = LedgerEvent.objects.get(seq=event.seq)
    assert event_hash(stored) == stored.hash == event.hash


def test_database_refuses_update_and_delete():
    _write(2)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEvent.objects.filter(seq=1).update(reason_code="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEvent.objects.filter(seq=2).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_ledgerevent SET object_id = 'x' WHERE seq = 1")
    assert LedgerEvent.objects.count() == 2


def _drop_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_ledgerevent_no_update")
        else:
            cursor.execute("DROP TRIGGER audit_ledgerevent_no_change ON audit_ledgerevent")


def _restore_triggers() -> None:
    from importlib import import_module

    module = import_module("fullpicture.audit.migrations.0002_append_only_triggers")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(module.SQLITE_UP[0])
        else:
            cursor.execute(module.POSTGRES_UP[1])


def test_an_edit_behind_the_triggers_back_is_caught_by_verify(capsys):
    _write(4)
    call_command("audit", "verify")
    assert "4 events" in capsys.readouterr().out
    _drop_triggers()
    try:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_ledgerevent SET object_id = '999' WHERE seq = 3")
    finally:
        _restore_triggers()
    result = ledger_verify()
    assert not result.ok
    assert result.broken_seq == 3
    with pytest.raises(CommandError, match="#3"):
        call_command("audit", "verify")


def test_head_command_prints_a_signed_checkpoint_of_the_head(capsys):
    events = _write(2)
    call_command("audit", "head")
    checkpoint = json.loads(capsys.readouterr().out)
    assert checkpoint["seq"] == "2"
    assert checkpoint["hash"] == events[1].hash
    assert len(checkpoint["signature"]) == 64


class _RefuseInserts:
    """Make the ledger refuse every new event, as a full disk or a broken table would."""

    def __enter__(self):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "CREATE TRIGGER t_refuse BEFORE INSERT ON audit_ledgerevent "
                    "BEGIN SELECT RAISE(ABORT, 'ledger unavailable'); END;"
                )
            else:
                cursor.execute(
                    "CREATE TRIGGER t_refuse BEFORE INSERT ON audit_ledgerevent "
                    "FOR EACH ROW EXECUTE FUNCTION audit_ledgerevent_append_only()"
                )
        return self

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("DROP TRIGGER t_refuse")
            else:
                cursor.execute("DROP TRIGGER t_refuse ON audit_ledgerevent")


def test_failed_ledger_write_fails_the_surrounding_work():
    """Audit fails closed: if the ledger cannot be written, the work it records is undone."""
    from django.contrib.auth.models import Group

    def create_and_record() -> None:
        with transaction.atomic():
            Group.objects.create(name="X1")
            ledger_record(actor=ACTOR, action=Action.CREATE, object_type="partnership")

    with _RefuseInserts(), pytest.raises(DatabaseError):
        create_and_record()
    assert not Group.objects.filter(name="X1").exists()
