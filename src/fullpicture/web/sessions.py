"""Sessions: one active session per practitioner, and two-factor enforced on every request.

Signing in records the new session key (``session_begin``) and ends the older
session, wherever it was. ``SessionGuardMiddleware`` then signs out any request
whose session is no longer the practitioner's current one, and, when
``FULLPICTURE_REQUIRE_2FA`` is on, any password session not verified by a second
factor (so no sign-in path, the admin's included, can skip it). Single sign-on
sessions are exempt: the council's identity provider owns their second factor.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record
from fullpicture.partnerships.models import Practitioner
from fullpicture.web.models import ActiveSession

logger = logging.getLogger(__name__)

OIDC_BACKEND = "fullpicture.web.oidc.PractitionerOIDCBackend"
REPLACED = "replaced_by_new_sign_in"


def session_begin(*, request: HttpRequest, user: Practitioner) -> None:
    """Make this request's session the practitioner's only one; end the older one."""
    key = request.session.session_key
    if not key:
        request.session.save()
        key = request.session.session_key
    with transaction.atomic():
        previous = ActiveSession.objects.select_for_update().filter(practitioner_id=user.pk).first()
        if previous is not None and previous.session_key != key:
            store = import_module(settings.SESSION_ENGINE).SessionStore
            store(session_key=previous.session_key).delete()
            ledger_record(
                actor=user.actor,
                action=Action.SIGN_OUT,
                object_type="session",
                reason_code=REPLACED,
            )
            logger.info("ended an older session of practitioner %s", user.pk)
        ActiveSession.objects.update_or_create(
            practitioner_id=user.pk,
            defaults={"session_key": key or "", "started_at": timezone.now()},
        )


def session_end(*, request: HttpRequest, user: Practitioner) -> None:
    """Signing out forgets the session, if it is still the current one."""
    key = request.session.session_key if hasattr(request, "session") else None
    if key:
        ActiveSession.objects.filter(practitioner_id=user.pk, session_key=key).delete()


def session_is_current(*, request: HttpRequest, user: Practitioner) -> bool:
    current = (
        ActiveSession.objects.filter(practitioner_id=user.pk)
        .values_list("session_key", flat=True)
        .first()
    )
    return current is not None and current == request.session.session_key


def second_factor_missing(request: HttpRequest) -> bool:
    """A password session without a verified second factor, where one is required."""
    if not settings.FULLPICTURE_REQUIRE_2FA:
        return False
    if request.session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND:
        return False
    is_verified = getattr(request.user, "is_verified", None)
    return not (callable(is_verified) and is_verified())


class SessionGuardMiddleware:
    """Sign out a superseded session, or one that skipped the second factor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and isinstance(user, Practitioner):
            superseded = not session_is_current(request=request, user=user)
            if superseded or second_factor_missing(request):
                logout(request)
        return self.get_response(request)
