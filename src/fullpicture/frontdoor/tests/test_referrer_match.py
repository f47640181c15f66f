"""A contact's answer to the referrer never tells more than the referrer's own search for
that child would show (docs/decisions/0072): a child known only to another partnership
(or to agencies the referrer may not see) answers exactly like a made-up child; the MASH
the contact went to sees the match. Services and page (the API: api/tests)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from fullpicture.audit.services import Actor
from fullpicture.frontdoor import services
from fullpicture.frontdoor.models import ContactPerson, Match, ReferrerMatch
from fullpicture.frontdoor.services import PersonEntry
from fullpicture.frontdoor.tests.factories import contact_input
from fullpicture.linkage import matching
from fullpicture.linkage.services import record_link_now
from fullpicture.partnerships.tests.factories import AgencyFactory, PartnershipFactory
from fullpicture.people.tests.factories import SourceRecordFactory
from fullpicture.vocabulary.models import ConcernCategory

pytestmark = pytest.mark.django_db
MONDAY = "2026-03-02T10:00:00+00:00"
NHS = "9990000018"  # synthetic, from the 999 test range


def _entry(given: str, nhs: str = "") -> PersonEntry:
    return PersonEntry(
        role="child",
        given_name=given,
        family_name="Elsewhere",
        date_of_birth=dt.date(2017, 6, 1),
        nhs_number=nhs,
    )


@pytest.fixture
def elsewhere(world):
    return make_elsewhere()


def make_elsewhere():
    """A child known only to another partnership's social care, by NHS number."""
    away = PartnershipFactory(code="E06000999", name="Awayshire")
    away_csc = AgencyFactory(code="ACSC", type="childrens_social_care", partnership=away)
    record = SourceRecordFactory(
        agency=away_csc,
        source_id="A-1",
        given_name="Kit",
        family_name="Elsewhere",
        nhs_number=NHS,
        date_of_birth=dt.date(2017, 6, 1),
    )
    record_link_now(record=record, actor=Actor.system("test"))
    record.refresh_from_db()
    assert record.person_id is not None
    matching.index_forget()  # the index learns of it on commit; the test never commits
    return record


def _first_match(created) -> str:
    return created.matches[0].match


@time_machine.travel(MONDAY, tick=False)
def test_the_referrer_is_told_the_same_for_a_known_and_a_made_up_child(world, elsewhere):
    known = services.contact_create(
        user=world.teacher, data=contact_input(people=(_entry("Kit", NHS),))
    )
    made_up = services.contact_create(
        user=world.teacher, data=contact_input(people=(_entry("Nobody", "9990000026"),))
    )
    # the engine matched the first to the other partnership's child; the second is new
    engine = ContactPerson.objects.get(contact=known.contact)
    assert engine.match == Match.MATCHED
    assert engine.person_id == elsewhere.person_id
    assert ContactPerson.objects.get(contact=made_up.contact).match == Match.NEW
    # the referrer hears the same about both
    assert _first_match(known) == _first_match(made_up) == ReferrerMatch.RECORDED


@time_machine.travel(MONDAY, tick=False)
def test_the_referrer_is_told_matched_when_their_own_agency_holds_the_child(world):
    services.contact_create(user=world.teacher, data=contact_input(people=(_entry("Kit", NHS),)))
    again = services.contact_create(
        user=world.teacher, data=contact_input(people=(_entry("Kit", NHS),))
    )
    assert _first_match(again) == ReferrerMatch.MATCHED


@time_machine.travel(MONDAY, tick=False)
def test_the_page_tells_the_referrer_recorded_and_the_mash_matched(client, world, elsewhere):
    client.force_login(world.teacher)
    response = client.post(
        reverse("frontdoor:contact_new"),
        {
            "people_count": "1",
            "p0_role": "child",
            "p0_given_name": "Kit",
            "p0_family_name": "Elsewhere",
            "p0_nhs_number": NHS,
            "what_happened": "Kit said there was no food at home.",
            "categories": str(ConcernCategory.objects.get(slug="neglect").pk),
            "consent": "not_sought",
            "paragraph18_reason": "would_prejudice",
            "wants_feedback": "yes",
        },
        follow=True,
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    html = response.content.decode()
    assert str(Match.MATCHED.label).lower() not in html.lower()
    assert str(ReferrerMatch.RECORDED.label).lower() in html.lower()
    assert 'data-match="recorded"' in html
    assert 'data-match="matched"' not in html
    contact = ContactPerson.objects.get(record__given_name="Kit", contact__referrer=world.teacher)
    assert contact.match == Match.MATCHED
    client.force_login(world.mash_worker)
    mash_page = client.get(reverse("frontdoor:contact", args=[contact.contact_id])).content
    assert b'data-match="matched"' in mash_page
