"""The agency feeds: items (events, facts, concerns) and involvements, by CSV and by API.

One code path for both: a CSV file is read into numbered rows (``core.csvfile``), an
API batch is turned into rows numbered by item index, and ``items_import`` /
``involvements_import`` validate every row first, then write all or nothing
(docs/feeds.md, docs/decisions/0060-0063):

* re-sending the same item changes nothing (a content hash per item);
* a changed item is updated in place, its previous values kept as an ``ItemVersion``
  and an ``update`` ledger event (ids and field names only) names who changed it;
* items are linked to persons through the agency's records (``subject_records``), so a
  later relink moves them (``sharing.receivers`` on ``records_relinked``);
* new and changed items are written, and their ``post_save`` sent, in ``occurred_at``
  order, so the alert rules (``alerts.receivers``) see a historical feed replay as it
  happened; one background task per file or batch runs them after commit;
* it is fast: one query for the existing items, ``bulk_create`` / ``bulk_update``,
  bulk inserts into the link tables, the policy facts (ages, recency ranks) computed in
  memory, one ledger event per file (``bench/feeds.py``);
* every import updates the agency's ``FeedStatus`` (how current, what it covers).

Nothing here logs personal data: only agency codes, counts and ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Max, ProtectedError
from django.db.models.signals import post_save
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, EventSpec, ledger_record, ledger_record_many
from fullpicture.core.csvfile import (
    ImportRejected,
    RowError,
    control_character_errors,
    parse_date,
    parse_datetime,
    read_rows,
)
from fullpicture.core.followups import followups_enqueue
from fullpicture.partnerships.models import Agency
from fullpicture.people.models import SourceRecord
from fullpicture.sharing.consent import record_consents_refresh_for_items
from fullpicture.sharing.models import (
    Consent,
    FeedKind,
    FeedStatus,
    InformationItem,
    Involvement,
    ItemVersion,
    Sensitivity,
)
from fullpicture.vocabulary.models import ConcernCategory
from fullpicture.vocabulary.selectors import category_resolve

logger = logging.getLogger(__name__)
# An item dated beyond this is refused: it would make the feed read as current to then.
FUTURE_ALLOWANCE = dt.timedelta(days=1)

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
INVOLVEMENT_COLUMNS = (
    "person_source_id",
    "practitioner_name",
    "role",
    "phone",
    "email",
    "started_on",
    "latest_contact_on",
    "ended_on",
)
# Rows written per statement; the progress bar moves once per batch.
BATCH = 2000
# Above this many rows (or persons), read the agency's whole set in one query rather
# than a long IN list (SQLite caps the number of parameters in one statement).
WHOLE_AGENCY_ABOVE = 2000
# What an item's history keeps, and what an ``update`` event names when it changes.
ITEM_FIELDS = (
    "category_id",
    "summary",
    "detail",
    "occurred_at",
    "recorded_at",
    "sensitivity",
    "consent",
)

_SENSITIVITIES = frozenset(Sensitivity.values)
_CONSENTS = frozenset(Consent.values)

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"


@dataclass(frozen=True)
class RowOutcome:
    """What happened to one row: its number (CSV row, or API item index), id and status."""

    row: int
    source_id: str
    status: str
    id: int


@dataclass
class ItemImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowError] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class Coverage:
    """What a feed covers; ``None`` leaves what is already recorded."""

    covers_from: dt.date | None = None
    area: str | None = None
    min_age: int | None = None
    max_age: int | None = None


@dataclass(frozen=True)
class _Record:
    id: int
    person_id: int | None
    date_of_birth: dt.date | None


@dataclass(frozen=True)
class ItemRow:
    number: int
    source_id: str
    record_ids: tuple[int, ...]
    values: dict[str, Any]
    content_hash: str


def _agency_records(agency: Agency) -> dict[str, _Record]:
    return {
        source_id: _Record(pk, person_id, born)
        for source_id, pk, person_id, born in SourceRecord.objects.filter(
            agency=agency
        ).values_list("source_id", "pk", "person_id", "date_of_birth")
    }


class _Categories:
    """``category_resolve`` once per distinct code in a file (slug, local code, CIN code).

    A code that resolves to nothing is recorded once in vocabulary's unmapped list.
    """

    def __init__(self, agency: Agency) -> None:
        self.agency = agency
        self.cache: dict[str, ConcernCategory | None] = {}

    def __call__(self, code: str) -> ConcernCategory | None:
        if code not in self.cache:
            self.cache[code] = category_resolve(agency=self.agency, code=code)
        return self.cache[code]


def _content_hash(values: dict[str, Any], record_ids: Iterable[int]) -> str:
    # The same recipe as the first version of the feed, so items already held stay
    # "unchanged" when re-sent.
    return hashlib.sha256(
        json.dumps({**values, "records": sorted(record_ids)}, sort_keys=True, default=str).encode()
    ).hexdigest()


def item_row_parse(
    number: int,
    row: dict[str, str],
    *,
    file: str,
    agency: Agency,
    records: dict[str, _Record],
    categories: Callable[[str], ConcernCategory | None],
) -> tuple[ItemRow | None, list[RowError]]:
    """Check one row; every problem is reported, each naming its column."""
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
        found = records.get(pid)
        if found is None:
            err("person_source_ids", f"no record '{pid}' has been imported for {agency.code}")
        else:
            record_ids.append(found.id)
    category = None
    if not row["category"]:
        err("category", "is required")
    else:
        category = categories(row["category"])
        if category is None:
            err(
                "category",
                f"'{row['category']}' is not a shared category slug, a children in need census "
                f"code or a local code mapped for {agency.code} (listed as unmapped for an "
                "administrator to map)",
            )
    for problem in control_character_errors(file, number, row):
        err(problem.column, problem.message)
    values: dict[str, Any] = {}
    latest = timezone.now() + FUTURE_ALLOWANCE
    for column in ("occurred_at", "recorded_at"):
        try:
            values[column] = parse_datetime(row[column])
        except ValueError:
            err(column, f"'{row[column]}' is not an ISO 8601 date or date-time")
            continue
        if values[column] > latest:
            err(column, f"'{row[column]}' is more than a day in the future")
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
    elif "\n" in row["summary"] or "\r" in row["summary"]:
        err("summary", "must be one line (put the rest in detail)")
    sensitivity = row["sensitivity"] or Sensitivity.STANDARD
    if sensitivity not in _SENSITIVITIES:
        err("sensitivity", "must be standard, special, restricted or blank")
    consent = row["consent"] or Consent.NOT_SOUGHT
    if consent not in _CONSENTS:
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
    unique_ids = tuple(sorted(set(record_ids)))
    return ItemRow(
        number, row["source_id"], unique_ids, values, _content_hash(values, record_ids)
    ), []


def items_import_file(
    *,
    agency: Agency,
    path: Path,
    actor: Actor,
    skip_bad_rows: bool = False,
    progress: Callable[[int, int], None] | None = None,
    current_to: dt.datetime | None = None,
    coverage: Coverage | None = None,
) -> ItemImportResult:
    """Import one agency's items file (``ITEM_COLUMNS``); see ``items_import``."""
    formula_cells: list[RowError] = []
    rows = read_rows(path, columns=ITEM_COLUMNS, warnings=formula_cells)
    result = items_import(
        agency=agency,
        rows=rows,
        file=path.name,
        actor=actor,
        skip_bad_rows=skip_bad_rows,
        progress=progress,
        current_to=current_to,
        coverage=coverage,
    )
    result.warnings[:0] = formula_cells
    return result


