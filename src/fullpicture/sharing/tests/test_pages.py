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
from fullpicture.sharing.contexts import context_of
from fullpicture.sharing.models import (
    Agreement,
    AgreementStatus,
    BreakGlassGrant,
    InformationRequest,
    ItemDecision,
)
from fullpicture.sharing.templatetags.sharing_tags import read_query
from fullpicture.sharing.tests.factories import (
    AgreementFactory,
    BreakGlassGrantFactory,
    InformationItemFactory,
    work_context_for,
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


def _in_enquiry(viewer, person, purpose=SE) -> str:
    """The person page read in an enquiry the viewer's agency sent about the person."""
    read = work_context_for(viewer=viewer, person=person, purpose=purpose)
    return reverse("web:person", args=[person.pk]) + f"?{read_query(read)}"


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
    body = client.get(_in_enquiry(town["mash"], town["child"])).content.decode()
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


# --- a purpose is a relationship; a withhold binds across purposes (docs/decisions/0056-0057)


def _withhold_standard(client, town, **extra):
    client.force_login(town["officer"])
    response = client.post(
        reverse("sharing:decide"),
        {
            "item": town["standard"].pk,
            "action": "withhold",
            "agencies": [town["csc"].pk],
            "purpose": SE,
            "withhold_reason": "prejudice_investigation",
            "reason": "Live investigation",
            **extra,
        },
    )
    assert response.status_code == 200
    assert ItemDecision.objects.get().outcome == "withhold"


def test_a_withhold_is_not_undone_by_switching_the_purpose(client, town):
    """Withheld from the MASH for a safeguarding enquiry: a strategy discussion (which the
    agreement also covers) does not read around it, on the page or through the JSON API,
    and the withheld panel says so whatever the purpose."""
    Agreement.objects.update(purposes=[SE, "strategy_discussion"])
    _withhold_standard(client, town)
    client.force_login(town["mash"])
    for purpose in (SE, "strategy_discussion"):
        read = work_context_for(viewer=town["mash"], person=town["child"], purpose=purpose)
        url = reverse("web:person", args=[town["child"].pk])
        body = client.get(f"{url}?{read_query(read)}").content.decode()
        assert "Stop check" not in body, purpose
        assert "Testtown Police withheld 1 item: Would prejudice an investigation" in body
        as_json = _chronology(
            client,
            town["child"],
            purpose=purpose,
            context=context_of(read),
        ).json()
        assert town["standard"].pk not in [i["id"] for i in as_json["items"]], purpose
        assert as_json["context"] == context_of(read)
    # the old way in, a bare purpose word, reads the MASH's own agency only
    bare = _chronology(client, town["child"], purpose="strategy_discussion").json()
    assert bare["items"] == []


def test_a_withhold_that_expressly_allows_a_purpose_lets_that_purpose_through(client, town):
    Agreement.objects.update(purposes=[SE, "strategy_discussion"])
    _withhold_standard(client, town, allowed_purposes=["strategy_discussion"])
    client.force_login(town["mash"])
    body = client.get(_in_enquiry(town["mash"], town["child"])).content.decode()
    assert "Stop check" not in body
    assert "withheld 1 item" in body
    allowed = client.get(
        _in_enquiry(town["mash"], town["child"], purpose="strategy_discussion")
    ).content.decode()
    assert "Stop check" in allowed
    assert "withheld 1 item" not in allowed


def test_reading_for_a_meeting_with_no_meeting_is_refused_like_a_missing_person(client, town):
    """An agency practitioner (police here) names "multi-agency meeting" with no meeting:
    nothing beyond their own agency, and a person only others hold answers like a missing one."""
    Agreement.objects.update(purposes=["multi_agency_meeting"])
    known_to_csc = PersonFactory()
    SourceRecordFactory(agency=town["csc"], person=known_to_csc, given_name="Kit")
    InformationItemFactory(source_agency=town["csc"], persons=[known_to_csc], summary="CSC note")
    client.force_login(town["officer"])
    url = reverse("web:person", args=[known_to_csc.pk])
    refused = client.get(url, {"purpose": "multi_agency_meeting"})
    missing = client.get(reverse("web:person", args=[999_999]), {"purpose": "multi_agency_meeting"})
    assert refused.status_code == missing.status_code == 404
    main = [r.content.decode().split("<main")[1].split("</main>")[0] for r in (refused, missing)]
    assert main[0] == main[1]
    as_json = _chronology(client, known_to_csc, purpose="multi_agency_meeting")
    assert as_json.status_code == 404
    # a context that names no real piece of work is refused the same way
    made_up = client.get(url, {"context": "meeting:424242"})
    assert made_up.status_code == 404
    assert client.get(url, {"context": "nonsense"}).status_code == 404


def test_the_ig_lead_has_no_standing_access_for_audit(client, town):
    """``?purpose=audit`` with no approved review grant reads nothing beyond the IG lead's
    own agency; with an active grant covering the person it reads what the agreements allow."""
    from fullpicture.sharing.models import ReviewGrant

    Agreement.objects.update(purposes=["audit"])
    known_to_police = PersonFactory()
    SourceRecordFactory(agency=town["police"], person=known_to_police, given_name="Lee")
    InformationItemFactory(source_agency=town["police"], persons=[known_to_police], summary="Lee")
    client.force_login(town["ig"])
    url = reverse("web:person", args=[known_to_police.pk])
    assert client.get(url, {"purpose": "audit"}).status_code == 404
    assert _chronology(client, known_to_police, purpose="audit").status_code == 404
    now = timezone.now()
    grant = ReviewGrant.objects.create(
        period_from=dt.date(2020, 1, 1),
        period_to=timezone.localdate(),
        approved_by=town["ig"],
        granted_to="system:learning-review",
        review_ref="learning_review:1",
        legal_basis="test",
        created_at=now - dt.timedelta(hours=1),
        expires_at=now + dt.timedelta(days=1),
    )
    other = PersonFactory()
    SourceRecordFactory(agency=town["police"], person=other, given_name="Other")
    assert client.get(url, {"context": f"review-grant:{grant.pk}"}).status_code == 404
    grant.persons.add(known_to_police.pk)
    opened = client.get(url, {"context": f"review-grant:{grant.pk}"})
    assert opened.status_code == 200
    assert "Lee" in opened.content.decode()
    other_url = reverse("web:person", args=[other.pk])
    assert client.get(other_url, {"context": f"review-grant:{grant.pk}"}).status_code == 404
    # subject access is answered through the export only, never read on a page
    assert client.get(url, {"purpose": "subject_access"}).status_code == 404


def test_the_ledger_records_the_context_of_each_read(client, town):
    client.force_login(town["mash"])
    url = _in_enquiry(town["mash"], town["child"])
    request = InformationRequest.objects.get()
    assert client.get(url).status_code == 200
    person = LedgerEvent.objects.get(action="view", object_type="person")
    chronology = LedgerEvent.objects.get(action="view", object_type="person_chronology")
    assert person.details["context"] == chronology.details["context"] == f"request:{request.pk}"
    assert person.purpose == SE
    # links on the page keep the context
    assert f"context=request%3A{request.pk}" in client.get(url).content.decode()
