"""Writes for linkage: importing agency records and deciding who is who.

Until the Splink model is wired in, records link to a person only by a valid
shared NHS number; nothing is merged on names.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, EventSpec, ledger_record, ledger_record_many
from fullpicture.core.csvfile import (
    ImportRejected,
    RowError,
    parse_date,
    read_rows,
)
from fullpicture.linkage.engine import Assignment, LinkageModel, link_batch
from fullpicture.linkage.engine import Outcome as EngineOutcome
from fullpicture.linkage.engine.identifiers import clean_nhs_number, clean_pnc_id, clean_upn
from fullpicture.linkage.models import LinkHistory, NotSamePerson, Outcome, RecordLink
from fullpicture.linkage.selectors import (
    model_current,
    model_current_path,
    model_label,
    records_for_engine,
)
from fullpicture.partnerships.models import Agency
from fullpicture.people.models import Person, SourceRecord
from fullpicture.people.services import households_rebuild
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
_SEX = {"F": "F", "M": "M", "U": "U", "": "", "FEMALE": "F", "MALE": "M", "UNKNOWN": "U"}
_NHS_FORMAT = re.compile(r"^\d{3}[ -]?\d{3}[ -]?\d{4}$")
_UPN_FORMAT = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
_PNC_FORMAT = re.compile(r"^(\d{2}|\d{4})/\d{1,7}[A-Z]$")
_FIELD_LIMITS = {
    "source_id": 64,
    "given_name": 100,
    "family_name": 100,
    "other_names": 200,
    "address": 300,
    "postcode": 10,
}


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


def record_row_parse(
    number: int, row: dict[str, str], *, file: str
) -> tuple[RecordRow | None, list[RowError], list[RowError]]:
    """Validate one CSV row; returns the row, its errors and its warnings."""
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
    nhs = row["nhs_number"]
    if nhs and not _NHS_FORMAT.match(nhs):
        err("nhs_number", "must be 10 digits (spaces allowed as 3-3-4)")
    elif nhs and not clean_nhs_number(nhs):
        warnings.append(
            RowError(file, number, "nhs_number", "fails the modulus 11 check: kept, never linked")
        )
    values["nhs_number"] = re.sub(r"\D", "", nhs)
    upn = "".join(row["upn"].split()).upper()
    if upn and not _UPN_FORMAT.match(upn):
        err("upn", "must be a letter followed by 12 characters")
    elif upn and not clean_upn(upn):
        warnings.append(RowError(file, number, "upn", "wrong check letter: kept, never linked"))
    values["upn"] = upn
    pnc = "".join(row["pnc_id"].split()).upper()
    if pnc and not _PNC_FORMAT.match(pnc):
        err("pnc_id", "must look like YY/NNNNNNNL")
    elif pnc and not clean_pnc_id(pnc):
        warnings.append(RowError(file, number, "pnc_id", "wrong check letter: kept, never linked"))
    values["pnc_id"] = pnc
    if errors:
        return None, errors, warnings
    return RecordRow(row["source_id"], values, _row_hash(values)), errors, warnings


def records_import_file(
    *,
    agency: Agency,
    path: Path,
    actor: Actor,
    skip_bad_rows: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import one agency's records file: all or nothing unless ``skip_bad_rows``.

    Re-importing the same file changes nothing; a changed row updates its
    record and sends it back to be linked (unless a reviewer fixed its link).
    """
    rows = read_rows(path, columns=RECORD_COLUMNS)
    return records_import(
        agency=agency,
        rows=rows,
        file=path.name,
        actor=actor,
        skip_bad_rows=skip_bad_rows,
        progress=progress,
    )


def records_import(
    *,
    agency: Agency,
    rows: Sequence[tuple[int, dict[str, str]]],
    file: str,
    actor: Actor,
    skip_bad_rows: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    result = ImportResult()
    parsed: list[RecordRow] = []
    seen: dict[str, int] = {}
    for number, row in rows:
        record_row, errors, warnings = record_row_parse(number, row, file=file)
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
        existing = {
            r.source_id: r
            for r in SourceRecord.objects.filter(
                agency=agency, source_id__in=[p.source_id for p in parsed]
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
        households_rebuild()
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
    for a in chunk:
        record = records[int(a.key)]
        person_id: int
        if a.outcome is EngineOutcome.REVIEW:
            # A possible match stays its own provisional person until a reviewer decides.
            person_id = _own_person(record)
        elif a.cluster.startswith("p:"):
            person_id = int(a.cluster[2:])
        else:
            found = persons_for_cluster.get(a.cluster)
            person_id = found if found is not None else _own_person(record)
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
    SourceRecord.objects.bulk_update(changed, ["person"], batch_size=1000)
    RecordLink.objects.filter(record__in=changed).delete()
    RecordLink.objects.bulk_create(links, batch_size=1000)
    LinkHistory.objects.bulk_create(history, batch_size=1000)
    ledger_record_many(actor=actor, events=events)
    records_relinked.send(sender=SourceRecord, record_ids=[r.pk for r in changed])
