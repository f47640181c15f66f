"""The review and match-quality pages through the test client: reviewers only,
partnership-scoped, the same 404 for everyone else, decisions and conflicts."""

from __future__ import annotations

import datetime as dt

import pytest

from fullpicture.audit.models import LedgerEvent
from fullpicture.linkage.models import NotSamePerson, Outcome, RecordLink
from fullpicture.linkage.tests.factories import RecordLinkFactory
from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.people.models import SourceRecord
from fullpicture.people.tests.factories import PersonFactory, SourceRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    partnership = PartnershipFactory()
    gp = AgencyFactory(code="GP", name="Riverside GP", type="gp", partnership=partnership)
    police = AgencyFactory(
        code="POL", name="Testshire Police", type="police", partnership=partnership
    )
    born = dt.date(2016, 5, 9)
    x = PersonFactory()
    a1 = SourceRecordFactory(
        agency=gp,
        person=x,
        given_name="Amelia",
        family_name="Brown",
        date_of_birth=born,
        source_id="G-1",
    )
    b1 = SourceRecordFactory(
        agency=police,
        person=x,
        given_name="Amelia",
        family_name="Brown",
        date_of_birth=born,
        source_id="P-1",
    )
    RecordLinkFactory(record=a1, by_nhs_number=True)
    RecordLinkFactory(record=b1)
    r = SourceRecordFactory(
        agency=police,
        given_name="Emilia",
        family_name="Brown",
        date_of_birth=born,
        source_id="P-2",
    )
    RecordLinkFactory(record=r, review=True, review_with=a1)
    manager = PractitionerFactory(agency=gp, roles=["mash_manager"])
    elsewhere = PractitionerFactory(
        agency=AgencyFactory(partnership=PartnershipFactory()), roles=["mash_manager"]
    )
    teacher = PractitionerFactory(agency=gp, roles=["agency_practitioner", "mash_practitioner"])
    return {
        "x": x,
        "a1": a1,
        "b1": b1,
        "r": r,
        "manager": manager,
        "elsewhere": elsewhere,
        "teacher": teacher,
    }


URLS = [
    "/linkage/review/",
    "/linkage/review/{r}/",
    "/linkage/persons/{x}/",
    "/linkage/persons/{x}/merge/",
    "/linkage/quality/",
]


@pytest.mark.parametrize("url", URLS)
def test_only_reviewers_get_the_pages_and_others_get_the_same_404(client, world, url):
    url = url.format(r=world["r"].pk, x=world["x"].pk)
    client.force_login(world["teacher"])
    response = client.get(url)
    assert response.status_code == 404
    assert "Emilia" not in response.content.decode()
    client.force_login(world["manager"])
    assert client.get(url).status_code == 200


def test_a_reviewer_in_another_partnership_sees_no_case(client, world):
    client.force_login(world["elsewhere"])
    queue = client.get("/linkage/review/").content.decode()
    assert "P-2" not in queue
    assert "0 cases waiting" in queue
    assert client.get(f"/linkage/review/{world['r'].pk}/").status_code == 404
    assert client.get(f"/linkage/persons/{world['x'].pk}/").status_code == 404


def test_deciding_a_case_and_a_second_decision_gets_a_clear_message(client, world):
    r = world["r"]
    client.force_login(world["manager"])
    page = client.get(f"/linkage/review/{r.pk}/").content.decode()
    assert "Emilia" in page
    assert "Amelia" in page
    assert 'id="waterfall"' in page
    view = LedgerEvent.objects.filter(action="view", object_type="review_case").get()
    assert view.details == {
        "record_ids": [str(r.pk), str(world["a1"].pk)],
        "person_ids": [str(r.person_id), str(world["a1"].person_id)],  # who looked at whom
    }

    missing = client.post(f"/linkage/review/{r.pk}/", {"version": "1"})
    body = missing.content.decode()
    assert "Select whether these records are the same person" in body
    assert "Enter the reason for your decision" in body
    assert "<title>Error:" in body

    done = client.post(
        f"/linkage/review/{r.pk}/",
        {"version": "1", "decision": "not_same", "reason": "different mother"},
        follow=True,
    )
    assert "the records will be kept apart" in done.content.decode()
    assert NotSamePerson.objects.count() == 1
    again = client.post(
        f"/linkage/review/{r.pk}/",
        {"version": "1", "decision": "same", "reason": "I think they are"},
        follow=True,
    )
    assert "already been decided" in again.content.decode()
    assert RecordLink.objects.get(record=r).outcome == Outcome.NEW_PERSON


def test_a_stale_decision_is_refused_with_a_message(client, world):
    r = world["r"]
    link = RecordLink.objects.get(record=r)
    link.version = 2
    link.save()  # someone else touched the case after the page was drawn
    client.force_login(world["manager"])
    response = client.post(
        f"/linkage/review/{r.pk}/",
        {"version": "1", "decision": "same", "reason": "same"},
        follow=True,
    )
    assert "Someone else changed these records" in response.content.decode()
    assert RecordLink.objects.get(record=r).outcome == Outcome.REVIEW