def _where(file: str, number: int) -> str:
    """'on row 3' in a file; 'at item 3' in an API batch (its ``file`` is no file name)."""
    return f"on row {number}" if "." in file else f"at item {number}"


def _parse_all(
    rows: Sequence[tuple[int, dict[str, str]]], *, file: str, agency: Agency
) -> tuple[list[ItemRow], list[RowError]]:
    records = _agency_records(agency)
    categories = _Categories(agency)
    parsed: list[ItemRow] = []
    rejected: list[RowError] = []
    seen: dict[str, int] = {}
    for number, row in rows:
        item_row, errors = item_row_parse(
            number, row, file=file, agency=agency, records=records, categories=categories
        )
        source_id = row.get("source_id", "")
        if source_id and source_id in seen:
            errors = [
                *errors,
                RowError(
                    file,
                    number,
                    "source_id",
                    f"'{source_id}' also appears {_where(file, seen[source_id])}",
                ),
            ]
            item_row = None
        elif source_id:
            seen[source_id] = number
        if item_row is None:
            rejected.extend(errors)
            continue
        parsed.append(item_row)
    return parsed, rejected


def _age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# A rank group member: (sort key (occurred_at, id), person, category).
_Member = tuple[tuple[dt.datetime, int], int, int]


def _ranks(members: Iterable[tuple[int, _Member]]) -> dict[int, int]:
    """Recency ranks (1 = most recent of its agency, category and person; an item about
    several persons keeps its best), as ``items_refresh_policy_facts`` defines them."""
    groups: dict[tuple[int, int], list[tuple[tuple[dt.datetime, int], int]]] = defaultdict(list)
    for key, (order, person_id, category_id) in members:
        groups[(person_id, category_id)].append((order, key))
    best: dict[int, int] = {}
    for group in groups.values():
        group.sort(reverse=True)
        for rank, (_, key) in enumerate(group, start=1):
            if rank < best.get(key, rank + 1):
                best[key] = rank
    return best


