"""Shared-language pages: the glossary, code mappings, unmapped codes and thresholds.

Anyone signed in reads the glossary and thresholds; only an administrator changes them.
Anyone without the role gets the same 404 as for a page that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from fullpicture.partnerships.models import Partnership, Practitioner, RoleCode
from fullpicture.partnerships.selectors import request_practitioner
from fullpicture.vocabulary import selectors, services
from fullpicture.vocabulary.forms import MappingForm
from fullpicture.vocabulary.models import ConcernCategory, Domain, NeedLevel


def _viewer(request: HttpRequest) -> Practitioner:
    return request_practitioner(request)


def _is_admin(viewer: Practitioner) -> bool:
    return viewer.is_superuser or viewer.has_role(RoleCode.ADMINISTRATOR.value)


def _admin(request: HttpRequest) -> Practitioner:
    viewer = _viewer(request)
    if not _is_admin(viewer):
        raise Http404
    return viewer


def _errors(form: Any, first_ids: dict[str, str] | None = None) -> list[tuple[str, str]]:
    first_ids = first_ids or {}
    return [
        (f"#{first_ids.get(name) or form[name].id_for_label}", error)
        for name, errs in form.errors.items()
        if name in form.fields
        for error in errs
    ]


@require_GET
def glossary_page(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    return render(
        request,
        "vocabulary/glossary.html",
        {
            "categories": ConcernCategory.objects.all(),
            "factors": selectors.cin_factors(),
            "is_admin": _is_admin(viewer),
        },
    )


@require_GET
def category_page(request: HttpRequest, slug: str) -> HttpResponse:
    _viewer(request)
    category = get_object_or_404(ConcernCategory, slug=slug)
    return render(
        request,
        "vocabulary/category.html",
        {"category": category, "history": selectors.category_history(category=category)},
    )


@require_http_methods(["GET", "POST"])
def mappings_page(request: HttpRequest) -> HttpResponse:
    viewer = _admin(request)
    partnership_id = None if viewer.is_superuser else viewer.partnership_id
    initial = {k: request.GET[k] for k in ("agency", "code") if k in request.GET}
    form = MappingForm(request.POST or None, initial=initial, partnership_id=partnership_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mapping = services.mapping_save(
                agency=data["agency"],
                code=data["code"],
                category=data["category"],
                label=data.get("label") or "",
                actor=viewer,
            )
        except services.VocabularyError as exc:
            form.add_error("code", str(exc))
        else:
            messages.success(
                request,
                f"{mapping.agency.name}'s code {mapping.code} now means "
                f"'{mapping.category.name}' (version {mapping.version}).",
            )
            return redirect("vocabulary:mappings")
    return render(
        request,
        "vocabulary/mappings.html",
        {
            "form": form,
            "errors": _errors(form, {"category": "id_category_0"}),
            "mappings": selectors.code_mappings(partnership_id=partnership_id),
            "categories": selectors.categories_offered(),
            "unmapped_count": selectors.unmapped_codes(partnership_id=partnership_id).count(),
        },
    )


@require_GET
def unmapped_page(request: HttpRequest) -> HttpResponse:
    viewer = _admin(request)
    partnership_id = None if viewer.is_superuser else viewer.partnership_id
    return render(
        request,
        "vocabulary/unmapped.html",
        {"rows": selectors.unmapped_codes(partnership_id=partnership_id)},
    )


def _partnership(viewer: Practitioner, code: str | None = None) -> Partnership:
    if code:
        return get_object_or_404(Partnership, code=code)
    if viewer.agency is None or viewer.agency.partnership is None:
        partnership = Partnership.objects.order_by("name").first()
        if partnership is None:
            raise Http404
        return partnership
    return viewer.agency.partnership


@require_GET
def thresholds_page(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    partnership = _partnership(viewer, request.GET.get("partnership"))
    others = Partnership.objects.exclude(pk=partnership.pk)
    return render(
        request,
        "vocabulary/thresholds.html",
        {
            "partnership": partnership,
            "threshold_levels": selectors.threshold_descriptors_for(partnership),
            "others": others,
            "may_edit": _is_admin(viewer) and viewer.partnership_id == partnership.pk,
        },
    )


@require_http_methods(["GET", "POST"])
def thresholds_edit_page(request: HttpRequest) -> HttpResponse:
    viewer = _admin(request)
    partnership = _partnership(viewer)
    levels = selectors.threshold_descriptors_for(partnership)
    errors: list[tuple[str, str]] = []
    values: dict[str, str] = {}
    for level in levels:
        values[f"l{level.level}_{Domain.SUMMARY.value}"] = level.summary
        for d in level.domains:
            values[f"l{level.level}_{d.domain}"] = d.text
    if request.method == "POST":
        posted = {key: str(request.POST.get(key, "")).strip() for key in values}
        errors = [
            (f"#id_{key}", "Enter the descriptor: it cannot be left empty")
            for key, text in posted.items()
            if not text
        ]
        values = posted
        if not errors:
            for key, text in posted.items():
                level_part, _, domain = key.partition("_")
                services.threshold_descriptor_update(
                    partnership=partnership,
                    level=int(level_part[1:]),
                    domain=domain,
                    text=text,
                    actor=viewer,
                )
            messages.success(request, "Thresholds saved. Earlier wording is kept in the history.")
            return redirect("vocabulary:thresholds")
    missing = {href[len("#id_") :] for href, _ in errors}
    rows = [
        {
            "label": level.label,
            "fields": [
                {
                    "key": f"l{level.value}_{d.value}",
                    "label": d.label,
                    "value": values.get(f"l{level.value}_{d.value}", ""),
                    "error": f"l{level.value}_{d.value}" in missing,
                }
                for d in Domain
            ],
        }
        for level in NeedLevel
    ]
    return render(
        request,
        "vocabulary/thresholds_edit.html",
        {"partnership": partnership, "rows": rows, "errors": errors},
    )


@require_GET
def thresholds_compare_page(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    partnerships = list(Partnership.objects.order_by("name"))
    own = _partnership(viewer)
    left_code = request.GET.get("left") or own.code
    default_right = next((p.code for p in partnerships if p.code != left_code), left_code)
    right_code = request.GET.get("right") or default_right
    left = get_object_or_404(Partnership, code=left_code)
    right = get_object_or_404(Partnership, code=right_code)
    rows = selectors.threshold_comparison(left=left, right=right)
    return render(
        request,
        "vocabulary/thresholds_compare.html",
        {
            "partnerships": partnerships,
            "left": left,
            "right": right,
            "rows": rows,
            "differences": sum(1 for r in rows if r.differs),
            "action": reverse("vocabulary:thresholds_compare"),
        },
    )
