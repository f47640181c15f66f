"""The JSON API: every endpoint, with denied and malformed requests, and the ledger."""

import io
import json

import pytest
from django.core.management import call_command

from fullpicture.api.models import ApiToken
from fullpicture.api.services import api_token_create, api_token_revoke
from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.services import Actor
from fullpicture.frontdoor.models import Contact, Feedback
from fullpicture.frontdoor.tests.factories import make_world
from fullpicture.sharing.models import ItemDecision, Outcome
from fullpicture.sharing.tests.factories import InformationItemFactory

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")

CONTACT = {
    "people": [
        {
            "role": "child",
            "given_name": "Poppy",
            "family_name": "Testcase",
            "date_of_birth": "2018-04-02",
            "postcode": "TS1 1AA",
        },
        {"role": "adult", "given_name": "Morgan", "family_name": "Testcase"},
    ],
    "what_happened": "Poppy said she was hungry and had not eaten since yesterday.",
    "categories": ["neglect"],
    "consent": "not_sought",
    "paragraph18_reason": "would_prejudice",
}
FEEDBACK = {
    "relevance": "relevant",
    "where_recorded": "MASH case record",
    "actions_taken": "A child and family assessment has started.",
    "further_action_needed": False,
}


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def tokens(world):
    return {
        "school": api_token_create(agency_code="TSCH", name="school MIS", actor=ACTOR).secret,
        "police": api_token_create(agency_code="TPOL", name="police RMS", actor=ACTOR).secret,
        "mash": api_token_create(
            agency_code="TCSC", name="LA case system", role="mash_practitioner", actor=ACTOR
        ).secret,
    }


def call(client, method, path, token=None, body=None, raw=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    kwargs = {"content_type": "application/json", "data": data} if data is not None else {}
    response = getattr(client, method)(f"/api/v1{path}", **kwargs, **headers)
    assert response["Content-Type"].startswith("application/json"), response.content
    return response.status_code, response.json()


def test_openapi_lists_the_front_door(client, world):
    client.force_login(world.teacher)  # the document and the docs are behind sign-in
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/contacts",
        "/api/v1/contacts/{contact_id}/triage",
        "/api/v1/contacts/{contact_id}/decision",
        "/api/v1/contacts/{contact_id}/feedback",
        "/api/v1/persons",
        "/api/v1/persons/{person_id}/chronology",
        "/api/v1/information-requests",
    ):
        assert path in paths


def test_tokens_are_hashed_named_in_the_ledger_and_revocable(client, world, tokens):
    token = ApiToken.objects.get(agency=world.school)
    assert tokens["school"] not in token.token_hash
    assert tokens["school"].startswith(token.prefix + ".")
    status, _ = call(client, "get", "/contacts", tokens["school"])
    assert status == 200
    event = LedgerEvent.objects.filter(object_type="contact_list").order_by("seq").last()
    assert event is not None
    assert event.actor_id == f"system:api-token:{token.prefix}"
    assert event.actor_agency == "TSCH"
    api_token_revoke(prefix=token.prefix, actor=ACTOR)
    status, body = call(client, "get", "/contacts", tokens["school"])
    assert status == 401
    assert "API token" in body["message"]