def items_import(
    *,
    agency: Agency,
    rows: Sequence[tuple[int, dict[str, str]]],
    file: str,
    actor: Actor,
    skip_bad_rows: bool = False,
    progress: Callable[[int, int], None] | None = None,
    current_to: dt.datetime | None = None,
    coverage: Coverage | None = None,
) -> ItemImportResult:
    """Import one agency's items: all or nothing unless ``skip_bad_rows``; idempotent.

    Raises ``ImportRejected`` (every bad row, nothing stored). Runs in one transaction:
    an import stopped midway leaves nothing, and running it again stores each item once.
    """
    result = ItemImportResult()
    parsed, result.rejected = _parse_all(rows, file=file, agency=agency)
    if result.rejected and not skip_bad_rows:
        raise ImportRejected(result.rejected)
    total = len(parsed)
    with transaction.atomic():
        by_source = _existing_items(agency, [p.source_id for p in parsed])
        records_by_id = {r.id: r for r in _agency_records(agency).values()}
        new_rows: list[ItemRow] = []
        changed_rows: list[tuple[int, ItemRow]] = []
        for item_row in parsed:
            current = by_source.get(item_row.source_id)
            if current is None:
                new_rows.append(item_row)
            elif current[1] == item_row.content_hash:
                result.unchanged += 1
                result.outcomes.append(
                    RowOutcome(item_row.number, item_row.source_id, UNCHANGED, current[0])
                )
            else:
                changed_rows.append((current[0], item_row))
        new_rows.sort(key=lambda r: (r.values["occurred_at"], r.number))
        writer = _ItemWriter(agency=agency, actor=actor, records=records_by_id)
        done = result.unchanged
        created = writer.create(new_rows, progress=progress, done=done, total=total)
        done += len(new_rows)
        updated = writer.update(changed_rows, progress=progress, done=done, total=total)
        writer.refresh_ranks()
        # the consent recorded on the items is the agency's consent for their records
        record_consents_refresh_for_items(item_ids=[o.id for o in created + updated])
        writer.notify_saved()
        result.created, result.updated = len(created), len(updated)
        result.outcomes.extend(created + updated)
        result.outcomes.sort(key=lambda o: o.row)
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
        writer.ledger_updates()
        if current_to is None:
            current_to = InformationItem.objects.filter(source_agency=agency).aggregate(
                m=Max("recorded_at")
            )["m"]
        feed_status_record(
            agency=agency, kind=FeedKind.ITEMS, current_to=current_to, rows=total, coverage=coverage
        )
        followups_enqueue()  # the alert rules' task commits with the items
    if progress is not None:
        progress(total, total)
    logger.info(
        "item feed %s: %s created, %s updated, %s unchanged, %s rejected",
        agency.code,
        result.created,
        result.updated,
        result.unchanged,
        len(result.rejected),
    )
    return result


def _insert_links(through: Any, target: str, pairs: list[tuple[int, int]]) -> None:
    """Insert (item id, target id) rows into an auto-created many-to-many table."""
    meta = through._meta
    table = connection.ops.quote_name(meta.db_table)
    item_column = connection.ops.quote_name(meta.get_field("informationitem").column)
    target_column = connection.ops.quote_name(meta.get_field(target).column)
    # S608: table and column names come from the models' own metadata, quoted; values
    # are parameters. PostgreSQL takes two arrays (UNNEST: two parameters per batch);
    # SQLite's executemany loops in C, in process.
    into = f"{table} ({item_column}, {target_column})"
    unnest = f"INSERT INTO {into} SELECT * FROM UNNEST(%s::bigint[], %s::bigint[])"  # noqa: S608
    values = f"INSERT INTO {into} VALUES "  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for start in range(0, len(pairs), BATCH * 25):
                chunk = pairs[start : start + BATCH * 25]
                cursor.execute(
                    unnest,
                    [[a for a, _ in chunk], [b for _, b in chunk]],
                )
            return
        cursor.executemany(values + "(%s, %s)", pairs)


