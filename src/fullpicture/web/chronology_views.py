"""Chronology pages: the filter form, the household page, print views and PDFs.

Views parse input, open the person or household through the policy point (a denied
one is the same 404 as a missing one), call one chronology selector, and render.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from fullpicture.people.selectors import household_members_view
from fullpicture.sharing.chronology import (
    ChronologyView,
    HouseholdSummary,
    access_household_by_id,
    chronology_for_household,
    chronology_for_person,
)
from fullpicture.sharing.policy import Purpose
from fullpicture.sharing.selectors import NotFound, PersonSummary, access_person_by_id
from fullpicture.web.chronology_forms import (
    ChronologyFilterForm,
    chronology_context,
    filter_form,
    filters_text,
)
from fullpicture.web.chronology_pdf import render_chronology_pdf
from fullpicture.web.views import _purpose_from, _viewer


def _open_person(request: HttpRequest, person_id: int) -> tuple[PersonSummary, str]:
    viewer = _viewer(request)
    purpose = _purpose_from(request, viewer)
    try:
        return access_person_by_id(viewer=viewer, person_id=person_id, purpose=purpose), purpose
    except NotFound:
        raise Http404 from None


def _open_household(request: HttpRequest, household_id: int) -> tuple[HouseholdSummary, str]:
    viewer = _viewer(request)
    purpose = _purpose_from(request, viewer)
    try:
        household = access_household_by_id(
            viewer=viewer, household_id=household_id, purpose=purpose
        )
    except NotFound:
        raise Http404 from None
    return household, purpose


def _person_chronology(
    request: HttpRequest, person_id: int, export_format: str = ""
) -> tuple[PersonSummary, str, ChronologyFilterForm, ChronologyView]:
    """Open the person through the policy point and read their filtered chronology."""
    summary, purpose = _open_person(request, person_id)
    form = filter_form(request)
    chronology = chronology_for_person(
        viewer=_viewer(request),
        person=summary.person,
        purpose=purpose,
        filters=form.filters(),
        export_format=export_format,
    )
    return summary, purpose, form, chronology


def _household_chronology(
    request: HttpRequest, household_id: int, export_format: str = ""
) -> tuple[HouseholdSummary, str, ChronologyFilterForm, ChronologyView]:
    """Open the household through the policy point and read its filtered chronology."""
    household, purpose = _open_household(request, household_id)
    form = filter_form(request)
    chronology = chronology_for_household(
        viewer=_viewer(request),
        household=household,
        purpose=purpose,
        filters=form.filters(),
        export_format=export_format,
    )
    return household, purpose, form, chronology


def _print(
    request: HttpRequest,
    chronology: ChronologyView,
    *,
    form: ChronologyFilterForm,
    purpose: str,
    head: dict[str, str],
) -> HttpResponse:
    """The print view of a chronology; ``head`` gives its title, subtitle and back link."""
    context = chronology_context(request, chronology=chronology, form=form, purpose=purpose)
    context.update({**head, "purpose_label": Purpose(purpose).label})
    return render(request, "web/chronology_print.html", context)


def _pdf(chronology: ChronologyView, *, title: str, purpose: str, filename: str) -> HttpResponse:
    content = render_chronology_pdf(
        chronology,
        title=title,
        purpose_label=Purpose(purpose).label,
        filters_text=filters_text(chronology),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def household_page(request: HttpRequest, household_id: int) -> HttpResponse:
    household, purpose, form, chronology = _household_chronology(request, household_id)
    base = reverse("web:household", args=[household_id])
    context = chronology_context(request, chronology=chronology, form=form, purpose=purpose)
    names = {m.person.pk: m.display_name for m in household.members}
    # Ties only between the members this viewer may see (opened through the policy point).
    members_view = household_members_view(
        household_id=household.household.pk, person_ids=list(names)
    )
    context.update(
        {
            "household": household,
            "members_view": [
                {
                    "member": m,
                    "name": names[m.person_id],
                    "ties": [(names[t.other_id], t) for t in m.ties],
                }
                for m in members_view
            ],
            "purpose_label": Purpose(purpose).label,
            "form_action": base,
            "print_url": reverse("web:household_print", args=[household_id]),
            "pdf_url": reverse("web:household_pdf", args=[household_id]),
        }
    )
    return render(request, "web/household.html", context)


@require_GET
def household_print(request: HttpRequest, household_id: int) -> HttpResponse:
    household, purpose, form, chronology = _household_chronology(request, household_id, "print")
    return _print(
        request,
        chronology,
        form=form,
        purpose=purpose,
        head={
            "title": f"Household {household.household.pk}",
            "subtitle": ", ".join(m.display_name for m in household.members),
            "back_url": reverse("web:household", args=[household_id]),
        },
    )


@require_GET
def household_pdf(request: HttpRequest, household_id: int) -> HttpResponse:
    household, purpose, _form, chronology = _household_chronology(request, household_id, "pdf")
    members = ", ".join(m.display_name for m in household.members)
    return _pdf(
        chronology,
        title=f"Household {household.household.pk} ({members})",
        purpose=purpose,
        filename=f"chronology-household-{household_id}.pdf",
    )


@require_GET
def person_chronology_print(request: HttpRequest, person_id: int) -> HttpResponse:
    summary, purpose, form, chronology = _person_chronology(request, person_id, "print")
    return _print(
        request,
        chronology,
        form=form,
        purpose=purpose,
        head={
            "title": summary.display_name,
            "subtitle": f"Person {summary.person.pk}",
            "back_url": reverse("web:person", args=[person_id]),
        },
    )


@require_GET
def person_chronology_pdf(request: HttpRequest, person_id: int) -> HttpResponse:
    summary, purpose, _form, chronology = _person_chronology(request, person_id, "pdf")
    return _pdf(
        chronology,
        title=f"{summary.display_name} (person {summary.person.pk})",
        purpose=purpose,
        filename=f"chronology-person-{person_id}.pdf",
    )
