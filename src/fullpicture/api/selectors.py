"""Reads for the API: which principal a bearer token stands for."""

from __future__ import annotations

import hmac

from django.utils import timezone

from fullpicture.api.models import ApiPrincipal, ApiToken
from fullpicture.api.services import PREFIX, token_hash


def principal_for_token(*, secret: str) -> ApiPrincipal | None:
    """The active token's principal, or None (unknown, malformed or revoked alike)."""
    prefix, _, rest = secret.partition(".")
    if not prefix.startswith(PREFIX) or not rest:
        return None
    token = (
        ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True)
        .select_related("agency")
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, token_hash(secret)):
        return None
    principal = (
        ApiPrincipal.objects.filter(pk=token.principal_id, is_active=True)
        .select_related("agency")
        .first()
    )
    if principal is not None:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return principal
