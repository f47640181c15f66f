"""Writes for sharing: the agency item feed, and keeping items with their persons."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.core.csvfile import ImportRejected, RowError, parse_datetime, read_rows
from fullpicture.partnerships.models import Agency
from fullpicture.people.models import SourceRecord
from fullpicture.sharing.models import Consent, InformationItem, Sensitivity
from fullpicture.vocabulary.models import ConcernCategory

ITEM_COLUMNS = (
    "source_id",
    "person_source_ids",
    "category",
    "occurred_at",
    "recorded_at",
    "summary",
    "detail",
    "sensitivity",
    "consent",
)


@dataclass
class ItemImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class ItemRow:
    source_id: str
    record_ids: tuple[int, ...]
    values: dict[str, Any]
    content_hash: str


def _categories() -> dict[str, ConcernCategory]:
    lookup: dict[str, ConcernCategory] = {}
    for category in ConcernCategory.objects.all():
        lookup[category.slug] = category
        for code in filter(None, (c.strip() for c in category.cin_factor_codes.split(","))):
            lookup.setdefault(code.upper(), category)
    return lookup


def item_row_parse(
    number: int,
    row: dict[str, str],
    *,
    file: str,
    agency: Agency,
    records: dict[str, int],
    categories: dict[str, ConcernCategory],
) -> tuple[ItemRow | None, list[RowError]]:
    errors: list[RowError] = []

    def err(column: str, message: str) -> None:
        errors.append(RowError(file, number, column, message))

    if not row["source_id"]:
        err("source_id", "is required")
    elif len(row["source_id"]) > 64:
        err("source_id", "is longer than 64 characters")
    record_ids: list[int] = []
    person_ids = [p.strip() for p in row["person_source_ids"].split(";") if p.strip()]
    if not person_ids:
        err("person_source_ids", "names no person record")
    for pid in person_ids:
        if pid not in records:
            err("person_source_ids", f"no record '{pid}' has been imported for {agency.code}")
        else:
            record_ids.append(records[pid])
    category = categories.get(row["category"]) or categories.get(row["category"].upper())
    if category is None:
        err("category", f"'{row['category']}' is not a shared category slug or code")
    values: dict[str, Any] = {}
    for column in ("occurred_at", "recorded_at"):
        try:
            values[column] = parse_datetime(row[column])
        except ValueError:
            err(column, f"'{row[column]}' is not an ISO 8601 date or date-time")
    if (
        "occurred_at" in values
        and "recorded_at" in values
        and values["recorded_at"] < values["occurred_at"]
    ):
        err("recorded_at", "is before occurred_at")
    if not row["summary"]:
        err("summary", "is required")
    elif len(row["summary"]) > 300:
        err("summary", "is longer than 300 characters")
    sensitivity = row["sensitivity"] or Sensitivity.STANDARD
    if sensitivity not in Sensitivity.values:
        err("sensitivity", "must be standard, special, restricted or blank")
    consent = row["consent"] or Consent.NOT_SOUGHT
    if consent not in Consent.values:
        err("consent", "must be given, refused, not_sought or blank")
    if errors or category is None:
        return None, errors
    values.update(
        category_id=category.pk,
        summary=row["summary"],
        detail=row["detail"],
        sensitivity=sensitivity,
        consent=consent,
    )
    digest = hashlib.sha256(
        json.dumps({**values, "records": sorted(record_ids)}, sort_keys=True, default=str).encode()
    ).hexdigest()
    return ItemRow(row["source_id"], tuple(sorted(set(record_ids))), values, digest), []


def items_import_file(
    *,
    agency: Agency,
    path: Path,
    actor: Actor,
    skip_bad_rows: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ItemImportResult:
    rows = read_rows(path, columns=ITEM_COLUMNS)
    return items_import(
        agency=agency,
        rows=rows,
        file=path.name,
        actor=actor,
        skip_bad_rows=skip_bad_rows,
        progress=progress,
    )


def items_import(
    *,
    agency: Agency,
    rows: Sequence[tuple[int, dict[str, str]]],
    file: str,
    actor: Actor,
    skip_bad_rows: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ItemImportResult:
    """Import one agency's items: all or nothing unless ``skip_bad_rows``; idempotent."""
    result = ItemImportResult()
    records = dict(SourceRecord.objects.filter(agency=agency).values_list("source_id", "id"))
    categories = _categories()
    parsed: list[ItemRow] = []
    seen: dict[str, int] = {}
    for number, row in rows:
        item_row, errors = item_row_parse(
            number, row, file=file, agency=agency, records=records, categories=categories
        )
        if item_row is not None and item_row.source_id in seen:
            errors = [
                RowError(
                    file,
                    number,
                    "source_id",
                    f"'{item_row.source_id}' also appears on row {seen[item_row.source_id]}",
                )
            ]
            item_row = None
        if item_row is None:
            result.rejected.extend(errors)
            continue
        seen[item_row.source_id] = number
        parsed.append(item_row)
    if result.rejected and not skip_bad_rows:
        raise ImportRejected(result.rejected)

    with transaction.atomic():
        existing = {
            i.source_id: i
            for i in InformationItem.objects.filter(
                source_agency=agency, source_id__in=[p.source_id for p in parsed]
            )
        }
        changed: list[tuple[InformationItem, ItemRow]] = []
        for done, item_row in enumerate(parsed, start=1):
            item = existing.get(item_row.source_id)
            if item is not None and item.content_hash == item_row.content_hash:
                result.unchanged += 1
                continue
            if item is None:
                item = InformationItem(
                    source_agency=agency,
                    source_id=item_row.source_id,
                    recorded_by_name=f"{agency.name} feed",
                )
                result.created += 1
            else:
                result.updated += 1
            for key, value in item_row.values.items():
                setattr(item, key, value)
            item.content_hash = item_row.content_hash
            item.save()
            changed.append((item, item_row))
            if progress is not None and done % 500 == 0:
                progress(done, len(parsed))
        for item, item_row in changed:
            item.subject_records.set(item_row.record_ids)
        items_refresh_persons(items=[item for item, _ in changed])
        ledger_record(
            actor=actor,
            action=Action.IMPORT,
            object_type="information_item_file",
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


def items_refresh_persons(*, items: Iterable[InformationItem]) -> None:
    """Set each item's persons to the persons its subject records now belong to."""
    through = InformationItem.subject_records.through
    item_ids = [i.pk for i in items]
    if not item_ids:
        return
    wanted: dict[int, set[int]] = {pk: set() for pk in item_ids}
    for item_id, person_id in through.objects.filter(informationitem_id__in=item_ids).values_list(
        "informationitem_id", "sourcerecord__person_id"
    ):
        if person_id is not None:
            wanted[item_id].add(person_id)
    persons_through = InformationItem.persons.through
    persons_through.objects.filter(informationitem_id__in=item_ids).delete()
    persons_through.objects.bulk_create(
        [
            persons_through(informationitem_id=item_id, person_id=person_id)
            for item_id, person_ids in wanted.items()
            for person_id in person_ids
        ]
    )


def items_follow_records(*, record_ids: Sequence[int]) -> None:
    """Called when records move between persons: their items move with them."""
    items = InformationItem.objects.filter(subject_records__in=record_ids).distinct()
    items_refresh_persons(items=list(items))
