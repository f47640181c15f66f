"""The pages behind the menu: one inbox, and "More" (the rest of a role's pages)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from fullpicture.alerts.services import notices_mark_read
from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record
from fullpicture.partnerships.selectors import request_practitioner
from fullpicture.sharing.services import notification_mark_read
from fullpicture.web.inbox import inbox_for
from fullpicture.web.menu import pages_for


def _ids(request: HttpRequest, name: str) -> list[int]:
    return [int(v) for v in request.POST.getlist(name) if v.isdigit()][:500]


@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    viewer = request_practitioner(request)
    if request.method == "POST":
        notification_mark_read(user=viewer, notification_ids=_ids(request, "notification"))
        notices_mark_read(viewer=viewer, notice_ids=_ids(request, "notice"))
        return redirect("web:inbox")
    with transaction.atomic():  # the read and its event stand or fall together
        entries = inbox_for(viewer=viewer)
        ledger_record(
            actor=viewer.actor,
            action=Action.VIEW,
            object_type="inbox",
            details={
                "notifications": [str(e.pk) for e in entries if e.source == "notification"],
                "notices": [str(e.pk) for e in entries if e.source == "notice"],
            },
        )
    return render(
        request,
        "web/inbox.html",
        {"entries": entries, "unread": sum(e.unread for e in entries)},
    )


@require_http_methods(["GET"])
def more(request: HttpRequest) -> HttpResponse:
    viewer = request_practitioner(request)
    groups: dict[str, list[tuple[str, str]]] = {}
    for page in pages_for(viewer):
        groups.setdefault(page.group, []).append((page.label, reverse(page.url_name)))
    return render(request, "web/more.html", {"groups": list(groups.items())})
