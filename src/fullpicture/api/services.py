"""Writes for the API: creating and revoking agency tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from fullpicture.api.models import ApiToken, ApiTokenRequest
from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.partnerships.four_eyes import refusal_record, roles_allowed_for
from fullpicture.partnerships.models import Agency, Practitioner, Role, RoleCode

TOKEN_ROLES = (RoleCode.AGENCY_PRACTITIONER.value, RoleCode.MASH_PRACTITIONER.value)
PREFIX = "fp_"


class TokenRefused(Exception):
    pass


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _agency(agency_code: str) -> Agency:
    agency = Agency.objects.filter(code=agency_code.strip().upper()).first()
    if agency is None:
        agency = Agency.objects.filter(code=agency_code.strip()).first()
    if agency is None:
        raise TokenRefused(f"No agency has the code '{agency_code}'.")
    return agency


def _check(agency: Agency, name: str, role: str) -> None:
    if not name.strip():
        raise TokenRefused("Give the token a name (what system uses it).")
    if role not in TOKEN_ROLES:
        raise TokenRefused(f"A token's role must be one of: {', '.join(TOKEN_ROLES)}.")


def api_token_create(
    *,
    agency_code: str,
    name: str,
    role: str = RoleCode.AGENCY_PRACTITIONER.value,
    actor: Actor,
    created_by: Practitioner | None = None,
) -> IssuedToken:
    """Issue a token for an agency's system; the secret is returned once and never kept.

    Its role must be one the agency's type allows by default
    (``partnerships.four_eyes.roles_allowed_for``); a role beyond it (a school's system
    with the MASH role) is refused here and goes through ``api_token_request`` and a
    second person's ``api_token_approve``."""
    agency = _agency(agency_code)
    _check(agency, name, role)
    if role not in roles_allowed_for(agency.type):
        refusal_record(
            actor=actor, object_type="api_token", object_id=agency.code, rule="four_eyes"
        )
        raise TokenRefused(
            f"A {agency.get_type_display().lower()} agency's token may hold only "
            f"{', '.join(sorted(roles_allowed_for(agency.type) & set(TOKEN_ROLES)))}: the role "
            f"{role} goes beyond its type, so a second person must approve it. Ask with "
            f"fullpicture api-token request --agency {agency.code} --role {role} --by YOU "
            "--reason TEXT; another administrator or IG lead approves it with fullpicture "
            "api-token approve ID --by USERNAME."
        )
    return _issue(agency=agency, name=name, role=role, actor=actor, created_by=created_by)


def _issue(
    *, agency: Agency, name: str, role: str, actor: Actor, created_by: Practitioner | None
) -> IssuedToken:
    prefix = PREFIX + secrets.token_hex(4)
    secret = f"{prefix}.{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        principal = Practitioner(
            username=f"api.{prefix}",
            first_name="API",
            last_name=f"{agency.code} {name.strip()}"[:150],
            agency=agency,
            job_title="Agency system (API token)",
        )
        principal.set_unusable_password()
        principal.save()
        principal.roles.set(Role.objects.filter(code=role))
        token = ApiToken.objects.create(
            name=name.strip(),
            agency=agency,
            principal=principal,
            prefix=prefix,
            token_hash=token_hash(secret),
            created_by=created_by,
            created_at=timezone.now(),
        )
        ledger_record(
            actor=actor,
            action=Action.CREATE,
            object_type="api_token",
            object_id=token.pk,
            reason_code=role,
            details={"agency": agency.code, "prefix": prefix},
        )
    return IssuedToken(token=token, secret=secret)


def api_token_revoke(*, prefix: str, actor: Actor) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(prefix=prefix).first()
        if token is None:
            raise TokenRefused(f"No token has the prefix '{prefix}'.")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            Practitioner.objects.filter(pk=token.principal_id).update(is_active=False)
            ledger_record(
                actor=actor,
                action=Action.UPDATE,
                object_type="api_token",
                object_id=token.pk,
                reason_code="revoked",
                details={"prefix": token.prefix},
            )
    return token


# Who may ask for or approve a token beyond its agency's type.
TOKEN_KEEPERS = (RoleCode.ADMINISTRATOR.value, RoleCode.IG_LEAD.value)


def _keeper_of(user: Practitioner, agency: Agency) -> bool:
    return bool(
        user.is_active
        and user.has_role(*TOKEN_KEEPERS)
        and user.partnership_id is not None
        and user.partnership_id == agency.partnership_id
    )


def api_token_request(
    *, agency_code: str, name: str, role: str, reason: str, requested_by: Practitioner
) -> ApiTokenRequest:
    """Ask for a token whose role goes beyond the agency's type; nothing is issued yet."""
    agency = _agency(agency_code)
    _check(agency, name, role)
    if not reason.strip():
        raise TokenRefused("Give the reason the system needs this role.")
    if not _keeper_of(requested_by, agency):
        refusal_record(
            actor=requested_by.actor, object_type="api_token", object_id=agency.code, rule="scope"
        )
        raise TokenRefused(
            "Only an administrator or an information-governance lead of the agency's "
            "partnership can ask for its token."
        )
    with transaction.atomic():
        request = ApiTokenRequest.objects.create(
            name=name.strip(),
            agency=agency,
            role=role,
            reason=reason.strip()[:200],
            requested_by=requested_by,
            requested_at=timezone.now(),
        )
        ledger_record(
            actor=requested_by.actor,
            action=Action.CREATE,
            object_type="api_token_request",
            object_id=request.pk,
            reason_code=role,
            details={"agency": agency.code},
        )
    return request


def api_token_approve(*, approver: Practitioner, request_id: int) -> IssuedToken:
    """A second administrator or IG lead of the agency's partnership approves: the token is
    issued and its secret returned once. Never the one who asked."""
    rule, message = "", ""
    issued: IssuedToken | None = None
    with transaction.atomic():
        request = (
            ApiTokenRequest.objects.select_for_update(of=("self",))
            .select_related("agency")
            .filter(pk=request_id, status=ApiTokenRequest.Status.REQUESTED)
            .first()
        )
        if request is None or not _keeper_of(approver, request.agency):
            rule, message = "scope", f"There is no open token request {request_id}."
        elif request.requested_by_id == approver.pk:
            rule, message = (
                "four_eyes",
                f"You asked for token request {request_id}, so you cannot approve it: a second "
                "administrator or information-governance lead must (four eyes).",
            )
        else:
            issued = _issue(
                agency=request.agency,
                name=request.name,
                role=request.role,
                actor=approver.actor,
                created_by=approver,
            )
            request.status = ApiTokenRequest.Status.ISSUED
            request.decided_by = approver
            request.decided_at = timezone.now()
            request.token = issued.token
            request.save(update_fields=["status", "decided_by", "decided_at", "token"])
            ledger_record(
                actor=approver.actor,
                action=Action.UPDATE,
                object_type="api_token_request",
                object_id=request.pk,
                reason_code="issued",
                details={
                    "token": str(issued.token.pk),
                    "requested_by": f"user:{request.requested_by_id}",
                },
            )
    if rule:
        refusal_record(
            actor=approver.actor, object_type="api_token_request", object_id=request_id, rule=rule
        )
        raise TokenRefused(message)
    assert issued is not None  # noqa: S101  (refused above otherwise)
    return issued
