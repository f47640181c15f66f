"""Writes for linkage: importing agency records and deciding who is who.

Until the Splink model is wired in, records link to a person only by a valid
shared NHS number; nothing is merged on names.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.core.csvfile import (
    ImportRejected,
    RowError,
    parse_date,
    read_rows,
)
from fullpicture.linkage.engine.identifiers import clean_nhs_number, clean_pnc_id, clean_upn
from fullpicture.linkage.models import LinkHistory, Method, Outcome, RecordLink
from fullpicture.partnerships.models import Agency
from fullpicture.people.models import Person, SourceRecord
from fullpicture.people.signals import records_relinked

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


def link_pending(
    *, actor: Actor, progress: Callable[[int, int], None] | None = None
) -> LinkSummary:
    """Link every record that has no link yet, deterministically by valid NHS number.

    Idempotent and resumable: records are linked in chunks, each in its own
    transaction, and a record with a link is never revisited.
    """
    summary = LinkSummary()
    pending = list(
        SourceRecord.objects.filter(link__isnull=True).order_by("id").values_list("id", flat=True)
    )
    total = len(pending)
    for start in range(0, total, 500):
        chunk = pending[start : start + 500]
        with transaction.atomic():
            for record in SourceRecord.objects.filter(pk__in=chunk).order_by("id"):
                _link_one_deterministic(record, actor=actor, summary=summary)
            records_relinked.send(sender=SourceRecord, record_ids=chunk)
        if progress is not None:
            progress(min(start + 500, total), total)
    return summary


def _link_one_deterministic(record: SourceRecord, *, actor: Actor, summary: LinkSummary) -> None:
    nhs = clean_nhs_number(record.nhs_number)
    person: Person | None = None
    if nhs:
        twin = (
            SourceRecord.objects.filter(nhs_number=nhs, person__isnull=False)
            .exclude(pk=record.pk)
            .order_by("id")
            .first()
        )
        person = twin.person if twin else None
    if person is not None:
        method, outcome = Method.NHS_NUMBER, Outcome.LINKED
        summary.linked += 1
    else:
        person = record.person or Person.objects.create()
        method, outcome = Method.NEW_PERSON, Outcome.NEW_PERSON
        summary.new_person += 1
    previous = record.person_id
    record.person = person
    record.save(update_fields=["person", "updated_at"])
    RecordLink.objects.update_or_create(
        record=record,
        defaults={"outcome": outcome, "method": method, "score": None, "decided_by": actor.id},
    )
    LinkHistory.objects.create(
        record=record,
        action="link",
        from_person_id=previous,
        to_person=person,
        method=method,
        actor_id=actor.id,
    )
    ledger_record(
        actor=actor,
        action=Action.LINK,
        object_type="source_record",
        object_id=record.pk,
        reason_code=method,
        details={"person_id": str(person.pk), "method": method},
    )
