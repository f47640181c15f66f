"""Regression: once a meeting agenda and a learning review refer to a household, linking,
importing and a MASH manager's decision on a possible match used to fail with
``ProtectedError`` (households were deleted and rebuilt). Households are now updated:
the same ids, and the agenda and the review still reach the family."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fullpicture.audit.services import Actor
from fullpicture.governance.models import LearningReview
from fullpicture.linkage.services import records_import, records_link, review_decide
from fullpicture.linkage.tests.factories import RecordLinkFactory
from fullpicture.meetings.models import AgendaEntry
from fullpicture.meetings.tests.factories import MeetingFactory
from fullpicture.partnerships.tests.factories import AgencyFactory, PartnershipFactory
from fullpicture.people.households import households_update
from fullpicture.people.models import Household, HouseholdStatus
from fullpicture.people.tests.factories import PersonFactory, SourceRecordFactory

pytestmark = pytest.mark.django_db
MANAGER = Actor(id="user:1", agency="GP", roles=frozenset({"mash_manager"}))
BORN = dt.date(2016, 5, 9)


@pytest.fixture
def family():
    partnership = PartnershipFactory()
    gp = AgencyFactory(code="GP", type="gp", partnership=partnership)
    police = AgencyFactory(code="POL", type="police", partnership=partnership)
    mother, child = PersonFactory(), PersonFactory()
    home = {"address": "8 Wharf Road, Testtown", "postcode": "TS1 8WR"}
    a1 = SourceRecordFactory(
        agency=gp,
        person=child,
        given_name="Amelia",
        family_name="Brown",
        date_of_birth=BORN,
        recorded_at=dt.date(2020, 1, 1),
        **home,
    )
    RecordLinkFactory(record=a1, by_nhs_number=True)
    SourceRecordFactory(
        agency=gp,
        person=mother,
        given_name="Jo",
        family_name="Brown",
        date_of_birth=dt.date(1990, 2, 2),
        recorded_at=dt.date(2020, 1, 1),
        **home,
    )
    households_update()
    household = Household.objects.get(status=HouseholdStatus.ACTIVE)
    meeting = MeetingFactory(partnership=partnership)
    agenda = AgendaEntry.objects.create(meeting=meeting, household=household)
    review = LearningReview.objects.create(
        household=household,
        period_from=dt.date(2020, 1, 1),
        period_to=dt.date(2025, 1, 1),
        terms_of_reference="Rapid review",
        requested_by_actor="system:test",
        requested_at=timezone.now(),
    )
    # A police record in review beside the child.
    r = SourceRecordFactory(
        agency=police, given_name="Emilia", family_name="Brown", date_of_birth=BORN, **home
    )
    RecordLinkFactory(record=r, review=True, review_with=a1)
    return {
        "household": household,
        "agenda": agenda,
        "review": review,
        "r": r,
        "mother": mother,
        "child": child,
        "gp": gp,
        "home": home,
    }


def test_a_managers_decision_on_a_possible_match_keeps_the_household(family):
    review_decide(
        record_id=family["r"].pk, version=1, same_person=True, reason="same child", actor=MANAGER
    )
    household = Household.objects.get(status=HouseholdStatus.ACTIVE)
    assert household.pk == family["household"].pk
    assert family["agenda"].person_ids() == sorted([family["mother"].pk, family["child"].pk])


def test_importing_and_linking_new_records_keeps_the_households_id(family):
    rows = [
        (
            n + 2,
            {
                "source_id": f"N{n}",
                "given_name": given,
                "family_name": "Brown",
                "other_names": "",
                "date_of_birth": dob,
                "sex": "",
                "nhs_number": "",
                "upn": "",
                "pnc_id": "",
                "recorded_at": "2021-03-01",
                **family["home"],
            },
        )
        for n, (given, dob) in enumerate([("Leo", "2021-02-20"), ("Max", "1988-08-08")])
    ]
    records_import(agency=family["gp"], rows=rows, file="gp.csv", actor=MANAGER)
    records_link(actor=MANAGER)
    household = Household.objects.get(status=HouseholdStatus.ACTIVE)
    assert household.pk == family["household"].pk
    # mother, child, the police record's person (under review) and the two newcomers
    assert household.members.count() == 5
    review = LearningReview.objects.get(pk=family["review"].pk)
    assert review.household_id == household.pk
    assert len(family["agenda"].person_ids()) == 5
