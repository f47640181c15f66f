"""Reads for governance: who looked at whom, from the audit ledger.

The ledger holds ids and kinds only; names of the practitioners who looked are
read from ``partnerships`` for display. A manager sees the events of their own
partnership's agencies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.selectors import ledger_person_access
from fullpicture.partnerships.models import Agency, Practitioner, RoleCode
from fullpicture.sharing.policy import Purpose

AUDIT_ROLES = (RoleCode.MASH_MANAGER.value, RoleCode.IG_LEAD.value)
NO_ONE = "user:none"


def may_read_access_log(*, viewer: Practitioner) -> bool:
    return viewer.is_active and viewer.has_role(*AUDIT_ROLES)


@dataclass(frozen=True)
class AccessFilter:
    person_id: str = ""
    username: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _agency_codes_for(viewer: Practitioner) -> list[str]:
    if viewer.agency is None:
        return []
    if viewer.agency.partnership_id is None:
        return [viewer.agency.code]
    return list(
        Agency.objects.filter(partnership_id=viewer.agency.partnership_id).values_list(
            "code", flat=True
        )
    )


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def person_access_events(*, viewer: Practitioner, filters: AccessFilter) -> QuerySet[LedgerEvent]:
    """Every read of a person (and every refused one), by practitioners of the viewer's
    partnership: searches, records, chronologies, households, linkage, point-of-care checks,
    subject access, learning reviews, the alerts and notifications pages, the admin."""
    actor_id = ""
    if filters.username:
        practitioner = Practitioner.objects.filter(username__iexact=filters.username).first()
        actor_id = f"user:{practitioner.pk}" if practitioner else NO_ONE
    return ledger_person_access(
        agencies=_agency_codes_for(viewer),
        person_id=filters.person_id,
        actor_id=actor_id,
        since=_start_of(filters.date_from) if filters.date_from else None,
        until=_start_of(filters.date_to + dt.timedelta(days=1)) if filters.date_to else None,
    )


ACTION_LABELS = {"search": "Searched: saw in results", "view": "Opened the record"}
# Each kind of read of a person, as the page names it: (action, object type) first, then
# the action alone.
READ_LABELS = {
    ("view", "person_chronology"): "Read the chronology",
    ("export", "person_chronology"): "Exported the chronology",
    ("view", "household"): "Opened the household",
    ("view", "household_chronology"): "Read the household's chronology",
    ("export", "household_chronology"): "Exported the household's chronology",
    ("view", "person_records"): "Linkage: read the person's records",
    ("view", "person_merge"): "Linkage: compared persons to merge",
    ("view", "review_case"): "Linkage: reviewed a possible match",
    ("view", "point_of_care_check"): "Point-of-care check",
    ("export", "person"): "Subject access export",
    ("export", "learning_review"): "Learning review: downloaded",
    ("view", "alert_list"): "Alerts page: saw alerts about",
    ("view", "notice_list"): "Notifications page: saw notices about",
    ("break_glass", "person"): "Break-glass access",
}
DENIED_LABEL = "Refused (answered as if missing)"


def _label(action: str, object_type: str) -> str:
    if action == "denied":
        return DENIED_LABEL
    if object_type.startswith("admin"):
        return "Django admin: viewed" if action == "view" else "Django admin: changed"
    return READ_LABELS.get((action, object_type)) or ACTION_LABELS.get(action, action)


@dataclass(frozen=True)
class AccessRow:
    seq: int
    at: dt.datetime
    practitioner: str
    username: str
    agency: str
    action: str
    person_ids: list[str]
    purpose: str
    context: str = ""  # the work context the read named, "kind:id" (decision 0056)

    @property
    def context_label(self) -> str:
        kind, _, object_id = self.context.partition(":")
        return f"{CONTEXT_LABELS.get(kind, kind)} {object_id}" if object_id else ""


CONTEXT_LABELS = {
    "contact": "Contact",
    "request": "Information request",
    "meeting": "Meeting",
    "episode": "Early-help episode",
    "review-grant": "Review grant",
}


def access_rows(events: Iterable[LedgerEvent]) -> list[AccessRow]:
    """Ledger events as rows to show, with the practitioners' names and agencies."""
    events = list(events)
    user_ids = {
        int(e.actor_id.removeprefix("user:"))
        for e in events
        if e.actor_id.startswith("user:") and e.actor_id.removeprefix("user:").isdigit()
    }
    people = {p.pk: p for p in Practitioner.objects.filter(pk__in=user_ids)}
    agencies = dict(
        Agency.objects.filter(code__in={e.actor_agency for e in events}).values_list("code", "name")
    )
    purposes = dict(Purpose.choices)
    rows = []
    for e in events:
        raw = e.actor_id.removeprefix("user:")
        who = people.get(int(raw)) if raw.isdigit() else None
        listed = (e.details or {}).get("person_ids")
        person_ids = [str(p) for p in listed] if listed is not None else [e.object_id]
        rows.append(
            AccessRow(
                seq=e.seq,
                at=e.at,
                practitioner=str(who) if who else e.actor_id,
                username=who.username if who else "",
                agency=agencies.get(e.actor_agency, e.actor_agency),
                action=_label(e.action, e.object_type),
                person_ids=person_ids,
                purpose=purposes.get(e.purpose, e.purpose),
                context=str((e.details or {}).get("context", "")),
            )
        )
    return rows
