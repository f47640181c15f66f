"""Sharing pages: agreements (IG lead), share and withhold, information requests,
break-glass and its review, notices. Views parse input, call one service or selector,
and render; anything a viewer may not see answers 404, like a page that does not exist."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record
from fullpicture.partnerships.models import MASH_ROLES, Agency, Partnership, Practitioner
from fullpicture.partnerships.selectors import request_practitioner
from fullpicture.sharing.forms import (
    AgreementForm,
    BreakGlassForm,
    DecisionForm,
    RequestForm,
    ReviewForm,
    form_errors,
)
from fullpicture.sharing.models import AgreementStatus, Outcome
from fullpicture.sharing.policy import (
    Purpose,
    PurposeRefused,
    decide_for,
    may_break_glass,
    policy_context,
    read_purpose,
)
from fullpicture.sharing.selectors import (
    NotFound,
    access_person_by_id,
    agencies_joined_to,
    agreement_for_edit,
    agreements_for,
    break_glass_for_review,
    decisions_by_own_agency,
    notifications_for,
    own_items,
    person_chronology,
    persons_visible_to,
    request_view,
    requests_received,
    requests_sent,
)
from fullpicture.sharing.services import (
    GOLDEN_RULES,
    SharingRefused,
    WithholdReasonGiven,
    agreement_accept,
    agreement_acceptance_state,
    agreement_create,
    agreement_suspend,
    agreement_update,
    break_glass_end,
    break_glass_review,
    break_glass_start,
    information_request_create,
    item_share,
    item_withhold,
    notification_mark_read,
)
from fullpicture.vocabulary.models import ConcernCategory


def _viewer(request: HttpRequest) -> Practitioner:
    return request_practitioner(request, in_agency=True)


def _ig_lead(request: HttpRequest) -> Practitioner:
    viewer = _viewer(request)
    if not viewer.has_role("ig_lead"):
        raise Http404
    return viewer


def _int(value: str | None) -> int:
    if not value or not value.isdigit():
        raise Http404
    return int(value)


# ---- agreements ----------------------------------------------------------------------


def _agreement_list_page(
    request: HttpRequest,
    viewer: Practitioner,
    *,
    errors: list[Any] | None = None,
    status: int = 200,
    confirm: Any = None,
) -> HttpResponse:
    names = dict(Partnership.objects.values_list("pk", "name"))
    agreements = []
    for a in agreements_for(viewer=viewer):
        state = agreement_acceptance_state(agreement=a)
        in_force_now = a.status == AgreementStatus.IN_FORCE and a.accepted_version == a.version
        acceptance = {
            "waiting_for": sorted(names.get(p, str(p)) for p in state.waiting_for),
            "needs_second_person": not state.second_person,
            "in_force_now": in_force_now,
            "may_accept": a.status == AgreementStatus.IN_FORCE
            and not in_force_now
            and viewer.partnership_id in state.partnership_ids,
        }
        agreements.append((a, acceptance))
    return render(
        request,
        "sharing/agreement_list.html",
        {
            "agreements": agreements,
            "statuses": AgreementStatus,
            "errors": errors or [],
            "confirm": confirm,
        },
        status=status,
    )


@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    viewer = _ig_lead(request)
    return _agreement_list_page(request, viewer)


@require_POST
def agreement_accept_view(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """An IG lead of a party partnership accepts the agreement's current version."""
    viewer = _ig_lead(request)
    try:
        agreement_accept(
            user=viewer, agreement_id=agreement_id, version=_int(request.POST.get("version"))
        )
    except SharingRefused as refused:
        errors = [(f"#agreement-{agreement_id}", e) for e in refused.errors]
        return _agreement_list_page(request, viewer, errors=errors, status=400)
    return redirect(reverse("sharing:agreements") + f"?accepted={agreement_id}")


