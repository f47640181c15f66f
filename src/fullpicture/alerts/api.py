"""The point-of-care check for machines: FHIR R4 (``/fhir/CareTeam``, ``/fhir/AuditEvent``)
and JSON (``/api/alerts/point-of-care``). Parse, call one service or selector, render.

Authentication: the session, or a token through the authenticators named in
``FULLPICTURE_API_AUTHENTICATORS`` (dotted paths to ``callable(request) ->
Practitioner | None``, or to a class whose instances are). The settings name the API
app's per-agency token check (``fullpicture.api.api.TokenAuth``): it plugs in here by
name, so this app never imports the API app, which sits above it. No practitioner
(no session, an unknown or revoked token): 401, recorded in the ledger.

State changes only through a token: a check carried by a bearer token (an agency's
system) records the attendance and tells the local authority; the same GET carried by
a session cookie (which ``SameSite=Lax`` lets a link from another site carry) is
read-only: the flags are shown and the read is in the ledger, but no attendance is
recorded and nobody is notified. A clinician records an attendance through the
point-of-care page's form (a POST with its CSRF token).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET

from fullpicture.alerts import fhir
from fullpicture.alerts.models import CareSetting, Channel
from fullpicture.alerts.selectors import (
    NHS_SYSTEM,
    InvalidNHSNumber,
    NotPermitted,
    accesses_for_point_of_care,
)
from fullpicture.alerts.services import point_of_care_check
from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.partnerships.models import AgencyType, Practitioner


def _authenticators() -> list[Callable[[HttpRequest], Practitioner | None]]:
    """The settings' authenticators: a dotted path to a ``callable(request)``, or to a
    class whose instances are one (the API app's ``TokenAuth``, a django-ninja bearer
    check that answers the token's principal). A path that does not import is an error:
    a misnamed authenticator would otherwise turn every token away without a word."""
    found = []
    for dotted in getattr(settings, "FULLPICTURE_API_AUTHENTICATORS", []):
        check = import_string(dotted)
        found.append(check() if isinstance(check, type) else check)
    return found


def _by_token(request: HttpRequest) -> Practitioner | None:
    """The principal of the request's bearer token, if it carries a valid one."""
    if "Authorization" not in request.headers:
        return None
    for check in _authenticators():
        practitioner = check(request)
        if practitioner is not None and practitioner.is_active:
            return practitioner
    return None


def _caller(request: HttpRequest) -> tuple[Practitioner | None, bool]:
    """(who, whether by token): the token's principal first, else the signed-in
    practitioner (by session), else nobody. Only a token's check records and notifies."""
    by_token = _by_token(request)
    if by_token is not None:
        return by_token, True
    user = request.user
    if isinstance(user, Practitioner) and user.is_authenticated:
        return user, False
    return None, False


def authenticate(request: HttpRequest) -> Practitioner | None:
    """The token's principal, else the signed-in practitioner, else None."""
    return _caller(request)[0]


def _recorded(response: HttpResponse, *, recorded: bool) -> HttpResponse:
    response["X-Attendance-Recorded"] = "true" if recorded else "false"
    return response


def _fhir(body: dict[str, Any], status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, separators=(",", ":")), status=status, content_type=fhir.FHIR_JSON
    )
    response["Cache-Control"] = "no-store"
    return response


def _unauthenticated(request: HttpRequest, channel: str, *, as_fhir: bool) -> HttpResponse:
    with transaction.atomic():
        ledger_record(
            actor=Actor.system("anonymous"),
            action=Action.DENIED,
            object_type="point_of_care_check",
            purpose="direct_care",
            details={"channel": channel, "reason": "not authenticated"},
        )
    body = fhir.operation_outcome("login", "Authentication is required.")
    response = (
        _fhir(body, 401) if as_fhir else JsonResponse({"error": "unauthenticated"}, status=401)
    )
    response["WWW-Authenticate"] = 'Bearer realm="fullpicture"'
    return response


def _setting(request: HttpRequest, viewer: Practitioner) -> str:
    setting = request.GET.get("care-setting") or request.headers.get("X-Care-Setting", "")
    if setting in CareSetting.values:
        return setting
    agency_type = viewer.agency.type if viewer.agency else ""
    return CareSetting.SCHEDULED if agency_type == AgencyType.GP else CareSetting.EMERGENCY


