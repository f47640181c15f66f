"""Writes for linkage: importing agency records and deciding who is who.

Batch linking (``link_pending``), real-time linking of one record
(``record_link_now``), and the reviewers' decisions: same person / not the
same person, undo a link, split a person, merge two. Every change moves
records between persons in one transaction with its link history, its
ledger events (ids only), the ``records_relinked`` signal (items follow) and
a bump of the link-state counter (real-time indexes rebuild).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import F, Q

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, EventSpec, ledger_record, ledger_record_many
from fullpicture.core.csvfile import (
    ImportRejected,
    RowError,
    parse_date,
    read_rows,
)
from fullpicture.core.followups import followups_enqueue
from fullpicture.linkage import matching
from fullpicture.linkage.engine import Assignment, LinkageModel, MatchResult, link_batch
from fullpicture.linkage.engine import Outcome as EngineOutcome
from fullpicture.linkage.engine.identifiers import (
    clean_nhs_number,
    clean_pnc_id,
    clean_upn,
    identifier_malformed,
)
from fullpicture.linkage.lifecycle import model_version_train
from fullpicture.linkage.locks import linker_locked
from fullpicture.linkage.models import (
    LinkHistory,
    LinkState,
    Method,
    NotSamePerson,
    Outcome,
    RecordLink,
)
from fullpicture.linkage.selectors import (
    may_review,
    model_current,
    model_current_path,
    model_label,
    person_token,
    record_in,
    records_for_engine,
)
from fullpicture.partnerships.models import Agency
from fullpicture.people.households import households_update
from fullpicture.people.models import Person, SourceRecord
from fullpicture.people.signals import records_relinked

log = logging.getLogger(__name__)

RECORD_COLUMNS = (
    "source_id",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "sex",
    "address",
    "postcode",
    "nhs_number",
    "upn",
    "pnc_id",
    "recorded_at",
)
OPTIONAL_RECORD_COLUMNS = ("uprn",)  # the property's UPRN, where the agency gives one
_UPRN_FORMAT = re.compile(r"^\d{12}$")
_SEX = {"F": "F", "M": "M", "U": "U", "": "", "FEMALE": "F", "MALE": "M", "UNKNOWN": "U"}
_FIELD_LIMITS = {
    "source_id": 64,
    "given_name": 100,
    "family_name": 100,
    "other_names": 200,
    "address": 300,
    "postcode": 10,
}


LOOKUP_BATCH = 5000  # ids per IN (...) query: SQLite limits the variables in one statement


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class RecordRow:
    source_id: str
    values: dict[str, object]
    content_hash: str


def _row_hash(values: dict[str, object]) -> str:
    canonical = json.dumps(values, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


IDENTIFIER_COLUMNS = ("nhs_number", "upn", "pnc_id")
IDENTIFIER_MAX = 16  # the stored width of an identifier column
# A file is refused when more than this share of one identifier column's values is
# malformed: the column is then probably the wrong one (a swap, a phone number). Real
# extracts carry about 1 % malformed; a swapped column is 95-100 % (decision 0027).
MALFORMED_COLUMN_LIMIT = 0.20
MALFORMED_COLUMN_MIN_VALUES = 10  # below this many values the share says nothing
_SHAPE_RULES = {
    "nhs_number": "is not 10 digits (spaces allowed as 3-3-4)",
    "upn": "is not a letter followed by 12 characters",
    "pnc_id": "does not look like YY/NNNNNNNL",
}


def record_row_parse(
    number: int,
    row: dict[str, str],
    *,
    file: str,
    strict_identifiers: bool = True,
) -> tuple[RecordRow | None, list[RowError], list[RowError]]:
    """Validate one CSV row; returns the row, its errors and its warnings.

    With ``strict_identifiers`` (one record typed in a form) a malformed NHS
    number, UPN or PNC id is an error. Without it (an agency's extract) the value
    is kept as the agency holds it, never used to link, and reported as a warning.
    """
    errors: list[RowError] = []
    warnings: list[RowError] = []

    def err(column: str, message: str) -> None:
        errors.append(RowError(file, number, column, message))

    if not row["source_id"]:
        err("source_id", "is required")
    for column, limit in _FIELD_LIMITS.items():
        if len(row[column]) > limit:
            err(column, f"is longer than {limit} characters")
    values: dict[str, object] = {
        k: row[k] for k in ("given_name", "family_name", "other_names", "address")
    }
    values["postcode"] = " ".join(row["postcode"].upper().split())
    for column in ("date_of_birth", "recorded_at"):
        try:
            values[column] = parse_date(row[column]) if row[column] else None
        except ValueError:
            err(column, f"'{row[column]}' is not a date in the form YYYY-MM-DD")
    sex = _SEX.get(row["sex"].upper())
    if sex is None:
        err("sex", "must be F, M, U or blank")
    values["sex"] = sex or ""
    malformed: set[str] = set()
    for column in IDENTIFIER_COLUMNS:
        if identifier_malformed(column, row[column]):
            malformed.add(column)
            if strict_identifiers:
                err(column, _STRICT_RULES[column])
                continue
            kept = row[column]
            note = "kept as held, never linked"
            if len(kept) > IDENTIFIER_MAX:
                kept = kept[:IDENTIFIER_MAX]
                note = f"kept (first {IDENTIFIER_MAX} characters), never linked"
            warnings.append(RowError(file, number, column, f"{_SHAPE_RULES[column]}: {note}"))
            values[column] = kept
    nhs = row["nhs_number"]
    if "nhs_number" not in malformed:
        if nhs and not clean_nhs_number(nhs):
            warnings.append(
                RowError(
                    file, number, "nhs_number", "fails the modulus 11 check: kept, never linked"
                )
            )
        values["nhs_number"] = re.sub(r"\D", "", nhs)
    if "upn" not in malformed:
        upn = "".join(row["upn"].split()).upper()
        if upn and not clean_upn(upn):
            warnings.append(RowError(file, number, "upn", "wrong check letter: kept, never linked"))
        values["upn"] = upn
    if "pnc_id" not in malformed:
        pnc = "".join(row["pnc_id"].split()).upper()
        if pnc and not clean_pnc_id(pnc):
            warnings.append(
                RowError(file, number, "pnc_id", "wrong check letter: kept, never linked")
            )
        values["pnc_id"] = pnc
    if "uprn" in row:
        uprn = "".join(row["uprn"].split())
        if uprn and not _UPRN_FORMAT.match(uprn):
            warnings.append(
                RowError(file, number, "uprn", "is not 12 digits: kept, never used for households")
            )
        values["uprn"] = uprn[:16]
    if errors:
        return None, errors, warnings
    return RecordRow(row["source_id"], values, _row_hash(values)), errors, warnings


_STRICT_RULES = {
    "nhs_number": "must be 10 digits (spaces allowed as 3-3-4)",
    "upn": "must be a letter followed by 12 characters",
    "pnc_id": "must look like YY/NNNNNNNL",
}


def malformed_columns(
    rows: Sequence[tuple[int, dict[str, str]]],
    *,
    file: str,
    limit: float = MALFORMED_COLUMN_LIMIT,
) -> list[RowError]:
    """One error per identifier column whose share of malformed values is over ``limit``.

    Such a column is probably the wrong one (UPNs or phone numbers in the NHS
    number column): the whole file is refused, naming the column and the share.
    """
    errors = []
    for column in IDENTIFIER_COLUMNS:
        values = [row[column] for _n, row in rows if row[column]]
        if len(values) < MALFORMED_COLUMN_MIN_VALUES:
            continue
        bad = sum(1 for v in values if identifier_malformed(column, v))
        share = bad / len(values)
        if share > limit:
            errors.append(
                RowError(
                    file,
                    0,
                    column,
                    f"{bad} of {len(values)} values ({share:.0%}) are not the identifier's "
                    f"shape, more than the {limit:.0%} allowed: is this the right column?",
                )
            )
    return errors


def records_import_file(
    *,
    agency: Agency,
    path: Path,
    actor: Actor,
    skip_bad_rows: bool = False,
    progress: Callable[[int, int], None] | None = None,
    malformed_limit: float = MALFORMED_COLUMN_LIMIT,
) -> ImportResult:
    """Import one agency's records file: all or nothing unless ``skip_bad_rows``.

    Re-importing the same file changes nothing; a changed row updates its
    record and sends it back to be linked (unless a reviewer fixed its link).
    """
    formula_cells: list[RowError] = []
    rows = read_rows(
        path, columns=RECORD_COLUMNS, warnings=formula_cells, optional=OPTIONAL_RECORD_COLUMNS
    )
    result = records_import(
        agency=agency,
        rows=rows,
        file=path.name,
        actor=actor,
        skip_bad_rows=skip_bad_rows,
        progress=progress,
        malformed_limit=malformed_limit,
    )
    result.warnings[:0] = formula_cells
    return result


@linker_locked("importing records")
def records_import(
    *,
    agency: Agency,
    rows: Sequence[tuple[int, dict[str, str]]],
    file: str,
    actor: Actor,
    skip_bad_rows: bool = False,
    progress: Callable[[int, int], None] | None = None,
    malformed_limit: float = MALFORMED_COLUMN_LIMIT,
) -> ImportResult:
    column_errors = malformed_columns(rows, file=file, limit=malformed_limit)
    if column_errors:
        raise ImportRejected(column_errors)
    result = ImportResult()
    parsed: list[RecordRow] = []
    seen: dict[str, int] = {}
    for number, row in rows:
        record_row, errors, warnings = record_row_parse(
            number, row, file=file, strict_identifiers=False
        )
        result.warnings.extend(warnings)
        if record_row is not None and record_row.source_id in seen:
            errors = [
                RowError(
                    file,
                    number,
                    "source_id",
                    f"'{record_row.source_id}' also appears on row {seen[record_row.source_id]}",
                )
            ]
            record_row = None
        if record_row is None:
            result.rejected.extend(errors)
            continue
        seen[record_row.source_id] = number
        parsed.append(record_row)
    if result.rejected and not skip_bad_rows:
        raise ImportRejected(result.rejected)

    with transaction.atomic():
        wanted = [p.source_id for p in parsed]
        existing = {
            r.source_id: r
            for start in range(0, len(wanted), LOOKUP_BATCH)
            for r in SourceRecord.objects.filter(
                agency=agency, source_id__in=wanted[start : start + LOOKUP_BATCH]
            )
        }
        to_create: list[SourceRecord] = []
        for done, record_row in enumerate(parsed, start=1):
            current = existing.get(record_row.source_id)
            if current is None:
                to_create.append(
                    SourceRecord(
                        agency=agency,
                        source_id=record_row.source_id,
                        content_hash=record_row.content_hash,
                        **record_row.values,
                    )
                )
            elif current.content_hash == record_row.content_hash:
                result.unchanged += 1
            else:
                for key, value in record_row.values.items():
                    setattr(current, key, value)
                current.content_hash = record_row.content_hash
                current.save()
                RecordLink.objects.filter(record=current, manual=False).delete()
                result.updated += 1
            if progress is not None and done % 500 == 0:
                progress(done, len(parsed))
        SourceRecord.objects.bulk_create(to_create, batch_size=1000)
        result.created = len(to_create)
        if result.updated:
            link_state_bump()
        ledger_record(
            actor=actor,
            action=Action.IMPORT,
            object_type="source_record_file",
            object_id=agency.code,
            details={
                "agency": agency.code,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "rejected": len(result.rejected),
            },
        )
        followups_enqueue()
    if progress is not None:
        progress(len(parsed), len(parsed))
    return result


@dataclass
class LinkSummary:
    linked: int = 0
    review: int = 0
    new_person: int = 0
    model: str = ""


CHUNK = 2000


@linker_locked("batch linking")
def link_pending(
    *,
    actor: Actor,
    progress: Callable[[int, int], None] | None = None,
    model: LinkageModel | None = None,
) -> LinkSummary:
    """Link every record that has no link yet, with the linkage engine.

    Valid shared identifiers link deterministically; everything else is scored
    by the current Splink model (LINKED above the upper threshold, REVIEW
    between the thresholds, NEW_PERSON below). Existing persons are never
    reshuffled and reviewers' decisions are never overturned.

    Idempotent and resumable: results are written in chunks, each in its own
    transaction, and a record that has a link is never revisited, so a run
    killed midway is finished by the next one with nothing duplicated.
    """
    pending = set(SourceRecord.objects.filter(link__isnull=True).values_list("id", flat=True))
    summary = LinkSummary()
    if not pending:
        return summary
    model = model or model_current()
    summary.model = model_label(model_current_path())
    considered = SourceRecord.objects.order_by("id")
    existing = {
        str(rid): f"p:{pid}"
        for rid, pid in SourceRecord.objects.filter(
            link__isnull=False, person__isnull=False
        ).values_list("id", "person_id")
    }
    cannot = [
        (str(a), str(b)) for a, b in NotSamePerson.objects.values_list("record_a_id", "record_b_id")
    ]
    engine_progress = None
    if progress is not None:
        total = len(pending)

        def engine_progress(done: int, steps: int) -> None:
            progress(int(total * 0.5 * done / max(steps, 1)), total)

    assignments = link_batch(
        records_for_engine(considered.iterator(chunk_size=5000)),
        model=model,
        existing=existing,
        cannot_link=cannot,
        progress=engine_progress,
    )
    new_ones = [a for a in assignments if int(a.key) in pending]
    moved = [a for a in assignments if int(a.key) not in pending]
    persons_for_cluster: dict[str, int] = {}
    done = 0
    for start in range(0, len(new_ones), CHUNK):
        chunk = new_ones[start : start + CHUNK]
        with transaction.atomic():
            _apply_assignments(
                chunk,
                persons_for_cluster,
                actor=actor,
                summary=summary,
                model_version=summary.model,
            )
        done += len(chunk)
        if progress is not None:
            progress(len(pending) // 2 + done // 2, len(pending))
    if moved:
        with transaction.atomic():
            _apply_assignments(
                moved,
                persons_for_cluster,
                actor=actor,
                summary=LinkSummary(),
                model_version=summary.model,
            )
    with transaction.atomic():
        households_update(
            person_ids=SourceRecord.objects.filter(
                pk__in=[int(a.key) for a in assignments]
            ).values_list("person_id", flat=True)
        )
    if progress is not None:
        progress(len(pending), len(pending))
    log.info(
        "linked %d records: %d linked, %d review, %d new",
        len(new_ones),
        summary.linked,
        summary.review,
        summary.new_person,
    )
    return summary


def _own_person(record: SourceRecord) -> int:
    """The record's person if it is its only record, else a new person."""
    if (
        record.person_id is not None
        and not SourceRecord.objects.filter(person_id=record.person_id)
        .exclude(pk=record.pk)
        .exists()
    ):
        return record.person_id
    return Person.objects.create().pk


def _apply_assignments(
    chunk: list[Assignment],
    persons_for_cluster: dict[str, int],
    *,
    actor: Actor,
    summary: LinkSummary,
    model_version: str,
) -> None:
    """Write one chunk of the engine's decisions: persons, links, history, ledger."""
    records = SourceRecord.objects.in_bulk([int(a.key) for a in chunk])
    review_targets = {int(a.review_with) for a in chunk if a.review_with}
    review_records = SourceRecord.objects.in_bulk(list(review_targets))
    links: list[RecordLink] = []
    history: list[LinkHistory] = []
    events: list[EventSpec] = []
    changed: list[SourceRecord] = []
    # New records have no person yet: make enough persons in one statement, give
    # them out in order, and drop the ones not needed (records joining a person).
    pool = deque(
        p.pk
        for p in Person.objects.bulk_create(
            [Person() for r in records.values() if r.person_id is None], batch_size=1000
        )
    )

    def own_person(record: SourceRecord) -> int:
        return pool.popleft() if record.person_id is None else _own_person(record)

    for a in chunk:
        record = records[int(a.key)]
        person_id: int
        if a.outcome is EngineOutcome.REVIEW:
            # A possible match stays its own provisional person until a reviewer decides.
            person_id = own_person(record)
        elif a.cluster.startswith("p:"):
            person_id = int(a.cluster[2:])
        else:
            found = persons_for_cluster.get(a.cluster)
            person_id = found if found is not None else own_person(record)
            persons_for_cluster[a.cluster] = person_id
        previous = record.person_id
        record.person_id = person_id
        changed.append(record)
        outcome = a.outcome.value
        method = a.method
        if outcome == Outcome.LINKED:
            summary.linked += 1
        elif outcome == Outcome.REVIEW:
            summary.review += 1
        else:
            summary.new_person += 1
        review_with = review_records.get(int(a.review_with)) if a.review_with else None
        links.append(
            RecordLink(
                record=record,
                outcome=outcome,
                method=method,
                score=a.score,
                review_with=review_with,
                model_version=model_version,
                decided_by=actor.id,
            )
        )
        history.append(
            LinkHistory(
                record=record,
                action="link",
                from_person_id=previous,
                to_person_id=person_id,
                method=method,
                score=a.score,
                actor_id=actor.id,
            )
        )
        events.append(
            EventSpec(
                action=Action.LINK,
                object_type="source_record",
                object_id=record.pk,
                reason_code=method,
                details={
                    "person_id": str(person_id),
                    "outcome": outcome,
                    "score": None if a.score is None else round(a.score, 6),
                },
            )
        )
    if pool:
        Person.objects.filter(pk__in=list(pool)).delete()
    SourceRecord.objects.bulk_update(changed, ["person"], batch_size=1000)
    version = link_state_bump()
    for h in history:
        h.link_version = version
    RecordLink.objects.filter(record__in=changed).delete()
    RecordLink.objects.bulk_create(links, batch_size=1000)
    LinkHistory.objects.bulk_create(history, batch_size=1000)
    ledger_record_many(actor=actor, events=events)
    records_relinked.send(sender=SourceRecord, record_ids=[r.pk for r in changed])
    followups_enqueue()


# ------------------------------------------------------------------ link state
def link_state_bump() -> int:
    """Bump the who-is-who counter in the caller's transaction; returns the new value.

    The row lock it takes is held to commit, so versions commit in order.
    """
    with transaction.atomic():
        if not LinkState.objects.filter(pk=1).update(version=F("version") + 1):
            LinkState.objects.get_or_create(pk=1, defaults={"version": 0})
            LinkState.objects.filter(pk=1).update(version=F("version") + 1)
        return int(LinkState.objects.values_list("version", flat=True).get(pk=1))


# ---------------------------------------------------------------- real time
REALTIME_MAX = 200  # fewer pending records than this are linked one by one, at once


def record_match(*, record: SourceRecord) -> MatchResult:
    """Match one unlinked record against every linked record, in process (no writes).

    LINKED (a valid shared identifier, or above the upper threshold with no rival
    and nothing against it), REVIEW (between the thresholds, or a conflict), or
    NEW_PERSON. A reviewer's "not the same person" turns a LINKED into REVIEW.
    """
    result = matching.index_match(record_in(record))
    if result.outcome is EngineOutcome.LINKED and result.cluster:
        person_id = int(result.cluster[2:])
        partners = [
            b if a == record.pk else a
            for a, b in NotSamePerson.objects.filter(
                Q(record_a_id=record.pk) | Q(record_b_id=record.pk)
            ).values_list("record_a_id", "record_b_id")
        ]
        if partners and SourceRecord.objects.filter(person_id=person_id, pk__in=partners).exists():
            return MatchResult(
                outcome=EngineOutcome.REVIEW,
                cluster=None,
                candidate=result.candidate,
                score=result.score,
                match_weight=result.match_weight,
                method=Method.REVIEW,
                waterfall=result.waterfall,
                review_with=result.candidate,
                n_candidates=result.n_candidates,
            )
    return result


@linker_locked("real-time linking")
def record_link_now(*, record: SourceRecord, actor: Actor) -> MatchResult:
    """Match one new record at once and store the outcome (same three as batch)."""
    with transaction.atomic():
        if RecordLink.objects.filter(record_id=record.pk).exists():
            raise ValueError("record is already linked")
        result = record_match(record=record)
        if result.outcome is EngineOutcome.LINKED and result.cluster:
            cluster = result.cluster
        else:
            cluster = f"new:{record.pk}"
        assignment = Assignment(
            key=str(record.pk),
            cluster=cluster,
            outcome=result.outcome,
            method=result.method,
            score=result.score,
            review_with=result.review_with,
        )
        _apply_assignments(
            [assignment],
            {},
            actor=actor,
            summary=LinkSummary(),
            model_version=model_label(model_current_path()),
        )
        version = int(LinkState.objects.values_list("version", flat=True).get(pk=1))
        person_id = SourceRecord.objects.values_list("person_id", flat=True).get(pk=record.pk)
        record.person_id = person_id
        households_update(person_ids=[person_id])
        engine_record = record_in(record)
        transaction.on_commit(
            lambda: matching.index_note(engine_record, person_id=person_id, version=version)
        )
    return result


@linker_locked("linking")
def records_link(
    *, actor: Actor, progress: Callable[[int, int], None] | None = None
) -> LinkSummary:
    """Link what is pending: one by one in real time when few, else in batch."""
    pending = list(
        SourceRecord.objects.filter(link__isnull=True).order_by("id")[: REALTIME_MAX + 1]
    )
    if len(pending) > REALTIME_MAX:
        return link_pending(actor=actor, progress=progress)
    summary = LinkSummary(model=model_label(model_current_path()))
    for done, record in enumerate(pending, start=1):
        result = record_link_now(record=record, actor=actor)
        if result.outcome is EngineOutcome.LINKED:
            summary.linked += 1
        elif result.outcome is EngineOutcome.REVIEW:
            summary.review += 1
        else:
            summary.new_person += 1
        if progress is not None:
            progress(done, len(pending))
    return summary


# ------------------------------------------------------------- clerical review
class NotAllowed(Exception):
    """The actor may not make linkage decisions."""


class Conflict(Exception):
    """Someone else decided or changed this case first."""


def _require_reviewer(actor: Actor) -> None:
    if not may_review(roles=actor.roles):
        raise NotAllowed


def _move(
    records: list[SourceRecord],
    *,
    to_person_id: int,
    action: str,
    actor: Actor,
    reason: str,
    outcome: str,
) -> None:
    """Move records to a person as a reviewer's decision: links, history, signal."""
    ids = [r.pk for r in records]
    history = [
        LinkHistory(
            record=r,
            action=action,
            from_person_id=r.person_id,
            to_person_id=to_person_id,
            method=Method.MANUAL,
            actor_id=actor.id,
            reason=reason,
        )
        for r in records
    ]
    SourceRecord.objects.filter(pk__in=ids).update(person_id=to_person_id)
    for r in records:
        r.person_id = to_person_id
    for link in RecordLink.objects.filter(record_id__in=ids):
        link.outcome = outcome
        link.method = Method.MANUAL
        link.manual = True
        link.review_with = None
        link.decided_by = actor.id
        link.version += 1
        link.save()
    missing = set(ids) - set(
        RecordLink.objects.filter(record_id__in=ids).values_list("record_id", flat=True)
    )
    RecordLink.objects.bulk_create(
        [
            RecordLink(
                record_id=rid,
                outcome=outcome,
                method=Method.MANUAL,
                manual=True,
                decided_by=actor.id,
            )
            for rid in missing
        ]
    )
    version = link_state_bump()
    for h in history:
        h.link_version = version
    LinkHistory.objects.bulk_create(history)
    records_relinked.send(sender=SourceRecord, record_ids=ids)
    followups_enqueue()


def _events(action: str, records: list[SourceRecord], **details: object) -> list[EventSpec]:
    return [
        EventSpec(
            action=action,
            object_type="source_record",
            object_id=r.pk,
            reason_code=Method.MANUAL,
            details={"person_id": str(r.person_id), **details},
        )
        for r in records
    ]


@linker_locked("a review decision")
def review_decide(
    *, record_id: int, version: int, same_person: bool, reason: str, actor: Actor
) -> RecordLink:
    """A reviewer's decision on a possible match: the same person, or not.

    ``version`` is the case's version the reviewer saw; if anyone decided or
    changed it since, :class:`Conflict` is raised and nothing changes.
    """
    _require_reviewer(actor)
    with transaction.atomic():
        claimed = RecordLink.objects.filter(
            record_id=record_id, version=version, outcome=Outcome.REVIEW
        ).update(version=F("version") + 1)
        if not claimed:
            raise Conflict
        link = RecordLink.objects.select_related("record", "review_with").get(record_id=record_id)
        record, candidate = link.record, link.review_with
        if candidate is None or candidate.person_id is None:
            raise Conflict
        decision = "same_person" if same_person else "not_same_person"
        ledger_record(
            actor=actor,
            action=Action.REVIEW,
            object_type="source_record",
            object_id=record.pk,
            reason_code=decision,
            details={
                "with_record": str(candidate.pk),
                "person_id": str(candidate.person_id if same_person else record.person_id),
            },
        )
        if same_person:
            NotSamePerson.objects.filter(
                record_a=record, record_b__person_id=candidate.person_id
            ).delete()
            NotSamePerson.objects.filter(
                record_b=record, record_a__person_id=candidate.person_id
            ).delete()
            before = record.person_id
            _move(
                [record],
                to_person_id=candidate.person_id,
                action="review",
                actor=actor,
                reason=reason,
                outcome=Outcome.LINKED,
            )
            ledger_record_many(
                actor=actor,
                events=_events(Action.LINK, [record], from_person_id=str(before)),
            )
        else:
            a, b = sorted((record.pk, candidate.pk))
            NotSamePerson.objects.get_or_create(
                record_a_id=a, record_b_id=b, defaults={"decided_by": actor.id, "reason": reason}
            )
            link = RecordLink.objects.get(record_id=record_id)
            link.outcome = Outcome.NEW_PERSON
            link.method = Method.MANUAL
            link.manual = True
            link.review_with = None
            link.decided_by = actor.id
            link.save()
            LinkHistory.objects.create(
                record=record,
                action="review",
                from_person_id=record.person_id,
                to_person_id=record.person_id,
                method=Method.MANUAL,
                actor_id=actor.id,
                reason=reason,
                link_version=link_state_bump(),
            )
        households_update(
            person_ids=[
                p
                for p in (record.person_id, candidate.person_id, before if same_person else None)
                if p is not None
            ]
        )
        return RecordLink.objects.get(record_id=record_id)


@linker_locked("undoing a link")
def record_unlink(*, record_id: int, version: int, reason: str, actor: Actor) -> int:
    """Undo a record's link: it goes back to a person of its own. Returns that person."""
    _require_reviewer(actor)
    with transaction.atomic():
        if not RecordLink.objects.filter(record_id=record_id, version=version).exists():
            raise Conflict
        record = SourceRecord.objects.get(pk=record_id)
        before = record.person_id
        person_id = _own_person(record)
        others = (
            list(
                SourceRecord.objects.filter(person_id=before)
                .exclude(pk=record.pk)
                .values_list("id", flat=True)
            )
            if before is not None
            else []
        )
        for other in others:
            a, b = sorted((record.pk, other))
            NotSamePerson.objects.get_or_create(
                record_a_id=a, record_b_id=b, defaults={"decided_by": actor.id, "reason": reason}
            )
        _move(
            [record],
            to_person_id=person_id,
            action="unlink",
            actor=actor,
            reason=reason,
            outcome=Outcome.NEW_PERSON,
        )
        ledger_record_many(
            actor=actor, events=_events(Action.UNLINK, [record], from_person_id=str(before))
        )
        households_update(person_ids=[p for p in (before, person_id) if p is not None])
        return person_id


def _person_records(person_id: int, token: str) -> list[SourceRecord]:
    records = list(SourceRecord.objects.filter(person_id=person_id).select_related("link"))
    if not records or person_token(records) != token:
        raise Conflict
    return records


@linker_locked("a split")
def person_split(
    *, person_id: int, record_ids: Sequence[int], token: str, reason: str, actor: Actor
) -> int:
    """Move the chosen records of a person to a new person; returns the new person.

    The moved records and the ones left behind are recorded as not the same
    person, so no later batch run joins them again.
    """
    _require_reviewer(actor)
    with transaction.atomic():
        records = _person_records(person_id, token)
        chosen = [r for r in records if r.pk in set(record_ids)]
        staying = [r for r in records if r.pk not in set(record_ids)]
        if not chosen or not staying or len(chosen) != len(set(record_ids)):
            raise ValueError("choose some, but not all, of the person's records")
        new_person = Person.objects.create()
        for moved in chosen:
            for stay in staying:
                a, b = sorted((moved.pk, stay.pk))
                NotSamePerson.objects.get_or_create(
                    record_a_id=a,
                    record_b_id=b,
                    defaults={"decided_by": actor.id, "reason": reason},
                )
        _move(
            chosen,
            to_person_id=new_person.pk,
            action="split",
            actor=actor,
            reason=reason,
            outcome=Outcome.LINKED if len(chosen) > 1 else Outcome.NEW_PERSON,
        )
        ledger_record(
            actor=actor,
            action=Action.SPLIT,
            object_type="person",
            object_id=person_id,
            reason_code=Method.MANUAL,
            details={
                "new_person_id": str(new_person.pk),
                "record_ids": [str(r.pk) for r in chosen],
            },
        )
        households_update(person_ids=[person_id, new_person.pk])
        return new_person.pk


@linker_locked("a merge")
def persons_merge(
    *,
    keep_id: int,
    other_id: int,
    keep_token: str,
    other_token: str,
    reason: str,
    actor: Actor,
) -> int:
    """Move every record of ``other_id`` to ``keep_id``; returns ``keep_id``."""
    _require_reviewer(actor)
    if keep_id == other_id:
        raise ValueError("choose two different persons")
    with transaction.atomic():
        kept = _person_records(keep_id, keep_token)
        moving = _person_records(other_id, other_token)
        kept_ids = [r.pk for r in kept]
        moving_ids = [r.pk for r in moving]
        NotSamePerson.objects.filter(record_a_id__in=kept_ids, record_b_id__in=moving_ids).delete()
        NotSamePerson.objects.filter(record_a_id__in=moving_ids, record_b_id__in=kept_ids).delete()
        _move(
            moving,
            to_person_id=keep_id,
            action="merge",
            actor=actor,
            reason=reason,
            outcome=Outcome.LINKED,
        )
        ledger_record(
            actor=actor,
            action=Action.MERGE,
            object_type="person",
            object_id=keep_id,
            reason_code=Method.MANUAL,
            details={
                "from_person_id": str(other_id),
                "record_ids": [str(pk) for pk in moving_ids],
            },
        )
        households_update(person_ids=[keep_id, other_id])
        return keep_id


# ------------------------------------------------------------------- training
def model_train(
    *, actor: Actor, progress: Callable[[int, int], None] | None = None, seed: int = 0
) -> tuple[LinkageModel, Path]:
    """Fit the model on every record in the database; save it as the next version.

    The new ``model-v<N>.json`` is used from now on (``linkage.lifecycle``): by the
    next batch run and, as soon as each process notices, by real-time matching.
    Records already linked keep their links until ``relink`` scores them again.
    """
    trained = model_version_train(
        actor=actor, reason="asked for (linkage train)", progress=progress, seed=seed
    )
    return trained.model, trained.path