def _category_choices() -> list[tuple[str, str]]:
    return [(str(c.pk), c.name) for c in ConcernCategory.objects.order_by("sort_order", "name")]


def _agreement_page(
    request: HttpRequest, *, form: AgreementForm, agreement: Any, errors: list[Any]
) -> HttpResponse:
    agencies = list(Agency.objects.order_by("name"))
    parties = {p.agency_id: p for p in agreement.party_rows.all()} if agreement else {}
    rows = []
    for agency in agencies:
        if form.is_bound:
            key = str(agency.pk)
            rows.append(
                {
                    "agency": agency,
                    "checked": bool(form.data.get(f"party_{key}")),
                    "min": form.data.get(f"min_{key}", ""),
                    "max": form.data.get(f"max_{key}", ""),
                    "recent": form.data.get(f"recent_{key}", ""),
                }
            )
        else:
            party = parties.get(agency.pk)
            rows.append(
                {
                    "agency": agency,
                    "checked": party is not None,
                    "min": party.min_subject_age
                    if party and party.min_subject_age is not None
                    else "",
                    "max": party.max_subject_age
                    if party and party.max_subject_age is not None
                    else "",
                    "recent": (
                        party.most_recent_limit
                        if party and party.most_recent_limit is not None
                        else ""
                    ),
                }
            )
    return render(
        request,
        "sharing/agreement_form.html",
        {"form": form, "agreement": agreement, "party_rows": rows, "errors": errors},
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, agreement_id: int | None = None) -> HttpResponse:
    viewer = _ig_lead(request)
    agreement = None
    if agreement_id is not None:
        try:
            agreement = agreement_for_edit(viewer=viewer, agreement_id=agreement_id)
        except NotFound:
            raise Http404 from None
    if request.method == "GET":
        initial: dict[str, Any] = {"status": AgreementStatus.DRAFT, "article6": "6_1_e"}
        if agreement is not None:
            initial = {
                "reference": agreement.reference,
                "title": agreement.title,
                "purposes": agreement.purposes,
                "categories": [str(c.pk) for c in agreement.categories.all()],
                "article6": agreement.article6,
                "article9": agreement.article9,
                "schedule1": agreement.schedule1,
                "rests_on_consent": agreement.rests_on_consent,
                "starts_on": agreement.starts_on,
                "ends_on": agreement.ends_on,
                "review_on": agreement.review_on,
                "status": agreement.status,
                "notes": agreement.notes,
                "version": agreement.version,
            }
        form = AgreementForm(initial=initial, categories=_category_choices())
        return _agreement_page(request, form=form, agreement=agreement, errors=[])
    form = AgreementForm(request.POST, request.FILES, categories=_category_choices())
    if not form.is_valid():
        return _agreement_page(request, form=form, agreement=agreement, errors=form_errors(form))
    terms, problems = form.terms(agency_ids=list(Agency.objects.values_list("pk", flat=True)))
    if problems:
        return _agreement_page(
            request, form=form, agreement=agreement, errors=form_errors(form, problems)
        )
    document = form.cleaned_data.get("document")
    try:
        if agreement is None:
            saved = agreement_create(user=viewer, terms=terms, document=document)
        else:
            saved = agreement_update(
                user=viewer,
                agreement_id=agreement.pk,
                version=form.cleaned_data.get("version") or 0,
                terms=terms,
                document=document,
            )
    except SharingRefused as refused:
        return _agreement_page(
            request, form=form, agreement=agreement, errors=form_errors(form, refused.errors)
        )
    return redirect(reverse("sharing:agreements") + f"?saved={saved.pk}")


