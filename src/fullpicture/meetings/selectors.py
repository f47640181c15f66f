"""Reads for multi-agency meetings.

Who may see what:

* a meeting's page: its chair, and practitioners of an invited agency;
* its minutes: the chair, everyone on the attendance list and every action owner.
  Free text (notes, decisions, actions) is shown to all of them; each information
  item tabled at the meeting is shown only if the policy point lets that reader see
  it for the purpose ``multi_agency_meeting``. A person on the agenda is named only
  where the reader may see one of that person's records.

A meeting or minutes the reader may not see raises ``MeetingNotFound``, exactly
as a missing one does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record, ledger_record_denied
from fullpicture.meetings.models import (
    ActionStatus,
    Meeting,
    MeetingAction,
    MinutesStatus,
    MinutesVersion,
)
from fullpicture.partnerships.models import MASH_ROLES, Practitioner
from fullpicture.sharing.contexts import purpose_in
from fullpicture.sharing.models import WithholdReason
from fullpicture.sharing.policy import Purpose
from fullpicture.sharing.selectors import items_visible_to, records_visible_to

PURPOSE = Purpose.MULTI_AGENCY_MEETING.value


class MeetingNotFound(Exception):
    """A missing meeting and one the reader may not see, alike."""


def may_run_meeting(*, user: Practitioner, meeting: Meeting) -> bool:
    """The chair, or a MASH practitioner or manager of the hosting agency."""
    if not user.is_active:
        return False
    if meeting.chair_id == user.pk:
        return True
    return user.agency_id == meeting.host_agency_id and bool(user.role_codes & MASH_ROLES)


def _meeting_q(viewer: Practitioner) -> Q:
    return Q(chair_id=viewer.pk) | Q(invitations__agency_id=viewer.agency_id or 0)


def meetings_for(*, viewer: Practitioner) -> QuerySet[Meeting]:
    """Meetings the viewer chairs or their agency is invited to, newest first."""
    if not viewer.is_active:
        return Meeting.objects.none()
    ids = Meeting.objects.filter(_meeting_q(viewer)).values("pk")
    return (
        Meeting.objects.filter(pk__in=ids)
        .select_related("chair", "host_agency")
        .order_by("-starts_at", "-id")
    )


def access_meeting(*, viewer: Practitioner, meeting_id: int) -> Meeting:
    meeting = meetings_for(viewer=viewer).filter(pk=meeting_id).first()
    if meeting is None:
        exists = Meeting.objects.filter(pk=meeting_id).exists()
        ledger_record_denied(
            actor=viewer.actor,
            object_type="meeting",
            object_id=meeting_id,
            reason_code="policy" if exists else "missing",
        )
        raise MeetingNotFound
    return meeting


def may_read_minutes(*, viewer: Practitioner, meeting: Meeting) -> bool:
    if not viewer.is_active:
        return False
    return (
        meeting.chair_id == viewer.pk
        or meeting.attendees.filter(practitioner_id=viewer.pk).exists()
        or meeting.actions.filter(owner_id=viewer.pk).exists()
    )


def _minutes_meeting_ids(viewer: Practitioner) -> Any:
    return Meeting.objects.filter(
        Q(chair_id=viewer.pk)
        | Q(attendees__practitioner_id=viewer.pk)
        | Q(actions__owner_id=viewer.pk)
    ).values("pk")


def in_meeting(meeting_id: int) -> str:
    """The purpose ``multi_agency_meeting`` read in the meeting's work context (0056)."""
    return purpose_in(PURPOSE, f"meeting:{meeting_id}")


def person_labels(
    *, viewer: Practitioner, person_ids: list[int], meeting_id: int
) -> dict[int, str]:
    """Names for persons, only where the viewer may see one of their records (read in the
    meeting's work context)."""
    labels: dict[int, str] = {}
    records = (
        records_visible_to(viewer=viewer, purpose=in_meeting(meeting_id))
        .filter(person_id__in=person_ids)
        .order_by("recorded_at", "id")
    )
    for record in records:
        if record.person_id is not None:
            labels.setdefault(record.person_id, record.display_name)
    return labels


