"""Writes for multi-agency meetings.

Every write checks who is asking, runs in one transaction with its ledger event
(ids and kinds only, never the text of notes), and refuses bad input with a
``MeetingRefused`` carrying messages a practitioner can act on. Contributions go
through the sharing app's ``item_share`` and ``item_withhold``: an agency's item is
shared with the other invited agencies for the purpose ``multi_agency_meeting``,
or withheld from them with a reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record
from fullpicture.meetings.models import (
    ActionStatus,
    AgendaEntry,
    Attendance,
    Attendee,
    Contribution,
    DiscussionNote,
    Invitation,
    Meeting,
    MeetingAction,
    MeetingDecision,
    MeetingKind,
    MeetingStatus,
    MinutesStatus,
    MinutesVersion,
)
from fullpicture.meetings.selectors import contribution_items, may_run_meeting, minutes_content
from fullpicture.partnerships.models import MASH_ROLES, Agency, Practitioner
from fullpicture.people.models import Household
from fullpicture.sharing.models import WithholdReason
from fullpicture.sharing.policy import READING_ROLES, Purpose
from fullpicture.sharing.selectors import persons_visible_to
from fullpicture.sharing.services import (
    ShareReason,
    SharingRefused,
    WithholdReasonGiven,
    item_share,
    item_withhold,
)

PURPOSE = Purpose.MULTI_AGENCY_MEETING.value


class MeetingRefused(Exception):
    """Bad input or no right to do it: the messages say what to change. Nothing was saved."""

    def __init__(self, *messages: str) -> None:
        super().__init__(" ".join(messages))
        self.messages = list(messages)


def _ledger(user: Practitioner, action: str, meeting: Meeting, reason: str, **details: Any) -> None:
    ledger_record(
        actor=user.actor,
        action=action,
        object_type="meeting",
        object_id=meeting.pk,
        purpose=PURPOSE,
        reason_code=reason,
        details={k: v for k, v in details.items()},
    )


def _meeting_for_update(*, user: Practitioner, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None or not may_run_meeting(user=user, meeting=meeting):
        raise MeetingRefused("That meeting does not exist, or you do not run it.")
    return meeting


# --------------------------------------------------------------------------------------
# Setting up: the meeting, its invitations and its agenda
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingPlan:
    kind: str
    title: str
    starts_at: dt.datetime
    chair_id: int
    agency_ids: tuple[int, ...]
    person_ids: tuple[int, ...] = ()
    household_ids: tuple[int, ...] = ()


def meeting_create(*, user: Practitioner, plan: MeetingPlan) -> Meeting:
    """A MASH practitioner or manager convenes a meeting; their agency hosts it."""
    if not user.is_active or user.agency is None or not user.role_codes & MASH_ROLES:
        raise MeetingRefused("Only MASH practitioners and managers convene meetings.")
    errors: list[str] = []
    if plan.kind not in MeetingKind.values:
        errors.append("Choose the kind of meeting from the list.")
    if not plan.title.strip():
        errors.append("Give the meeting a title.")
    chair = Practitioner.objects.filter(pk=plan.chair_id, is_active=True).first()
    if chair is None:
        errors.append("Choose who chairs the meeting.")
    agencies = list(Agency.objects.filter(pk__in=set(plan.agency_ids)))
    if len(agencies) != len(set(plan.agency_ids)) or not agencies:
        errors.append("Invite at least one agency from the list.")
    partnership_id = user.agency.partnership_id
    if partnership_id is None:
        errors.append("Your agency belongs to no partnership.")
    if not plan.person_ids and not plan.household_ids:
        errors.append("Put at least one child or family on the agenda.")
    visible = persons_visible_to(viewer=user, purpose=PURPOSE)
    persons = list(visible.filter(pk__in=set(plan.person_ids)).order_by("pk"))
    if len(persons) != len(set(plan.person_ids)):
        errors.append("A person on the agenda was not found.")
    households = list(Household.objects.filter(pk__in=set(plan.household_ids)).order_by("pk"))
    if len(households) != len(set(plan.household_ids)) or any(
        not visible.filter(households=h).exists() for h in households
    ):
        errors.append("A family on the agenda was not found.")
    if errors:
        raise MeetingRefused(*errors)
    if chair is None or partnership_id is None:  # pragma: no cover - reported above
        raise MeetingRefused("Choose who chairs the meeting.")
    now = timezone.now()
    with transaction.atomic():
        meeting = Meeting.objects.create(
            kind=plan.kind,
            title=plan.title.strip(),
            partnership_id=partnership_id,
            starts_at=plan.starts_at,
            chair=chair,
            host_agency=user.agency,
            created_by=user,
        )
        invited = {a.pk: a for a in agencies}
        invited.setdefault(user.agency.pk, user.agency)
        Invitation.objects.bulk_create(
            [Invitation(meeting=meeting, agency=a, invited_at=now) for a in invited.values()]
        )
        position = 0
        for person in persons:
            position += 1
            AgendaEntry.objects.create(meeting=meeting, position=position, person=person)
        for household in households:
            position += 1
            AgendaEntry.objects.create(meeting=meeting, position=position, household=household)
        MinutesVersion.objects.create(meeting=meeting, number=1, created_by=user, created_at=now)
        _ledger(
            user,
            Action.CREATE,
            meeting,
            plan.kind,
            agency_ids=sorted(str(a) for a in invited),
            person_ids=[str(p.pk) for p in persons],
            household_ids=[str(h.pk) for h in households],
        )
    return meeting


# --------------------------------------------------------------------------------------
# Preparing: each invited agency shares or withholds its items
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContributionPlan:
    share_item_ids: tuple[int, ...] = ()
    withhold: tuple[tuple[int, str], ...] = ()  # (item id, withhold reason code)
    share_reason: str = ""
    withhold_reason: str = ""


def contribution_prepare(
    *, user: Practitioner, meeting_id: int, plan: ContributionPlan
) -> list[Contribution]:
    """An invited agency decides, item by item, what it brings to the meeting.

    Shared items go to every other invited agency for the purpose
    ``multi_agency_meeting``; withheld items are recorded as withheld from them,
    with the reason. Atomic: if the sharing app refuses any part, nothing is saved.
    """
    if not user.is_active or user.agency_id is None or not user.role_codes & READING_ROLES:
        raise MeetingRefused("Only practitioners of an invited agency prepare contributions.")
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None or not meeting.invitations.filter(agency_id=user.agency_id).exists():
        raise MeetingRefused("That meeting does not exist, or your agency is not invited.")
    if meeting.status == MeetingStatus.CANCELLED:
        raise MeetingRefused("That meeting was cancelled.")
    errors: list[str] = []
    share_ids = sorted(set(plan.share_item_ids))
    withhold = dict(plan.withhold)
    if not share_ids and not withhold:
        errors.append("Decide about at least one item: share it or withhold it.")
    if set(share_ids) & set(withhold):
        errors.append("An item cannot be both shared and withheld.")
    if any(code not in WithholdReason.values for code in withhold.values()):
        errors.append("Choose why you are withholding from the list.")
    if withhold and not plan.withhold_reason.strip():
        errors.append("Explain why you are withholding.")
    if share_ids and not plan.share_reason.strip():
        errors.append("Give your reason for sharing.")
    mine = {item.pk: item for item in contribution_items(user=user, meeting=meeting)}
    if any(i not in mine for i in [*share_ids, *withhold]):
        errors.append("Choose items your agency holds about the people on the agenda.")
    if errors:
        raise MeetingRefused(*errors)
    others = sorted(
        meeting.invitations.exclude(agency_id=user.agency_id).values_list("agency_id", flat=True)
    )
    if not others:
        raise MeetingRefused("No other agency is invited, so there is no one to share with.")
    entries = list(meeting.agenda.all())
    entry_people = {e.pk: set(e.person_ids()) for e in entries}
    now = timezone.now()
    try:
        with transaction.atomic():
            if share_ids:
                item_share(
                    user=user,
                    item_ids=share_ids,
                    to_agency_ids=others,
                    purpose=PURPOSE,
                    why=ShareReason(reason=plan.share_reason),
                )
            by_code: dict[str, list[int]] = {}
            for item_id, code in sorted(withhold.items()):
                by_code.setdefault(code, []).append(item_id)
            for code, ids in sorted(by_code.items()):
                item_withhold(
                    user=user,
                    item_ids=ids,
                    to_agency_ids=others,
                    purpose=PURPOSE,
                    why=WithholdReasonGiven(code=code, reason=plan.withhold_reason),
                )
            rows = []
            for item_id in [*share_ids, *sorted(withhold)]:
                item_persons = set(mine[item_id].persons.values_list("pk", flat=True))
                entry = next((e for e in entries if entry_people[e.pk] & item_persons), entries[0])
                row, _ = Contribution.objects.update_or_create(
                    meeting=meeting,
                    item_id=item_id,
                    defaults={
                        "agenda_entry": entry,
                        "agency_id": user.agency_id,
                        "shared": item_id not in withhold,
                        "withhold_reason": withhold.get(item_id, ""),
                        "prepared_by": user,
                        "prepared_at": now,
                    },
                )
                rows.append(row)
            Invitation.objects.filter(meeting=meeting, agency_id=user.agency_id).update(
                contribution_ready_at=now
            )
            _ledger(
                user,
                Action.UPDATE,
                meeting,
                "contribution",
                shared_item_ids=[str(i) for i in share_ids],
                withheld_item_ids=[str(i) for i in sorted(withhold)],
            )
    except SharingRefused as refused:
        raise MeetingRefused(*(refused.args or ("The sharing decision was refused.",))) from None
    return rows


# --------------------------------------------------------------------------------------
# During the meeting: attendance, notes, decisions, actions
# --------------------------------------------------------------------------------------


def attendance_record(
    *, user: Practitioner, meeting_id: int, entries: Sequence[tuple[int, str]]
) -> int:
    """The chair records who attended; the meeting is then held."""
    with transaction.atomic():
        meeting = _meeting_for_update(user=user, meeting_id=meeting_id)
        if any(att not in Attendance.values for _, att in entries):
            raise MeetingRefused("Choose present, sent apologies or did not attend.")
        if not entries:
            raise MeetingRefused("Record at least one practitioner's attendance.")
        invited = set(meeting.invitations.values_list("agency_id", flat=True))
        people = {
            p.pk: p
            for p in Practitioner.objects.filter(pk__in=[pid for pid, _ in entries], is_active=True)
        }
        if len(people) != len({pid for pid, _ in entries}) or any(
            p.agency_id not in invited for p in people.values()
        ):
            raise MeetingRefused("Attendees must be practitioners of an invited agency.")
        for pid, att in entries:
            person = people[pid]
            Attendee.objects.update_or_create(
                meeting=meeting,
                practitioner=person,
                defaults={"agency_id": person.agency_id, "attendance": att},
            )
        if meeting.status == MeetingStatus.SCHEDULED:
            meeting.status = MeetingStatus.HELD
            meeting.version += 1
            meeting.save(update_fields=["status", "version"])
        _ledger(
            user,
            Action.UPDATE,
            meeting,
            "attendance",
            practitioner_ids=sorted(str(pid) for pid, _ in entries),
        )
    return len(entries)


def _current_minutes(meeting: Meeting) -> MinutesVersion:
    minutes = meeting.minutes.select_for_update().order_by("-number").first()
    assert minutes is not None  # noqa: S101  (every meeting is created with version 1)
    return minutes


def _draft_for_edit(
    *, user: Practitioner, meeting: Meeting, amendment_reason: str
) -> tuple[MinutesVersion, dict[int, DiscussionNote], dict[int, MeetingDecision]]:
    """The draft to write to. After sign-off, a new version copying the signed one:
    the signed version is never changed (its history is kept)."""
    current = _current_minutes(meeting)
    if current.status == MinutesStatus.DRAFT:
        return current, {}, {}
    now = timezone.now()
    draft = MinutesVersion.objects.create(
        meeting=meeting,
        number=current.number + 1,
        amendment_reason=amendment_reason.strip()
        or f"Amended after version {current.number} was signed off",
        created_by=user,
        created_at=now,
    )
    notes = {}
    for note in current.notes.order_by("id"):
        notes[note.pk] = DiscussionNote.objects.create(
            minutes=draft,
            agenda_entry_id=note.agenda_entry_id,
            copied_from=note,
            text=note.text,
            written_by=note.written_by,
            written_at=note.written_at,
        )
    decisions = {}
    for decision in current.decisions.order_by("id"):
        decisions[decision.pk] = MeetingDecision.objects.create(
            minutes=draft,
            agenda_entry_id=decision.agenda_entry_id,
            copied_from=decision,
            text=decision.text,
            recorded_by=decision.recorded_by,
            recorded_at=decision.recorded_at,
        )
    _ledger(
        user, Action.CREATE, meeting, "minutes_version", version=draft.number, previous=current.pk
    )
    return draft, notes, decisions


def _entry(meeting: Meeting, agenda_entry_id: int) -> AgendaEntry:
    entry = meeting.agenda.filter(pk=agenda_entry_id).first()
    if entry is None:
        raise MeetingRefused("Choose a child or family on this meeting's agenda.")
    return entry


def note_add(
    *,
    user: Practitioner,
    meeting_id: int,
    agenda_entry_id: int,
    text: str,
    amendment_reason: str = "",
) -> DiscussionNote:
    if not text.strip():
        raise MeetingRefused("Write the discussion note.")
    with transaction.atomic():
        meeting = _meeting_for_update(user=user, meeting_id=meeting_id)
        entry = _entry(meeting, agenda_entry_id)
        draft, _, _ = _draft_for_edit(user=user, meeting=meeting, amendment_reason=amendment_reason)
        note = DiscussionNote.objects.create(
            minutes=draft,
            agenda_entry=entry,
            text=text.strip(),
            written_by=user,
            written_at=timezone.now(),
        )
        _ledger(user, Action.UPDATE, meeting, "note", note_id=str(note.pk), version=draft.number)
    return note


def note_edit(
    *, user: Practitioner, note_id: int, text: str, amendment_reason: str = ""
) -> DiscussionNote:
    """Change a note. If its minutes were signed off, the change goes into a new version
    and the signed-off note stays exactly as it was."""
    if not text.strip():
        raise MeetingRefused("Write the discussion note.")
    original = DiscussionNote.objects.select_related("minutes").filter(pk=note_id).first()
    if original is None:
        raise MeetingRefused("That note does not exist.")
    with transaction.atomic():
        meeting = _meeting_for_update(user=user, meeting_id=original.minutes.meeting_id)
        draft, copies, _ = _draft_for_edit(
            user=user, meeting=meeting, amendment_reason=amendment_reason
        )
        note = copies.get(original.pk, original)
        if note.minutes_id != draft.pk:
            note = (
                DiscussionNote.objects.filter(minutes=draft, copied_from=original).first() or note
            )
        if note.minutes_id != draft.pk:
            raise MeetingRefused("That note belongs to an older version of the minutes.")
        note.text = text.strip()
        note.written_by = user
        note.written_at = timezone.now()
        note.save(update_fields=["text", "written_by", "written_at"])
        _ledger(user, Action.UPDATE, meeting, "note", note_id=str(note.pk), version=draft.number)
    return note


def decision_add(
    *,
    user: Practitioner,
    meeting_id: int,
    agenda_entry_id: int,
    text: str,
    amendment_reason: str = "",
) -> MeetingDecision:
    if not text.strip():
        raise MeetingRefused("Write the decision.")
    with transaction.atomic():
        meeting = _meeting_for_update(user=user, meeting_id=meeting_id)
        entry = _entry(meeting, agenda_entry_id)
        draft, _, _ = _draft_for_edit(user=user, meeting=meeting, amendment_reason=amendment_reason)
        decision = MeetingDecision.objects.create(
            minutes=draft,
            agenda_entry=entry,
            text=text.strip(),
            recorded_by=user,
            recorded_at=timezone.now(),
        )
        _ledger(
            user,
            Action.UPDATE,
            meeting,
            "decision",
            decision_id=str(decision.pk),
            version=draft.number,
        )
    return decision


@dataclass(frozen=True)
class ActionPlan:
    agenda_entry_id: int
    description: str
    owner_id: int | None
    due_on: dt.date | None
    agency_id: int | None = None  # defaults to the owner's agency


def action_add(
    *, user: Practitioner, meeting_id: int, plan: ActionPlan, amendment_reason: str = ""
) -> MeetingAction:
    """Agree an action. An action without an owner is refused: someone must do it."""
    errors: list[str] = []
    if not plan.description.strip():
        errors.append("Describe the action.")
    owner = None
    if plan.owner_id is None:
        errors.append("An action needs an owner: choose who will do it.")
    else:
        owner = Practitioner.objects.filter(pk=plan.owner_id, is_active=True).first()
        if owner is None:
            errors.append("Choose the action's owner from the list.")
    if plan.due_on is None:
        errors.append("Give the date the action is due.")
    if errors:
        raise MeetingRefused(*errors)
    if owner is None or plan.due_on is None:  # pragma: no cover - reported above
        raise MeetingRefused("An action needs an owner and a due date.")
    with transaction.atomic():
        meeting = _meeting_for_update(user=user, meeting_id=meeting_id)
        entry = _entry(meeting, plan.agenda_entry_id)
        invited = set(meeting.invitations.values_list("agency_id", flat=True))
        agency_id = plan.agency_id or owner.agency_id
        if owner.agency_id not in invited or agency_id not in invited:
            raise MeetingRefused("The owner must be a practitioner of an invited agency.")
        draft, _, _ = _draft_for_edit(user=user, meeting=meeting, amendment_reason=amendment_reason)
        action = MeetingAction.objects.create(
            meeting=meeting,
            agenda_entry=entry,
            description=plan.description.strip(),
            owner=owner,
            agency_id=agency_id,
            due_on=plan.due_on,
            created_at=timezone.now(),
        )
        _ledger(
            user,
            Action.CREATE,
            meeting,
            "action",
            action_id=str(action.pk),
            owner_id=str(owner.pk),
            version=draft.number,
        )
    return action


def action_set_status(
    *, user: Practitioner, action_id: int, version: int, status: str
) -> MeetingAction:
    """The owner (or whoever runs the meeting) marks an action done or cancelled."""
    if status not in ActionStatus.values:
        raise MeetingRefused("Choose open, done or cancelled.")
    with transaction.atomic():
        action = (
            MeetingAction.objects.select_for_update()
            .select_related("meeting")
            .filter(pk=action_id)
            .first()
        )
        if action is None or not (
            action.owner_id == user.pk or may_run_meeting(user=user, meeting=action.meeting)
        ):
            raise MeetingRefused("That action does not exist, or it is not yours.")
        if action.version != version:
            raise MeetingRefused("Someone else changed this action; nothing was saved. Look again.")
        action.status = status
        action.completed_at = timezone.now() if status == ActionStatus.DONE else None
        action.version += 1
        action.save(update_fields=["status", "completed_at", "version"])
        _ledger(
            user,
            Action.UPDATE,
            action.meeting,
            "action_status",
            action_id=str(action.pk),
            status=status,
        )
    return action


# --------------------------------------------------------------------------------------
# Minutes
# --------------------------------------------------------------------------------------


def minutes_sign_off(*, user: Practitioner, meeting_id: int) -> MinutesVersion:
    """The chair signs the current draft off: it becomes read-only for good."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
        if meeting is None or meeting.chair_id != user.pk:
            raise MeetingRefused("Only the chair signs the minutes off.")
        minutes = _current_minutes(meeting)
        if minutes.status == MinutesStatus.SIGNED_OFF:
            raise MeetingRefused(
                f"Version {minutes.number} of the minutes is already signed off. "
                "Change a note, decision or action to start the next version."
            )
        if not meeting.attendees.filter(attendance=Attendance.PRESENT).exists():
            raise MeetingRefused("Record who attended before signing the minutes off.")
        minutes.snapshot = minutes_content(meeting=meeting, minutes=minutes)
        minutes.status = MinutesStatus.SIGNED_OFF
        minutes.signed_off_by = user
        minutes.signed_off_at = timezone.now()
        minutes.save(update_fields=["snapshot", "status", "signed_off_by", "signed_off_at"])
        _ledger(user, Action.UPDATE, meeting, "minutes_signed_off", version=minutes.number)
    return minutes
