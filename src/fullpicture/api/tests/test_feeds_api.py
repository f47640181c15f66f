"""The API feeds: POST /api/v1/items and /api/v1/involvements with real agency tokens."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fullpicture.api.services import api_token_create
from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.services import Actor
from fullpicture.sharing.models import FeedStatus, Involvement, ItemVersion
from fullpicture.sharing.selectors import items_visible_to
from fullpicture.sharing.tests.feeds_town import make_town

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


@pytest.fixture
def town():
    return make_town()


@pytest.fixture
def tokens(town):
    return {
        "police": api_token_create(agency_code="FPOL", name="police RMS", actor=ACTOR).secret,
        "school": api_token_create(agency_code="FSCH", name="school MIS", actor=ACTOR).secret,
    }


def item(source_id: str = "INC-1", **values: Any) -> dict[str, Any]:
    body = {
        "source_id": source_id,
        "person_source_ids": ["P-child"],
        "category": "domestic_abuse",
        "occurred_at": "2025-03-01T21:00:00",
        "recorded_at": "2025-03-02T09:00:00",
        "summary": "Police attended a fictional domestic incident",
    }
    body.update(values)
    return body


def post(client, path: str, token: str | None, body: Any) -> tuple[int, dict[str, Any]]:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    response = client.post(
        f"/api/v1/{path}", data=json.dumps(body), content_type="application/json", **headers
    )
    return response.status_code, response.json()


def police_items(town):
    return list(
        items_visible_to(viewer=town.officer, purpose="safeguarding_enquiry").filter(
            source_agency=town.police
        )
    )


def test_a_batch_answers_created_then_unchanged_then_updated(client, town, tokens):
    batch = {"items": [item("INC-1"), item("INC-2", person_source_ids=["P-child", "P-mother"])]}
    status, body = post(client, "items", tokens["police"], batch)
    assert status == 200, body
    assert [r["status"] for r in body["results"]] == ["created", "created"]
    assert [r["index"] for r in body["results"]] == [0, 1]
    status, body = post(client, "items", tokens["police"], batch)
    assert [r["status"] for r in body["results"]] == ["unchanged", "unchanged"]
    batch["items"][1]["summary"] = "A corrected fictional summary"
    status, body = post(client, "items", tokens["police"], batch)
    assert [r["status"] for r in body["results"]] == ["unchanged", "updated"]
    assert ItemVersion.objects.filter(item_id=body["results"][1]["id"]).count() == 1
    update = LedgerEvent.objects.get(action="update", object_type="information_item")
    assert update.actor_id.startswith("system:api-token:fp_")
    assert len(police_items(town)) == 2
    assert FeedStatus.objects.filter(agency=town.police).exists()


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"person_source_ids": ["P-nobody"]}, "person_source_ids", "no record 'P-nobody'"),
        ({"category": "XQ-99"}, "category", "'XQ-99'"),
        ({"occurred_at": "not a date"}, "occurred_at", "ISO 8601"),
        ({"recorded_at": "2025-02-01"}, "recorded_at", "before occurred_at"),
        ({"source_id": "INC-1"}, "source_id", "also appears at item 0"),
    ],
)
def test_a_bad_item_refuses_the_batch_naming_its_index_and_field(
    client, town, tokens, values, field, words
):
    batch = {"items": [item("INC-1"), {**item("INC-2"), **values}]}
    status, body = post(client, "items", tokens["police"], batch)
    assert status == 400
    assert "nothing was stored" in body["message"]
    problem = body["problems"][0]
    assert (problem["index"], problem["field"]) == (1, field)
    assert words in problem["message"]
    assert body["errors"][0].startswith(f"items[1].{field}: ")
    assert police_items(town) == []


def test_another_agencys_records_are_unknown_to_a_token(client, town, tokens):
    status, body = post(client, "items", tokens["school"], {"items": [item()]})
    assert status == 400
    assert "no record 'P-child' has been imported for FSCH" in body["errors"][0]


def test_a_token_cannot_send_another_agencys_items(client, town, tokens):
    status, body = post(client, "items", tokens["school"], {"agency": "FPOL", "items": [item()]})
    assert status == 403
    assert "can send only FSCH's own items" in body["message"]
    assert police_items(town) == []


def test_no_token_or_a_bad_token_is_refused(client, town, tokens):
    assert post(client, "items", None, {"items": [item()]})[0] == 401
    assert post(client, "items", "fp_bad.secret", {"items": [item()]})[0] == 401


def test_a_malformed_batch_is_a_422(client, town, tokens):
    status, body = post(client, "items", tokens["police"], {"items": [{"source_id": "X"}]})
    assert status == 422
    assert any("summary" in e for e in body["errors"])


def test_involvements_by_api(client, town, tokens):
    involvement = {
        "person_source_id": "P-child",
        "practitioner_name": "PC Dana Fictional",
        "role": "Officer in charge",
        "phone": "01632 960 001",
        "email": "dana.fictional@police.test",
        "started_on": "2025-03-01",
    }
    status, body = post(client, "involvements", tokens["police"], {"involvements": [involvement]})
    assert status == 200, body
    assert body["created"] == 1
    bad = dict(involvement, email="nope")
    status, body = post(client, "involvements", tokens["police"], {"involvements": [bad]})
    assert status == 400
    assert body["problems"][0]["field"] == "email"
    assert Involvement.objects.get().email == "dana.fictional@police.test"
