"""Pages through the test client: sign-in, throttling, search and the same-404 rule."""

import re

import pytest
from django.urls import reverse

from fullpicture.audit.models import LedgerEvent
from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.people.tests.factories import SourceRecordFactory
from fullpicture.sharing.contexts import context_of
from fullpicture.sharing.templatetags.sharing_tags import read_query
from fullpicture.sharing.tests.factories import (
    AgreementFactory,
    InformationItemFactory,
    work_context_for,
)

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture
def sharetown():
    partnership = PartnershipFactory(code="E06000111")
    school = AgencyFactory(code="SCH", name="Testtown School", partnership=partnership)
    csc = AgencyFactory(code="CSC", name="Testtown CSC", partnership=partnership, social_care=True)
    school_record = SourceRecordFactory(agency=school, given_name="Rosie", family_name="Quill")
    child = school_record.person
    SourceRecordFactory(agency=csc, given_name="Rosalind", family_name="Quill", person=child)
    InformationItemFactory(source_agency=school, persons=[child], summary="Late four days")
    InformationItemFactory(source_agency=csc, persons=[child], summary="Referral received")
    AgreementFactory(parties=[school, csc], purposes=["safeguarding_enquiry"])
    return {"school": school, "csc": csc, "child": child}


def test_pages_need_sign_in(client):
    response = client.get("/people/search/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_bad_sign_in_shows_the_error_summary(client):
    PractitionerFactory(username="teacher1")
    response = client.post("/sign-in/", {"username": "teacher1", "password": "wrong"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Enter a correct username and password." in body
    assert LedgerEvent.objects.filter(action="sign_in_failed").count() == 1


def test_repeated_failures_are_throttled(client):
    PractitionerFactory(username="teacher2")
    for _ in range(5):
        client.post("/sign-in/", {"username": "teacher2", "password": "wrong"})
    response = client.post("/sign-in/", {"username": "teacher2", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_sign_in_is_audited_and_lands_on_home(client, sharetown):
    PractitionerFactory(username="teacher3", agency=sharetown["school"])
    response = client.post("/sign-in/", {"username": "teacher3", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert "Late four days" in response.content.decode()
    assert LedgerEvent.objects.filter(action="sign_in").count() == 1


def test_teacher_sees_only_the_schools_items(client, sharetown):
    teacher = PractitionerFactory(agency=sharetown["school"])
    client.force_login(teacher)
    response = client.get(reverse("web:person", args=[sharetown["child"].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Late four days" in body
    assert "Referral received" not in body
    assert "Rosalind" not in body  # another agency's record is not shown either


def test_mash_sees_every_agency_for_a_safeguarding_enquiry(client, sharetown):
    mash = PractitionerFactory(agency=sharetown["csc"], roles=["mash_practitioner"])
    client.force_login(mash)
    url = reverse("web:person", args=[sharetown["child"].pk])
    # the purpose word alone: the MASH's own agency only (docs/decisions/0056)
    bare = client.get(url + "?purpose=safeguarding_enquiry").content.decode()
    assert "Late four days" not in bare
    assert "Referral received" in bare
    read = work_context_for(viewer=mash, person=sharetown["child"])
    body = client.get(f"{url}?{read_query(read)}").content.decode()
    assert "Late four days" in body
    assert "Referral received" in body
    assert "2 items from 2 agencies" in body
    view = LedgerEvent.objects.filter(action="view", object_type="person").latest("seq")
    assert view.object_id == str(sharetown["child"].pk)
    assert view.purpose == "safeguarding_enquiry"
    assert view.actor_agency == "CSC"
    assert view.details == {"context": context_of(read)}


def test_denied_missing_and_malformed_all_answer_404_alike(client, sharetown):
    elsewhere = AgencyFactory(code="FAR", partnership=PartnershipFactory(code="E06000222"))
    outsider = PractitionerFactory(agency=elsewhere, roles=["mash_manager"])
    client.force_login(outsider)
    denied = client.get(reverse("web:person", args=[sharetown["child"].pk]))
    missing = client.get(reverse("web:person", args=[999_999]))
    malformed = client.get("/people/search/?dob_day=31&dob_month=2&dob_year=2020")
    bad_purpose = client.get(
        reverse("web:person", args=[sharetown["child"].pk]) + "?purpose=curiosity"
    )
    assert {r.status_code for r in (denied, missing, malformed, bad_purpose)} == {404}
    assert _without_csrf(denied.content) == _without_csrf(missing.content)


def _without_csrf(content: bytes) -> bytes:
    """The page without what differs on every response: the CSRF token and the CSP nonce."""
    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
    return re.sub(rb' nonce="[^"]+"', b"", content)


def test_search_finds_by_name_and_audits_what_was_seen(client, sharetown):
    mash = PractitionerFactory(agency=sharetown["csc"], roles=["mash_practitioner"])
    client.force_login(mash)
    read = work_context_for(viewer=mash, person=sharetown["child"])
    query = f"name=quill&purpose=safeguarding_enquiry&context={context_of(read)}"
    body = client.get(f"/people/search/?{query}").content.decode()
    assert "1 person found" in body
    assert "Rosalind Quill" in body
    assert "Rosie Quill" in body
    search = LedgerEvent.objects.get(action="search")
    assert search.details == {
        "person_ids": [str(sharetown["child"].pk)],
        "context": context_of(read),
    }


def test_a_search_beyond_its_bounds_says_so_and_searches_nothing(client, sharetown):
    mash = PractitionerFactory(agency=sharetown["csc"], roles=["mash_practitioner"])
    client.force_login(mash)
    response = client.get("/people/search/?name=" + "+".join(["quill"] * 7))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Give at most 6 words of a name." in body
    assert "govuk-error-summary" in body
    assert not LedgerEvent.objects.filter(action="search").exists()
    assert LedgerEvent.objects.filter(action="denied", object_type="person").exists()


def test_search_by_date_of_birth_and_identifier(client, sharetown):
    teacher = PractitionerFactory(agency=sharetown["school"])
    client.force_login(teacher)
    by_dob = client.get("/people/search/?dob_day=14&dob_month=3&dob_year=2015")
    assert "1 person found" in by_dob.content.decode()
    none = client.get("/people/search/?identifier=9990000000")
    assert "0 people found" in none.content.decode()
