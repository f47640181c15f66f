"""Retention: what is due for disposal under the schedules, and the sweep that disposes of it.

* ``retention_due`` (a read) lists every record past its retention date, each with the
  schedule that applies and whether a legal hold stops it.
* ``retention_sweep`` (a write) reports, or with ``apply=True`` anonymises or erases what
  is due and not held, records each disposal, and writes one ledger event with ids and
  counts only. A record under legal hold is skipped with its reason; asked for by name,
  it is refused and nothing changes.

The ledger holds ids and kinds, never personal data, so retention never touches it and
the chain keeps verifying afterwards.

Which schedule applies to an agency's record of a person: looked-after (a looked-after
flag, ever) before child protection (a child protection plan, ever) before child (under
18 when recorded) before adult. Meetings are disposed of whole, by their date.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from fullpicture.alerts.models import FlagType, ProtectionFlag
from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.governance.models import (
    Clock,
    Disposal,
    LegalHold,
    RecordKind,
    RetentionDisposal,
    RetentionSchedule,
)
from fullpicture.meetings.models import Meeting
from fullpicture.people.models import SourceRecord

SOURCE_RECORD = "source_record"
MEETING = "meeting"
PERSONAL_FIELDS = (
    "given_name",
    "family_name",
    "other_names",
    "address",
    "postcode",
    "nhs_number",
    "upn",
    "pnc_id",
)


class RetentionRefused(Exception):
    """A disposal that must not happen (legal hold, unknown record): nothing was changed."""


@dataclass(frozen=True)
class Due:
    record_kind: str
    record_type: str
    record_id: int
    person_id: int | None
    due_on: dt.date
    disposal: str
    hold: str = ""  # the legal hold's reason, if one stops it


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _holds() -> tuple[dict[int, str], dict[tuple[str, str], str]]:
    persons: dict[int, str] = {}
    records: dict[tuple[str, str], str] = {}
    for hold in LegalHold.objects.filter(lifted_at__isnull=True).order_by("placed_at", "pk"):
        if hold.person_id is not None:
            persons.setdefault(hold.person_id, hold.reason)
        if hold.record_id:
            records.setdefault((hold.record_type, hold.record_id), hold.reason)
    return persons, records


def _kind_for(record: SourceRecord, flagged: dict[int, set[str]]) -> str | None:
    flags = flagged.get(record.person_id or 0, set())
    if FlagType.LOOKED_AFTER in flags:
        return RecordKind.LOOKED_AFTER
    if flags & {FlagType.CHILD_PROTECTION_PLAN, FlagType.UNBORN}:
        return RecordKind.CHILD_PROTECTION
    if record.date_of_birth is None:
        return None
    seen_on = record.recorded_at or record.imported_at.date()
    if _add_years(record.date_of_birth, 18) > seen_on:
        return RecordKind.CHILD
    return RecordKind.ADULT


def retention_due(*, today: dt.date | None = None) -> list[Due]:
    """Every record whose retention has run out (including held ones, marked)."""
    today = today or timezone.localdate()
    schedules = {s.record_kind: s for s in RetentionSchedule.objects.filter(active=True)}
    done = set(RetentionDisposal.objects.values_list("record_type", "record_id"))
    held_persons, held_records = _holds()
    flagged: dict[int, set[str]] = {}
    for person_id, flag_type in ProtectionFlag.objects.filter(person__isnull=False).values_list(
        "person_id", "flag_type"
    ):
        flagged.setdefault(person_id, set()).add(flag_type)
    due: list[Due] = []
    for record in SourceRecord.objects.order_by("pk").iterator(chunk_size=2000):
        if (SOURCE_RECORD, str(record.pk)) in done:
            continue
        kind = _kind_for(record, flagged)
        schedule = schedules.get(kind or "")
        if schedule is None:
            continue
        if schedule.clock == Clock.BIRTHDAY:
            if record.date_of_birth is None:
                continue
            due_on = _add_years(record.date_of_birth, schedule.years)
        else:
            last = record.recorded_at or record.updated_at.date()
            due_on = _add_years(last, schedule.years)
        if due_on > today:
            continue
        hold = held_records.get((SOURCE_RECORD, str(record.pk))) or held_persons.get(
            record.person_id or 0, ""
        )
        due.append(
            Due(
                schedule.record_kind,
                SOURCE_RECORD,
                record.pk,
                record.person_id,
                due_on,
                schedule.disposal,
                hold,
            )
        )
    meeting_schedule = schedules.get(RecordKind.MEETING)
    if meeting_schedule is not None:
        for meeting in Meeting.objects.order_by("pk").prefetch_related("agenda"):
            if (MEETING, str(meeting.pk)) in done:
                continue
            due_on = _add_years(timezone.localdate(meeting.starts_at), meeting_schedule.years)
            if due_on > today:
                continue
            person_ids = [p for entry in meeting.agenda.all() for p in entry.person_ids()]
            hold = held_records.get((MEETING, str(meeting.pk))) or next(
                (held_persons[p] for p in person_ids if p in held_persons), ""
            )
            due.append(
                Due(
                    RecordKind.MEETING,
                    MEETING,
                    meeting.pk,
                    None,
                    due_on,
                    meeting_schedule.disposal,
                    hold,
                )
            )
    return due


@dataclass
class SweepResult:
    due: list[Due]
    applied: bool
    disposed: Counter[str] = field(default_factory=Counter)
    skipped: list[Due] = field(default_factory=list)
    ledger_seq: int | None = None

    @property
    def messages(self) -> list[str]:
        return [
            f"Skipped {d.record_type.replace('_', ' ')} {d.record_id}: under legal hold "
            f"({d.hold}). Lift the hold to dispose of it."
            for d in self.skipped
        ]


def _dispose(due: Due) -> None:
    if due.record_type == SOURCE_RECORD:
        record = SourceRecord.objects.select_for_update().get(pk=due.record_id)
        if due.disposal == Disposal.ERASE:
            record.delete()
            return
        for name in PERSONAL_FIELDS:
            setattr(record, name, "")
        record.date_of_birth = None
        record.save(update_fields=[*PERSONAL_FIELDS, "date_of_birth", "updated_at"])
    elif due.record_type == MEETING:
        Meeting.objects.filter(pk=due.record_id).delete()


def retention_sweep(
    *,
    actor: Actor,
    apply: bool = False,
    today: dt.date | None = None,
    only: tuple[str, int] | None = None,
) -> SweepResult:
    """Report what is due; with ``apply``, dispose of it (held records skipped). Atomic.

    ``only=(record_type, id)`` sweeps one record: refused if it is under legal hold or
    not due, and then nothing changes.
    """
    due = retention_due(today=today)
    if only is not None:
        record_type, record_id = only
        due = [d for d in due if d.record_type == record_type and d.record_id == record_id]
        if not due:
            raise RetentionRefused(
                f"{record_type.replace('_', ' ').capitalize()} {record_id} is not due for "
                "disposal under the retention schedules. Nothing was changed."
            )
        if due[0].hold:
            raise RetentionRefused(
                f"{record_type.replace('_', ' ').capitalize()} {record_id} is under legal hold "
                f"({due[0].hold}): it was not disposed of. Nothing was changed."
            )
    result = SweepResult(due=due, applied=apply)
    result.skipped = [d for d in due if d.hold]
    if not apply:
        return result
    todo = [d for d in due if not d.hold]
    with transaction.atomic():
        for d in todo:
            _dispose(d)
            result.disposed[d.record_kind] += 1
        event = ledger_record(
            actor=actor,
            action=Action.UPDATE,
            object_type="retention_sweep",
            object_id=(today or timezone.localdate()).isoformat(),
            reason_code="retention",
            details={
                "disposed": {f"{d.record_type}:{d.record_id}": d.disposal for d in todo},
                "counts": dict(sorted(result.disposed.items())),
                "skipped_on_hold": [f"{d.record_type}:{d.record_id}" for d in result.skipped],
            },
        )
        now = timezone.now()
        RetentionDisposal.objects.bulk_create(
            [
                RetentionDisposal(
                    record_kind=d.record_kind,
                    record_type=d.record_type,
                    record_id=str(d.record_id),
                    disposal=d.disposal,
                    ledger_seq=event.seq,
                    done_at=now,
                )
                for d in todo
            ]
        )
        result.ledger_seq = event.seq
    return result


def legal_hold_place(
    *,
    actor: Actor,
    reason: str,
    person_id: int | None = None,
    record: tuple[str, int] | None = None,
    placed_by_id: int | None = None,
) -> LegalHold:
    if not reason.strip():
        raise RetentionRefused("Give the reason for the legal hold.")
    if person_id is None and record is None:
        raise RetentionRefused("Name the person or the record to hold.")
    with transaction.atomic():
        hold = LegalHold.objects.create(
            person_id=person_id,
            record_type=record[0] if record else "",
            record_id=str(record[1]) if record else "",
            reason=reason.strip()[:200],
            placed_by_id=placed_by_id,
            placed_at=timezone.now(),
        )
        ledger_record(
            actor=actor,
            action=Action.CREATE,
            object_type="legal_hold",
            object_id=hold.pk,
            details={
                "person_id": str(person_id or ""),
                "record": f"{record[0]}:{record[1]}" if record else "",
            },
        )
    return hold
