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


# ---- information items (docs/decisions/0055-retention-of-items.md) ---------------------


@pytest.fixture
def items_about(old_and_new):
    """Police items about the old record's person and the young one, with a decision and
    an earlier version (the free text that must go too)."""
    from fullpicture.sharing.models import ItemDecision, ItemVersion
    from fullpicture.sharing.tests.factories import InformationItemFactory

    old, young = old_and_new
    gone = InformationItemFactory(
        source_agency=old.agency,
        persons=[old.person],
        summary="Ada seen at the old address",
        detail="Private detail about Ada",
        source_id="POL-1",
        recorded_by_name="PC Example",
    )
    gone.subject_records.set([old])
    kept = InformationItemFactory(source_agency=young.agency, persons=[young.person])
    kept.subject_records.set([young])
    ItemVersion.objects.create(
        item=gone,
        version=1,
        category=gone.category,
        summary="Ada, an earlier version",
        occurred_at=gone.occurred_at,
        recorded_at=gone.recorded_at,
        sensitivity=gone.sensitivity,
        consent=gone.consent,
        replaced_at=timezone.now(),
    )
    ItemDecision.objects.create(
        item=gone,
        from_agency=old.agency,
        to_agency=young.agency,
        purpose="safeguarding_enquiry",
        outcome="share",
        reason="Ada is at risk",
        decided_by=_practitioner(old.agency),
        decided_at=timezone.now(),
    )
    return gone, kept


def _practitioner(agency):
    from fullpicture.partnerships.tests.factories import PractitionerFactory

    return PractitionerFactory(agency=agency)


def _item_exists(pk: int) -> bool:
    from fullpicture.sharing.models import InformationItem

    return InformationItem.objects.filter(pk=pk).exists()


def test_an_item_follows_its_subjects_record_and_is_erased_with_the_ledger_verifying(items_about):
    gone, kept = items_about
    due = {(d.record_type, d.record_id): d for d in retention_due()}
    assert due[("information_item", gone.pk)].follows == "child"
    assert ("information_item", kept.pk) not in due
    out = StringIO()
    call_command("retention", "sweep", "--apply", stdout=out)
    assert "information_item 1" in out.getvalue()
    assert not _item_exists(gone.pk)
    assert _item_exists(kept.pk)
    event = LedgerEvent.objects.get(object_type="information_item", object_id=str(gone.pk))
    assert (event.actor_id, event.reason_code, event.purpose) == (
        "system:retention",
        "retention_erase",
        "retention",
    )
    assert event.details["record_kind"] == "child"
    assert "Ada" not in str(event.details)
    sweep = LedgerEvent.objects.get(object_type="retention_sweep")
    assert sweep.details["disposed"][f"information_item:{gone.pk}"] == "erase"
    assert RetentionDisposal.objects.filter(record_type="information_item").count() == 1
    assert ledger_verify().ok
    call_command("audit", "verify", stdout=StringIO())
    assert retention_due() == []


def test_where_the_schedule_says_anonymise_the_item_keeps_only_ids_and_dates(items_about):
    from fullpicture.sharing.models import InformationItem, ItemDecision, ItemVersion

    gone, _ = items_about
    RetentionSchedule.objects.filter(record_kind="information_item").update(disposal="anonymise")
    call_command("retention", "sweep", "--apply", stdout=StringIO())
    item = InformationItem.objects.get(pk=gone.pk)
    assert (item.summary, item.detail, item.source_id, item.recorded_by_name) == ("", "", "", "")
    assert (item.source_agency_id, item.category_id) == (gone.source_agency_id, gone.category_id)
    assert (item.occurred_at, item.recorded_at) == (gone.occurred_at, gone.recorded_at)
    assert not item.persons.exists()
    assert not item.subject_records.exists()
    assert not ItemVersion.objects.filter(item=item).exists()
    assert ItemDecision.objects.get(item=item).reason == ""
    event = LedgerEvent.objects.get(object_type="information_item", object_id=str(gone.pk))
    assert event.reason_code == "retention_anonymise"
    assert ledger_verify().ok