@require_POST
def agreement_suspend_view(request: HttpRequest, agreement_id: int) -> HttpResponse:
    viewer = _ig_lead(request)
    version = _int(request.POST.get("version"))
    if request.POST.get("confirm") != "yes":  # one click to ask, a second to confirm
        agreement = agreements_for(viewer=viewer).filter(pk=agreement_id).first()
        if agreement is None:
            raise Http404
        return _agreement_list_page(
            request, viewer, confirm={"agreement": agreement, "version": version}
        )
    try:
        agreement_suspend(user=viewer, agreement_id=agreement_id, version=version)
    except SharingRefused as refused:
        return _agreement_list_page(
            request, viewer, errors=[("#agreements", e) for e in refused.errors], status=409
        )
    return redirect(reverse("sharing:agreements") + f"?suspended={agreement_id}")


# ---- share and withhold --------------------------------------------------------------


def _decide_page(
    request: HttpRequest,
    *,
    viewer: Practitioner,
    items: list[Any],
    form: DecisionForm,
    errors: list[Any],
    status: int = 200,
) -> HttpResponse:
    decisions = decisions_by_own_agency(viewer=viewer, item_ids=[i.pk for i in items])
    targets = agencies_joined_to(viewer=viewer)
    versions = ",".join(
        f"{d.item_id}:{d.to_agency_id}:{d.version}"
        for d in decisions
        if not form.is_bound or d.purpose == form.data.get("purpose")
    )
    return render(
        request,
        "sharing/decide.html",
        {
            "items": items,
            "decisions": decisions,
            "form": form,
            "targets": targets,
            "golden_rules": GOLDEN_RULES,
            "versions": form.data.get("versions", versions) if form.is_bound else versions,
            "errors": errors,
            "purposes": Purpose.choices,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def decide_page(request: HttpRequest) -> HttpResponse:
    """Share or withhold one item or a set of the viewer's own agency's items."""
    viewer = _viewer(request)
    source = request.POST if request.method == "POST" else request.GET
    item_ids = [_int(v) for v in source.getlist("item")]
    items = own_items(viewer=viewer, item_ids=item_ids)
    if not items or len(items) != len(set(item_ids)):
        raise Http404
    choices = [(str(a.pk), a.name) for a in agencies_joined_to(viewer=viewer)]
    if request.method == "GET":
        form = DecisionForm(
            initial={"purpose": request.GET.get("purpose") or Purpose.SAFEGUARDING_ENQUIRY},
            agencies=choices,
        )
        return _decide_page(request, viewer=viewer, items=items, form=form, errors=[])
    form = DecisionForm(request.POST, agencies=choices)
    if not form.is_valid():
        return _decide_page(
            request, viewer=viewer, items=items, form=form, errors=form_errors(form), status=400
        )
    data = form.cleaned_data
    kwargs: dict[str, Any] = {
        "user": viewer,
        "item_ids": [i.pk for i in items],
        "to_agency_ids": [int(a) for a in data["agencies"]],
        "purpose": data["purpose"],
        "expected_versions": form.expected_versions(),
    }
    try:
        if data["action"] == Outcome.SHARE:
            outcome = item_share(why=form.share_reason(), **kwargs)
        else:
            outcome = item_withhold(
                why=WithholdReasonGiven(
                    code=data.get("withhold_reason") or "",
                    reason=data.get("reason") or "",
                    allowed_purposes=tuple(data.get("allowed_purposes") or ()),
                ),
                **kwargs,
            )
    except SharingRefused as refused:
        return _decide_page(
            request,
            viewer=viewer,
            items=items,
            form=form,
            errors=form_errors(form, refused.errors),
            status=409,
        )
    return render(
        request,
        "sharing/decided.html",
        {"outcome": outcome, "items": items, "purpose": data["purpose"]},
    )


# ---- information requests ------------------------------------------------------------


@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    return render(
        request,
        "sharing/request_list.html",
        {
            "sent": [
                request_view(viewer=viewer, request_id=r.pk) for r in requests_sent(viewer=viewer)
            ],
            "received": [
                request_view(viewer=viewer, request_id=r.request_id)
                for r in requests_received(viewer=viewer)
            ],
        },
    )


@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not viewer.role_codes & MASH_ROLES:
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    try:
        purpose = read_purpose(
            purpose=source.get("purpose") or Purpose.SAFEGUARDING_ENQUIRY,
            context=source.get("context"),
        )
    except PurposeRefused:
        raise Http404 from None
    person_id = _int(source.get("person"))
    try:
        summary = access_person_by_id(viewer=viewer, person_id=person_id, purpose=purpose)
    except NotFound:
        raise Http404 from None
    choices = [
        (str(a.pk), a.name)
        for a in Agency.objects.exclude(pk=viewer.agency_id or 0).order_by("name")
    ]
    context: dict[str, Any] = {"summary": summary, "purpose": purpose}
    if request.method == "GET":
        context.update(form=RequestForm(initial={"purpose": purpose}, agencies=choices), errors=[])
        return render(request, "sharing/request_new.html", context)
    form = RequestForm(request.POST, agencies=choices)
    errors = form_errors(form) if not form.is_valid() else []
    if not errors:
        try:
            created = information_request_create(
                user=viewer,
                person_id=person_id,
                agency_ids=[int(a) for a in form.cleaned_data["agencies"]],
                purpose=form.cleaned_data["purpose"],
                due_at=form.due_at(),
                question=form.cleaned_data.get("question") or "",
                include_household=bool(form.cleaned_data.get("include_household")),
            )
        except SharingRefused as refused:
            errors = form_errors(form, refused.errors)
        else:
            return redirect("sharing:request", request_id=created.pk)
    context.update(form=form, errors=errors)
    return render(request, "sharing/request_new.html", context, status=400)


@require_GET
def request_page(request: HttpRequest, request_id: int) -> HttpResponse:
    """A request as the agency that sent it follows it: who has answered, what each shared
    and withheld (how many, and why, never what). An agency that was asked answers on the
    front door's page (``frontdoor:request_answer``); this address sends it there."""
    viewer = _viewer(request)
    try:
        view = request_view(viewer=viewer, request_id=request_id)
    except NotFound:
        raise Http404 from None
    if not view.is_requester:
        return redirect("frontdoor:request_answer", request_id=view.request.pk)
    return render(request, "sharing/request.html", {"view": view})


# ---- break-glass ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def break_glass_page(request: HttpRequest, person_id: int) -> HttpResponse:
    viewer = _viewer(request)
    if not may_break_glass(viewer=viewer):
        raise Http404
    try:  # the person may be known through the work context the page was read in (?context=)
        named = [
            read_purpose(purpose=request.GET.get("purpose"), context=request.GET.get("context"))
        ]
    except PurposeRefused:
        named = []
    known = any(
        persons_visible_to(viewer=viewer, purpose=p).filter(pk=person_id).exists()
        for p in [*named, *Purpose.values]
    )
    if not known:
        raise Http404
    if request.method == "GET":
        form = BreakGlassForm(initial={"purpose": _default_purpose(viewer)})
        return render(
            request,
            "sharing/break_glass.html",
            {"form": form, "person_id": person_id, "errors": []},
        )
    form = BreakGlassForm(request.POST)
    errors = form_errors(form) if not form.is_valid() else []
    if not errors:
        try:
            grant = break_glass_start(
                user=viewer,
                person_id=person_id,
                purpose=form.cleaned_data["purpose"],
                reason_code=form.cleaned_data["reason_code"],
                reason=form.cleaned_data["reason"],
            )
        except SharingRefused as refused:
            errors = form_errors(form, refused.errors)
        else:
            return redirect(reverse("web:person", args=[person_id]) + f"?purpose={grant.purpose}")
    return render(
        request,
        "sharing/break_glass.html",
        {"form": form, "person_id": person_id, "errors": errors},
        status=400,
    )


def _default_purpose(viewer: Practitioner) -> str:
    if viewer.role_codes & MASH_ROLES:
        return Purpose.SAFEGUARDING_ENQUIRY
    return Purpose.DIRECT_CARE


@require_POST
def break_glass_end_view(request: HttpRequest, grant_id: int) -> HttpResponse:
    viewer = _viewer(request)
    try:
        break_glass_end(user=viewer, grant_id=grant_id)
    except SharingRefused:
        raise Http404 from None
    return redirect("web:home")


@require_http_methods(["GET", "POST"])
def break_glass_reviews(request: HttpRequest) -> HttpResponse:
    viewer = _ig_lead(request)
    errors: list[Any] = []
    status = 200
    if request.method == "POST":
        grant_id = _int(request.POST.get("grant"))
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                break_glass_review(
                    user=viewer,
                    grant_id=grant_id,
                    version=form.cleaned_data["version"],
                    appropriate=form.cleaned_data["appropriate"] == "yes",
                    note=form.cleaned_data.get("note") or "",
                )
                return redirect(reverse("sharing:break_glass_reviews") + f"?reviewed={grant_id}")
            except SharingRefused as refused:
                errors = [(f"#grant-{grant_id}", e) for e in refused.errors]
        else:
            errors = [(f"#grant-{grant_id}", str(m)) for ms in form.errors.values() for m in ms]
        status = 400
    return render(
        request,
        "sharing/break_glass_reviews.html",
        {"grants": break_glass_for_review(viewer=viewer), "errors": errors},
        status=status,
    )


# ---- notices -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def notifications_page(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("notification") if v.isdigit()]
        notification_mark_read(user=viewer, notification_ids=ids)
        return redirect("sharing:notifications")
    notifications = notifications_for(viewer=viewer)
    ledger_record(
        actor=viewer.actor,
        action=Action.VIEW,
        object_type="notification_list",
        details={"notification_ids": [str(n.pk) for n in notifications]},
    )
    return render(request, "sharing/notifications.html", {"notifications": notifications})


# ---- JSON: the server judges every flag ----------------------------------------------


@require_GET
def chronology_json(request: HttpRequest, person_id: int) -> JsonResponse:
    """A person's chronology as JSON. Flags a client sends (``break_glass``,
    ``consent_override``) are requests, not facts: only the policy point decides."""
    viewer = _viewer(request)
    try:
        purpose = read_purpose(
            purpose=request.GET.get("purpose"), context=request.GET.get("context")
        )
        summary = access_person_by_id(viewer=viewer, person_id=person_id, purpose=purpose)
    except (PurposeRefused, NotFound):
        return JsonResponse({"detail": "Not found."}, status=404)
    chronology = person_chronology(viewer=viewer, person=summary.person, purpose=purpose)
    ctx = policy_context(viewer=viewer, purpose=purpose)
    return JsonResponse(
        {
            "person": summary.person.pk,
            "purpose": str(purpose),
            "context": ctx.work,
            "break_glass": summary.person.pk in ctx.break_glass,
            "items": [
                {
                    "id": i.pk,
                    "agency": i.source_agency.code,
                    "category": i.category.slug,
                    "occurred_at": i.occurred_at.isoformat(),
                    "summary": i.summary,
                    "basis": decide_for(ctx, item=i).basis,
                }
                for i in chronology.items
            ],
        }
    )


@require_POST
def break_glass_json(request: HttpRequest) -> JsonResponse:
    """Start break-glass from a client: refused unless the server finds the role allows it."""
    viewer = _viewer(request)
    try:
        grant = break_glass_start(
            user=viewer,
            person_id=_int(request.POST.get("person")),
            purpose=request.POST.get("purpose", ""),
            reason_code=request.POST.get("reason_code", ""),
            reason=request.POST.get("reason", ""),
        )
    except SharingRefused as refused:
        return JsonResponse({"errors": refused.errors}, status=403)
    return JsonResponse({"grant": grant.pk, "expires_at": grant.expires_at.isoformat()}, status=201)
