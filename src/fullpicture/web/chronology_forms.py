"""The chronology's filter form and the context its template include needs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.http import urlencode

from fullpicture.sharing.chronology import ChronologyFilters, ChronologyView
from fullpicture.sharing.contexts import context_of

FILTER_FIELDS = ("agency", "category", "date_from", "date_to")


class _AgencyCodes(forms.MultipleChoiceField):
    """Any short code is accepted: a code the viewer may not see simply matches nothing."""

    def valid_value(self, value: Any) -> bool:
        return bool(value) and len(str(value)) <= 32


class ChronologyFilterForm(forms.Form):
    agency = _AgencyCodes(required=False, label="Agency")
    category = forms.CharField(required=False, max_length=48, label="Category")
    date_from = forms.DateField(
        required=False,
        label="From",
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter the 'from' date as a real date, like 2025-03-31"},
    )
    date_to = forms.DateField(
        required=False,
        label="To",
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter the 'to' date as a real date, like 2025-03-31"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return data

    def filters(self) -> ChronologyFilters:
        if not self.is_valid():
            return ChronologyFilters()
        data = self.cleaned_data
        return ChronologyFilters(
            agency_codes=frozenset(data.get("agency") or []),
            category_slug=data.get("category") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


def filter_form(request: HttpRequest) -> ChronologyFilterForm:
    if any(name in request.GET for name in FILTER_FIELDS):
        return ChronologyFilterForm(request.GET)
    return ChronologyFilterForm()


def _query(request: HttpRequest, purpose: str) -> str:
    """The purpose and the filters, to carry onto the print and PDF links."""
    pairs: list[tuple[str, str]] = [("purpose", str(purpose))]
    if context_of(purpose):
        pairs.append(("context", context_of(purpose)))
    for name in FILTER_FIELDS:
        pairs.extend((name, value) for value in request.GET.getlist(name) if value)
    return urlencode(pairs)


def filters_text(view: ChronologyView) -> str:
    f = view.filters
    if f.is_empty:
        return "No filters."
    parts = []
    if f.agency_codes:
        names = [a.name for a in view.agency_options if a.code in f.agency_codes]
        parts.append("agencies: " + (", ".join(names) or "none you may see"))
    if f.category_slug:
        names = [c.name for c in view.category_options if c.slug == f.category_slug]
        parts.append("category: " + (names[0] if names else f.category_slug))
    if f.date_from:
        parts.append(f"from {f.date_from:%d %B %Y}")
    if f.date_to:
        parts.append(f"to {f.date_to:%d %B %Y}")
    return "Filtered: " + "; ".join(parts) + "."


def chronology_context(
    request: HttpRequest, *, chronology: ChronologyView, form: ChronologyFilterForm, purpose: str
) -> dict[str, Any]:
    """What ``web/_chronology.html`` needs (the person page uses it too)."""
    return {
        "chronology": chronology,
        "filter_form": form,
        "filter_errors": list(form.errors.items()) if form.is_bound else [],
        "selected_agencies": set(chronology.filters.agency_codes),
        "filters_text": filters_text(chronology),
        "chronology_query": _query(request, purpose),
        "purpose": purpose,
    }
