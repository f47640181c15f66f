"""Sharetown's agreements at work: the MASH sees the Walsh family across the partnership,
minus what was withheld (counted, with reasons), with restricted items shared explicitly."""

import pytest
from django.core.management import call_command

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.selectors import ledger_verify
from fullpicture.audit.triggers import drop_ledger_triggers
from fullpicture.demo.services import sharetown_load
from fullpicture.demo.tests.walsh import walsh_enquiry, walsh_meeting
from fullpicture.partnerships.models import Agency, Practitioner
from fullpicture.people.models import SourceRecord
from fullpicture.sharing.models import InformationRequest, ItemDecision, Outcome
from fullpicture.sharing.selectors import (
    items_visible_to,
    person_chronology,
    person_withheld_summary,
)

pytestmark = pytest.mark.django_db
SE = "safeguarding_enquiry"


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        sharetown_load()
        yield
        drop_ledger_triggers()
        call_command("flush", interactive=False, verbosity=0)


def _walsh(code: str, source_id: str):
    return SourceRecord.objects.get(agency__code=code, source_id=source_id).person


def test_mash_sees_the_walsh_family_from_every_sharetown_agency(loaded):
    mash = Practitioner.objects.get(username="mash.practitioner")
    katie = _walsh("SCSC", "1048823")
    codes = {
        i.source_agency.code
        for i in person_chronology(
            viewer=mash, person=katie, purpose=walsh_enquiry(mash, katie), audit=False
        ).items
    }
    holders = set(
        SourceRecord.objects.filter(person=katie, agency__partnership__code="E06000999")
        .exclude(agency__code="SSCP")
        .values_list("agency__code", flat=True)
    )
    assert holders <= codes


def test_restricted_police_items_are_seen_only_because_they_were_shared(loaded):
    mash = Practitioner.objects.get(username="mash.practitioner")
    katie = _walsh("SCSC", "1048823")
    visible = items_visible_to(viewer=mash, purpose=walsh_enquiry(mash, katie))
    police = visible.filter(source_agency__code="STPOL", sensitivity="restricted")
    shared = set(
        ItemDecision.objects.filter(
            from_agency__code="STPOL",
            outcome=Outcome.SHARE,
            purpose=SE,
            to_agency__code="SCSC",
            item__sensitivity="restricted",
        ).values_list("item_id", flat=True)
    )
    assert set(police.values_list("pk", flat=True)) == shared
    assert len(shared) == 6


def test_withheld_items_are_hidden_but_counted_with_reasons(loaded):
    mash = Practitioner.objects.get(username="mash.practitioner")
    katie = _walsh("SCSC", "1048823")
    summary = {
        w.agency.code: (w.count, w.reasons)
        for w in person_withheld_summary(viewer=mash, person=katie, purpose=SE)
    }
    # a withhold binds every purpose: the police's withholds from the MASH about her for
    # the enquiry and for the strategy discussion alike (decision 0057)
    police_withheld = (
        ItemDecision.objects.filter(
            outcome=Outcome.WITHHOLD,
            to_agency__code="SCSC",
            from_agency__code="STPOL",
            item__persons=katie,
        )
        .values("item_id")
        .distinct()
        .count()
    )
    assert police_withheld >= 1
    assert summary["STPOL"][0] == police_withheld
    assert "Would prejudice an investigation" in summary["STPOL"][1]
    withheld = ItemDecision.objects.filter(outcome=Outcome.WITHHOLD, to_agency__code="SCSC")
    shared_for_enquiry = ItemDecision.objects.filter(
        outcome=Outcome.SHARE, to_agency__code="SCSC", purpose=SE
    ).values_list("item_id", flat=True)
    visible = set(
        items_visible_to(viewer=mash, purpose=walsh_enquiry(mash, katie)).values_list(
            "pk", flat=True
        )
    )
    assert withheld.exists()
    # whatever purpose it was withheld for, only the owner's own share for this one shows it
    assert not (visible & set(withheld.values_list("item_id", flat=True))) - set(shared_for_enquiry)


def test_a_protected_source_is_redacted_outside_housing(loaded):
    mash = Practitioner.objects.get(username="mash.practitioner")
    housing = Practitioner.objects.get(username="housing.officer")
    katie = _walsh("STH", "STH-20418")
    theirs = [
        i
        for i in person_chronology(
            viewer=mash, person=katie, purpose=walsh_enquiry(mash, katie), audit=False
        ).items
        if i.source_id == "HSG-251009"
    ]
    ours = [
        i
        for i in person_chronology(viewer=housing, person=katie, purpose=SE, audit=False).items
        if i.source_id == "HSG-251009"
    ]
    assert theirs[0].source_redacted
    assert theirs[0].source_description == ""
    assert ours[0].source_description == "Anonymous neighbour"


def test_the_request_and_its_answers_are_in_the_ledger_and_it_verifies(loaded):
    request = InformationRequest.objects.get(
        requested_by__username="mash.practitioner", question__startswith="What do you hold"
    )
    answered = {r.agency.code: r.answered_at is not None for r in request.recipients.all()}
    assert answered == {"SDAS": True, "SMHT": True, "STPOL": False}
    actions = set(LedgerEvent.objects.values_list("action", flat=True))
    assert {"share", "withhold", "request", "answer", "create"} <= actions
    assert ledger_verify().ok


def test_police_information_for_meetings_is_about_adults_only(loaded):
    housing = Practitioner.objects.get(username="housing.officer")
    police = Agency.objects.get(code="STPOL")
    explicit = ItemDecision.objects.filter(
        to_agency__code="STH", purpose="multi_agency_meeting", outcome=Outcome.SHARE
    ).values("item_id")
    # no meeting named: nothing of the police's (decision 0056)
    bare = items_visible_to(viewer=housing, purpose="multi_agency_meeting")
    assert not bare.filter(source_agency=police).exists()
    in_meeting = items_visible_to(viewer=housing, purpose=walsh_meeting())
    # what the police tabled at the Walsh meeting is seen there
    tabled = set(explicit.values_list("item_id", flat=True))
    assert tabled
    assert tabled <= set(in_meeting.values_list("pk", flat=True))
    items = in_meeting.filter(source_agency=police).exclude(
        pk__in=explicit  # an explicit share is a decision, not bound by the limits
    )
    assert not items.filter(subject_min_age__lt=18).exists()
    assert not items.filter(recency_rank__gt=3).exists()