def _existing_items(agency: Agency, source_ids: list[str]) -> dict[str, tuple[int, str]]:
    """One query for the agency's items the batch names: source id -> (id, content hash)."""
    items = InformationItem.objects.filter(source_agency=agency).exclude(source_id="")
    if len(source_ids) <= WHOLE_AGENCY_ABOVE:
        items = items.filter(source_id__in=source_ids)
    return {s: (pk, h) for s, pk, h in items.values_list("source_id", "pk", "content_hash")}


class _ItemWriter:
    """The write half of one import: rows in, items, links, facts, history and events out."""

    def __init__(self, *, agency: Agency, actor: Actor, records: dict[int, _Record]) -> None:
        self.agency = agency
        self.actor = actor
        self.records = records
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        # (occurred_at, id, created, the item as saved)
        self.saved: list[tuple[dt.datetime, int, bool, InformationItem]] = []
        self.updates: list[EventSpec] = []
        self.touched_persons: set[int] = set()
        self.replaced: set[int] = set()  # changed items: their old group rows are stale
        self.assigned: dict[int, tuple[_Member, ...]] = {}  # item id -> its new memberships
        self.ranks_set: dict[int, int | None] = {}  # item id -> rank as written

    # -- policy facts -------------------------------------------------------------------

    def _ages(self, record_ids: Sequence[int], occurred_at: dt.datetime) -> tuple[int | None, ...]:
        on = occurred_at.astimezone(self.tz).date()
        ages = [
            _age_on(born, on)
            for rid in record_ids
            if (born := self.records[rid].date_of_birth) is not None and born <= on
        ]
        return (min(ages), max(ages)) if ages else (None, None)

    def _persons(self, record_ids: Sequence[int]) -> list[int]:
        return sorted(
            {pid for rid in record_ids if (pid := self.records[rid].person_id) is not None}
        )

    def _group_rows(self) -> list[tuple[int, _Member]]:
        """The agency's existing memberships in every group this import touches."""
        through = InformationItem.persons.through
        rows = through.objects.filter(informationitem__source_agency_id=self.agency.pk)
        if len(self.touched_persons) <= WHOLE_AGENCY_ABOVE:
            # The touched groups, then every group of the items in them (an item about
            # several persons keeps its best rank across all of its groups).
            item_ids = rows.filter(person_id__in=sorted(self.touched_persons)).values(
                "informationitem_id"
            )
            persons = set(
                through.objects.filter(informationitem_id__in=item_ids).values_list(
                    "person_id", flat=True
                )
            )
            rows = rows.filter(person_id__in=sorted(persons | self.touched_persons))
        found: list[tuple[int, _Member]] = []
        for item_id, person_id, category_id, occurred_at, rank in rows.values_list(
            "informationitem_id",
            "person_id",
            "informationitem__category_id",
            "informationitem__occurred_at",
            "informationitem__recency_rank",
        ):
            if item_id in self.replaced:
                continue
            self.ranks_set.setdefault(item_id, rank)
            found.append((item_id, ((occurred_at, item_id), person_id, category_id)))
        return found

    # -- writes -------------------------------------------------------------------------

    def create(
        self,
        rows: list[ItemRow],
        *,
        progress: Callable[[int, int], None] | None,
        done: int,
        total: int,
    ) -> list[RowOutcome]:
        if not rows:
            return []
        for row in rows:
            self.touched_persons.update(self._persons(row.record_ids))
        existing = self._group_rows()
        # Ranks before the insert: new ids follow the highest id so far, in insertion order
        # (checked after the insert; ``refresh_ranks`` corrects any that did not).
        top = InformationItem.objects.aggregate(m=Max("pk"))["m"] or 0
        provisional: list[tuple[int, _Member]] = list(existing)
        for n, row in enumerate(rows, start=1):
            key = -n  # a placeholder until the insert gives the real id
            for person_id in self._persons(row.record_ids):
                provisional.append(
                    (
                        key,
                        (
                            (row.values["occurred_at"], top + n),
                            person_id,
                            row.values["category_id"],
                        ),
                    )
                )
        ranks = _ranks(provisional)
        items: list[InformationItem] = []
        for n, row in enumerate(rows, start=1):
            low, high = self._ages(row.record_ids, row.values["occurred_at"])
            items.append(
                InformationItem(
                    source_agency=self.agency,
                    source_id=row.source_id,
                    recorded_by_name=f"{self.agency.name} feed",
                    content_hash=row.content_hash,
                    subject_min_age=low,
                    subject_max_age=high,
                    recency_rank=ranks.get(-n),
                    **row.values,
                )
            )
        for start in range(0, len(items), BATCH):
            InformationItem.objects.bulk_create(items[start : start + BATCH])
            if progress is not None:
                progress(done + min(start + BATCH, len(items)), total)
        self._link([(item.pk, row) for item, row in zip(items, rows, strict=True)])
        for item, row in zip(items, rows, strict=True):
            self.ranks_set[item.pk] = item.recency_rank
            self.saved.append((row.values["occurred_at"], item.pk, True, item))
        return [
            RowOutcome(r.number, r.source_id, CREATED, i.pk)
            for i, r in zip(items, rows, strict=True)
        ]

    def update(
        self,
        rows: list[tuple[int, ItemRow]],
        *,
        progress: Callable[[int, int], None] | None,
        done: int,
        total: int,
    ) -> list[RowOutcome]:
        if not rows:
            return []
        rows = sorted(rows, key=lambda r: (r[1].values["occurred_at"], r[1].number))
        ids = [pk for pk, _ in rows]
        through = InformationItem.subject_records.through
        persons_through = InformationItem.persons.through
        outcomes: list[RowOutcome] = []
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            chunk_ids = ids[start : start + BATCH]
            current = InformationItem.objects.in_bulk(chunk_ids)
            old_records: dict[int, list[int]] = defaultdict(list)
            for item_id, record_id in through.objects.filter(
                informationitem_id__in=chunk_ids
            ).values_list("informationitem_id", "sourcerecord_id"):
                old_records[item_id].append(record_id)
            for _item_id, person_id in persons_through.objects.filter(
                informationitem_id__in=chunk_ids
            ).values_list("informationitem_id", "person_id"):
                self.touched_persons.add(person_id)
            versions = dict(
                ItemVersion.objects.filter(item_id__in=chunk_ids)
                .values("item_id")
                .annotate(m=Max("version"))
                .values_list("item_id", "m")
            )
            history: list[ItemVersion] = []
            items: list[InformationItem] = []
            for pk, row in chunk:
                item = current[pk]
                version = (versions.get(pk) or 0) + 1
                history.append(
                    ItemVersion(
                        item_id=pk,
                        version=version,
                        replaced_at=self.now,
                        record_ids=sorted(old_records.get(pk, [])),
                        content_hash=item.content_hash,
                        **{f: getattr(item, f) for f in ITEM_FIELDS},
                    )
                )
                changed = [f for f in ITEM_FIELDS if getattr(item, f) != row.values[f]]
                if sorted(old_records.get(pk, [])) != list(row.record_ids):
                    changed.append("person_source_ids")
                for key, value in row.values.items():
                    setattr(item, key, value)
                item.content_hash = row.content_hash
                item.updated_at = self.now
                item.subject_min_age, item.subject_max_age = self._ages(
                    row.record_ids, row.values["occurred_at"]
                )
                items.append(item)
                self.replaced.add(pk)
                self.touched_persons.update(self._persons(row.record_ids))
                self.updates.append(
                    EventSpec(
                        action=Action.UPDATE,
                        object_type="information_item",
                        object_id=pk,
                        details={
                            "agency": self.agency.code,
                            "version": version,
                            "fields": [f.removesuffix("_id") for f in changed],
                        },
                    )
                )
                self.saved.append((row.values["occurred_at"], pk, False, item))
                outcomes.append(RowOutcome(row.number, row.source_id, UPDATED, pk))
            ItemVersion.objects.bulk_create(history)
            InformationItem.objects.bulk_update(
                items,
                [
                    *ITEM_FIELDS,
                    "content_hash",
                    "updated_at",
                    "subject_min_age",
                    "subject_max_age",
                ],
            )
            through.objects.filter(informationitem_id__in=chunk_ids).delete()
            persons_through.objects.filter(informationitem_id__in=chunk_ids).delete()
            self._link(chunk)
            if progress is not None:
                progress(done + min(start + BATCH, len(rows)), total)
        return outcomes

    def _link(self, rows: Sequence[tuple[int, ItemRow]]) -> None:
        """Bulk inserts into both link tables: the agency's records and their persons.

        Plain ``executemany`` on the two auto-created link tables: building a model
        instance per link row was a third of a large import's time.
        """
        links: list[tuple[int, int]] = []
        persons: list[tuple[int, int]] = []
        for item_id, row in rows:
            links.extend((item_id, rid) for rid in row.record_ids)
            person_ids = self._persons(row.record_ids)
            persons.extend((item_id, pid) for pid in person_ids)
            self.assigned[item_id] = tuple(
                ((row.values["occurred_at"], item_id), pid, row.values["category_id"])
                for pid in person_ids
            )
        _insert_links(InformationItem.subject_records.through, "sourcerecord", links)
        _insert_links(InformationItem.persons.through, "person", persons)

    def refresh_ranks(self) -> None:
        """Recency ranks with the real ids; write only the ones that differ from the table."""
        if not self.assigned:
            return
        members = [m for m in self._group_rows() if m[0] not in self.assigned]
        members.extend((item_id, m) for item_id, ms in self.assigned.items() for m in ms)
        ranks = _ranks(members)
        keys = {key for key, _ in members} | set(self.assigned)
        stale = [
            InformationItem(pk=key, recency_rank=ranks.get(key))
            for key in sorted(keys)
            if self.ranks_set.get(key, -1) != ranks.get(key)
        ]
        InformationItem.objects.bulk_update(stale, ["recency_rank"], batch_size=500)

    def notify_saved(self) -> None:
        """``post_save`` for each new or changed item, oldest occurrence first: what a
        ``save()`` per item would have sent (the alert rules listen for it)."""
        self.saved.sort(key=lambda s: (s[0], s[1]))
        for _, _, created, instance in self.saved:
            post_save.send(
                sender=InformationItem,
                instance=instance,
                created=created,
                update_fields=None,
                raw=False,
                using="default",
            )

    def ledger_updates(self) -> None:
        if self.updates:
            ledger_record_many(actor=self.actor, events=self.updates)


