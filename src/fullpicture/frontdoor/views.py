"""Front-door pages. Views parse input, call one service or selector, and render."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fullpicture.frontdoor import forms, selectors, services
from fullpicture.frontdoor.models import (
    Contact,
    ContactPerson,
    Outcome,
    PersonRole,
    Rag,
    ReferrerKind,
    Relevance,
)
from fullpicture.frontdoor.services import ContactNotFound, FrontDoorRefused
from fullpicture.partnerships.models import Practitioner
from fullpicture.partnerships.selectors import request_practitioner
from fullpicture.people.models import SourceRecord
from fullpicture.sharing.models import Consent, Paragraph18Reason, RiskJudgement, WithholdReason
from fullpicture.sharing.selectors import own_items_for_request
from fullpicture.sharing.services import GOLDEN_RULES
from fullpicture.vocabulary.models import NeedLevel
from fullpicture.vocabulary.selectors import categories_offered, threshold_descriptors_for


def _viewer(request: HttpRequest) -> Practitioner:
    return request_practitioner(request)


def _contact_url(contact_id: int) -> str:
    return reverse("frontdoor:contact", args=[contact_id])


# --------------------------------------------------------------------------------- contacts


def _new_context(request: HttpRequest, viewer: Practitioner, **extra: Any) -> dict[str, Any]:
    data = request.POST if request.method == "POST" else None
    count = forms.people_count(data) if data is not None else 1
    if data is not None and "add_person" in data:
        count = min(count + 1, forms.MAX_PEOPLE)
    rows = forms.person_rows(data, count) if data is not None else [forms.blank_row(0)]
    return {
        "people": rows,
        "people_count": len(rows),
        "roles": PersonRole.choices,
        "categories": categories_offered(),
        "chosen": set(data.getlist("categories")) if data is not None else set(),
        "consents": Consent.choices,
        "reasons": [c for c in Paragraph18Reason.choices if c[0]],
        "values": data or {},
        "may_take_calls": selectors.is_mash(viewer),
        "referrer_kinds": ReferrerKind.choices,
        **extra,
    }


def contact_new(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if request.method == "POST" and "add_person" not in request.POST:
        try:
            created = services.contact_create(
                user=viewer, data=forms.contact_input_from(request.POST)
            )
        except (FrontDoorRefused, forms.FormProblem) as exc:
            context = _new_context(request, viewer, errors=exc.errors)
            return render(request, "frontdoor/contact_new.html", context, status=400)
        for match in created.matches:
            messages.info(request, f"{match.name}: {selectors.match_label(match.match).lower()}.")
        messages.success(
            request, f"Your concern was sent to the MASH as {created.contact.reference}."
        )
        return HttpResponseRedirect(_contact_url(created.contact.pk))
    return render(request, "frontdoor/contact_new.html", _new_context(request, viewer))


@dataclass(frozen=True)
class PersonAsTold:
    """One of a contact's people, with its match as this viewer may be told it (0072)."""

    named: ContactPerson
    shown_match: str

    @property
    def shown_match_label(self) -> str:
        return selectors.match_label(self.shown_match)

    @property
    def record(self) -> SourceRecord:
        return self.named.record

    @property
    def person_id(self) -> int | None:
        return self.named.person_id

    def get_role_display(self) -> str:
        return self.named.get_role_display()


def _people_as_told(viewer: Practitioner, contact: Contact) -> list[PersonAsTold]:
    return [
        PersonAsTold(p, selectors.match_for_viewer(viewer=viewer, contact=contact, person=p))
        for p in contact.people.select_related("record")
    ]


def _detail_context(viewer: Practitioner, contact: Contact) -> dict[str, Any]:
    mash = selectors.is_mash(viewer) and contact.mash_agency_id == viewer.agency_id
    context: dict[str, Any] = {
        "contact": contact,
        "is_mash": mash,
        "people": _people_as_told(viewer, contact),
        "categories": list(contact.categories.all()),
        "decision": selectors.decision_of(contact=contact),
        "feedback": selectors.feedback_of(contact=contact),
        "is_referrer": contact.referrer_id == viewer.pk,
        "steps": selectors.contact_steps(contact=contact),
        "escalations": [],
    }
    decision = context["decision"]
    if decision is not None:
        context["escalations"] = list(decision.escalations.select_related("raised_by_agency"))
    if mash:
        information = selectors.enquiry_information(viewer=viewer, contact=contact)
        context.update(
            information=information,
            shared_items=information.items,
            earlier=selectors.earlier_contacts(contact=contact),
            colleagues=selectors.mash_colleagues(viewer=viewer),
            agencies=selectors.partnership_agencies(viewer=viewer),
            rags=Rag.choices,
            levels=NeedLevel.choices,
            outcomes=Outcome.choices,
            relevances=Relevance.choices,
            threshold_levels=threshold_descriptors_for(contact.partnership),
            onward=list(contact.onward_referrals.select_related("service")),
            linked_people=[p for p in context["people"] if p.person_id is not None],
        )
    return context


