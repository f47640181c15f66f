"""Learning reviews for information-governance leads: request, approve or refuse, download.

Anyone without the IG lead role gets the same 404 as for a missing page. A refused step
(the requester approving their own review, another partnership's review) renders the
page with the rule's message, so its ledger event commits with the request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from fullpicture.audit.services import ledger_record_denied
from fullpicture.governance.learning import (
    LearningReviewRefused,
    learning_review_close,
    learning_review_decide,
    learning_review_export,
    learning_review_for,
    learning_review_max_days,
    learning_review_request,
    learning_reviews_of,
)
from fullpicture.partnerships.models import Agency, Practitioner, RoleCode
from fullpicture.sharing.policy import Purpose


def _ig_lead(request: HttpRequest) -> Practitioner:
    user = request.user
    if not isinstance(user, Practitioner) or not (
        user.is_active and user.has_role(RoleCode.IG_LEAD.value)
    ):
        raise Http404
    return user


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def learning_reviews_page(request: HttpRequest) -> HttpResponse:
    lead = _ig_lead(request)
    context: dict[str, Any] = {"data": request.POST, "errors": []}
    if request.method == "POST":
        scope = request.POST.get("scope_id", "").strip()
        kind = request.POST.get("scope_kind", "person")
        start, end = _date(request.POST.get("from", "")), _date(request.POST.get("to", ""))
        if not scope.isdigit():
            context["errors"].append(("#scope_id", "Enter the person or household id as a number"))
        if start is None or end is None:
            context["errors"].append(("#from", "Enter the period's first and last days"))
        if start is not None and end is not None and not context["errors"]:
            try:
                learning_review_request(
                    requested_by=lead,
                    person_id=int(scope) if kind == "person" else None,
                    household_id=int(scope) if kind == "household" else None,
                    period_from=start,
                    period_to=end,
                    key_date=_date(request.POST.get("key_date", "")),
                    terms_of_reference=request.POST.get("terms", ""),
                )
            except LearningReviewRefused as refused:
                context["errors"].append(("#scope_id", str(refused)))
            else:
                return redirect("governance:learning_reviews")
    return _list_page(request, lead, context)


def _list_page(request: HttpRequest, lead: Practitioner, context: dict[str, Any]) -> HttpResponse:
    reviews = learning_reviews_of(viewer=lead)
    told = {a for r in reviews for a in r.agencies_told}
    names = dict(Agency.objects.filter(pk__in=told).values_list("pk", "name"))
    context["reviews"] = [(r, [names.get(a, str(a)) for a in r.agencies_told]) for r in reviews]
    context["max_days"] = learning_review_max_days()
    context["lead"] = lead
    return render(
        request,
        "governance/learning_reviews.html",
        context,
        status=400 if context["errors"] else 200,
    )


def _refused_page(
    request: HttpRequest, lead: Practitioner, review_id: int, refused: Exception
) -> HttpResponse:
    errors = [(f"#review-{review_id}", str(refused))]
    return _list_page(request, lead, {"data": {}, "errors": errors})


@require_POST
def learning_review_decide_page(request: HttpRequest, review_id: int) -> HttpResponse:
    lead = _ig_lead(request)
    try:
        learning_review_decide(
            approver=lead,
            review_id=review_id,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
        )
    except LearningReviewRefused as refused:
        return _refused_page(request, lead, review_id, refused)
    return redirect("governance:learning_reviews")


@require_POST
def learning_review_close_page(request: HttpRequest, review_id: int) -> HttpResponse:
    lead = _ig_lead(request)
    try:
        learning_review_close(closer=lead, review_id=review_id)
    except LearningReviewRefused as refused:
        return _refused_page(request, lead, review_id, refused)
    return redirect("governance:learning_reviews")


@require_POST
def learning_review_download(request: HttpRequest, review_id: int) -> HttpResponse:
    lead = _ig_lead(request)
    try:
        learning_review_for(viewer=lead, review_id=review_id)
        export = learning_review_export(review_id=review_id, actor=lead.actor)
    except LearningReviewRefused:
        ledger_record_denied(
            actor=lead.actor,
            object_type="learning_review",
            object_id=review_id,
            purpose=Purpose.LEARNING_REVIEW,
        )
        raise Http404 from None
    if request.POST.get("format") == "json":
        response = HttpResponse(export.json_bytes, content_type="application/json")
        name = f"{export.stem}.json"
    else:
        response = HttpResponse(export.pdf_bytes, content_type="application/pdf")
        name = f"{export.stem}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
