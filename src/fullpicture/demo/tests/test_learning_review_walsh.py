"""The demo's learning review of the Walsh family: every item and every ledger event about
the family (restricted items too, read through the review's grant), nothing about anyone
else, and the pieces held by at least 7 agencies before Lily-Mae died."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.selectors import ledger_verify
from fullpicture.audit.triggers import drop_ledger_triggers
from fullpicture.demo.services import sharetown_load
from fullpicture.frontdoor.models import ContactPerson
from fullpicture.governance.learning import learning_review_timeline
from fullpicture.governance.models import LearningReview
from fullpicture.meetings.models import Meeting
from fullpicture.people.models import SourceRecord
from fullpicture.sharing.models import InformationItem, Sensitivity

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def walsh(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        sharetown_load()
        review = LearningReview.objects.get(status="approved")
        assert review.household is not None
        members = set(review.household.members.values_list("pk", flat=True))
        timeline = learning_review_timeline(review_id=review.pk)
        yield review, members, timeline
        drop_ledger_triggers()
        call_command("flush", interactive=False, verbosity=0)


def _about_family(members: set[int], review_id: int) -> set[int]:
    """Every ledger event about the family, found here independently of the review code
    (restricted items included: the review reads through its grant, which sees them)."""
    m = {str(p) for p in members}
    items = {
        str(pk)
        for pk in InformationItem.objects.filter(persons__in=members).values_list("pk", flat=True)
    }
    records = {
        str(pk)
        for pk in SourceRecord.objects.filter(person__in=members).values_list("pk", flat=True)
    }
    meetings = {
        str(pk)
        for pk in Meeting.objects.filter(agenda__household__members__in=members).values_list(
            "pk", flat=True
        )
    }
    contacts = {
        str(c)
        for c in ContactPerson.objects.filter(person__in=members).values_list(
            "contact_id", flat=True
        )
    }
    found = set()
    requests = set()
    for e in LedgerEvent.objects.order_by("seq"):
        d = e.details or {}
        if e.action == "request" and str(d.get("person_id", "")) in m:
            requests.add(e.object_id)
        if (
            (e.object_type in ("person", "person_chronology") and e.object_id in m)
            or (e.action == "search" and m & {str(p) for p in d.get("person_ids", [])})
            or (e.object_type == "information_item" and e.object_id in items)
            or (e.object_type == "source_record" and e.object_id in records)
            or (e.object_type.startswith("meeting") and e.object_id in meetings)
            or (e.object_type == "contact" and e.object_id in contacts)
            or (e.object_type == "information_request" and e.object_id in requests)
            or (e.object_type == "break_glass_grant" and str(d.get("person_id", "")) in m)
        ):
            found.add(e.seq)
    return found


def test_every_ledger_event_about_the_family_is_in_the_review(walsh):
    review, members, timeline = walsh
    got = {e["ledger_seq"] for e in timeline.events if e["ledger_seq"]}
    expected = {s for s in _about_family(members, review.pk) if s <= max(got)}
    assert expected - got == set()


def test_every_item_about_the_family_in_the_period_is_in_the_review(walsh):
    review, members, timeline = walsh
    start = timezone.make_aware(dt.datetime.combine(review.period_from, dt.time.min))
    end = timezone.make_aware(
        dt.datetime.combine(review.period_to + dt.timedelta(days=1), dt.time.min)
    )
    in_period = (Q(occurred_at__gte=start) & Q(occurred_at__lt=end)) | (
        Q(recorded_at__gte=start) & Q(recorded_at__lt=end)
    )
    expected = set(
        InformationItem.objects.filter(persons__in=members)
        .filter(in_period)
        .values_list("pk", flat=True)
    )
    got = {e["item_id"] for e in timeline.events if e["kind"] == "recorded"}
    assert got == expected
    restricted = InformationItem.objects.filter(pk__in=expected, sensitivity=Sensitivity.RESTRICTED)
    assert restricted.exists()  # the demo holds restricted items about the family: all here
    assert review.grant is not None
    assert review.grant.granted_to == "system:learning-review"


def test_nothing_in_the_review_is_about_anyone_else(walsh):
    _, members, timeline = walsh
    for e in timeline.events:
        assert e["agency"]
        assert set(e["person_ids"]) <= members, e
        if e["kind"] == "recorded":
            assert e["person_ids"], e  # every item is about a family member
    outsiders = {
        e.seq
        for e in LedgerEvent.objects.filter(object_type="person")
        .exclude(object_id__in=[str(p) for p in members])
        .exclude(object_id="")
    }
    assert not outsiders & {e["ledger_seq"] for e in timeline.events}


def test_the_pieces_existed_across_at_least_seven_agencies_before_the_death(walsh):
    review, _, timeline = walsh
    assert review.key_date == dt.date(2026, 8, 14)
    summary = timeline.summary()
    assert len(summary["agencies_holding_pieces_before_key_date"]) >= 7
    assert {"STPOL", "SCHS", "RMP", "LAN", "BPS", "STH", "PROB"} <= set(
        summary["agencies_holding_pieces_before_key_date"]
    )
    assert ledger_verify().ok