def test_an_item_about_a_person_under_legal_hold_is_skipped_and_refused_by_name(items_about):
    from fullpicture.sharing.models import InformationItem

    gone, _ = items_about
    old = gone.subject_records.get()
    legal_hold_place(actor=SYSTEM, reason="Serious case review", person_id=old.person_id)
    out = StringIO()
    call_command("retention", "sweep", "--apply", stdout=out)
    assert (
        f"Skipped information item {gone.pk}: under legal hold (Serious case review)"
        in out.getvalue()
    )
    before = LedgerEvent.objects.count()
    with pytest.raises(CommandError, match="under legal hold"):
        call_command("retention", "sweep", "--apply", "--record", f"information_item:{gone.pk}")
    assert LedgerEvent.objects.count() == before
    assert InformationItem.objects.get(pk=gone.pk).summary == "Ada seen at the old address"
    LegalHold.objects.update(lifted_at=timezone.now())
    call_command(
        "retention", "sweep", "--apply", "--record", f"information_item:{gone.pk}", stdout=out
    )
    assert not _item_exists(gone.pk)
    old.refresh_from_db()
    assert old.given_name == "Ada"  # only the item was asked for


def test_a_held_item_outlives_its_record_and_goes_once_the_hold_is_lifted(items_about):
    gone, _ = items_about
    legal_hold_place(actor=SYSTEM, reason="Court proceedings", record=("information_item", gone.pk))
    call_command("retention", "sweep", "--apply", stdout=StringIO())
    old = gone.subject_records.get()
    assert old.given_name == ""  # the record went; the held item stayed
    assert _item_exists(gone.pk)
    LegalHold.objects.update(lifted_at=timezone.now())
    due = [d for d in retention_due() if d.record_type == "information_item"]
    assert [(d.record_id, d.follows) for d in due] == [(gone.pk, "child")]
    call_command("retention", "sweep", "--apply", stdout=StringIO())
    assert not _item_exists(gone.pk)
    assert ledger_verify().ok


def test_only_the_retention_actor_may_sweep(items_about):
    from fullpicture.governance.retention import retention_sweep
    from fullpicture.sharing.policy import SystemAccessRefused
    from fullpicture.sharing.services import ItemDisposalOrder, items_dispose

    gone, _ = items_about
    before = LedgerEvent.objects.count()
    with pytest.raises(SystemAccessRefused, match="system:alerts"):
        retention_sweep(actor=Actor.system("alerts"), apply=True)
    with pytest.raises(SystemAccessRefused):
        items_dispose(actor=SYSTEM, orders=[ItemDisposalOrder(gone.pk, "erase")])
    assert _item_exists(gone.pk)
    assert LedgerEvent.objects.count() == before


def test_an_item_a_front_door_contact_refers_to_is_anonymised_not_erased():
    from fullpicture.frontdoor.models import Contact
    from fullpicture.frontdoor.services import contact_create
    from fullpicture.frontdoor.tests.factories import contact_input, make_world
    from fullpicture.sharing.models import InformationItem

    world = make_world()
    contact = Contact.objects.get(
        pk=contact_create(user=world.teacher, data=contact_input()).contact.pk
    )
    assert contact.item_id is not None
    out = StringIO()
    call_command("retention", "sweep", "--apply", "--today", "2070-01-01", stdout=out)
    item = InformationItem.objects.get(pk=contact.item_id)
    assert (item.summary, item.detail) == ("", "")
    assert f"Information item {item.pk} was anonymised, not erased" in out.getvalue()
    event = LedgerEvent.objects.get(
        object_type="information_item", object_id=str(item.pk), purpose="retention"
    )
    assert event.reason_code == "retention_anonymise"
    assert event.details["erase_asked"] is True
    assert ledger_verify().ok