# --------------------------------------------------------------------------------------
# Freshness and coverage
# --------------------------------------------------------------------------------------


def feed_status_record(
    *,
    agency: Agency,
    kind: str,
    current_to: dt.datetime | None,
    rows: int,
    coverage: Coverage | None = None,
) -> FeedStatus:
    """Note an import: when the agency's data is current to, and (if given) what it covers."""
    status, _ = FeedStatus.objects.select_for_update().get_or_create(agency=agency, kind=kind)
    status.current_to = current_to
    status.last_import_at = timezone.now()
    status.last_import_rows = rows
    if coverage is not None:
        if coverage.covers_from is not None:
            status.covers_from = coverage.covers_from
        if coverage.area is not None:
            status.area = " ".join(coverage.area.upper().split())
        if coverage.min_age is not None:
            status.min_age = coverage.min_age
        if coverage.max_age is not None:
            status.max_age = coverage.max_age
    status.save()
    return status


COVERAGE_COLUMNS = ("agency", "kind", "covers_from", "area", "min_age", "max_age")


def feed_coverage_load_file(*, path: Path) -> int:
    """Record what each agency's feed covers, from a CSV (``COVERAGE_COLUMNS``)."""
    rows = read_rows(path, columns=COVERAGE_COLUMNS)
    agencies = {a.code: a for a in Agency.objects.all()}
    errors: list[RowError] = []
    parsed = []
    for number, row in rows:
        agency = agencies.get(row["agency"])
        if agency is None:
            errors.append(RowError(path.name, number, "agency", f"no agency '{row['agency']}'"))
            continue
        kind = row["kind"] or FeedKind.ITEMS
        if kind not in FeedKind.values:
            errors.append(RowError(path.name, number, "kind", "must be items or involvements"))
            continue
        try:
            covers_from = parse_date(row["covers_from"]) if row["covers_from"] else None
            ages = [int(row[c]) if row[c] else None for c in ("min_age", "max_age")]
        except ValueError:
            errors.append(RowError(path.name, number, "", "a date or an age is not valid"))
            continue
        parsed.append((agency, kind, Coverage(covers_from, row["area"], ages[0], ages[1])))
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        for agency, kind, coverage in parsed:
            status, _ = FeedStatus.objects.get_or_create(agency=agency, kind=kind)
            status.covers_from = coverage.covers_from
            status.area = " ".join((coverage.area or "").upper().split())
            status.min_age, status.max_age = coverage.min_age, coverage.max_age
            status.save()
    return len(parsed)