def test_split_undo_and_merge_through_the_person_page(client, world):
    x, b1 = world["x"], world["b1"]
    client.force_login(world["manager"])
    page = client.get(f"/linkage/persons/{x.pk}/")
    token = page.context["person"].token
    response = client.post(
        f"/linkage/persons/{x.pk}/",
        {"action": "split", "records": [str(b1.pk)], "token": token, "reason": "two people"},
    )
    assert response.status_code == 302
    b1.refresh_from_db()
    assert b1.person_id != x.pk
    other = b1.person_id
    # the new person waits for no review: the merge page will not open their records
    refused = client.get(f"/linkage/persons/{x.pk}/merge/", {"other": str(other)})
    assert "P-1" not in refused.content.decode()
    assert "Enter the id of another person in your partnership" in refused.content.decode()
    # a new police record in review beside the split-off record puts them in review
    r2 = SourceRecordFactory(
        agency=b1.agency, given_name="Amelia", family_name="Browne", source_id="P-3"
    )
    RecordLinkFactory(record=r2, review=True, review_with=b1)
    compare = client.get(f"/linkage/persons/{x.pk}/merge/", {"other": str(other)})
    assert "P-1" in compare.content.decode()
    client.post(
        f"/linkage/persons/{x.pk}/merge/",
        {
            "other": str(other),
            "token": compare.context["keep"].token,
            "other_token": compare.context["other"].token,
            "reason": "same after all",
        },
    )
    b1.refresh_from_db()
    assert b1.person_id == x.pk
    link = RecordLink.objects.get(record=b1)
    client.post(
        f"/linkage/persons/{x.pk}/",
        {"action": "unlink", "record": f"{b1.pk}:{link.version}", "reason": "wrong man"},
    )
    b1.refresh_from_db()
    assert b1.person_id != x.pk
    assert SourceRecord.objects.filter(person=x).count() == 1
    actions = set(LedgerEvent.objects.values_list("action", flat=True))
    assert {"split", "merge", "unlink"} <= actions


def test_quality_page_marks_each_agencys_feed(client, world):
    client.force_login(world["manager"])
    body = client.get("/linkage/quality/").content.decode()
    assert "Riverside GP" in body
    assert "Testshire Police" in body
    assert "Not ready" in body  # a police record awaiting review keeps the police feed below 95 %


def test_the_person_page_lists_addresses_across_sources_oldest_first(client, world):
    """Through the policy point: a GP practitioner sees only the GP's own addresses."""
    gp = world["a1"].agency
    x = world["x"]
    SourceRecord.objects.filter(pk=world["a1"].pk).update(
        address="12 Acacia Avenue", postcode="TS1 2AB", recorded_at=dt.date(2024, 3, 1)
    )
    SourceRecordFactory(
        agency=gp,
        person=x,
        source_id="G-0",
        address="3 Old Road",
        postcode="TS9 9ZZ",
        recorded_at=dt.date(2021, 1, 5),
    )
    SourceRecord.objects.filter(pk=world["b1"].pk).update(
        address="Police-only address", recorded_at=dt.date(2022, 6, 1)
    )
    gp_practitioner = PractitionerFactory(agency=gp, roles=["agency_practitioner"])
    client.force_login(gp_practitioner)
    body = client.get(f"/people/{x.pk}/", {"purpose": "direct_care"}).content.decode()
    history = body[body.index('id="address-history"') :]
    history = history[: history.index("</table>")]
    assert history.index("3 Old Road") < history.index("12 Acacia Avenue")
    assert "Police-only address" not in body


def test_no_standing_access_to_persons_not_waiting_for_review(client, world):
    """A reviewer (MASH manager or administrator) opens only the records of persons with a
    record in a pair waiting for their partnership's review: anyone else is the same 404."""
    gp = world["a1"].agency
    y = PersonFactory()
    SourceRecordFactory(agency=gp, person=y, given_name="Yusuf", source_id="G-9")
    admin = PractitionerFactory(agency=gp, roles=["administrator"])
    for reviewer in (world["manager"], admin):
        client.force_login(reviewer)
        assert client.get(f"/linkage/persons/{world['x'].pk}/").status_code == 200
        page = client.get(f"/linkage/persons/{y.pk}/")
        assert page.status_code == 404
        assert "Yusuf" not in page.content.decode()
        merge = client.get(f"/linkage/persons/{world['x'].pk}/merge/", {"other": str(y.pk)})
        assert "Yusuf" not in merge.content.decode()
        assert client.get(f"/linkage/persons/{y.pk}/merge/").status_code == 404
    # nothing was read: the refusals are "denied" events, never a view
    seen = LedgerEvent.objects.filter(object_type="person_records", object_id=str(y.pk))
    assert not seen.exclude(action="denied").exists()
    assert seen.filter(action="denied").exists()
