"""Pages. Views parse input, call one selector or service, and render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fullpicture.meetings.selectors import overdue_actions_for_owner, overdue_actions_for_person
from fullpicture.partnerships.models import MASH_ROLES, Practitioner
from fullpicture.partnerships.selectors import request_practitioner
from fullpicture.sharing.chronology import chronology_for_person, households_of
from fullpicture.sharing.policy import Purpose, PurposeRefused, read_purpose
from fullpicture.sharing.selectors import (
    NotFound,
    PersonQuery,
    SearchRefused,
    access_person_by_id,
    person_households,
    person_relationships,
    person_search,
    recent_items_for_agency,
)
from fullpicture.web.chronology_forms import chronology_context, filter_form
from fullpicture.web.forms import PersonSearchForm, SignInForm


def _viewer(request: HttpRequest) -> Practitioner:
    return request_practitioner(request)


def _default_purpose(viewer: Practitioner) -> str:
    if viewer.role_codes & MASH_ROLES:
        return Purpose.SAFEGUARDING_ENQUIRY
    return Purpose.DIRECT_CARE


def _purpose_from(request: HttpRequest, viewer: Practitioner) -> str:
    """The purpose a page reads for, carried by its work context (``?context=contact:12``);
    without one, direct care (docs/decisions/0056). A refused one answers like a missing page."""
    try:
        return read_purpose(purpose=request.GET.get("purpose"), context=request.GET.get("context"))
    except PurposeRefused:
        raise Http404 from None


class SignInView(auth_views.LoginView):
    template_name = "web/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    purpose = _default_purpose(viewer)
    items = recent_items_for_agency(viewer=viewer, purpose=purpose) if viewer.agency else []
    return render(
        request,
        "web/home.html",
        {
            "items": items,
            "purpose": purpose,
            "overdue_actions": overdue_actions_for_owner(owner=viewer),
        },
    )


@require_GET
def person_search_page(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    context: dict[str, Any] = {"purposes": Purpose.choices}
    if not request.GET:
        context["form"] = PersonSearchForm(initial={"purpose": _default_purpose(viewer)})
        return render(request, "web/person_search.html", context)
    form = PersonSearchForm(request.GET)
    if not form.is_valid():
        raise Http404  # a malformed search answers exactly like a missing page
    data = form.cleaned_data
    try:
        purpose = read_purpose(purpose=data["purpose"], context=request.GET.get("context"))
    except PurposeRefused:
        raise Http404 from None
    query = PersonQuery(
        name=data.get("name") or "",
        date_of_birth=data.get("date_of_birth"),
        identifier=data.get("identifier") or "",
    )
    context["form"] = form
    context["searched"] = True
    context["purpose"] = purpose
    try:
        context["results"] = (
            [] if query.is_empty else person_search(viewer=viewer, purpose=purpose, query=query)
        )
    except SearchRefused as exc:
        context.update(searched=False, errors=[("#id_name", str(exc))], name_error=str(exc))
        return render(request, "web/person_search.html", context, status=400)
    context["empty_query"] = query.is_empty
    return render(request, "web/person_search.html", context)


@require_GET
def person_page(request: HttpRequest, person_id: int) -> HttpResponse:
    viewer = _viewer(request)
    purpose = _purpose_from(request, viewer)
    try:
        summary = access_person_by_id(viewer=viewer, person_id=person_id, purpose=purpose)
    except NotFound:
        raise Http404 from None
    person = summary.person
    form = filter_form(request)
    chronology = chronology_for_person(
        viewer=viewer, person=person, purpose=purpose, filters=form.filters()
    )
    return render(
        request,
        "web/person.html",
        {
            **chronology_context(request, chronology=chronology, form=form, purpose=purpose),
            "household_ids": households_of(viewer=viewer, person=person, purpose=purpose),
            "summary": summary,
            "ties": person_relationships(viewer=viewer, person=person, purpose=purpose),
            "household": person_households(viewer=viewer, person=person, purpose=purpose),
            "address_history": _address_history(summary.records),
            "purpose": purpose,
            "purpose_label": Purpose(purpose).label,
            "overdue_actions": overdue_actions_for_person(viewer=viewer, person_id=person.pk),
        },
    )


def _address_history(records: list[Any]) -> list[Any]:
    """The addresses the agencies hold (records the viewer may see), oldest first."""
    return sorted(
        (r for r in records if r.address or r.postcode),
        key=lambda r: (r.recorded_at is None, r.recorded_at or dt.date.min, r.agency.name),
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", status=404)


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