def minutes_content(*, meeting: Meeting, minutes: MinutesVersion) -> dict[str, Any]:
    """The minutes' content as it stands (what sign-off freezes into the snapshot).

    Free text and practitioners' names; information items as ids only, read back
    through the policy point for each reader.
    """
    attendees = [
        {
            "practitioner_id": a.practitioner_id,
            "name": str(a.practitioner),
            "agency": a.agency.name,
            "attendance": a.attendance,
        }
        for a in meeting.attendees.select_related("practitioner", "agency")
    ]
    agenda = []
    for entry in meeting.agenda.all():
        agenda.append(
            {
                "entry_id": entry.pk,
                "position": entry.position,
                "person_ids": entry.person_ids(),
                "household_id": entry.household_id,
                "notes": [n.text for n in minutes.notes.filter(agenda_entry=entry).order_by("id")],
                "decisions": [
                    d.text for d in minutes.decisions.filter(agenda_entry=entry).order_by("id")
                ],
                "actions": [
                    {
                        "action_id": a.pk,
                        "description": a.description,
                        "owner": str(a.owner),
                        "owner_id": a.owner_id,
                        "agency": a.agency.name,
                        "due_on": a.due_on.isoformat(),
                        "status": a.status,
                    }
                    for a in entry.actions.select_related("owner", "agency").order_by(
                        "due_on", "id"
                    )
                ],
                "contributions": [
                    {
                        "agency": c.agency.name,
                        "agency_id": c.agency_id,
                        "item_id": c.item_id,
                        "shared": c.shared,
                        "withhold_reason": c.withhold_reason,
                    }
                    for c in entry.contributions.select_related("agency").order_by(
                        "agency__name", "item_id"
                    )
                ],
            }
        )
    return {
        "meeting_id": meeting.pk,
        "version": minutes.number,
        "kind": meeting.kind,
        "kind_label": meeting.get_kind_display(),
        "title": meeting.title,
        "starts_at": meeting.starts_at.isoformat(),
        "chair": str(meeting.chair),
        "attendees": attendees,
        "agenda": agenda,
    }


@dataclass
class AgendaView:
    label: str
    notes: list[str]
    decisions: list[str]
    actions: list[dict[str, Any]]
    items: list[Any]  # information items the reader may see
    withheld: list[tuple[str, str, int]]  # (agency, reason label, count)


@dataclass
class MinutesView:
    meeting: Meeting
    minutes: MinutesVersion
    content: dict[str, Any]
    agenda: list[AgendaView]
    versions: list[MinutesVersion] = field(default_factory=list)

    @property
    def signed_off(self) -> bool:
        return self.minutes.status == MinutesStatus.SIGNED_OFF

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.content["starts_at"])