def _patient_identifier(request: HttpRequest) -> str:
    """``patient:identifier=https://fhir.nhs.uk/Id/nhs-number|9990000018`` -> the number."""
    value = request.GET.get("patient:identifier", "")
    system, bar, number = value.partition("|")
    if not bar or system != NHS_SYSTEM:
        raise InvalidNHSNumber(f"patient:identifier must be {NHS_SYSTEM}|<NHS number>")
    return number


def _bad_request(message: str) -> HttpResponse:
    return _fhir(fhir.operation_outcome("invalid", message), 400)


def _forbidden() -> HttpResponse:
    return _fhir(
        fhir.operation_outcome("forbidden", "Your role does not include direct care."), 403
    )


@require_GET
def fhir_care_team(request: HttpRequest) -> HttpResponse:
    """A searchset Bundle of CareTeam resources: one per visible flag; empty = no plan.
    ``X-Attendance-Recorded`` says whether the check was recorded (a token's) or
    read-only (a session's)."""
    viewer, by_token = _caller(request)
    if viewer is None:
        return _unauthenticated(request, Channel.FHIR, as_fhir=True)
    try:
        number = _patient_identifier(request)
        answer = point_of_care_check(
            viewer=viewer,
            nhs_number=number,
            setting=_setting(request, viewer),
            channel="fhir",
            record_attendance=by_token,
        )
    except InvalidNHSNumber as exc:
        return _bad_request(str(exc))
    except NotPermitted:
        return _forbidden()
    base = request.build_absolute_uri("/fhir")
    resources = [fhir.care_team(f, nhs_number=answer.nhs_number) for f in answer.flags]
    bundle = fhir.searchset(resources, base=base, self_url=request.build_absolute_uri())
    return _recorded(_fhir(bundle), recorded=by_token)


@require_GET
def fhir_audit_event(request: HttpRequest) -> HttpResponse:
    """The last 25 unscheduled-care accesses for a flagged child, as AuditEvent resources."""
    viewer = authenticate(request)
    if viewer is None:
        return _unauthenticated(request, Channel.FHIR, as_fhir=True)
    try:
        number = _patient_identifier(request)
        nhs, accesses = accesses_for_point_of_care(viewer=viewer, nhs_number=number, channel="fhir")
    except InvalidNHSNumber as exc:
        return _bad_request(str(exc))
    except NotPermitted:
        return _forbidden()
    base = request.build_absolute_uri("/fhir")
    resources = [fhir.audit_event(a, nhs_number=nhs) for a in accesses]
    return _fhir(fhir.searchset(resources, base=base, self_url=request.build_absolute_uri()))


@require_GET
def json_point_of_care(request: HttpRequest) -> HttpResponse:
    """``GET /api/alerts/point-of-care?nhs_number=...&care-setting=ae``. Read-only
    through a session (``"attendance_recorded": false``), recorded through a token."""
    viewer, by_token = _caller(request)
    if viewer is None:
        return _unauthenticated(request, Channel.JSON, as_fhir=False)
    try:
        answer = point_of_care_check(
            viewer=viewer,
            nhs_number=request.GET.get("nhs_number", ""),
            setting=_setting(request, viewer),
            channel="json",
            record_attendance=by_token,
        )
    except InvalidNHSNumber as exc:
        return JsonResponse({"error": "invalid_nhs_number", "detail": str(exc)}, status=400)
    except NotPermitted:
        return JsonResponse({"error": "forbidden"}, status=403)
    response = JsonResponse(
        {
            "nhs_number": answer.nhs_number,
            "attendance_recorded": by_token,
            "flags": [
                {
                    "type": f.flag_type,
                    "label": f.label,
                    "snomed": f.snomed_code,
                    "start": f.start.isoformat(),
                    "end": f.end.isoformat() if f.end else None,
                    "ended": f.ended,
                    "due_date": f.due_date.isoformat() if f.due_date else None,
                    "local_authority": f.authority,
                    "office_phone": f.office_phone,
                    "out_of_hours_phone": f.out_of_hours_phone,
                }
                for f in answer.flags
            ],
            "accesses": [
                {"at": a.at.isoformat(), "setting": a.setting, "site": a.site}
                for a in answer.accesses
            ],
        }
    )
    return _recorded(response, recorded=by_token)


@require_GET
def json_ping(request: HttpRequest) -> HttpResponse:
    """An empty authenticated endpoint: the benchmark's baseline (same stack, no work)."""
    if authenticate(request) is None:
        return JsonResponse({"error": "unauthenticated"}, status=401)
    return JsonResponse({})
