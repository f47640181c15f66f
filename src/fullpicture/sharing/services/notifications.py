"""Notifications a practitioner reads."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.utils import timezone

from fullpicture.partnerships.models import Practitioner

# The item feed lives in sharing.feeds; its names stay importable from here (__all__).
from fullpicture.sharing.models import (
    Notification,
)

logger = logging.getLogger(__name__)


def notification_mark_read(*, user: Practitioner, notification_ids: Sequence[int]) -> int:
    return Notification.objects.filter(
        recipient=user, pk__in=list(notification_ids), read_at__isnull=True
    ).update(read_at=timezone.now())