# --------------------------------------------------------------------------------------
# Involvements: who is working with a person, and how to reach them
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvolvementRow:
    number: int
    key: tuple[int, str, dt.date]  # record id, role, started on
    values: dict[str, Any]
    content_hash: str


def involvement_row_parse(
    number: int, row: dict[str, str], *, file: str, agency: Agency, records: dict[str, _Record]
) -> tuple[InvolvementRow | None, list[RowError]]:
    errors: list[RowError] = []

    def err(column: str, message: str) -> None:
        errors.append(RowError(file, number, column, message))

    record = records.get(row["person_source_id"])
    if not row["person_source_id"]:
        err("person_source_id", "is required")
    elif record is None:
        err(
            "person_source_id",
            f"no record '{row['person_source_id']}' has been imported for {agency.code}",
        )
    for column, limit in (("practitioner_name", 120), ("role", 120)):
        if not row[column]:
            err(column, "is required")
        elif len(row[column]) > limit:
            err(column, f"is longer than {limit} characters")
    if len(row["phone"]) > 40 or any(c not in "0123456789 +()-" for c in row["phone"]):
        err("phone", "is not a telephone number (digits, spaces, + ( ) -)")
    if row["email"]:
        try:
            validate_email(row["email"])
        except ValidationError:
            err("email", "is not an email address")
    dates: dict[str, dt.date | None] = {}
    for column in ("started_on", "latest_contact_on", "ended_on"):
        if not row[column]:
            dates[column] = None
            if column == "started_on":
                err(column, "is required")
            continue
        try:
            dates[column] = parse_date(row[column])
        except ValueError:
            err(column, f"'{row[column]}' is not an ISO 8601 date (YYYY-MM-DD)")
    started = dates.get("started_on")
    for column in ("latest_contact_on", "ended_on"):
        value = dates.get(column)
        if started is not None and value is not None and value < started:
            err(column, "is before started_on")
    if errors or record is None or started is None:
        return None, errors
    values: dict[str, Any] = {
        "practitioner_name": row["practitioner_name"],
        "role": row["role"],
        "phone": row["phone"],
        "email": row["email"],
        "started_on": started,
        "latest_contact_on": dates["latest_contact_on"],
        "ended_on": dates["ended_on"],
    }
    digest = hashlib.sha256(
        json.dumps({**values, "record": record.id}, sort_keys=True, default=str).encode()
    ).hexdigest()
    return InvolvementRow(number, (record.id, row["role"], started), values, digest), []


