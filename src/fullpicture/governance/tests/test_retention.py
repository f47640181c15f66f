"""Retention: schedules as data, the sweep, legal holds, and the ledger still verifying."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.selectors import ledger_verify
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.governance.models import LegalHold, RetentionDisposal, RetentionSchedule
from fullpicture.governance.retention import legal_hold_place, retention_due
from fullpicture.people.models import SourceRecord
from fullpicture.people.tests.factories import PersonFactory, SourceRecordFactory

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("test")


def test_the_schedules_are_seeded_with_published_defaults():
    schedules = {s.record_kind: s for s in RetentionSchedule.objects.all()}
    assert schedules["looked_after"].years == 75
    assert "Care Planning, Placement and Case Review" in schedules["looked_after"].citation
    assert schedules["child_protection"].years == 26
    assert schedules["child"].years == 25
    assert "Records Management Code of Practice" in schedules["adult"].citation


@pytest.fixture
def old_and_new():
    old = SourceRecordFactory(
        given_name="Ada",
        family_name="Oldrecord",
        date_of_birth=dt.date(1990, 1, 2),
        recorded_at=dt.date(2000, 5, 1),
        nhs_number="9990001234",
        address="1 Old Street",
    )
    young = SourceRecordFactory(date_of_birth=dt.date(2015, 3, 14), recorded_at=dt.date(2020, 1, 1))
    # every event about them goes into the ledger, as ids only
    for record in (old, young):
        ledger_record(actor=SYSTEM, action="view", object_type="source_record", object_id=record.pk)
    return old, young


def test_a_sweep_reports_without_changing_anything(old_and_new):
    old, _young = old_and_new
    due = retention_due()
    assert [(d.record_id, d.record_kind) for d in due] == [(old.pk, "child")]
    out = StringIO()
    call_command("retention", "sweep", stdout=out)
    assert "Due for disposal: 1 record(s): child 1" in out.getvalue()
    old.refresh_from_db()
    assert old.given_name == "Ada"


def test_apply_anonymises_records_the_disposal_and_the_ledger_still_verifies(old_and_new):
    old, young = old_and_new
    before = LedgerEvent.objects.count()
    out = StringIO()
    call_command("retention", "sweep", "--apply", stdout=out)
    old.refresh_from_db()
    assert (old.given_name, old.family_name, old.nhs_number, old.address) == ("", "", "", "")
    assert old.date_of_birth is None
    young.refresh_from_db()
    assert young.given_name == "Sam"
    event = LedgerEvent.objects.get(object_type="retention_sweep")
    assert event.details["counts"] == {"child": 1}
    assert "Ada" not in str(event.details)
    assert "Oldrecord" not in str(event.details)
    assert LedgerEvent.objects.count() == before + 1
    assert RetentionDisposal.objects.get().record_id == str(old.pk)
    assert ledger_verify().ok
    call_command("audit", "verify", stdout=StringIO())
    # done once: a second sweep finds nothing
    assert retention_due() == []


def test_a_record_under_legal_hold_is_skipped_and_refused_by_name(old_and_new):
    old, _ = old_and_new
    legal_hold_place(actor=SYSTEM, reason="Serious case review", person_id=old.person_id)
    out = StringIO()
    call_command("retention", "sweep", "--apply", stdout=out)
    assert f"Skipped source record {old.pk}: under legal hold (Serious case review)" in (
        out.getvalue()
    )
    with pytest.raises(CommandError, match="under legal hold"):
        call_command("retention", "sweep", "--apply", "--record", f"source_record:{old.pk}")
    old.refresh_from_db()
    assert old.given_name == "Ada"  # nothing lost
    assert not RetentionDisposal.objects.exists()
    LegalHold.objects.update(lifted_at=timezone.now())
    call_command(
        "retention", "sweep", "--apply", "--record", f"source_record:{old.pk}", stdout=StringIO()
    )
    old.refresh_from_db()
    assert old.given_name == ""


def test_looked_after_children_are_kept_until_75(old_and_new):
    from fullpicture.alerts.models import ProtectionFlag

    old, _ = old_and_new
    ProtectionFlag.objects.create(
        flag_type="lac",
        partnership=old.agency.partnership,
        person=old.person,
        start_date=dt.date(2001, 1, 1),
        source="record",
        source_key="x",
    )
    assert retention_due() == []
    due = retention_due(today=dt.date(2065, 1, 2))
    assert [(d.record_id, d.record_kind) for d in due if d.record_id == old.pk] == [
        (old.pk, "looked_after")
    ]


def test_an_unknown_record_is_refused_clearly():
    with pytest.raises(CommandError, match="not due for disposal"):
        call_command("retention", "sweep", "--record", "source_record:999999")
    with pytest.raises(CommandError, match="source_record:ID"):
        call_command("retention", "sweep", "--record", "person:1")
    assert SourceRecord.objects.count() == 0
    assert PersonFactory._meta.model.objects.count() == 0
