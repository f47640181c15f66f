"""The API tells a referrer no more than their own search would show (docs/decisions/0072):
"recorded" for a child known only to another partnership; the MASH's token sees "matched"."""

import json

import pytest
import time_machine

from fullpicture.api.services import api_token_create
from fullpicture.audit.services import Actor
from fullpicture.frontdoor.tests.test_referrer_match import MONDAY, NHS, make_elsewhere

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(world):
    return make_elsewhere()


@time_machine.travel(MONDAY, tick=False)
def test_the_api_tells_the_referrer_recorded_and_the_mash_matched(client, world, elsewhere):
    actor = Actor.system("test")
    school = api_token_create(agency_code="TSCH", name="school MIS", actor=actor).secret
    mash = api_token_create(
        agency_code="TCSC", name="LA system", role="mash_practitioner", actor=actor
    ).secret
    body = {
        "people": [
            {"role": "child", "given_name": "Kit", "family_name": "Elsewhere", "nhs_number": NHS}
        ],
        "what_happened": "Kit said there was no food at home.",
        "categories": ["neglect"],
        "consent": "not_sought",
        "paragraph18_reason": "would_prejudice",
    }
    response = client.post(
        "/api/v1/contacts",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {school}",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert [p["match"] for p in created["people"]] == ["recorded"]
    again = client.get(
        f"/api/v1/contacts/{created['id']}", HTTP_AUTHORIZATION=f"Bearer {school}"
    ).json()
    assert [p["match"] for p in again["people"]] == ["recorded"]
    seen = client.get(
        f"/api/v1/contacts/{created['id']}", HTTP_AUTHORIZATION=f"Bearer {mash}"
    ).json()
    assert [p["match"] for p in seen["people"]] == ["matched"]
