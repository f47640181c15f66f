"""Real-time matching in process: agrees with batch, and keeps its index current."""

from __future__ import annotations

import datetime as dt

import pytest

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.services import Actor
from fullpicture.linkage import matching
from fullpicture.linkage.engine import Outcome as EngineOutcome
from fullpicture.linkage.models import Method, NotSamePerson, Outcome, RecordLink
from fullpicture.linkage.selectors import link_state_version
from fullpicture.linkage.services import (
    link_pending,
    link_state_bump,
    record_link_now,
    record_match,
    record_unlink,
    records_import_file,
    records_link,
)
from fullpicture.linkage.tests.conftest import import_population
from fullpicture.linkage.tests.factories import RecordLinkFactory
from fullpicture.people.models import SourceRecord
from fullpicture.people.tests.factories import SourceRecordFactory

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


def test_real_time_agrees_with_batch_on_a_small_population(population):
    agencies = import_population(population)
    gp = agencies.pop("gp")
    # everyone but the GP's records, linked in batch
    SourceRecord.objects.filter(agency=gp).delete()
    link_pending(actor=ACTOR)
    records_import_file(agency=gp, path=population / "gp.csv", actor=ACTOR)
    arriving = list(SourceRecord.objects.filter(agency=gp, link__isnull=True).order_by("id"))
    assert len(arriving) > 50
    now = {r.pk: record_match(record=r) for r in arriving}  # no writes
    assert not RecordLink.objects.filter(record__agency=gp).exists()
    link_pending(actor=ACTOR)
    same_outcome = same_person = linked = 0
    for record in arriving:
        record.refresh_from_db()
        result, link = now[record.pk], RecordLink.objects.get(record=record)
        same_outcome += result.outcome.value == link.outcome
        if result.outcome is EngineOutcome.LINKED and link.outcome == Outcome.LINKED:
            linked += 1
            same_person += result.cluster == f"p:{record.person_id}"
    assert linked > 20
    assert same_person == linked
    assert same_outcome / len(arriving) >= 0.95


def test_a_small_import_is_linked_at_once_and_the_index_follows(
    population, django_capture_on_commit_callbacks
):
    agencies = import_population(population, agencies=("gp", "school"))
    link_pending(actor=ACTOR)
    gp_record = SourceRecord.objects.filter(agency=agencies["gp"]).exclude(nhs_number="").first()
    assert gp_record is not None
    twin = SourceRecordFactory(
        agency=agencies["school"],
        person=None,
        given_name=gp_record.given_name,
        family_name=gp_record.family_name,
        date_of_birth=gp_record.date_of_birth,
        nhs_number=gp_record.nhs_number,
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = record_link_now(record=twin, actor=ACTOR)
    twin.refresh_from_db()
    assert result.outcome is EngineOutcome.LINKED
    assert result.method == Method.NHS_NUMBER
    assert twin.person_id == SourceRecord.objects.get(pk=gp_record.pk).person_id
    assert LedgerEvent.objects.filter(action="link", object_id=str(twin.pk)).count() == 1
    index = matching._index
    assert index is not None
    assert index.version == link_state_version()
    assert str(twin.pk) in index.matcher.key_index  # added, not rebuilt
    with pytest.raises(ValueError, match="already linked"):
        record_link_now(record=twin, actor=ACTOR)

    # a change by another worker makes this process rebuild before its next match
    link_state_bump()
    newcomer = SourceRecordFactory(agency=agencies["school"], person=None, given_name="Zanzibar")
    assert record_match(record=newcomer).outcome is EngineOutcome.NEW_PERSON
    assert matching._index is not index


def test_records_link_uses_real_time_for_a_few_records():
    first = SourceRecordFactory(
        person=None,
        given_name="Ada",
        family_name="Nettle",
        date_of_birth=dt.date(2019, 4, 2),
        postcode="TS1 1AA",
        address="1 High Street",
    )
    second = SourceRecordFactory(
        person=None,
        given_name="Ada",
        family_name="Nettle",
        date_of_birth=dt.date(2019, 4, 2),
        postcode="TS1 1AA",
        address="1 High Street",
    )
    summary = records_link(actor=ACTOR)
    assert (summary.linked, summary.new_person) == (1, 1)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.person_id == second.person_id
    assert RecordLink.objects.get(record_id=second.pk).method == Method.SPLINK


def test_a_reviewers_not_the_same_person_turns_a_real_time_link_into_review():
    ada = SourceRecordFactory(
        given_name="Ada", family_name="Nettle", date_of_birth=dt.date(2019, 4, 2)
    )
    RecordLinkFactory(record_id=ada.pk)
    again = SourceRecordFactory(
        person=None, given_name="Ada", family_name="Nettle", date_of_birth=dt.date(2019, 4, 2)
    )
    assert record_match(record=again).outcome is EngineOutcome.LINKED
    NotSamePerson.objects.create(record_a_id=ada.pk, record_b_id=again.pk, decided_by="user:1")
    result = record_match(record=again)
    assert result.outcome is EngineOutcome.REVIEW
    assert result.review_with == str(ada.pk)


def test_an_index_catches_up_with_new_links_and_rebuilds_after_a_move(population):
    agencies = import_population(population, agencies=("gp", "school", "police"))
    police = agencies.pop("police")
    SourceRecord.objects.filter(agency=police).delete()
    link_pending(actor=ACTOR)
    probe = SourceRecordFactory(agency=police, person=None, given_name="Zanzibar")
    record_match(record=probe)
    index = matching._index
    assert index is not None
    built_with = len(index.matcher)

    # another worker links a police extract in batch: this process only adds those records
    records_import_file(agency=police, path=population / "police.csv", actor=ACTOR)
    probe.delete()
    link_pending(actor=ACTOR)
    newcomer = SourceRecordFactory(agency=police, person=None, given_name="Quentin")
    record_match(record=newcomer)
    assert matching._index is index
    assert index.version == link_state_version()
    assert len(index.matcher) == built_with + SourceRecord.objects.filter(agency=police).count() - 1

    # a reviewer moves a record: the index is rebuilt
    moved = SourceRecord.objects.filter(link__outcome=Outcome.LINKED).first()
    assert moved is not None
    record_unlink(
        record_id=moved.pk,
        version=RecordLink.objects.get(record_id=moved.pk).version,
        reason="test",
        actor=Actor(id="user:1", roles=frozenset({"administrator"})),
    )
    record_match(record=newcomer)
    assert matching._index is not index
