"""A household chronology through the policy point and the same-event rule, against raw SQL.

Builds the policy benchmark's synthetic partnership (bench/policy.py: 1,000
practitioners, 50 agreements, 2,000 share and withhold decisions, break-glass grants)
in a fresh database (SQLite in a temporary folder, or the PostgreSQL database named by
DATABASE_URL, which must be empty and disposable), with 100,000 items in all. A
household of five persons is added: the policy benchmark's subject (200 items from 10
agencies), four others with their share of the random items, and 100 events each
reported by three agencies within a few hours (300 items), so the rule has work to do.

Then, in one run, times (median of repeated, interleaved runs):

* through the policy point: ``chronology_for_household(viewer=MASH practitioner, ...)``
  on the opened household (reads the agreements in force and the grants, then one SQL
  query through the policy's compiled filter that also reads which persons each item is
  about, then groups the same events), audit off so the ledger write is not counted;
* raw SQL: one hand-written query for the household's items with their agency,
  category and recorder, in order, fetched as tuples (no policy, no grouping);
* raw SQL, same columns: the same, fetching every column the policy side's one query
  fetches, the persons each item is about included (``GROUP_CONCAT`` on SQLite,
  ``ARRAY_AGG`` on PostgreSQL), joined as the policy side joins them (a lateral lookup
  by primary key on PostgreSQL), without the policy's filter or any grouping.

It prints the medians and both ratios, of wall time and of this process's CPU time (less
sensitive to other work on the machine; on SQLite the query runs in this process, on
PostgreSQL the server's work is left out). Before timing it checks that the sides agree:
the policy side shows exactly the items the ORM's policy selector
(``items_visible_to``) admits among the raw rows, each with the raw row's values, and
both raw queries return the same rows. It is a measurement, never a pass/fail test.

    .venv/bin/python bench/chronology.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fp_chron_bench \\
        .venv/bin/python bench/chronology.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import policy as policy_bench  # noqa: E402  (the sibling benchmark's builder)

EVENTS = 100
PER_EVENT = 3
MEMBERS = 5

RAW_SQL = """
SELECT i.id, i.occurred_at, i.recorded_at, i.summary, i.detail, i.sensitivity,
       i.source_description, i.protect_source, a.code, a.name, c.slug, c.name,
       u.username, i.recorded_by_name
FROM sharing_informationitem i
JOIN partnerships_agency a ON a.id = i.source_agency_id
JOIN vocabulary_concerncategory c ON c.id = i.category_id
LEFT JOIN partnerships_practitioner u ON u.id = i.recorded_by_id
WHERE i.id IN (
    SELECT l.informationitem_id FROM sharing_informationitem_persons l
    WHERE l.person_id IN ({placeholders})
)
ORDER BY i.occurred_at, i.id
"""

# Every column the policy side's query reads (sharing.selectors.visible_item_rows_about),
# the persons each item is about among the household's included, joined the same way.
RAW_SQL_SAME_COLUMNS = """
SELECT i.id, i.occurred_at, i.recorded_at, i.summary, i.detail, i.sensitivity,
       i.source_description, i.protect_source, i.source_agency_id, a.code, a.name,
       i.category_id, c.slug, c.name, c.sort_order, i.recorded_by_id, u.first_name,
       u.last_name, u.username, i.recorded_by_name, m.person_ids
