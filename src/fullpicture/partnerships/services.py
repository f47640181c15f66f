"""Writes for partnerships and agencies."""

from __future__ import annotations

import re
from typing import NoReturn

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.partnerships.four_eyes import FourEyesRefused, refusal_record
from fullpicture.partnerships.models import (
    Agency,
    AgencyType,
    Partnership,
    Practitioner,
    Role,
    RoleCode,
    RoleRequest,
    RoleRequestStatus,
)

_CODE = re.compile(r"^[A-Z0-9_-]{2,32}$")


class AgencyError(ValueError):
    pass


DEFAULT_PARTNERSHIP_CODE = "DEFAULT"
DEFAULT_PARTNERSHIP_NAME = "Default partnership"


def partnership_default() -> tuple[Partnership, bool]:
    """The hub's default partnership (created on first use), for agencies created
    without one: so no agency's information is ever outside every partnership."""
    return Partnership.objects.get_or_create(
        code=DEFAULT_PARTNERSHIP_CODE, defaults={"name": DEFAULT_PARTNERSHIP_NAME}
    )


def agency_create(
    *, code: str, name: str, type: str, partnership: str = "", actor: Actor
) -> Agency:
    code = code.strip().upper()
    if not _CODE.match(code):
        raise AgencyError("--code must be 2 to 32 letters, digits, '-' or '_'")
    if not name.strip():
        raise AgencyError("--name must not be blank")
    if type not in AgencyType.values:
        raise AgencyError(f"--type must be one of: {', '.join(AgencyType.values)}")
    if Agency.objects.filter(code=code).exists():
        raise AgencyError(f"an agency with code {code} already exists")
    found: Partnership | None = None
    if partnership:
        found = Partnership.objects.filter(Q(code=partnership) | Q(name=partnership)).first()
        if found is None:
            found = Partnership.objects.create(code=partnership, name=partnership)
    else:
        # Every agency belongs to a partnership: without one named, the hub's default.
        found, _ = partnership_default()
    with transaction.atomic():
        agency = Agency.objects.create(code=code, name=name.strip(), type=type, partnership=found)
        ledger_record(actor=actor, action=Action.CREATE, object_type="agency", object_id=agency.pk)
    return agency


# --------------------------------------------------------------------------------------
# Roles: four eyes (docs/decisions/0064-four-eyes.md)
# --------------------------------------------------------------------------------------

# Who may ask for or approve a role: an administrator or an information-governance lead.
ROLE_KEEPERS = (RoleCode.ADMINISTRATOR.value, RoleCode.IG_LEAD.value)


def _keeper(user: Practitioner) -> bool:
    return bool(user.is_active and user.has_role(*ROLE_KEEPERS))


def _role_refused(actor: Actor, *, object_id: str | int, rule: str, message: str) -> NoReturn:
    refusal_record(actor=actor, object_type="role_request", object_id=object_id, rule=rule)
    raise FourEyesRefused(message)


def role_request_create(
    *, requested_by: Practitioner, practitioner: Practitioner, role_code: str, reason: str
) -> RoleRequest:
    """An administrator or IG lead asks for a role for a practitioner of their own
    partnership; nothing changes until a second person approves."""
    actor = requested_by.actor
    if not _keeper(requested_by):
        _role_refused(
            actor,
            object_id="",
            rule="role_keeper",
            message="Only an administrator or an information-governance lead can ask for a role.",
        )
    role = Role.objects.filter(code=role_code).first()
    problems = []
    if role is None:
        problems.append(f"Choose a role from: {', '.join(RoleCode.values)}.")
    if not reason.strip():
        problems.append("Give the reason the practitioner needs the role.")
    if practitioner.partnership_id is None or (
        practitioner.partnership_id != requested_by.partnership_id
    ):
        problems.append(f"There is no practitioner '{practitioner.username}' in your partnership.")
    elif role is not None and practitioner.has_role(role.code):
        problems.append(f"{practitioner.username} already holds the role {role.code}.")
    if problems:
        _role_refused(actor, object_id="", rule="role_request", message=" ".join(problems))
    assert role is not None  # noqa: S101  (refused above otherwise)
    with transaction.atomic():
        request = RoleRequest.objects.create(
            practitioner=practitioner,
            role=role,
            reason=reason.strip()[:200],
            requested_by=requested_by,
            requested_at=timezone.now(),
        )
        ledger_record(
            actor=actor,
            action=Action.CREATE,
            object_type="role_request",
            object_id=request.pk,
            reason_code=role.code,
            details={"practitioner": f"user:{practitioner.pk}"},
        )
    return request


def role_request_decide(*, approver: Practitioner, request_id: int, approve: bool) -> RoleRequest:
    """A second administrator or IG lead of the practitioner's partnership approves (the
    role is given) or refuses. Never the one who asked, never the practitioner."""
    rule, message = "", ""
    with transaction.atomic():
        request = (
            RoleRequest.objects.select_for_update(of=("self",))
            .select_related("practitioner__agency", "role")
            .filter(pk=request_id, status=RoleRequestStatus.REQUESTED)
            .first()
        )
        if (
            request is None
            or not _keeper(approver)
            or approver.partnership_id is None
            or request.practitioner.partnership_id != approver.partnership_id
        ):
            rule, message = "role_scope", f"There is no open role request {request_id}."
        elif approve and approver.pk in (request.requested_by_id, request.practitioner_id):
            rule, message = (
                "four_eyes",
                f"You asked for role request {request_id} or would hold the role, so you cannot "
                "approve it: a second administrator or information-governance lead must.",
            )
        else:
            request.status = RoleRequestStatus.APPROVED if approve else RoleRequestStatus.REFUSED
            request.decided_by = approver
            request.decided_at = timezone.now()
            request.save(update_fields=["status", "decided_by", "decided_at"])
            if approve:
                request.practitioner.roles.add(request.role)
            ledger_record(
                actor=approver.actor,
                action=Action.UPDATE,
                object_type="role_request",
                object_id=request.pk,
                reason_code=request.status,
                details={
                    "practitioner": f"user:{request.practitioner_id}",
                    "role": request.role.code,
                    "requested_by": f"user:{request.requested_by_id}",
                },
            )
    if rule:
        _role_refused(approver.actor, object_id=request_id, rule=rule, message=message)
    assert request is not None  # noqa: S101  (refused above otherwise)
    return request
