"""The household chronology endpoint: one entry per event, the same-404 rule, bad input."""

from __future__ import annotations

import json

import pytest

from fullpicture.api.services import api_token_create
from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.services import Actor
from fullpicture.sharing.contexts import context_of
from fullpicture.sharing.tests.chronology_town import make_town

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


@pytest.fixture
def town():
    return make_town()


@pytest.fixture
def tokens(town):
    return {
        "mash": api_token_create(
            agency_code="CCSC", name="LA case system", role="mash_practitioner", actor=ACTOR
        ).secret,
        "outsider": _beyond_its_type("FARX"),
    }


def _beyond_its_type(agency_code: str) -> str:
    """A MASH-role token for a school far away: two of its partnership's people agree."""
    from fullpicture.api.services import api_token_approve, api_token_request
    from fullpicture.partnerships.models import Agency
    from fullpicture.partnerships.tests.factories import PractitionerFactory

    agency = Agency.objects.get(code=agency_code)
    asker, approver = (
        PractitionerFactory(agency=agency, roles=["administrator"]) for _ in range(2)
    )
    request = api_token_request(
        agency_code=agency_code,
        name="far away",
        role="mash_practitioner",
        reason="Test",
        requested_by=asker,
    )
    return api_token_approve(approver=approver, request_id=request.pk).secret


def call(client, path, token):
    response = client.get(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response["Content-Type"].startswith("application/json"), response.content
    return response.status_code, json.loads(response.content)


def test_the_household_chronology_merges_one_event_and_hides_the_rest(client, town, tokens):
    household = town["household"]
    status, entries = call(
        client,
        f"/households/{household.pk}/chronology?purpose=safeguarding_enquiry"
        f"&context={context_of(town['se'])}",
        tokens["mash"],
    )
    assert status == 200
    first = entries[0]
    assert first["category"] == "domestic_abuse"
    assert [s["agency"] for s in first["sources"]] == ["CPOL", "CHLT", "CSCH"]
    assert first["person_ids"] == sorted([town["child"].pk, town["mother"].pk])
    assert {"recorded_at", "recorded_by", "sensitivity"} <= set(first["sources"][0])
    text = json.dumps(entries)
    for hidden in ("Neighbour reported", "Covert intelligence", "private note", "CHOU"):
        assert hidden not in text
    assert LedgerEvent.objects.filter(action="view", object_type="household").exists()


def test_denied_and_missing_households_answer_alike(client, town, tokens):
    q = "chronology?purpose=safeguarding_enquiry"
    denied = call(client, f"/households/{town['household'].pk}/{q}", tokens["outsider"])
    missing = call(client, f"/households/999999/{q}", tokens["mash"])
    assert denied == missing == (404, {"message": "Not found.", "errors": ["Not found."]})


@pytest.mark.parametrize(
    "path",
    [
        "/households/{pk}/chronology",  # no purpose
        "/households/{pk}/chronology?purpose=curiosity",
        "/households/not-a-number/chronology?purpose=safeguarding_enquiry",
    ],
)
def test_malformed_requests_are_json_errors_never_500(client, town, tokens, path):
    status, body = call(client, path.format(pk=town["household"].pk), tokens["mash"])
    assert status in (404, 422)
    assert body["message"]


def test_no_token_is_401(client, town):
    response = client.get(
        f"/api/v1/households/{town['household'].pk}/chronology?purpose=safeguarding_enquiry"
    )
    assert response.status_code == 401


def test_the_purpose_word_alone_reads_only_the_own_agency_and_a_bad_context_is_422(
    client, town, tokens
):
    """No work context: the MASH's token reads its own agency's items only (decision 0056);
    a malformed or unknown context is a 422 naming the rule, nothing read."""
    household = town["household"]
    base = f"/households/{household.pk}/chronology?purpose=safeguarding_enquiry"
    status, entries = call(client, base, tokens["mash"])
    assert status == 200
    assert {s["agency"] for e in entries for s in e["sources"]} <= {"CCSC"}
    for bad in ("contact", "nonsense:1", "request:x", "request:0"):
        status, body = call(client, f"{base}&context={bad}", tokens["mash"])
        assert status == 422, bad
        assert "context must name a piece of work" in json.dumps(body)
