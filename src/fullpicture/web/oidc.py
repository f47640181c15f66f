"""Single sign-on with the council's identity provider (OpenID Connect, mozilla-django-oidc).

A practitioner arriving by OIDC is matched to an existing, active practitioner by
email; nobody is ever created (an administrator creates practitioners and gives
them roles). An unknown email is refused with a clear page. See
docs/decisions/0005-sign-in.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from fullpicture.partnerships.models import Practitioner

REFUSED_ATTR = "fp_oidc_unknown_account"


class PractitionerOIDCBackend(OIDCAuthenticationBackend):
    """Match by email to one active practitioner; never create one."""

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[Practitioner]:
        email = (claims.get("email") or "").strip()
        if not email or claims.get("email_verified") is False:
            return Practitioner.objects.none()
        return Practitioner.objects.filter(email__iexact=email, is_active=True)

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return "claims with no matching practitioner"  # never the email: no personal data in logs

    def create_user(self, claims: dict[str, Any]) -> Practitioner:  # pragma: no cover
        raise PermissionError("Practitioners are created by an administrator, never by sign-in.")

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None and self.request is not None:
            setattr(self.request, REFUSED_ATTR, True)
        return user


def _enabled() -> bool:
    return bool(getattr(settings, "OIDC_ENABLED", False))


def council_sign_in(request: HttpRequest) -> HttpResponse:
    """Start single sign-on: redirect to the council's identity provider."""
    if not _enabled():
        raise Http404
    response: HttpResponse = OIDCAuthenticationRequestView.as_view()(request)
    return response


class CouncilCallbackView(OIDCAuthenticationCallbackView):
    """The provider's redirect back; an unknown account is refused with a clear page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not _enabled():
            raise Http404
        response: HttpResponse = super().get(request)
        return response

    def login_failure(self) -> HttpResponse:
        unknown = bool(getattr(self.request, REFUSED_ATTR, False))
        return render(
            self.request, "web/sign_in_refused.html", {"unknown_account": unknown}, status=403
        )
