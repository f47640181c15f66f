"""What every sharing write shares: refusals, optimistic locking, notifications."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.utils import timezone

from fullpicture.partnerships.models import Practitioner
from fullpicture.sharing.errors import SharingRefused

# The item feed lives in sharing.feeds; its names stay importable from here (__all__).
from fullpicture.sharing.models import (
    InformationRequest,
    Notification,
)

logger = logging.getLogger(__name__)
ONE_OFF_BASIS = "UK GDPR Art 6(1)(e) public task; DPA 2018 Sch 1 para 18 (one-off share)"

# --------------------------------------------------------------------------------------
# Refusals and optimistic locking
# --------------------------------------------------------------------------------------


class StaleEdit(SharingRefused):
    """Someone else changed it since the form was opened (optimistic locking)."""


def _require_role(user: Practitioner, *roles: str, doing: str) -> int:
    """Refuse unless the user is active, in an agency and holds a role; returns the agency."""
    if user.agency_id is None or not (user.is_active and user.has_role(*roles)):
        raise SharingRefused(f"Your role does not allow you to {doing}.")
    return user.agency_id


def _notify(*, recipients: Iterable[Practitioner], kind: str, obj: str, oid: int, msg: str) -> int:
    now = timezone.now()
    rows = [
        Notification(
            recipient=r,
            kind=kind,
            object_type=obj,
            object_id=str(oid),
            message=Notification.fit(msg),
            created_at=now,
        )
        for r in {r.pk: r for r in recipients}.values()
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def _request_for(
    *, user: Practitioner, request_id: int | None, purpose: str
) -> InformationRequest | None:
    if request_id is None:
        return None
    request = InformationRequest.objects.filter(
        pk=request_id, recipients__agency_id=user.agency_id or 0
    ).first()
    if request is None:
        raise SharingRefused("That request was not sent to your agency.")
    if request.purpose != purpose:
        raise SharingRefused("Answer a request for the purpose it was made for.")
    return request
