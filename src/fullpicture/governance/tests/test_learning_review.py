"""Learning reviews: approval first, one lane per agency, everything about the scope only."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.selectors import ledger_verify
from fullpicture.governance.learning import (
    LearningReviewRefused,
    learning_review_close,
    learning_review_decide,
    learning_review_request,
    learning_review_timeline,
)
from fullpicture.governance.models import LearningReview
from fullpicture.meetings.services import (
    ContributionPlan,
    MeetingPlan,
    contribution_prepare,
    meeting_create,
)
from fullpicture.meetings.tests.factories import build_world
from fullpicture.partnerships.tests.factories import AgencyFactory, PractitionerFactory
from fullpicture.sharing.models import ReviewGrant
from fullpicture.sharing.selectors import access_person_by_id, person_chronology
from fullpicture.sharing.tests.factories import AgreementFactory, InformationItemFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
FROM, TO = TODAY - dt.timedelta(days=3 * 365), TODAY


@pytest.fixture
def review_world():
    world = build_world("L")
    board = AgencyFactory(code="LSCP", name="L Partnership", partnership=world.mash.partnership)
    lead = PractitionerFactory(username="l.ig", agency=board, roles=["ig_lead"])
    world.asker = PractitionerFactory(username="l.ig.asker", agency=board, roles=["ig_lead"])
    AgreementFactory(
        parties=[board, world.mash, world.police, world.school], purposes=["learning_review"]
    )
    meeting = meeting_create(
        user=world.chair,
        plan=MeetingPlan(
            kind="strategy_discussion",
            title="Strategy discussion",
            starts_at=timezone.now(),
            chair_id=world.chair.pk,
            agency_ids=(world.police.pk, world.school.pk),
            person_ids=(world.child.pk,),
        ),
    )
    contribution_prepare(
        user=world.officer,
        meeting_id=meeting.pk,
        plan=ContributionPlan(
            share_item_ids=(world.police_items[0].pk,),
            withhold=((world.police_items[1].pk, "prejudice_investigation"),),
            share_reason="Relevant",
            withhold_reason="Live investigation",
        ),
    )
    # a restricted police item about the child: no agreement carries it, the review sees it
    world.police_items.append(
        InformationItemFactory(
            source_agency=world.police,
            persons=[world.child],
            summary="Restricted intelligence",
            occurred_at=dt.datetime(2026, 4, 1, 10, tzinfo=dt.UTC),
            restricted=True,
        )
    )
    # someone looks at the child, and at the other child
    access_person_by_id(viewer=world.chair, person_id=world.child.pk, purpose="strategy_discussion")
    person_chronology(viewer=world.chair, person=world.child, purpose="strategy_discussion")
    access_person_by_id(viewer=world.officer, person_id=world.other_child.pk, purpose="direct_care")
    return world, lead, meeting


def _approved(world, lead):
    review = learning_review_request(
        requested_by=world.asker,
        person_id=world.child.pk,
        period_from=FROM,
        period_to=TO,
        terms_of_reference="Rapid review",
    )
    return learning_review_decide(approver=lead, review_id=review.pk, approve=True)


def test_without_approval_nothing_is_read(review_world):
    world, _lead, _ = review_world
    review = learning_review_request(
        requested_by=world.asker,
        person_id=world.child.pk,
        period_from=FROM,
        period_to=TO,
        terms_of_reference="Rapid review",
    )
    before = LedgerEvent.objects.count()
    with pytest.raises(LearningReviewRefused, match="has not been approved"):
        learning_review_timeline(review_id=review.pk)
    assert LedgerEvent.objects.count() == before
    with pytest.raises(LearningReviewRefused, match="Only an information-governance lead"):
        learning_review_decide(approver=world.chair, review_id=review.pk, approve=True)


def test_the_timeline_holds_every_ledger_event_about_the_child_and_nothing_else(review_world):
    world, lead, meeting = review_world
    review = _approved(world, lead)
    timeline = learning_review_timeline(review_id=review.pk)
    child = str(world.child.pk)
    item_ids = {str(i.pk) for i in [*world.police_items, *world.school_items]}
    expected = {
        e.seq
        for e in LedgerEvent.objects.all()
        if (e.object_type in ("person", "person_chronology") and e.object_id == child)
        or (e.object_type == "information_item" and e.object_id in item_ids)
        or (e.object_type.startswith("meeting") and e.object_id == str(meeting.pk))
        or (e.action == "search" and child in e.details.get("person_ids", []))
    }
    got = {e["ledger_seq"] for e in timeline.events if e["ledger_seq"]}
    assert expected <= got
    other = str(world.other_child.pk)
    for e in timeline.events:
        assert e["agency"], e
        assert all(p == world.child.pk for p in e["person_ids"]), e
        assert e.get("item_id") != world.secret_item.pk
    leaked = LedgerEvent.objects.filter(object_type="person", object_id=other).values_list(
        "seq", flat=True
    )
    assert not set(leaked) & got
    # every item about the child is there, restricted included, read through the grant
    recorded = {e["item_id"] for e in timeline.events if e["kind"] == "recorded"}
    assert recorded == {i.pk for i in [*world.police_items, *world.school_items]}
    reads = LedgerEvent.objects.filter(
        object_type="person_chronology", actor_id="system:learning-review"
    )
    assert [(e.object_id, e.details["review_grant"]) for e in reads] == [
        (child, str(review.grant_id))
    ]
    kinds = {e["kind"] for e in timeline.events}
    assert {"recorded", "shared", "withheld", "viewed", "meeting"} <= kinds
    withheld = next(e for e in timeline.events if e["kind"] == "withheld")
    assert withheld["agency"] == "LPOL"
    assert "Would prejudice an investigation" in withheld["what"]
    lanes = set(timeline.agencies)
    assert {"LPOL", "LSCH", "LMASH"} <= lanes


def test_approval_creates_a_grant_and_closing_the_review_ends_it(review_world):
    world, lead, _ = review_world
    review = _approved(world, lead)
    grant = ReviewGrant.objects.get(pk=review.grant_id)
    assert list(grant.persons.values_list("pk", flat=True)) == [world.child.pk]
    assert (grant.period_from, grant.period_to) == (FROM, TO)
    assert grant.approved_by == lead
    assert grant.granted_to == "system:learning-review"
    assert grant.review_ref == f"learning_review:{review.pk}"
    with pytest.raises(LearningReviewRefused, match="Only an information-governance lead"):
        learning_review_close(closer=world.chair, review_id=review.pk)
    learning_review_close(closer=lead, review_id=review.pk)
    grant.refresh_from_db()
    assert grant.ended_at is not None
    before = LedgerEvent.objects.count()
    with pytest.raises(LearningReviewRefused, match="closed"):
        learning_review_timeline(review_id=review.pk)
    assert LedgerEvent.objects.count() == before
    ended = LedgerEvent.objects.get(object_type="review_grant", action="update")
    assert ended.reason_code == "end_closed"


def test_a_review_whose_approver_is_no_longer_an_ig_lead_reads_nothing(review_world):
    world, lead, _ = review_world
    review = _approved(world, lead)
    lead.is_active = False
    lead.save()
    # (switching the lead off and on again are events themselves: not reads)
    reads = LedgerEvent.objects.exclude(object_type="practitioner")
    before = reads.count()
    with pytest.raises(LearningReviewRefused, match="has not been approved"):
        learning_review_timeline(review_id=review.pk)
    ReviewGrant.objects.filter(pk=review.grant_id).update(expires_at=timezone.now())
    lead.is_active = True
    lead.save()
    with pytest.raises(LearningReviewRefused, match="not active"):
        learning_review_timeline(review_id=review.pk)
    assert reads.count() == before


def test_the_command_refuses_without_approval_and_writes_json_and_pdf_with_it(
    review_world, tmp_path: Path
):
    world, lead, _ = review_world
    args = ["--person", str(world.child.pk), "--from", FROM.isoformat(), "--to", TO.isoformat()]
    with pytest.raises(CommandError, match="No approved learning review"):
        call_command("learning-review", *args, "--out", str(tmp_path))
    with pytest.raises(CommandError, match="Only an information-governance lead"):
        call_command(
            "learning-review",
            *args,
            "--out",
            str(tmp_path),
            "--requested-by",
            world.asker.username,
            "--approved-by",
            world.chair.username,
        )
    assert list(tmp_path.iterdir()) == []
    assert not LearningReview.objects.exists()

    call_command(
        "learning-review",
        *args,
        "--out",
        str(tmp_path),
        "--requested-by",
        world.asker.username,
        "--approved-by",
        lead.username,
        "--key-date",
        TODAY.isoformat(),
    )
    (json_file,) = tmp_path.glob("*.json")
    (pdf_file,) = tmp_path.glob("*.pdf")
    assert pdf_file.read_bytes().startswith(b"%PDF")
    body = json.loads(json_file.read_text())
    assert body["events"]
    assert all(e["agency"] and e["agency_name"] for e in body["events"])
    assert body["summary"]["agencies_holding_pieces_before_key_date"] == ["LPOL", "LSCH"]
    export = LedgerEvent.objects.get(object_type="learning_review", action="export")
    assert export.actor_id == "system:learning-review"
    assert export.purpose == "learning_review"
    # now approved: the command runs again without --approved-by
    call_command("learning-review", *args, "--out", str(tmp_path / "again"))
    assert ledger_verify().ok


def test_the_ig_lead_requests_approves_and_downloads_a_review_on_the_page(review_world):
    from django.test import Client

    world, lead, _ = review_world
    client = Client()
    client.force_login(world.chair)
    assert client.get("/governance/learning-reviews/").status_code == 404
    client.force_login(lead)
    page = client.post(
        "/governance/learning-reviews/",
        {
            "scope_kind": "person",
            "scope_id": str(world.child.pk),
            "from": FROM.isoformat(),
            "to": TO.isoformat(),
            "terms": "",
        },
    )
    assert page.status_code == 400
    assert "Give the review&#x27;s terms of reference." in page.content.decode()
    client.post(
        "/governance/learning-reviews/",
        {
            "scope_kind": "person",
            "scope_id": str(world.child.pk),
            "from": FROM.isoformat(),
            "to": TO.isoformat(),
            "terms": "Rapid review",
        },
    )
    review = LearningReview.objects.get()
    download = f"/governance/learning-reviews/{review.pk}/download/"
    assert client.post(download, {"format": "pdf"}).status_code == 404  # not yet approved
    # whoever asks never approves: a second IG lead of the partnership does
    mine = client.post(f"/governance/learning-reviews/{review.pk}/decide/", {"decision": "approve"})
    assert mine.status_code == 400
    assert "You asked for this learning review, so you cannot approve it" in mine.content.decode()
    review.refresh_from_db()
    assert review.status == "requested"
    assert review.grant is None
    assert LedgerEvent.objects.filter(action="denied", reason_code="four_eyes").count() == 1
    client.force_login(world.asker)
    client.post(f"/governance/learning-reviews/{review.pk}/decide/", {"decision": "approve"})
    pdf = client.post(download, {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    body = json.loads(client.post(download, {"format": "json"}).content)
    assert body["summary"]["review_id"] == review.pk
    assert "Close review" in client.get("/governance/learning-reviews/").content.decode()
    client.post(f"/governance/learning-reviews/{review.pk}/close/")
    review.refresh_from_db()
    assert review.status == "closed"
    assert review.grant is not None
    assert review.grant.ended_at is not None
    assert client.post(download, {"format": "pdf"}).status_code == 404


def _ask(client, person_id, **form):
    data = {
        "scope_kind": "person",
        "scope_id": str(person_id),
        "from": FROM.isoformat(),
        "to": TO.isoformat(),
        "terms": "Rapid review",
        **form,
    }
    return client.post("/governance/learning-reviews/", data)


def test_a_person_another_partnership_knows_answers_like_a_missing_one(review_world, client):
    from fullpicture.partnerships.tests.factories import PartnershipFactory
    from fullpicture.people.tests.factories import PersonFactory, SourceRecordFactory

    _world, lead, _ = review_world
    elsewhere = AgencyFactory(code="FARPOL", partnership=PartnershipFactory(code="E09000999"))
    stranger = PersonFactory()
    SourceRecordFactory(agency=elsewhere, person=stranger)
    client.force_login(lead)
    hidden_response, missing_response = _ask(client, stranger.pk), _ask(client, 987654)
    assert hidden_response.status_code == missing_response.status_code == 400
    hidden = hidden_response.content.decode()
    missing = missing_response.content.decode()
    assert f"No person {stranger.pk} is known to your partnership&#x27;s agencies." in hidden
    assert "No person 987654 is known to your partnership&#x27;s agencies." in missing
    assert "There is no person" not in hidden + missing
    summary = re.compile(r'<div class="govuk-error-summary.*?</div>\s*</div>', re.S)
    hidden_summary, missing_summary = summary.search(hidden), summary.search(missing)
    assert hidden_summary is not None
    assert missing_summary is not None
    assert hidden_summary.group(0).replace(str(stranger.pk), "N") == missing_summary.group(
        0
    ).replace("987654", "N")
    assert not LearningReview.objects.exists()
    assert (
        LedgerEvent.objects.filter(action="denied", reason_code="learning_review_scope").count()
        == 2
    )


def test_a_review_period_is_bounded_and_never_in_the_future(review_world, client, settings):
    world, lead, _ = review_world
    client.force_login(lead)
    future = _ask(client, world.child.pk, to=(TODAY + dt.timedelta(days=1)).isoformat())
    assert future.status_code == 400
    assert "The period must end today or earlier" in future.content.decode()
    settings.FULLPICTURE_LEARNING_REVIEW_MAX_DAYS = 30
    long = _ask(client, world.child.pk, **{"from": (TODAY - dt.timedelta(days=30)).isoformat()})
    assert long.status_code == 400
    assert "A learning review covers at most 30 days" in long.content.decode()
    assert _ask(client, world.child.pk, **{"from": (TODAY - dt.timedelta(days=29)).isoformat()})
    assert LearningReview.objects.count() == 1
    assert (
        LedgerEvent.objects.filter(action="denied", reason_code="learning_review_period").count()
        == 2
    )


def test_only_a_second_ig_lead_of_the_same_partnership_approves(review_world, client):
    from fullpicture.partnerships.tests.factories import PartnershipFactory

    world, lead, _ = review_world
    other = PractitionerFactory(
        agency=AgencyFactory(partnership=PartnershipFactory(code="E09000998")), roles=["ig_lead"]
    )
    review = learning_review_request(
        requested_by=lead,
        person_id=world.child.pk,
        period_from=FROM,
        period_to=TO,
        terms_of_reference="Rapid review",
    )
    client.force_login(other)
    refused = client.post(
        f"/governance/learning-reviews/{review.pk}/decide/", {"decision": "approve"}
    )
    assert refused.status_code == 400
    assert f"There is no learning review {review.pk}." in refused.content.decode()
    assert f"Review {review.pk}" not in refused.content.decode()  # not listed to them either
    download = client.post(
        f"/governance/learning-reviews/{review.pk}/download/", {"format": "json"}
    )
    assert download.status_code == 404
    with pytest.raises(LearningReviewRefused, match="You asked for this learning review"):
        learning_review_decide(approver=lead, review_id=review.pk, approve=True)
    review.refresh_from_db()
    assert review.status == "requested"
    assert not ReviewGrant.objects.exists()


def test_each_agency_whose_items_a_review_reads_is_told_with_the_period(review_world, client):
    world, lead, _ = review_world
    police_ig = PractitionerFactory(agency=world.police, roles=["ig_lead"])
    review = _approved(world, lead)
    review.refresh_from_db()
    told = set(review.agencies_told)
    assert world.police.pk in told
    assert world.school.pk in told
    from fullpicture.sharing.models import Notification

    notice = Notification.objects.get(recipient=police_ig, kind="learning_review")
    assert f"from {FROM:%d %b %Y} to {TO:%d %b %Y}" in notice.message
    assert "approved by" in notice.message
    # the school has no IG lead of its own: the partnership's IG leads are told for it
    assert Notification.objects.filter(recipient=lead, kind="learning_review").exists()
    client.force_login(lead)
    page = client.get("/governance/learning-reviews/").content.decode()
    assert "Agencies told it reads their items:" in page
    assert world.police.name in page


def test_the_command_refuses_one_person_asking_and_approving(review_world, tmp_path: Path):
    world, lead, _ = review_world
    args = ["--person", str(world.child.pk), "--from", FROM.isoformat(), "--to", TO.isoformat()]
    with pytest.raises(CommandError, match="needs --requested-by"):
        call_command("learning-review", *args, "--out", str(tmp_path), "--approved-by", "l.ig")
    with pytest.raises(CommandError, match="You asked for this learning review"):
        call_command(
            "learning-review",
            *args,
            "--out",
            str(tmp_path),
            "--requested-by",
            lead.username,
            "--approved-by",
            lead.username,
        )
    assert not LearningReview.objects.exists()
    assert list(tmp_path.iterdir()) == []
    assert LedgerEvent.objects.filter(action="denied", reason_code="four_eyes").exists()