def minutes_for(
    *, viewer: Practitioner, meeting_id: int, number: int | None = None, audit: bool = True
) -> MinutesView:
    """One version of the minutes (the latest by default) as this reader may see it; audited."""
    meeting = (
        Meeting.objects.filter(pk__in=_minutes_meeting_ids(viewer), pk=meeting_id)
        .select_related("chair", "host_agency")
        .first()
        if viewer.is_active
        else None
    )
    if meeting is None:
        raise MeetingNotFound
    versions = list(meeting.minutes.order_by("number"))
    minutes = (
        versions[-1] if number is None else next((v for v in versions if v.number == number), None)
    )
    if minutes is None:
        raise MeetingNotFound
    content = (
        minutes.snapshot
        if minutes.status == MinutesStatus.SIGNED_OFF and minutes.snapshot
        else minutes_content(meeting=meeting, minutes=minutes)
    )
    tabled = [c["item_id"] for e in content["agenda"] for c in e["contributions"] if c["shared"]]
    visible = {
        item.pk: item
        for item in items_visible_to(viewer=viewer, purpose=in_meeting(meeting.pk))
        .filter(pk__in=tabled)
        .order_by("occurred_at", "id")
    }
    labels = person_labels(
        viewer=viewer,
        person_ids=[p for e in content["agenda"] for p in e["person_ids"]],
        meeting_id=meeting.pk,
    )
    reasons = dict(WithholdReason.choices)
    agenda = []
    for entry in content["agenda"]:
        names = [labels[p] for p in entry["person_ids"] if p in labels]
        if entry["household_id"]:
            label = "Family: " + (", ".join(names) if names else "members not visible to you")
        else:
            label = names[0] if names else "A child you may not see"
        withheld: dict[tuple[str, str], int] = {}
        for c in entry["contributions"]:
            if not c["shared"]:
                key = (c["agency"], reasons.get(c["withhold_reason"], c["withhold_reason"]))
                withheld[key] = withheld.get(key, 0) + 1
        agenda.append(
            AgendaView(
                label=label,
                notes=entry["notes"],
                decisions=entry["decisions"],
                actions=entry["actions"],
                items=[
                    visible[c["item_id"]]
                    for c in entry["contributions"]
                    if c["shared"] and c["item_id"] in visible
                ],
                withheld=[(a, r, n) for (a, r), n in sorted(withheld.items())],
            )
        )
    if audit:
        ledger_record(
            actor=viewer.actor,
            action=Action.VIEW,
            object_type="meeting_minutes",
            object_id=meeting.pk,
            purpose=PURPOSE,
            details={"version": minutes.number, "item_ids": [str(i) for i in sorted(visible)]},
        )
    return MinutesView(
        meeting=meeting, minutes=minutes, content=content, agenda=agenda, versions=versions
    )


def overdue_actions_for_owner(
    *, owner: Practitioner, today: dt.date | None = None
) -> list[MeetingAction]:
    """Open actions past their due date that this practitioner owns (home page)."""
    today = today or timezone.localdate()
    return list(
        MeetingAction.objects.filter(owner=owner, status=ActionStatus.OPEN, due_on__lt=today)
        .select_related("meeting", "agency")
        .order_by("due_on", "id")
    )


def overdue_actions_for_person(
    *, viewer: Practitioner, person_id: int, today: dt.date | None = None
) -> list[MeetingAction]:
    """Open overdue actions about a person (or their family) from meetings whose minutes the
    viewer may read (the family's chronology)."""
    today = today or timezone.localdate()
    return list(
        MeetingAction.objects.filter(status=ActionStatus.OPEN, due_on__lt=today)
        .filter(meeting_id__in=_minutes_meeting_ids(viewer))
        .filter(
            Q(agenda_entry__person_id=person_id) | Q(agenda_entry__household__members__pk=person_id)
        )
        .select_related("meeting", "agency", "owner")
        .distinct()
        .order_by("due_on", "id")
    )


def contribution_items(
    *, user: Practitioner, meeting: Meeting, audit: bool = False
) -> QuerySet[Any]:
    """The user's own agency's items about the people on the agenda (through the policy point)."""
    person_ids = sorted({pid for entry in meeting.agenda.all() for pid in entry.person_ids()})
    items = (
        items_visible_to(viewer=user, purpose=PURPOSE)
        .filter(source_agency_id=user.agency_id, persons__in=person_ids)
        .distinct()
        .order_by("occurred_at", "id")
    )
    if audit:
        ledger_record(
            actor=user.actor,
            action=Action.VIEW,
            object_type="meeting_contribution",
            object_id=meeting.pk,
            purpose=PURPOSE,
            details={"item_ids": [str(i.pk) for i in items]},
        )
    return items


def invitable_practitioners(*, meeting: Meeting) -> QuerySet[Practitioner]:
    """Practitioners of the invited agencies (attendance and action owners are chosen here)."""
    return (
        Practitioner.objects.filter(
            agency_id__in=meeting.invitations.values("agency_id"), is_active=True
        )
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name")
    )
