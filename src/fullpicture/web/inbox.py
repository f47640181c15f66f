"""One inbox: the hub's notices (requests, break-glass, decisions) and the alerts' notices
(point-of-care checks, concern alerts, families moving) in one list, newest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from fullpicture.alerts.models import Notice
from fullpicture.alerts.selectors import notices_for
from fullpicture.partnerships.models import Practitioner
from fullpicture.sharing.models import Notification
from fullpicture.sharing.selectors import notifications_for, notifications_unread

LIMIT = 200


@dataclass(frozen=True)
class InboxEntry:
    source: str  # "notification" (sharing) or "notice" (alerts): the form field to mark it
    pk: int
    at: dt.datetime
    kind: str
    message: str
    unread: bool
    link: str
    link_text: str


def _from_notification(n: Notification) -> InboxEntry:
    link, text = "", ""
    if n.object_type == "information_request":
        link = reverse("sharing:request", args=[n.object_id])
        text = f"Open request {n.object_id}"
    elif n.object_type == "break_glass_grant":
        link = reverse("sharing:break_glass_reviews") + f"#grant-{n.object_id}"
        text = "Review the grant"
    kind = n.kind.replace("_", " ").capitalize() if n.kind else "Notice"
    return InboxEntry(
        "notification", n.pk, n.created_at, kind, n.message, n.read_at is None, link, text
    )


def _from_notice(n: Notice) -> InboxEntry:
    link, text = "", ""
    if n.alert_id:
        link, text = reverse("alerts:alerts"), "Open the alerts"
    elif n.transfer_id:
        link, text = reverse("alerts:transfers"), "Open families moving"
    return InboxEntry(
        "notice", n.pk, n.created_at, n.get_kind_display(), n.message, n.read_at is None, link, text
    )


def inbox_for(*, viewer: Practitioner) -> list[InboxEntry]:
    entries = [_from_notification(n) for n in notifications_for(viewer=viewer, limit=LIMIT)]
    entries += [_from_notice(n) for n in notices_for(viewer=viewer)[:LIMIT]]
    entries.sort(key=lambda e: (e.at, e.pk), reverse=True)
    return entries[:LIMIT]


def unread_count(user: Practitioner) -> int:
    return notifications_unread(viewer=user) + notices_for(viewer=user, unread_only=True).count()