FROM (
    SELECT l.informationitem_id AS item_id, {aggregate} AS person_ids
    FROM sharing_informationitem_persons l
    WHERE l.person_id IN ({placeholders})
    GROUP BY l.informationitem_id
) m
{items}
JOIN partnerships_agency a ON a.id = i.source_agency_id
JOIN vocabulary_concerncategory c ON c.id = i.category_id
LEFT JOIN partnerships_practitioner u ON u.id = i.recorded_by_id
ORDER BY i.occurred_at, i.id
"""


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def check_same_rows(
    view: object, raw_rows: list[tuple], same_rows: list[tuple], *, viewer: object, purpose: str
) -> None:
    """Stop the run unless both sides agree (see the module's docstring)."""
    from fullpicture.sharing.selectors import items_visible_to

    by_id = {row[0]: row for row in raw_rows}
    visible = view.visible  # type: ignore[attr-defined]
    admitted = set(
        items_visible_to(viewer=viewer, purpose=purpose)  # type: ignore[arg-type]
        .filter(pk__in=list(by_id))
        .values_list("pk", flat=True)
    )
    problems = []
    if {i.pk for i in visible} != admitted:
        problems.append("the policy side's items differ from the ORM selector's")
    if sorted(view.item_ids) != sorted(i.pk for i in visible):  # type: ignore[attr-defined]
        problems.append("the entries do not hold every visible item once")
    for item in visible:
        row = by_id[item.pk]
        theirs = (
            _utc(row[1]),
            _utc(row[2]),
            row[3],
            row[4],
            row[5],
            row[8],
            row[9],
            row[10],
            row[11],
        )
        ours = (
            item.occurred_at,
            item.recorded_at,
            item.summary,
            item.detail,
            item.sensitivity,
            item.source_agency.code,
            item.source_agency.name,
            item.category.slug,
            item.category.name,
        )
        if theirs != ours or (not item.source_redacted and item.source_description != row[6]):
            problems.append(f"item {item.pk} differs from its raw row")
    if [r[0] for r in same_rows] != [r[0] for r in raw_rows]:
        problems.append("the two raw queries return different rows")
    if problems:
        raise SystemExit("sides disagree: " + "; ".join(problems[:5]))


def add_household(*, subject: object, seed: int) -> tuple[object, list[int]]:
    """The household (subject and four others) and its co-reported events."""
    from django.db import transaction

    from fullpicture.partnerships.models import Agency
    from fullpicture.people.models import Household, Person
    from fullpicture.sharing.models import InformationItem
    from fullpicture.vocabulary.models import ConcernCategory

    rng = random.Random(seed)
    now = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
    with transaction.atomic():
        members = [subject, *Person.objects.exclude(pk=subject.pk).order_by("pk")[: MEMBERS - 1]]  # type: ignore[attr-defined]
        household = Household.objects.create()
        household.members.set(members)
        # the MASH's own agency and the agencies the subject's items come from
        agencies = list(Agency.objects.filter(code__in=["CSC", *[f"A{n:02d}" for n in range(9)]]))
        categories = list(ConcernCategory.objects.all())
        rows, about = [], []
        for n in range(EVENTS):
            at = now - dt.timedelta(hours=rng.randint(0, 40_000))
            category = rng.choice(categories)
            persons = rng.sample(members, 2)
            for k, agency in enumerate(rng.sample(agencies, PER_EVENT)):
                rows.append(
                    InformationItem(
                        source_agency=agency,
                        category=category,
                        summary=f"Household event {n} as agency {agency.code} saw it",
                        occurred_at=at + dt.timedelta(minutes=45 * k),
                        recorded_at=now,
                        sensitivity="standard",
                        consent="given",
                        subject_min_age=8,
                        subject_max_age=40,
                        recency_rank=1,
                    )
                )
                about.append(persons)
        made = InformationItem.objects.bulk_create(rows)
        link = InformationItem.persons.through
        link.objects.bulk_create(
            [
                link(informationitem_id=i.pk, person_id=p.pk)
                for i, persons in zip(made, about, strict=True)
                for p in persons
            ]
        )
    return household, [m.pk for m in members]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fp-chronology-bench-") as home:
        policy_bench.setup_django(Path(home))
        from django.db import connection

        from fullpicture.sharing.chronology import (
            access_household_by_id,
            chronology_for_household,
        )
        from fullpicture.sharing.policy import Purpose

        started = time.perf_counter()
        viewer, subject = policy_bench.build(
            items=args.items - EVENTS * PER_EVENT, persons=args.persons, seed=args.seed
        )
        household, member_ids = add_household(subject=subject, seed=args.seed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        built = time.perf_counter() - started
        purpose = Purpose.SAFEGUARDING_ENQUIRY
        opened = access_household_by_id(
            viewer=viewer,  # type: ignore[arg-type]
            household_id=household.pk,  # type: ignore[attr-defined]
            purpose=purpose,
            audit=False,
        )
        placeholders = ", ".join(["%s"] * len(member_ids))
        sql = RAW_SQL.format(placeholders=placeholders)
        aggregate = (
            "ARRAY_AGG(l.person_id)"
            if connection.vendor == "postgresql"
            else "GROUP_CONCAT(l.person_id)"
        )
        # the same join as the policy side's query (a lateral primary-key lookup on PostgreSQL)
        items = (
            "JOIN LATERAL (SELECT * FROM sharing_informationitem x WHERE x.id = m.item_id "
            "OFFSET 0) i ON TRUE"
            if connection.vendor == "postgresql"
            else "JOIN sharing_informationitem i ON i.id = m.item_id"
        )
        same_sql = RAW_SQL_SAME_COLUMNS.format(
            aggregate=aggregate, placeholders=placeholders, items=items
        )

        def through_policy() -> object:
            return chronology_for_household(
                viewer=viewer,  # type: ignore[arg-type]
                household=opened,
                purpose=purpose,
                audit=False,
            )

        def raw() -> list[tuple]:
            with connection.cursor() as cursor:
                cursor.execute(sql, member_ids)
                return cursor.fetchall()

        def raw_same_columns() -> list[tuple]:
            with connection.cursor() as cursor:
                cursor.execute(same_sql, member_ids)
                return cursor.fetchall()

        view, raw_rows = through_policy(), raw()
        check_same_rows(view, raw_rows, raw_same_columns(), viewer=viewer, purpose=purpose)
        seen, entries, total = view.item_count, len(view.entries), len(raw_rows)  # type: ignore[attr-defined]
        names = ("policy", "raw", "same")
        wall: dict[str, list[float]] = {n: [] for n in names}
        cpu: dict[str, list[float]] = {n: [] for n in names}
        for _ in range(args.repeat):
            for name, fn in zip(names, (through_policy, raw, raw_same_columns), strict=True):
                t0, c0 = time.perf_counter(), time.process_time()
                fn()
                wall[name].append(time.perf_counter() - t0)
                cpu[name].append(time.process_time() - c0)
        ms = {n: statistics.median(wall[n]) * 1000 for n in names}
        cpu_ms = {n: statistics.median(cpu[n]) * 1000 for n in names}
        print(f"database: {connection.vendor}; built {args.items:,} items in {built:.1f} s")
        print(
            f"household of {len(opened.members)} visible members: {total} items about them; "
            f"{seen} visible to the MASH viewer, shown as {entries} entries"
        )
        print("both sides agree: the same items, each with its raw row's values")
        print(f"medians of {args.repeat} interleaved runs: wall, and this process's CPU time")
        for name, label in zip(
            names,
            (
                "through the policy point and dedup",
                "raw SQL",
                "raw SQL, same columns with persons",
            ),
            strict=True,
        ):
            print(f"{label:35s} {ms[name]:8.2f} ms wall {cpu_ms[name]:8.2f} ms CPU")
        print(
            f"ratio to the raw SQL:       {ms['policy'] / ms['raw']:.2f}x wall, "
            f"{cpu_ms['policy'] / cpu_ms['raw']:.2f}x CPU"
        )
        print(
            f"ratio to the same columns:  {ms['policy'] / ms['same']:.2f}x wall, "
            f"{cpu_ms['policy'] / cpu_ms['same']:.2f}x CPU"
        )
        if connection.vendor != "sqlite":
            print("(CPU time leaves out the database server's work: compare the wall times)")


if __name__ == "__main__":
    main()
