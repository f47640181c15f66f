"""The API's person search follows consent on records (docs/decisions/0072): under the
early-help agreement a school's token is not told the child is known to social care when
the family refused consent."""

import json

import pytest

from fullpicture.api.services import api_token_create
from fullpicture.audit.services import Actor
from fullpicture.sharing.tests.test_consent_on_records import EARLY_HELP, make_consent_town

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


@pytest.fixture
def town():
    return make_consent_town()


def test_the_api_search_does_not_say_known_to_the_refusing_agency(client, town):
    token = api_token_create(agency_code="FSCH", name="school MIS", actor=ACTOR).secret
    response = client.get(
        "/api/v1/persons",
        {"name": "Feedcase", "purpose": EARLY_HELP},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    body = json.dumps(response.json())
    assert "FCSC" not in body
    assert "Patrice" not in body
    assert "FSCH" in body