@pytest.mark.parametrize(
    "header", [None, "Bearer nonsense", "Bearer fp_00000000.wrong", "Basic abc"]
)
def test_no_or_bad_token_is_401(client, world, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/contacts", **extra)
    assert response.status_code == 401
    assert response.json()["message"]


def test_the_whole_journey_through_the_api(client, world, tokens):
    status, contact = call(client, "post", "/contacts", tokens["school"], CONTACT)
    assert status == 201, contact
    # the referrer is told "recorded", never "new" (0072); the MASH sees the match
    assert [p["match"] for p in contact["people"]] == ["recorded", "recorded"]
    cid = contact["id"]
    status, seen = call(client, "get", f"/contacts/{cid}", tokens["mash"])
    assert [p["match"] for p in seen["people"]] == ["new", "new"]

    status, _ = call(client, "post", f"/contacts/{cid}/triage", tokens["school"], {"rag": "red"})
    assert status == 400  # a school system cannot triage
    status, body = call(client, "post", f"/contacts/{cid}/triage", tokens["mash"], {"rag": "amber"})
    assert (status, body["rag"]) == (200, "amber")
    status, queue = call(client, "get", "/triage/queue", tokens["mash"])
    assert [r["contact_id"] for r in queue] == [cid]

    child = Contact.objects.get(pk=cid).people.get(role="child").person
    assert child is not None
    shared = InformationItemFactory(
        source_agency=world.police, summary="Domestic incident at home", persons=[child]
    )
    kept = InformationItemFactory(
        source_agency=world.police, summary="Informant's account", persons=[child]
    )
    status, info = call(
        client,
        "post",
        f"/contacts/{cid}/information-requests",
        tokens["mash"],
        {"person_id": child.pk, "agencies": ["TPOL"], "question": "Anything?"},
    )
    assert status == 201, info
    status, received = call(client, "get", "/information-requests", tokens["police"])
    assert status == 200
    assert len(received) == 1
    request = received[0]
    status, body = call(
        client,
        "post",
        f"/information-requests/{request['id']}/answer",
        tokens["police"],
        {
            "version": request["version"],
            "share_item_ids": [shared.pk],
            "reason": "Relevant to the enquiry",
            "golden_rules": ["not-a-rule"],
            "risk_judgement": "sharing_greater",
        },
    )
    assert status == 400, body
    assert "Tick golden rules from the list." in body["errors"]
    assert not ItemDecision.objects.filter(item=shared).exists()
    status, body = call(
        client,
        "post",
        f"/information-requests/{request['id']}/answer",
        tokens["police"],
        {
            "version": request["version"],
            "share_item_ids": [shared.pk],
            "withhold": [{"item_id": kept.pk, "reason": "risk_to_source"}],
            "reason": "Relevant to the enquiry",
            "withhold_note": "Naming the informant would put them at risk.",
            "golden_rules": ["protection", "relevant", "record"],
            "risk_judgement": "not_sharing_greater",
        },
    )
    assert status == 200, body
    share = ItemDecision.objects.get(item=shared, outcome=Outcome.SHARE)
    assert share.golden_rules == ["protection", "record", "relevant"]
    assert share.risk_judgement == "not_sharing_greater"
    status, info = call(client, "get", f"/contacts/{cid}/information", tokens["mash"])
    assert status == 200
    assert [i["summary"] for i in info["shared_items"]] == ["Domestic incident at home"]
    assert info["withheld"] == 1
    assert info["requests"][0]["answers"][0]["withheld_reasons"] == ["Risk to the source (1)"]
    assert "Informant" not in json.dumps(info)

    status, body = call(
        client,
        "post",
        f"/contacts/{cid}/decision",
        tokens["mash"],
        {
            "level": 3,
            "outcome": "assessment",
            "rationale": "Level 3 descriptors.",
            "feedback": FEEDBACK,
        },
    )
    assert status == 201, body
    assert body["decision"]["level"] == 3
    status, inbox = call(client, "get", "/feedback", tokens["school"])
    assert [c["feedback"]["actions_taken"] for c in inbox] == [FEEDBACK["actions_taken"]]
    status, body = call(
        client,
        "post",
        f"/contacts/{cid}/escalations",
        tokens["school"],
        {"reason": "We think this is level 4."},
    )
    assert status == 201
    status, body = call(client, "get", f"/contacts/{cid}", tokens["school"])
    assert body["status"] == "escalated"

    in_contact = f"purpose=safeguarding_enquiry&context=contact:{cid}"
    status, found = call(client, "get", f"/persons?{in_contact}&name=Poppy", tokens["mash"])
    assert status == 200
    assert [p["id"] for p in found] == [child.pk]
    status, items = call(
        client, "get", f"/persons/{child.pk}/chronology?{in_contact}", tokens["mash"]
    )
    assert status == 200
    summaries = {i["summary"] for i in items}
    assert "Domestic incident at home" in summaries
    assert "Informant's account" not in summaries


def test_a_denied_person_answers_exactly_like_a_missing_one(client, world, tokens):
    _status, contact = call(client, "post", "/contacts", tokens["school"], CONTACT)
    child = Contact.objects.get(pk=contact["id"]).people.get(role="child").person
    assert child is not None
    denied = call(
        client, "get", f"/persons/{child.pk}/chronology?purpose=direct_care", tokens["police"]
    )
    missing = call(
        client, "get", "/persons/999999/chronology?purpose=direct_care", tokens["police"]
    )
    assert denied == missing == (404, {"message": "Not found.", "errors": ["Not found."]})
    # and a contact another agency raised is a 404 too
    assert call(client, "get", f"/contacts/{contact['id']}", tokens["police"])[0] == 404
    assert call(client, "get", "/contacts/999999", tokens["police"])[0] == 404


def test_a_body_that_is_not_json_is_400(client, world, tokens):
    status, body = call(client, "post", "/contacts", tokens["mash"], raw="{not json")
    assert status == 400
    assert body["message"] == "The request is malformed."
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("/contacts", json.dumps({"people": "nobody"})),
        (
            "/contacts",
            json.dumps({**CONTACT, "people": [{"role": "child", "date_of_birth": "31/02/2020"}]}),
        ),
        ("/contacts/1/triage", json.dumps({})),
    ],
)
def test_malformed_requests_are_422_json(client, world, tokens, path, raw):
    before = Contact.objects.count()
    status, body = call(client, "post", path, tokens["mash"], raw=raw)
    assert status == 422, body
    assert body["message"] == "The request is malformed."
    assert Contact.objects.count() == before


