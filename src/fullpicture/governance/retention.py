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

Information items are part of the owning agency's records of the people they are about
(their subject records; else that agency's records of their persons): under the
``information_item`` schedule (clock "with its subjects") an item is due when the longest
of those records' schedules has run, judged from the item's own date where a schedule
counts years after the record, plus the schedule's years. A subject record already
disposed of no longer holds its items back; a subject whose schedule cannot be worked out
(no date of birth) keeps them. Only the sharing app touches items: the sweep reads their
ids and dates and disposes of them through ``sharing.services`` as ``system:retention``,
which asks the policy point first (docs/decisions/0055-retention-of-items.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import NoReturn

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
from fullpicture.partnerships.four_eyes import refusal_record
from fullpicture.partnerships.models import Practitioner, RoleCode
from fullpicture.people.models import SourceRecord
from fullpicture.sharing.policy import SystemPurpose, system_access_required
from fullpicture.sharing.services import (
    ItemDisposalOrder,
    ItemRetentionFacts,
    items_dispose,
    items_retention_facts,
)

SOURCE_RECORD = "source_record"
MEETING = "meeting"
INFORMATION_ITEM = "information_item"
RECORD_TYPES = (SOURCE_RECORD, MEETING, INFORMATION_ITEM)
ACTOR = Actor.system("retention")
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
    follows: str = ""  # for an item: the kind of record whose schedule made it due


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


@dataclass(frozen=True)
class _RecordFacts:
    kind: str | None
    date_of_birth: dt.date | None
    agency_id: int
    person_id: int | None


def _item_due(
    item: ItemRetentionFacts,
    *,
    schedule: RetentionSchedule,
    schedules: dict[str, RetentionSchedule],
    records: dict[int, _RecordFacts],
    by_agency_person: dict[tuple[int, int], list[int]],
    disposed: dict[int, tuple[str, dt.date]],
) -> tuple[dt.date, str] | None:
    """When an item falls due, and the kind of record that decides it (None: never)."""
    recorded_on = timezone.localdate(item.recorded_at)
    if schedule.clock == Clock.AFTER_RECORD:
        return _add_years(recorded_on, schedule.years), RecordKind.INFORMATION_ITEM
    if schedule.clock != Clock.WITH_SUBJECTS:
        return None  # "until a birthday" has no meaning for an item on its own
    record_ids = list(item.record_ids) or [
        r for p in item.person_ids for r in by_agency_person.get((item.agency_id, p), [])
    ]
    found: list[tuple[dt.date, str]] = []
    for record_id in record_ids:
        if record_id in disposed:  # already disposed of: it no longer holds the item back
            kind, done_on = disposed[record_id]
            found.append((done_on, kind))
            continue
        facts = records.get(record_id)
        subject = schedules.get(facts.kind or "") if facts else None
        if facts is None or subject is None:
            return None  # a subject whose retention is unknown keeps the item
        if subject.clock == Clock.BIRTHDAY:
            if facts.date_of_birth is None:
                return None
            found.append((_add_years(facts.date_of_birth, subject.years), subject.record_kind))
        else:
            found.append((_add_years(recorded_on, subject.years), subject.record_kind))
    if not found:
        return None
    last, kind = max(found)
    return _add_years(last, schedule.years), kind


def retention_due(*, today: dt.date | None = None, actor: Actor = ACTOR) -> list[Due]:
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
    records: dict[int, _RecordFacts] = {}
    by_agency_person: dict[tuple[int, int], list[int]] = {}
    for record in SourceRecord.objects.order_by("pk").iterator(chunk_size=2000):
        if (SOURCE_RECORD, str(record.pk)) in done:
            continue
        kind = _kind_for(record, flagged)
        records[record.pk] = _RecordFacts(
            kind, record.date_of_birth, record.agency_id, record.person_id
        )
        if record.person_id is not None:
            by_agency_person.setdefault((record.agency_id, record.person_id), []).append(record.pk)
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
    item_schedule = schedules.get(RecordKind.INFORMATION_ITEM)
    if item_schedule is not None:
        disposed = {
            int(record_id): (kind, timezone.localdate(done_at))
            for record_id, kind, done_at in RetentionDisposal.objects.filter(
                record_type=SOURCE_RECORD
            ).values_list("record_id", "record_kind", "done_at")
        }
        for item in items_retention_facts(actor=actor):
            if (INFORMATION_ITEM, str(item.item_id)) in done:
                continue
            found = _item_due(
                item,
                schedule=item_schedule,
                schedules=schedules,
                records=records,
                by_agency_person=by_agency_person,
                disposed=disposed,
            )
            if found is None or found[0] > today:
                continue
            hold = (
                held_records.get((INFORMATION_ITEM, str(item.item_id)))
                or next(
                    (
                        held_records[(SOURCE_RECORD, str(r))]
                        for r in item.record_ids
                        if (SOURCE_RECORD, str(r)) in held_records
                    ),
                    "",
                )
                or next((held_persons[p] for p in item.person_ids if p in held_persons), "")
            )
            due.append(
                Due(
                    RecordKind.INFORMATION_ITEM,
                    INFORMATION_ITEM,
                    item.item_id,
                    item.person_ids[0] if item.person_ids else None,
                    found[0],
                    item_schedule.disposal,
                    hold,
                    follows=found[1],
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
    # items the schedule said to erase that another record (a front-door contact) still
    # refers to: anonymised instead
    items_kept_anonymised: list[int] = field(default_factory=list)

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
    not due, and then nothing changes. Only ``system:retention`` may sweep: it asks the
    policy point first (``SystemAccessRefused`` otherwise).
    """
    system_access_required(actor=actor.id, purpose=SystemPurpose.RETENTION, scope="retention")
    due = retention_due(today=today, actor=actor)
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
    items = [d for d in todo if d.record_type == INFORMATION_ITEM]
    with transaction.atomic():
        for d in todo:
            if d.record_type != INFORMATION_ITEM:
                _dispose(d)
            result.disposed[d.record_kind] += 1
        if items:
            done = items_dispose(
                actor=actor,
                orders=[ItemDisposalOrder(d.record_id, d.disposal, kind=d.follows) for d in items],
            )
            result.items_kept_anonymised = done.anonymised_instead
            actual = {i: Disposal.ERASE for i in done.erased} | {
                i: Disposal.ANONYMISE for i in done.anonymised
            }
            items = [dataclasses.replace(d, disposal=actual[d.record_id]) for d in items]
            todo = [d for d in todo if d.record_type != INFORMATION_ITEM] + items
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


# --------------------------------------------------------------------------------------
# Ending a legal hold: two people (docs/decisions/0064-four-eyes.md)
# --------------------------------------------------------------------------------------


def _hold_for(user: Practitioner, hold_id: int) -> LegalHold | None:
    """The live hold, locked, if the user is an active IG lead whose partnership's agencies
    know its person (a hold on a record only: any IG lead); else None, as if missing."""
    if not (user.is_active and user.has_role(RoleCode.IG_LEAD.value)):
        return None
    hold = LegalHold.objects.select_for_update().filter(pk=hold_id, lifted_at__isnull=True).first()
    if hold is None:
        return None
    if (
        hold.person_id is not None
        and not SourceRecord.objects.filter(
            person_id=hold.person_id, agency__partnership_id=user.partnership_id or 0
        ).exists()
    ):
        return None
    return hold


def _hold_refused(user: Practitioner, hold_id: int, rule: str, message: str) -> NoReturn:
    refusal_record(actor=user.actor, object_type="legal_hold", object_id=hold_id, rule=rule)
    raise RetentionRefused(message)


def legal_hold_lift_request(*, user: Practitioner, hold_id: int, reason: str) -> LegalHold:
    """An information-governance lead asks to end a hold (with the reason); it stays in
    place until a second one ends it."""
    rule, message = "", ""
    with transaction.atomic():
        hold = _hold_for(user, hold_id)
        if hold is None:
            rule, message = "legal_hold_scope", f"There is no live legal hold {hold_id}."
        elif not reason.strip():
            rule, message = "bad_input", "Give the reason for ending the legal hold."
        elif hold.lift_requested_by_id is not None:
            rule, message = (
                "legal_hold_lift_asked",
                f"Ending legal hold {hold_id} was already asked for: a second person ends it.",
            )
        else:
            hold.lift_requested_by = user
            hold.lift_requested_at = timezone.now()
            hold.lift_reason = reason.strip()[:200]
            hold.save(update_fields=["lift_requested_by", "lift_requested_at", "lift_reason"])
            ledger_record(
                actor=user.actor,
                action=Action.UPDATE,
                object_type="legal_hold",
                object_id=hold.pk,
                reason_code="lift_requested",
            )
    if rule:
        _hold_refused(user, hold_id, rule, message)
    assert hold is not None  # noqa: S101  (refused above otherwise)
    return hold


def legal_hold_lift(*, user: Practitioner, hold_id: int) -> LegalHold:
    """A second information-governance lead ends the hold: never the one who placed it,
    never the one who asked to end it."""
    rule, message = "", ""
    with transaction.atomic():
        hold = _hold_for(user, hold_id)
        if hold is None:
            rule, message = "legal_hold_scope", f"There is no live legal hold {hold_id}."
        elif hold.lift_requested_by_id is None:
            rule, message = (
                "four_eyes",
                f"Ask to end legal hold {hold_id} first (with the reason): a second person "
                "then ends it.",
            )
        elif user.pk in (hold.lift_requested_by_id, hold.placed_by_id):
            rule, message = (
                "four_eyes",
                f"You placed legal hold {hold_id} or asked to end it, so you cannot end it: "
                "another information-governance lead must (four eyes).",
            )
        else:
            hold.lifted_by = user
            hold.lifted_at = timezone.now()
            hold.save(update_fields=["lifted_by", "lifted_at"])
            ledger_record(
                actor=user.actor,
                action=Action.UPDATE,
                object_type="legal_hold",
                object_id=hold.pk,
                reason_code="lifted",
                details={"lift_requested_by": f"user:{hold.lift_requested_by_id}"},
            )
    if rule:
        _hold_refused(user, hold_id, rule, message)
    assert hold is not None  # noqa: S101  (refused above otherwise)
    return hold
