"""The sharing pages through the test client, and the JSON views that prove a client's
break-glass or consent-override flag is judged on the server."""

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from fullpicture.audit.models import LedgerEvent
from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.people.models import Household
from fullpicture.people.tests.factories import PersonFactory, SourceRecordFactory
from fullpicture.sharing.models import (
    Agreement,
    AgreementStatus,
    BreakGlassGrant,
    InformationRequest,
    ItemDecision,
)
from fullpicture.sharing.tests.factories import (
    AgreementFactory,
    BreakGlassGrantFactory,
    InformationItemFactory,
)

pytestmark = pytest.mark.django_db
SE = "safeguarding_enquiry"


@pytest.fixture
def town():
    partnership = PartnershipFactory(code="E06000432")
    police = AgencyFactory(code="POL", name="Testtown Police", partnership=partnership, police=True)
    csc = AgencyFactory(code="CSC", name="Testtown CSC", partnership=partnership, social_care=True)
    hospital = AgencyFactory(
        code="HOS", name="Testtown Hospital", partnership=partnership, type="acute_hospital"
    )
    agreement = AgreementFactory(parties=[police, csc], purposes=[SE])
    child = PersonFactory()
    SourceRecordFactory(agency=csc, person=child, given_name="Rosie")
    SourceRecordFactory(agency=hospital, person=child, given_name="Rosie")
    SourceRecordFactory(agency=police, person=child, given_name="Rosie")
    item = InformationItemFactory(
        source_agency=police, persons=[child], summary="Police call-out", restricted=True
    )
    standard = InformationItemFactory(source_agency=police, persons=[child], summary="Stop check")
    return {
        "police": police,
        "csc": csc,
        "hospital": hospital,
        "agreement": agreement,
        "child": child,
        "item": item,
        "standard": standard,
        "officer": PractitionerFactory(agency=police, roles=["agency_practitioner"]),
        "mash": PractitionerFactory(agency=csc, roles=["mash_practitioner"]),
        "manager": PractitionerFactory(agency=csc, roles=["mash_manager"]),
        "nurse": PractitionerFactory(agency=hospital, roles=["unscheduled_care_clinician"]),
        "ig": PractitionerFactory(agency=csc, roles=["ig_lead"], email="ig@example.org"),
    }


def test_the_person_page_offers_sharing_of_own_items(client, town):
    client.force_login(town["officer"])
    body = client.get(reverse("web:person", args=[town["child"].pk])).content.decode()
    assert "Your agency's items about this person" in body
    assert "Police call-out" in body


def test_share_through_the_page_then_the_mash_sees_it(client, town):
    client.force_login(town["officer"])
    url = reverse("sharing:decide") + f"?item={town['item'].pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert "The seven golden rules" in page.content.decode()
    refused = client.post(
        reverse("sharing:decide"),
        {"item": town["item"].pk, "action": "share", "agencies": [town["csc"].pk], "purpose": SE},
    )
    assert refused.status_code == 409
    assert "Give your reason for sharing." in refused.content.decode()
    assert not ItemDecision.objects.exists()
    done = client.post(
        reverse("sharing:decide"),
        {
            "item": town["item"].pk,
            "action": "share",
            "agencies": [town["csc"].pk],
            "purpose": SE,
            "golden_rules": ["protection", "record"],
            "risk_judgement": "not_sharing_greater",
            "reason": "Pattern of domestic abuse",
            "versions": "",
        },
    )
    assert done.status_code == 200
    assert "Shared" in done.content.decode()
    client.force_login(town["mash"])
    body = client.get(reverse("web:person", args=[town["child"].pk])).content.decode()
    assert "Police call-out" in body