def test_refusals_are_400_with_the_reasons_and_nothing_stored(client, world, tokens):
    no_child = {**CONTACT, "people": [{"role": "adult", "given_name": "Morgan"}]}
    status, body = call(client, "post", "/contacts", tokens["school"], no_child)
    assert status == 400
    assert any("at least one child" in e for e in body["errors"])
    status, body = call(
        client, "post", "/contacts", tokens["school"], {**CONTACT, "categories": ["made_up"]}
    )
    assert status == 400
    assert "made_up" in body["errors"][0]
    assert Contact.objects.count() == 0

    status, contact = call(
        client, "post", "/contacts", tokens["school"], {**CONTACT, "wants_feedback": False}
    )
    cid = contact["id"]
    status, body = call(
        client,
        "post",
        f"/contacts/{cid}/decision",
        tokens["mash"],
        {"level": 2, "outcome": "early_help", "rationale": ""},
    )
    assert status == 400
    assert any("rationale" in e for e in body["errors"])
    status, body = call(
        client,
        "post",
        f"/contacts/{cid}/decision",
        tokens["mash"],
        {"level": 2, "outcome": "early_help", "rationale": "Level 2", "feedback": FEEDBACK},
    )
    assert status == 400
    assert any("not to receive feedback" in e for e in body["errors"])
    status, _ = call(
        client,
        "post",
        f"/contacts/{cid}/decision",
        tokens["mash"],
        {"level": 2, "outcome": "early_help", "rationale": "Level 2"},
    )
    assert status == 201
    status, body = call(client, "post", f"/contacts/{cid}/feedback", tokens["mash"], FEEDBACK)
    assert status == 400
    assert any("not to receive feedback" in e for e in body["errors"])
    assert Feedback.objects.count() == 0
    status, body = call(client, "get", "/persons?purpose=nonsense&name=x", tokens["mash"])
    assert status == 422


def test_api_token_command_prints_the_token_once(world, capsys):
    call_command("api-token", "create", "--agency", "TSCH", "--name", "MIS")
    out = capsys.readouterr()
    secret = out.out.strip()
    token = ApiToken.objects.get()
    assert secret.startswith(token.prefix)
    assert secret not in out.err
    call_command("api-token", "revoke", token.prefix)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_an_administrator_issues_and_revokes_a_token_in_the_admin(client, world):
    from fullpicture.partnerships.tests.factories import PractitionerFactory

    admin_user = PractitionerFactory(
        username="t.admin",
        agency=world.mash,
        roles=["administrator"],
        is_staff=True,
        is_superuser=True,
    )
    client.force_login(admin_user)
    response = client.post(
        "/admin/api/apitoken/add/",
        {"name": "school MIS", "agency": world.school.pk, "role": "agency_practitioner"},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    assert any(token.prefix in m and "shown only once" in m for m in shown)
    secret = next(w for m in shown for w in m.split() if w.startswith(token.prefix + "."))
    assert call(client, "get", "/contacts", secret)[0] == 200
    client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert call(client, "get", "/contacts", secret)[0] == 401


def test_a_token_beyond_its_agencys_type_needs_a_second_person(world, client):
    """A school's system cannot be given the MASH role by one person (issue 14)."""
    from fullpicture.api.models import ApiTokenRequest
    from fullpicture.partnerships.tests.factories import PractitionerFactory

    with pytest.raises(Exception, match="goes beyond its type, so a second person must"):
        call_command(
            "api-token",
            "create",
            "--agency",
            "TSCH",
            "--name",
            "MIS",
            "--role",
            "mash_practitioner",
        )
    assert not ApiToken.objects.exists()
    assert LedgerEvent.objects.get(action="denied", object_type="api_token").reason_code == (
        "four_eyes"
    )
    first = PractitionerFactory(username="t.admin1", agency=world.school, roles=["administrator"])
    PractitionerFactory(username="t.admin2", agency=world.school, roles=["ig_lead"])
    call_command(
        "api-token",
        "request",
        "--agency",
        "TSCH",
        "--name",
        "MIS",
        "--role",
        "mash_practitioner",
        "--by",
        "t.admin1",
        "--reason",
        "Pilot of the school MASH link",
    )
    request = ApiTokenRequest.objects.get()
    assert request.requested_by == first
    with pytest.raises(Exception, match="you cannot approve it"):
        call_command("api-token", "approve", str(request.pk), "--by", "t.admin1")
    assert not ApiToken.objects.exists()
    out = io.StringIO()
    call_command("api-token", "approve", str(request.pk), "--by", "t.admin2", stdout=out)
    token = ApiToken.objects.get()
    assert token.principal.role_codes == {"mash_practitioner"}
    assert out.getvalue().strip().startswith(token.prefix + ".")
    request.refresh_from_db()
    assert (request.status, request.token) == ("issued", token)


def test_the_admin_refuses_a_token_role_beyond_its_agencys_type(world, client):
    from fullpicture.partnerships.tests.factories import PractitionerFactory

    admin_user = PractitionerFactory(
        username="t.superuser",
        agency=world.school,
        roles=["administrator"],
        is_staff=True,
        is_superuser=True,
    )
    client.force_login(admin_user)
    response = client.post(
        "/admin/api/apitoken/add/",
        {"name": "school MIS", "agency": world.school.pk, "role": "mash_practitioner"},
    )
    assert response.status_code == 200
    assert "goes beyond what a school agency allows" in response.content.decode()
    assert not ApiToken.objects.exists()
    assert LedgerEvent.objects.filter(action="denied", object_type="api_token").exists()