@dataclass
class InvolvementImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowError] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)


def involvements_import_file(
    *,
    agency: Agency,
    path: Path,
    actor: Actor,
    skip_bad_rows: bool = False,
    current_to: dt.datetime | None = None,
) -> InvolvementImportResult:
    rows = read_rows(path, columns=INVOLVEMENT_COLUMNS)
    return involvements_import(
        agency=agency,
        rows=rows,
        file=path.name,
        actor=actor,
        skip_bad_rows=skip_bad_rows,
        current_to=current_to,
    )


def involvements_import(
    *,
    agency: Agency,
    rows: Sequence[tuple[int, dict[str, str]]],
    file: str,
    actor: Actor,
    skip_bad_rows: bool = False,
    current_to: dt.datetime | None = None,
) -> InvolvementImportResult:
    """Import an agency's involvements, keyed by (person record, role, start): all or
    nothing unless ``skip_bad_rows``; re-sending changes nothing; a change updates."""
    result = InvolvementImportResult()
    records = _agency_records(agency)
    parsed: list[InvolvementRow] = []
    seen: dict[tuple[int, str, dt.date], int] = {}
    for number, row in rows:
        parsed_row, errors = involvement_row_parse(
            number, row, file=file, agency=agency, records=records
        )
        if parsed_row is not None and parsed_row.key in seen:
            errors = [
                RowError(
                    file,
                    number,
                    "person_source_id",
                    "the same person, role and start date also appear "
                    + _where(file, seen[parsed_row.key]),
                )
            ]
            parsed_row = None
        if parsed_row is None:
            result.rejected.extend(errors)
            continue
        seen[parsed_row.key] = number
        parsed.append(parsed_row)
    if result.rejected and not skip_bad_rows:
        raise ImportRejected(result.rejected)
    with transaction.atomic():
        existing = {
            (i.record_id, i.role, i.started_on): i
            for i in Involvement.objects.filter(agency=agency)
        }
        to_create: list[tuple[InvolvementRow, Involvement]] = []
        to_update: list[Involvement] = []
        for p in parsed:
            current = existing.get(p.key)
            if current is not None and current.content_hash == p.content_hash:
                result.unchanged += 1
                result.outcomes.append(RowOutcome(p.number, "", UNCHANGED, current.pk))
                continue
            if current is None:
                to_create.append(
                    (
                        p,
                        Involvement(
                            agency=agency,
                            record_id=p.key[0],
                            content_hash=p.content_hash,
                            **p.values,
                        ),
                    )
                )
                continue
            for key, value in p.values.items():
                setattr(current, key, value)
            current.content_hash = p.content_hash
            current.updated_at = timezone.now()
            to_update.append(current)
            result.outcomes.append(RowOutcome(p.number, "", UPDATED, current.pk))
        Involvement.objects.bulk_create([i for _, i in to_create], batch_size=BATCH)
        result.outcomes.extend(RowOutcome(p.number, "", CREATED, i.pk) for p, i in to_create)
        Involvement.objects.bulk_update(
            to_update,
            [*INVOLVEMENT_COLUMNS[1:], "content_hash", "updated_at"],
            batch_size=500,
        )
        result.created, result.updated = len(to_create), len(to_update)
        result.outcomes.sort(key=lambda o: o.row)
        ledger_record(
            actor=actor,
            action=Action.IMPORT,
            object_type="involvement_file",
            object_id=agency.code,
            details={
                "agency": agency.code,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "rejected": len(result.rejected),
                "updated_ids": [str(i.pk) for i in to_update],
            },
        )
        feed_status_record(
            agency=agency,
            kind=FeedKind.INVOLVEMENTS,
            current_to=current_to or timezone.now(),
            rows=len(parsed),
        )
    return result


