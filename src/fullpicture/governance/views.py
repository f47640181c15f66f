"""Governance pages: who looked at whom (managers), subject access (IG leads).

Anyone without the role gets the same 404 as for a page that does not exist.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record
from fullpicture.governance.forms import AccessLogFilterForm, SubjectAccessForm
from fullpicture.governance.selectors import (
    AccessFilter,
    access_rows,
    may_read_access_log,
    person_access_events,
)
from fullpicture.governance.services import (
    NotFound,
    may_answer_subject_access,
    subject_access_export,
)
from fullpicture.partnerships.models import Practitioner
from fullpicture.partnerships.selectors import request_practitioner
from fullpicture.sharing.policy import Purpose

PAGE_SIZE = 25


def _viewer(request: HttpRequest) -> Practitioner:
    return request_practitioner(request)


@require_GET
def access_log_page(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not may_read_access_log(viewer=viewer):
        raise Http404
    form = AccessLogFilterForm(request.GET or None)
    context: dict[str, Any] = {"form": form}
    filters = AccessFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = AccessFilter(
            person_id=data.get("person") or "",
            username=(data.get("practitioner") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
    elif form.is_bound:
        context["errors"] = [
            (f"#{form[name].id_for_label}", error)
            for name, errors in form.errors.items()
            if name in form.fields
            for error in errors
        ]
    paginator = Paginator(person_access_events(viewer=viewer, filters=filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    ledger_record(
        actor=viewer.actor,
        action=Action.VIEW,
        object_type="ledger",
        object_id="person_access",
        purpose=Purpose.AUDIT,
        details={"person_id": filters.person_id, "page": str(page.number)},
    )
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    context.update(
        {
            "page": page,
            "rows": access_rows(page.object_list),
            "filters": filters,
            "query": urlencode(query),
            "filtered": any(query.values()),
        }
    )
    return render(request, "governance/access_log.html", context)


@require_http_methods(["GET", "POST"])
def subject_access_page(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not may_answer_subject_access(viewer=viewer):
        raise Http404
    form = SubjectAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            export = subject_access_export(viewer=viewer, person_id=form.cleaned_data["person"])
        except NotFound:
            form.add_error("person", "There is no person with this id that you may see")
        else:
            if form.cleaned_data["format"] == "json":
                response = HttpResponse(export.json_bytes, content_type="application/json")
                filename = f"{export.stem}.json"
            else:
                response = HttpResponse(export.pdf_bytes, content_type="application/pdf")
                filename = f"{export.stem}.pdf"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
    errors = [
        ("#id_format_0" if name == "format" else f"#{form[name].id_for_label}", error)
        for name, errs in form.errors.items()
        if name in form.fields
        for error in errs
    ]
    return render(request, "governance/subject_access.html", {"form": form, "errors": errors})
