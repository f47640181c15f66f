"""Pages: the clinician's point-of-care check, notifications, alerts and case transfers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from fullpicture.alerts import selectors, services
from fullpicture.alerts.models import HANDOVER_ITEMS, CareSetting
from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record
from fullpicture.partnerships.models import Practitioner
from fullpicture.partnerships.selectors import request_practitioner

SETTINGS_OFFERED = [
    (CareSetting.EMERGENCY.value, "Emergency department (A&E)"),
    (CareSetting.MATERNITY.value, "Maternity"),
    (CareSetting.WALK_IN.value, "Walk-in centre"),
    (CareSetting.OUT_OF_HOURS_GP.value, "Out-of-hours GP"),
    (CareSetting.SCHEDULED.value, "Scheduled care (the local authority is not told)"),
]


def _viewer(request: HttpRequest) -> Practitioner:
    return request_practitioner(request)


@require_http_methods(["GET", "POST"])
def point_of_care(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not selectors.may_check(viewer):
        raise PermissionDenied
    context: dict[str, Any] = {"settings_offered": SETTINGS_OFFERED, "setting": "ae"}
    if request.method == "POST":
        number = request.POST.get("nhs_number", "")
        setting = request.POST.get("setting", "ae")
        context.update(nhs_number=number, setting=setting)
        try:
            context["answer"] = services.point_of_care_check(
                viewer=viewer, nhs_number=number, setting=setting, channel="page"
            )
        except selectors.InvalidNHSNumber:
            context["error"] = "Enter a valid 10-digit NHS number, like 999 123 4560"
    return render(request, "alerts/point_of_care.html", context)


@require_http_methods(["GET"])
def notifications(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    notices = list(selectors.notices_for(viewer=viewer)[:200])
    ledger_record(
        actor=viewer.actor,
        action=Action.VIEW,
        object_type="notice_list",
        details={
            "notice_ids": [str(n.pk) for n in notices],
            "person_ids": sorted({str(n.person_id) for n in notices if n.person_id}),
        },
    )
    return render(request, "alerts/notifications.html", {"notices": notices})


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    ids = [int(i) for i in request.POST.getlist("notice") if i.isdigit()]
    services.notices_mark_read(viewer=viewer, notice_ids=ids)
    return redirect("alerts:notifications")


@require_http_methods(["GET"])
def alert_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    alerts = selectors.alerts_for_viewer(viewer=viewer)
    ledger_record(
        actor=viewer.actor,
        action=Action.VIEW,
        object_type="alert_list",
        details={
            "alert_ids": [str(v.alert.pk) for v in alerts],
            "person_ids": sorted({str(p.pk) for v in alerts for p in v.alert.persons.all()}),
        },
    )
    return render(request, "alerts/alerts.html", {"alerts": alerts})


@require_http_methods(["GET"])
def transfers(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    rows = list(selectors.transfers_for(viewer=viewer))
    return render(
        request,
        "alerts/transfers.html",
        {"transfers": rows, "items": HANDOVER_ITEMS, "partnership_id": viewer.partnership_id},
    )


@require_POST
def transfer_update(request: HttpRequest, transfer_id: int) -> HttpResponse:
    viewer = _viewer(request)
    try:
        if request.POST.get("action") == "acknowledge":
            services.case_transfer_acknowledge(viewer=viewer, transfer_id=transfer_id)
        else:
            services.case_transfer_tick(
                viewer=viewer, transfer_id=transfer_id, item=request.POST.get("item", "")
            )
    except services.TransferRefused as exc:
        raise PermissionDenied from exc
    return redirect("alerts:transfers")
