"""The managers' page: who looked at whom, read from the ledger; filters, paging, access."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.services import ledger_record
from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.people.tests.factories import SourceRecordFactory
from fullpicture.sharing.tests.factories import InformationItemFactory

pytestmark = pytest.mark.django_db
URL = "/governance/audit/who-looked/"


@pytest.fixture
def world():
    home = PartnershipFactory(code="E06000301")
    away = PartnershipFactory(code="E06000302")
    school = AgencyFactory(code="SCH3", name="Lookwell School", partnership=home)
    csc = AgencyFactory(code="CSC3", name="Lookwell CSC", partnership=home, social_care=True)
    far = AgencyFactory(code="FAR3", name="Faraway School", partnership=away)
    child = SourceRecordFactory(agency=school, given_name="Nell", family_name="Lookup").person
    other = SourceRecordFactory(agency=school, given_name="Otto", family_name="Lookup").person
    InformationItemFactory(source_agency=school, persons=[child], summary="Absent again")
    teacher = PractitionerFactory(
        username="t.looker", first_name="Tess", last_name="Looker", agency=school
    )
    manager = PractitionerFactory(username="m.manager", agency=csc, roles=["mash_manager"])
    far_teacher = PractitionerFactory(username="far.teacher", agency=far)
    return {
        "child": child,
        "other": other,
        "teacher": teacher,
        "manager": manager,
        "far_teacher": far_teacher,
        "school": school,
    }


def _look(world):
    """The teacher searches (sees both Lookups) and opens the child's record."""
    c = Client()
    c.force_login(world["teacher"])
    assert "2 people found" in c.get("/people/search/?name=lookup").content.decode()
    assert c.get(reverse("web:person", args=[world["child"].pk])).status_code == 200


def test_managers_and_ig_leads_see_it_others_get_404(client, world):
    ig = PractitionerFactory(agency=world["school"], roles=["ig_lead"])
    for user, status in [
        (world["manager"], 200),
        (ig, 200),
        (world["teacher"], 404),
        (PractitionerFactory(agency=world["school"], roles=["mash_practitioner"]), 404),
        (PractitionerFactory(agency=world["school"], roles=["board_scrutineer"]), 404),
    ]:
        client.force_login(user)
        assert client.get(URL).status_code == status, user.role_codes


def test_search_and_view_are_listed_separately(client, world):
    _look(world)
    client.force_login(world["manager"])
    body = client.get(URL).content.decode()
    assert "3 events." in body  # the search, the record, and its chronology
    assert "Searched: saw in results" in body
    assert "Opened the record" in body
    assert "Read the chronology" in body
    assert "Tess Looker" in body
    assert "Lookwell School" in body
    assert f"Person {world['child'].pk}" in body
    assert f"Person {world['other'].pk}" in body
    # Viewing the page is itself in the ledger, with ids only.
    seen = LedgerEvent.objects.get(object_type="ledger", actor_id=f"user:{world['manager'].pk}")
    assert seen.purpose == "audit"


def test_filter_by_person(client, world):
    _look(world)
    client.force_login(world["manager"])
    child = client.get(URL, {"person": world["child"].pk}).content.decode()
    assert "3 events match the filters." in child
    other = client.get(URL, {"person": world["other"].pk}).content.decode()
    assert "1 event match the filters." in other  # seen in the results, never opened
    assert "Searched: saw in results" in other
    assert "Opened the record" not in other


def test_person_filter_matches_the_whole_id(client, world):
    ledger_record(
        actor=world["teacher"].actor,
        action="search",
        object_type="person",
        purpose="direct_care",
        details={"person_ids": ["123", "1234"]},
    )
    client.force_login(world["manager"])
    assert "1 event match" in client.get(URL, {"person": "123"}).content.decode()
    assert "0 events match" in client.get(URL, {"person": "12"}).content.decode()


def test_filter_by_practitioner_and_period(client, world, time_machine):
    time_machine.move_to(dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.UTC), tick=False)
    _look(world)
    time_machine.move_to(dt.datetime(2026, 2, 10, 12, 0, tzinfo=dt.UTC), tick=False)
    c = Client()
    c.force_login(world["manager"])
    assert c.get(reverse("web:person", args=[world["child"].pk])).status_code in {200, 404}
    by_teacher = c.get(URL, {"practitioner": "t.looker"}).content.decode()
    assert "3 events match" in by_teacher
    january = c.get(URL, {"date_from": "2026-01-01", "date_to": "2026-01-31"}).content.decode()
    assert "3 events match" in january
    february = c.get(URL, {"date_from": "2026-02-01"}).content.decode()
    assert "Tess Looker" not in february
    nobody = c.get(URL, {"practitioner": "no.such.user"}).content.decode()
    assert "0 events match" in nobody


def test_other_partnerships_events_are_not_shown(client, world):
    c = Client()
    c.force_login(world["far_teacher"])
    c.get("/people/search/?name=lookup")
    client.force_login(world["manager"])
    assert "0 events." in client.get(URL).content.decode()


def test_bad_filters_show_the_error_summary(client, world):
    client.force_login(world["manager"])
    response = client.get(
        URL, {"person": "abc", "date_from": "2026-02-10", "date_to": "2026-02-01"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert "Enter the person id as a number" in body
    assert "The to date must be the same as or after the from date" in body
    assert body.count("<title>Error:") == 1


def test_paginated(client, world):
    for _ in range(30):
        ledger_record(
            actor=world["teacher"].actor,
            action="view",
            object_type="person",
            object_id=world["child"].pk,
            purpose="direct_care",
        )
    client.force_login(world["manager"])
    first = client.get(URL, {"person": world["child"].pk}).content.decode()
    assert "Page 1 of 2" in first
    assert first.count('<tr class="govuk-table__row">') == 1 + 25
    assert 'rel="next"' in first
    second = client.get(URL, {"person": world["child"].pk, "page": 2}).content.decode()
    assert second.count('<tr class="govuk-table__row">') == 1 + 5
    assert f"person={world['child'].pk}&amp;page=1" in second


def test_each_read_shows_the_work_context_it_named(client, world):
    """A MASH read through an information request is listed with its context; a read
    with none says so (docs/decisions/0056)."""
    from fullpicture.sharing.models import InformationRequest
    from fullpicture.sharing.templatetags.sharing_tags import read_query
    from fullpicture.sharing.tests.factories import AgreementFactory, work_context_for

    csc = world["manager"].agency
    AgreementFactory(parties=[world["school"], csc], purposes=["safeguarding_enquiry"])
    mash = PractitionerFactory(username="m.worker", agency=csc, roles=["mash_practitioner"])
    read = work_context_for(viewer=mash, person=world["child"])
    reader = Client()
    reader.force_login(mash)
    url = reverse("web:person", args=[world["child"].pk])
    opened = reader.get(f"{url}?{read_query(read)}")
    assert opened.status_code == 200
    assert "Absent again" in opened.content.decode()
    _look(world)
    request = InformationRequest.objects.get()
    client.force_login(world["manager"])
    body = client.get(URL).content.decode()
    assert f'data-context="request:{request.pk}">in Information request {request.pk}' in body
    assert 'data-context="">no work context' in body