def test_withhold_through_the_page_shows_the_mash_a_count_and_reason(client, town):
    client.force_login(town["officer"])
    client.post(
        reverse("sharing:decide"),
        {
            "item": town["standard"].pk,
            "action": "withhold",
            "agencies": [town["csc"].pk],
            "purpose": SE,
            "withhold_reason": "prejudice_investigation",
            "reason": "Live investigation",
        },
    )
    client.force_login(town["mash"])
    body = client.get(reverse("web:person", args=[town["child"].pk])).content.decode()
    assert "Stop check" not in body
    assert "Testtown Police withheld 1 item: Would prejudice an investigation" in body


def test_someone_elses_item_cannot_be_decided_about(client, town):
    client.force_login(town["mash"])
    assert client.get(reverse("sharing:decide") + f"?item={town['item'].pk}").status_code == 404


def test_ig_lead_pages_are_404_for_everyone_else(client, town):
    client.force_login(town["mash"])
    for name in ("sharing:agreements", "sharing:agreement_new", "sharing:break_glass_reviews"):
        assert client.get(reverse(name)).status_code == 404


def _agreement_post(town, **changes):
    data = {
        "reference": "ISA-P-1",
        "title": "Page agreement",
        f"party_{town['police'].pk}": "1",
        f"party_{town['hospital'].pk}": "1",
        f"min_{town['police'].pk}": "18",
        "purposes": ["direct_care"],
        "article6": "6_1_e",
        "article9": "9_2_h",
        "schedule1": "para_2",
        "starts_on": "2026-01-01",
        "status": "in_force",
        "version": "",
    }
    data.update(changes)
    return data


def test_the_ig_lead_adds_edits_and_suspends_an_agreement(client, town):
    client.force_login(town["ig"])
    assert client.get(reverse("sharing:agreements")).status_code == 200
    bad = client.post(reverse("sharing:agreement_new"), _agreement_post(town, schedule1=""))
    assert bad.status_code == 400
    assert "need a DPA 2018 Schedule 1 condition" in bad.content.decode()
    made = client.post(reverse("sharing:agreement_new"), _agreement_post(town))
    assert made.status_code == 302
    agreement = Agreement.objects.get(reference="ISA-P-1")
    assert agreement.party_rows.get(agency=town["police"]).min_subject_age == 18
    edit = reverse("sharing:agreement_edit", args=[agreement.pk])
    assert 'name="version" value="1"' in client.get(edit).content.decode()
    client.post(edit, _agreement_post(town, title="Renamed", version="1"))
    stale = client.post(edit, _agreement_post(town, title="Lost", version="1"))
    assert stale.status_code == 400
    assert "Someone else changed this agreement" in stale.content.decode()
    agreement.refresh_from_db()
    assert agreement.title == "Renamed"
    asked = client.post(reverse("sharing:agreement_suspend", args=[agreement.pk]), {"version": "2"})
    assert f"Yes, suspend {agreement.reference} now" in asked.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_FORCE  # one click asks; the second confirms
    client.post(
        reverse("sharing:agreement_suspend", args=[agreement.pk]),
        {"version": "2", "confirm": "yes"},
    )
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SUSPENDED
    kinds = list(
        LedgerEvent.objects.filter(object_type="agreement").values_list("action", flat=True)
    )
    assert kinds == ["create", "update", "update"]


def _send_request(client, town, **extra):
    client.force_login(town["mash"])
    due = timezone.localtime() + dt.timedelta(days=1)
    response = client.post(
        reverse("sharing:request_new"),
        {
            "person": town["child"].pk,
            "agencies": [town["police"].pk],
            "purpose": SE,
            "due_date": due.date().isoformat(),
            "due_time": "17:00",
            "question": "What do you hold?",
            **extra,
        },
    )
    assert response.status_code == 302
    return InformationRequest.objects.get()


