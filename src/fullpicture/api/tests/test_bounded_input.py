"""Bounded input: every API parameter has a length and a count limit answered with 422,
and a person search is bounded in its words and in time (on SQLite and PostgreSQL)."""

import json
import time

import pytest
from django.db import connection

from fullpicture.api.limits import MAX_QUERY_PARAMETERS, MAX_QUERY_VALUE
from fullpicture.api.services import api_token_create
from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.services import Actor
from fullpicture.core import timelimit
from fullpicture.core.timelimit import TimeLimitExceeded, statement_time_limit
from fullpicture.frontdoor.models import Contact
from fullpicture.frontdoor.tests.factories import make_world
from fullpicture.sharing.selectors import SEARCH_MAX_WORDS

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")
SEARCH = "/api/v1/persons?purpose=safeguarding_enquiry&name="


@pytest.fixture
def token(db):
    make_world()
    return api_token_create(
        agency_code="TCSC", name="LA case system", role="mash_practitioner", actor=ACTOR
    ).secret


def _get(client, url, token):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def _post(client, url, token, body):
    return client.post(
        url,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_a_100000_character_name_is_a_422_naming_the_rule(client, token):
    started = time.monotonic()
    response = _get(client, SEARCH + "a" * 100_000, token)
    assert response.status_code == 422
    assert response.json()["errors"] == ["query: the query string can be at most 2048 characters."]
    assert time.monotonic() - started < 2


def test_a_name_of_thousands_of_words_is_a_422_not_a_500(client, token):
    response = _get(client, SEARCH + "+".join(["ab"] * 3000), token)
    assert response.status_code == 422
    # within the query's caps, still too many words for a search
    words = " ".join(["ab"] * (SEARCH_MAX_WORDS + 1))
    refused = _get(client, SEARCH + words, token)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [f"Give at most {SEARCH_MAX_WORDS} words of a name."]
    event = LedgerEvent.objects.filter(action="denied", object_type="person").last()
    assert event is not None
    assert event.details == {"search_refused": "bounds"}
    long_word = _get(client, SEARCH + "x" * 41, token)
    assert long_word.status_code == 422
    assert "at most 40 characters" in long_word.json()["errors"][0]


def test_every_parameter_is_bounded_in_length_and_count(client, token):
    value = _get(client, SEARCH + "Poppy&identifier=" + "9" * (MAX_QUERY_VALUE + 1), token)
    assert value.status_code == 422
    assert value.json()["errors"] == [
        f"query.identifier: can be at most {MAX_QUERY_VALUE} characters."
    ]
    many = "&".join(f"p{i}=1" for i in range(MAX_QUERY_PARAMETERS))
    count = _get(client, SEARCH + "Poppy&" + many, token)
    assert count.status_code == 422
    assert count.json()["errors"] == [f"query: give at most {MAX_QUERY_PARAMETERS} parameters."]
    # the point-of-care endpoints too: FHIR answers an OperationOutcome
    fhir = _get(client, "/fhir/CareTeam?patient:identifier=" + "9" * 5000, token)
    assert fhir.status_code == 422
    assert fhir.json()["resourceType"] == "OperationOutcome"
    assert (
        _get(client, "/api/alerts/point-of-care?nhs_number=" + "9" * 500, token).status_code == 422
    )
    assert _get(client, SEARCH + "Poppy", token).status_code == 200  # within bounds


PEOPLE = [{"role": "child", "given_name": "Poppy", "family_name": "Testcase"}]
CONTACT = {
    "people": PEOPLE,
    "what_happened": "Poppy said she was hungry.",
    "categories": ["neglect"],
    "consent": "not_sought",
    "paragraph18_reason": "would_prejudice",
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"what_happened": "x" * 20_001}, "what_happened"),
        ({"categories": ["neglect"] * 51}, "categories"),
        ({"people": PEOPLE * 51}, "people"),
        ({"people": [{"role": "child", "given_name": "P" * 201}]}, "people.0.given_name"),
        ({"consent": "n" * 65}, "consent"),
    ],
)
def test_request_bodies_are_bounded_with_a_422_naming_the_field(client, token, change, field):
    response = _post(client, "/api/v1/contacts", token, {**CONTACT, **change})
    assert response.status_code == 422
    assert any(f"{field}:" in e for e in response.json()["errors"]), response.json()
    assert not Contact.objects.exists()


def test_feed_items_are_bounded_too(client, token):
    item = {
        "source_id": "I1",
        "person_source_ids": ["P1"],
        "category": "neglect",
        "occurred_at": "2025-03-01T21:00:00",
        "recorded_at": "2025-03-02T09:00:00",
        "summary": "s" * 501,
    }
    response = _post(client, "/api/v1/items", token, {"items": [item]})
    assert response.status_code == 422
    assert "items.0.summary" in json.dumps(response.json())


SLOW = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) "
    "SELECT count(*) FROM c"
)


def test_a_statement_past_its_time_limit_is_stopped(db):
    """On this run's database (SQLite: a progress handler; PostgreSQL: SET LOCAL
    statement_timeout), a query that would run for minutes is stopped at its limit,
    and the connection is usable afterwards with no limit left behind."""
    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded), statement_time_limit(0.2), connection.cursor() as c:
        c.execute(SLOW)
    assert time.monotonic() - started < 5
    with connection.cursor() as c:
        c.execute("SELECT 1")
        assert c.fetchone() == (1,)
        if connection.vendor == "postgresql":
            c.execute("SHOW statement_timeout")
            assert c.fetchone()[0] == "0"
    with statement_time_limit(5), connection.cursor() as c:
        c.execute("SELECT 2")  # a quick statement runs within its limit
        assert c.fetchone() == (2,)


def test_a_search_past_its_time_limit_is_refused_and_recorded(client, token, settings, monkeypatch):
    """The search's statements run under FULLPICTURE_SEARCH_SECONDS. A budget of zero,
    with the clock read at every step, stops any statement on SQLite; PostgreSQL's
    smallest timeout is 1 ms, which a small test database's search may beat, so there
    the mechanism test above carries the proof."""
    if connection.vendor != "sqlite":
        pytest.skip("a zero budget is deterministic only with SQLite's progress handler")
    monkeypatch.setattr(timelimit, "SQLITE_STEPS", 1)
    settings.FULLPICTURE_SEARCH_SECONDS = 0
    response = _get(client, SEARCH + "Poppy", token)
    assert response.status_code == 422
    assert "stopped after 0 seconds" in response.json()["errors"][0]
    event = LedgerEvent.objects.filter(action="denied", object_type="person").last()
    assert event is not None
    assert event.details == {"search_refused": "time limit"}
