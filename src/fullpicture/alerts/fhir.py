"""FHIR R4 resources for the point-of-care check, shaped like NHS England's CP-IS.

A flag is a ``CareTeam``: ``category`` carries the SNOMED CT plan type (from the
England-ChildProtectionPlan value set), ``subject`` the child's (or, unborn, the
expected mother's) NHS number, ``name`` and ``managingOrganization`` the
responsible local authority, ``telecom`` its office-hours (use ``work``) and
emergency duty team (use ``mobile``) numbers, ``period`` the plan's dates.
Accesses are ``AuditEvent`` resources. Plain dicts: the tests validate them with
``fhir.resources`` (R4B, the R4-compatible models it ships).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from fullpicture.alerts.models import CareSetting
from fullpicture.alerts.selectors import NHS_SYSTEM, AccessView, FlagView

SNOMED = "http://snomed.info/sct"
PLAN_VALUE_SET = "https://fhir.nhs.uk/England/ValueSet/England-ChildProtectionPlan"
LA_SYSTEM = "https://fullpicture.example/Id/local-authority-code"
SETTING_SYSTEM = "https://fullpicture.example/CodeSystem/care-setting"
FHIR_JSON = "application/fhir+json"


def _instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def care_team(flag: FlagView, *, nhs_number: str) -> dict[str, Any]:
    period: dict[str, str] = {"start": flag.start.isoformat()}
    if flag.end:
        period["end"] = flag.end.isoformat()
    telecom = []
    if flag.office_phone:
        telecom.append({"system": "phone", "value": flag.office_phone, "use": "work"})
    if flag.out_of_hours_phone:
        telecom.append({"system": "phone", "value": flag.out_of_hours_phone, "use": "mobile"})
    resource: dict[str, Any] = {
        "resourceType": "CareTeam",
        "id": f"flag-{flag.flag_id}",
        "status": "inactive" if flag.ended else "active",
        "category": [
            {
                "coding": [
                    {"system": SNOMED, "code": flag.snomed_code, "display": flag.snomed_display}
                ],
                "text": flag.label,
            }
        ],
        "name": flag.authority,
        "subject": {"identifier": {"system": NHS_SYSTEM, "value": nhs_number}},
        "period": period,
        "managingOrganization": [
            {
                "identifier": {"system": LA_SYSTEM, "value": flag.authority_code},
                "display": flag.authority,
            }
        ],
        "telecom": telecom,
    }
    notes = []
    if flag.due_date:
        notes.append({"text": f"Expected date of delivery: {flag.due_date.isoformat()}"})
    if flag.ended:
        notes.append({"text": "Plan ended: shown for 12 months after its end."})
    if notes:
        resource["note"] = notes
    return resource


def audit_event(access: AccessView, *, nhs_number: str) -> dict[str, Any]:
    return {
        "resourceType": "AuditEvent",
        "id": f"access-{access.access_id}",
        "type": {
            "system": "http://terminology.hl7.org/CodeSystem/audit-event-type",
            "code": "rest",
            "display": "RESTful Operation",
        },
        "subtype": [
            {
                "system": SETTING_SYSTEM,
                "code": access.setting,
                "display": CareSetting(access.setting).label,
            }
        ],
        "action": "R",
        "recorded": _instant(access.at),
        "outcome": "0",
        "agent": [{"who": {"display": access.site}, "requestor": True}],
        "source": {"observer": {"display": "Full Picture point-of-care check"}},
        "entity": [{"what": {"identifier": {"system": NHS_SYSTEM, "value": nhs_number}}}],
    }


def searchset(resources: list[dict[str, Any]], *, base: str, self_url: str) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": _instant(timezone.now())},
        "type": "searchset",
        "total": len(resources),
        "link": [{"relation": "self", "url": self_url}],
        "entry": [
            {
                "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in resources
        ],
    }


def operation_outcome(code: str, text: str, *, severity: str = "error") -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": text}],
    }
