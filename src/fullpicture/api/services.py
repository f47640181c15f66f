"""Writes for the API: creating and revoking agency tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from fullpicture.api.models import ApiToken
from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record
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


def api_token_create(
    *,
    agency_code: str,
    name: str,
    role: str = RoleCode.AGENCY_PRACTITIONER.value,
    actor: Actor,
    created_by: Practitioner | None = None,
) -> IssuedToken:
    """Issue a token for an agency's system; the secret is returned once and never kept."""
    agency = Agency.objects.filter(code=agency_code.strip().upper()).first()
    if agency is None:
        agency = Agency.objects.filter(code=agency_code.strip()).first()
    if agency is None:
        raise TokenRefused(f"No agency has the code '{agency_code}'.")
    if not name.strip():
        raise TokenRefused("Give the token a name (what system uses it).")
    if role not in TOKEN_ROLES:
        raise TokenRefused(f"A token's role must be one of: {', '.join(TOKEN_ROLES)}.")
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