@require_GET
def contact_page(request: HttpRequest, contact_id: int) -> HttpResponse:
    viewer = _viewer(request)
    try:
        contact = selectors.access_contact_by_id(viewer=viewer, contact_id=contact_id)
    except ContactNotFound:
        raise Http404 from None
    context = _detail_context(viewer, contact)
    context["may_mark_read"] = contact.referrer_id == viewer.pk
    return render(request, "frontdoor/contact.html", context)


def _act(request: HttpRequest, contact_id: int, action: Any, done: str) -> HttpResponse:
    """Run one service for a contact page form; on refusal show the page with the errors."""
    viewer = _viewer(request)
    try:
        action(viewer)
    except ContactNotFound:
        raise Http404 from None
    except (FrontDoorRefused, forms.FormProblem) as exc:
        try:
            contact = selectors.access_contact_by_id(
                viewer=viewer, contact_id=contact_id, audit=False
            )
        except ContactNotFound:
            raise Http404 from None
        context = _detail_context(viewer, contact)
        fields = getattr(exc, "fields", {})
        context["errors"] = [_error_link(message, fields) for message in exc.errors]
        context["field_errors"] = fields
        context["posted"] = request.POST  # the form keeps what was typed
        return render(request, "frontdoor/contact.html", context, status=400)
    messages.success(request, done)
    return HttpResponseRedirect(_contact_url(contact_id))


# The first input of each field, for the error summary's links (GOV.UK error pattern).
FIELD_ANCHORS = {
    "level": "id_level_1",
    "outcome": "id_outcome",
    "rationale": "id_rationale",
    "relevance": "id_relevance_relevant",
    "where_recorded": "id_where_recorded",
    "actions_taken": "id_actions_taken",
    "further_action_needed": "id_further_yes",
    "further_action": "id_further_action",
}


def _error_link(message: str, fields: dict[str, str]) -> dict[str, str]:
    """An error summary entry: the message, and the field it is about, if any."""
    for field, field_message in fields.items():
        if field_message == message and field in FIELD_ANCHORS:
            return {"text": message, "href": f"#{FIELD_ANCHORS[field]}"}
    return {"text": message, "href": ""}