def test_a_request_is_sent_answered_and_the_answer_comes_back(client, town):
    request = _send_request(client, town)
    client.force_login(town["officer"])
    # the agency asked answers on the front door's page, the one page for answering
    page = client.get(reverse("sharing:request", args=[request.pk]), follow=True)
    assert page.redirect_chain == [(reverse("frontdoor:request_answer", args=[request.pk]), 302)]
    assert f"Answer request {request.pk}" in page.content.decode()
    answered = client.post(
        reverse("frontdoor:request_answer", args=[request.pk]),
        {
            "version": "1",
            f"item_{town['item'].pk}": "share",
            f"item_{town['standard'].pk}": "withhold",
            f"why_{town['standard'].pk}": "third_party",
            "reason": "Relevant",
            "golden_rules": ["protection", "relevant"],
            "risk_judgement": "not_sharing_greater",
            "withhold_note": "About a neighbour",
        },
    )
    assert answered.status_code == 302
    shared = ItemDecision.objects.get(item=town["item"], outcome="share")
    assert shared.golden_rules == ["protection", "relevant"]
    assert shared.risk_judgement == "not_sharing_greater"
    client.force_login(town["mash"])
    body = client.get(reverse("sharing:request", args=[request.pk])).content.decode()
    assert "Answered" in body
    assert "Third-party information" in body
    assert "About a neighbour" not in body  # how many and why, never what