@dataclass(frozen=True)
class ItemRemovalFacts:
    """What an item was, for its tombstone: ids, dates and a keyed hash, never its words."""

    item_id: int
    person_ids: tuple[int, ...]
    record_ids: tuple[int, ...]


def item_removal_facts(*, item_id: int, agency_id: int) -> ItemRemovalFacts | None:
    """The item's persons and subject records (to ask about legal holds), or None."""
    item = InformationItem.objects.filter(pk=item_id, source_agency_id=agency_id).first()
    if item is None:
        return None
    return ItemRemovalFacts(
        item_id=item.pk,
        person_ids=tuple(sorted(item.persons.values_list("pk", flat=True))),
        record_ids=tuple(sorted(item.subject_records.values_list("pk", flat=True))),
    )


def _content_hmac(item: InformationItem) -> str:
    from django.conf import settings

    content = json.dumps(
        [item.summary, item.detail, item.source_id, item.source_description], ensure_ascii=False
    )
    key = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(key, content.encode("utf-8"), hashlib.sha256).hexdigest()


def item_remove(
    *,
    item_id: int,
    agency_id: int,
    challenge_id: int | None = None,
    proposed_by_id: int,
    removed_by_id: int,
    reason: str,
) -> bool:
    """Remove one of the agency's items (a challenge answered 'removed' by two people),
    leaving its tombstone (``ItemRemoval``: who, why, when, what it was, a keyed hash of
    its words); False when something still rests on it (a contact made from it), so it
    cannot go and nothing changes. Legal holds are checked by the caller first."""
    from fullpicture.sharing.models import ItemRemoval

    item = (
        InformationItem.objects.select_for_update()
        .filter(pk=item_id, source_agency_id=agency_id)
        .first()
    )
    if item is None:
        return True
    try:
        with transaction.atomic():
            ItemRemoval.objects.create(
                item_id=item.pk,
                agency_id=item.source_agency_id,
                category_id=item.category_id,
                source_id=item.source_id,
                version=item.versions.count() + 1,
                occurred_at=item.occurred_at,
                recorded_at=item.recorded_at,
                sensitivity=item.sensitivity,
                person_ids=sorted(item.persons.values_list("pk", flat=True)),
                record_ids=sorted(item.subject_records.values_list("pk", flat=True)),
                content_hmac=_content_hmac(item),
                challenge_id=challenge_id,
                proposed_by_id=proposed_by_id,
                removed_by_id=removed_by_id,
                reason=reason[:4000],
                removed_at=timezone.now(),
            )
            item.delete()
    except ProtectedError:
        return False
    return True