def _id(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise forms.FormProblem("Choose from the list.") from None


@require_POST
def contact_triage(request: HttpRequest, contact_id: int) -> HttpResponse:
    return _act(
        request,
        contact_id,
        lambda user: services.contact_triage(
            user=user, contact_id=contact_id, rag=request.POST.get("rag", "")
        ),
        "Triage recorded.",
    )


@require_POST
def contact_assign(request: HttpRequest, contact_id: int) -> HttpResponse:
    return _act(
        request,
        contact_id,
        lambda user: services.contact_assign(
            user=user, contact_id=contact_id, assignee_id=_id(request.POST.get("assignee"))
        ),
        "Contact reassigned.",
    )


@require_POST
def contact_request(request: HttpRequest, contact_id: int) -> HttpResponse:
    def run(user: Practitioner) -> None:
        agency_ids = [_id(v) for v in request.POST.getlist("agencies")]
        if not agency_ids:
            raise forms.FormProblem("Choose at least one agency to ask.")
        services.contact_request_information(
            user=user,
            contact_id=contact_id,
            person_id=_id(request.POST.get("person")),
            agency_ids=agency_ids,
            question=request.POST.get("question", ""),
            include_household=request.POST.get("include_household") == "yes",
        )

    return _act(request, contact_id, run, "Information requested.")


@require_POST
def contact_decide(request: HttpRequest, contact_id: int) -> HttpResponse:
    def run(user: Practitioner) -> None:
        feedback = None
        if request.POST.get("send_feedback", "yes") == "yes":
            feedback = forms.feedback_from(request.POST)
        level = request.POST.get("level", "")
        services.decision_record(
            user=user,
            contact_id=contact_id,
            level=int(level) if level.isdigit() else 0,
            outcome=request.POST.get("outcome", ""),
            rationale=request.POST.get("rationale", ""),
            feedback=feedback,
        )

    return _act(request, contact_id, run, "Decision recorded.")


@require_POST
def contact_countersign(request: HttpRequest, contact_id: int) -> HttpResponse:
    return _act(
        request,
        contact_id,
        lambda user: services.decision_countersign(
            user=user, contact_id=contact_id, note=request.POST.get("note", "")
        ),
        "Decision countersigned.",
    )


@require_POST
def contact_feedback(request: HttpRequest, contact_id: int) -> HttpResponse:
    return _act(
        request,
        contact_id,
        lambda user: services.feedback_send(
            user=user, contact_id=contact_id, parts=forms.feedback_from(request.POST)
        ),
        "Feedback sent to the referrer.",
    )


@require_POST
def contact_feedback_read(request: HttpRequest, contact_id: int) -> HttpResponse:
    """The referrer marks the feedback read (a POST: opening the page changes nothing)."""
    viewer = _viewer(request)
    try:
        selectors.access_contact_by_id(viewer=viewer, contact_id=contact_id, audit=False)
    except ContactNotFound:
        raise Http404 from None
    services.feedback_mark_read(user=viewer, contact_id=contact_id)
    messages.success(request, "Feedback marked as read.")
    return HttpResponseRedirect(_contact_url(contact_id))


@require_POST
def contact_escalate(request: HttpRequest, contact_id: int) -> HttpResponse:
    return _act(
        request,
        contact_id,
        lambda user: services.escalation_raise(
            user=user, contact_id=contact_id, reason=request.POST.get("reason", "")
        ),
        "Your disagreement has been recorded for the MASH managers.",
    )


@require_POST
def escalation_resolve(request: HttpRequest, contact_id: int, escalation_id: int) -> HttpResponse:
    return _act(
        request,
        contact_id,
        lambda user: services.escalation_resolve(
            user=user, escalation_id=escalation_id, resolution=request.POST.get("resolution", "")
        ),
        "Escalation resolved.",
    )


@require_POST
def contact_onward(request: HttpRequest, contact_id: int) -> HttpResponse:
    return _act(
        request,
        contact_id,
        lambda user: services.onward_referral_send(
            user=user,
            contact_id=contact_id,
            service_id=_id(request.POST.get("service")),
            note=request.POST.get("note", ""),
        ),
        "Referral sent to the service.",
    )


@require_POST
def onward_respond(request: HttpRequest, referral_id: int) -> HttpResponse:
    viewer = _viewer(request)
    try:
        services.onward_referral_respond(
            user=viewer,
            referral_id=referral_id,
            accepted=forms.yes_no(request.POST.get("accepted")),
            reason=request.POST.get("reason", ""),
        )
    except ContactNotFound:
        raise Http404 from None
    except FrontDoorRefused as exc:
        for error in exc.errors:
            messages.error(request, error)
    else:
        messages.success(request, "Your answer was sent to the MASH.")
    return HttpResponseRedirect(reverse("frontdoor:referrals"))


# ------------------------------------------------------------------------ lists and inbox


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not selectors.is_mash(viewer):
        raise Http404
    return render(request, "frontdoor/queue.html", {"rows": selectors.mash_queue(viewer=viewer)})


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    return render(request, "frontdoor/inbox.html", {"contacts": selectors.inbox(viewer=viewer)})


@require_GET
def feedback_overdue(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not selectors.is_mash(viewer):
        raise Http404
    rows = selectors.feedback_overdue_by_agency(viewer=viewer)
    return render(request, "frontdoor/feedback_overdue.html", {"rows": rows})


@require_GET
def referrals(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    return render(
        request,
        "frontdoor/referrals.html",
        {"referrals": selectors.onward_referrals_for_service(viewer=viewer)},
    )


# ----------------------------------------------------------------- answering a request


@require_GET
def requests_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    return render(
        request,
        "frontdoor/requests.html",
        {"recipients": selectors.requests_for_agency(viewer=viewer)},
    )


@require_http_methods(["GET", "POST"])
def request_answer(request: HttpRequest, request_id: int) -> HttpResponse:
    """The one page where an agency answers an information request (``/sharing/requests/
    <id>/`` sends an agency that was asked here): item by item, share or withhold with a
    reason, the golden rules considered and the balance of risk."""
    viewer = _viewer(request)
    try:
        recipient = selectors.request_for_agency(viewer=viewer, request_id=request_id)
    except ContactNotFound:
        raise Http404 from None
    own = own_items_for_request(viewer=viewer, request=recipient.request)
    posted = request.POST if request.method == "POST" else None
    context: dict[str, Any] = {
        "recipient": recipient,
        "own": own,
        "withhold_reasons": WithholdReason.choices,
        "golden_rules": GOLDEN_RULES,
        "risk_judgements": RiskJudgement.choices,
        "values": posted or {},
        "rules_ticked": set(posted.getlist("golden_rules")) if posted else set(),
    }
    if posted is not None:
        share: list[int] = []
        withhold: list[tuple[int, str]] = []
        for entry in own:
            choice = posted.get(f"item_{entry.pk}", "")
            if choice == "share":
                share.append(entry.pk)
            elif choice == "withhold":
                withhold.append((entry.pk, posted.get(f"why_{entry.pk}", "")))
        try:
            services.request_answer(
                user=viewer,
                request_id=request_id,
                version=_id(posted.get("version")),
                share_item_ids=share,
                withhold=withhold,
                reason=posted.get("reason", ""),
                withhold_reason=posted.get("withhold_note", ""),
                golden_rules=posted.getlist("golden_rules"),
                risk_judgement=posted.get("risk_judgement", ""),
            )
        except (FrontDoorRefused, forms.FormProblem) as exc:
            context["errors"] = exc.errors
            return render(request, "frontdoor/request_answer.html", context, status=400)
        messages.success(request, "Your answer was sent to the MASH.")
        return HttpResponseRedirect(reverse("frontdoor:requests"))
    return render(request, "frontdoor/request_answer.html", context)