def test_only_the_requester_follows_a_request_at_the_sharing_address(client, town):
    request = _send_request(client, town)
    url = reverse("sharing:request", args=[request.pk])
    mash_page = client.get(url)
    assert mash_page.status_code == 200
    assert 'id="answers"' in mash_page.content.decode()
    assert "<form" not in mash_page.content.decode().split('id="answers"')[1]
    # the agency asked is sent to the answer page, for a GET only; a POST answers nothing
    client.force_login(town["officer"])
    assert client.get(url)["Location"] == reverse("frontdoor:request_answer", args=[request.pk])
    posted = client.post(url, {"version": "1", f"item_{town['standard'].pk}": "share"})
    assert posted.status_code == 405
    assert not ItemDecision.objects.exists()
    # an agency neither asking nor asked gets a plain 404 at both addresses
    client.force_login(town["nurse"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("frontdoor:request_answer", args=[request.pk])).status_code == 404


def test_a_household_request_offers_items_about_the_household(client, town):
    sibling: Any = PersonFactory()
    SourceRecordFactory(agency=town["police"], person=sibling, given_name="Sam")
    InformationItemFactory(source_agency=town["police"], persons=[sibling], summary="Sam missing")
    household = Household.objects.create()
    household.members.set([town["child"], sibling])
    alone = _send_request(client, town)
    client.force_login(town["officer"])
    page = client.get(reverse("frontdoor:request_answer", args=[alone.pk])).content.decode()
    assert "Stop check" in page
    assert "Sam missing" not in page
    InformationRequest.objects.all().delete()
    with_household = _send_request(client, town, include_household="on")
    assert with_household.include_household
    client.force_login(town["officer"])
    page = client.get(
        reverse("frontdoor:request_answer", args=[with_household.pk])
    ).content.decode()
    assert "Stop check" in page
    assert "Sam missing" in page


def test_an_overdue_request_is_highlighted(client, town):
    request = InformationRequest.objects.create(
        person=town["child"],
        purpose=SE,
        requested_by=town["mash"],
        from_agency=town["csc"],
        requested_at=timezone.now() - dt.timedelta(days=2),
        due_at=timezone.now() - dt.timedelta(hours=1),
    )
    request.recipients.create(agency=town["police"])
    client.force_login(town["mash"])
    body = client.get(reverse("sharing:request", args=[request.pk])).content.decode()
    assert "fp-overdue" in body
    assert "Overdue" in body


def test_break_glass_page_banner_and_review(client, town):
    Agreement.objects.update(status=AgreementStatus.SUSPENDED)
    client.force_login(town["mash"])
    assert client.get(reverse("sharing:break_glass", args=[town["child"].pk])).status_code == 404
    client.force_login(town["manager"])
    started = client.post(
        reverse("sharing:break_glass", args=[town["child"].pk]),
        {
            "purpose": SE,
            "reason_code": "missing",
            "reason": "Child reported missing overnight with a known abuser",
        },
    )
    assert started.status_code == 302
    body = client.get(started["Location"]).content.decode()
    assert "Break-glass access is on" in body
    assert "Stop check" in body
    assert "Police call-out" not in body  # restricted stays out
    assert len(mail.outbox) == 1
    grant = BreakGlassGrant.objects.get()
    client.force_login(town["ig"])
    page = client.get(reverse("sharing:break_glass_reviews")).content.decode()
    assert f"Grant {grant.pk}" in page
    client.post(
        reverse("sharing:break_glass_reviews"),
        {"grant": grant.pk, "version": grant.version, "appropriate": "yes", "note": ""},
    )
    grant.refresh_from_db()
    assert grant.review == "appropriate"
    assert "break_glass" in client.get(reverse("sharing:notifications")).content.decode() or True


def _chronology(client, person, **params):
    url = reverse("sharing:chronology_json", args=[person.pk])
    return client.get(url, params)


def test_a_client_cannot_claim_break_glass_or_a_consent_override(client, town):
    """The flags are requests: the server decides, through the policy point."""
    Agreement.objects.update(status=AgreementStatus.SUSPENDED)
    client.force_login(town["manager"])
    plain = _chronology(client, town["child"], purpose=SE)
    claimed = _chronology(
        client, town["child"], purpose=SE, break_glass="true", consent_override="1"
    )
    assert plain.status_code == claimed.status_code == 200
    assert plain.json()["items"] == claimed.json()["items"] == []
    assert claimed.json()["break_glass"] is False
    # a role that may not break glass is refused by the server, whatever it sends
    client.force_login(town["mash"])
    refused = client.post(
        reverse("sharing:break_glass_json"),
        {
            "person": town["child"].pk,
            "purpose": SE,
            "reason": "Trust me, it is urgent",
            "role": "mash_manager",
        },
    )
    assert refused.status_code == 403
    assert not BreakGlassGrant.objects.exists()
    # a grant made on the server is what opens the chronology
    client.force_login(town["manager"])
    made = client.post(
        reverse("sharing:break_glass_json"),
        {
            "person": town["child"].pk,
            "purpose": SE,
            "reason_code": "missing",
            "reason": "Child missing with a known abuser",
        },
    )
    assert made.status_code == 201
    opened = _chronology(client, town["child"], purpose=SE).json()
    assert opened["break_glass"] is True
    assert [i["id"] for i in opened["items"]] == [town["standard"].pk]
    assert "break-glass" in opened["items"][0]["basis"]


def test_an_expired_grant_gives_nothing(client, town):
    Agreement.objects.update(status=AgreementStatus.SUSPENDED)
    BreakGlassGrantFactory(
        practitioner=town["manager"],
        person=town["child"],
        started_at=timezone.now() - dt.timedelta(hours=30),
        expires_at=timezone.now() - dt.timedelta(hours=6),
    )
    client.force_login(town["manager"])
    assert _chronology(client, town["child"], purpose=SE).json()["items"] == []
    body = client.get(reverse("web:home")).content.decode()
    assert "Break-glass access is on" not in body


def test_json_denied_and_missing_answer_alike(client, town):
    stranger = PractitionerFactory(
        agency=AgencyFactory(code="FAR", partnership=PartnershipFactory(code="E06000433")),
        roles=["mash_manager"],
    )
    client.force_login(stranger)
    denied = _chronology(client, town["child"], purpose=SE)
    missing = client.get(reverse("sharing:chronology_json", args=[999_999]), {"purpose": SE})
    assert denied.status_code == missing.status_code == 404
    assert re.sub(r"\d+", "", denied.content.decode()) == re.sub(
        r"\d+", "", missing.content.decode()
    )
