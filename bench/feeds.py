"""The item feed's cost: importing 100,000 items against a bare ``bulk_create`` of the same rows.

Builds, in a fresh database (SQLite in a temporary folder, or the empty, disposable
PostgreSQL database named by DATABASE_URL), one agency with 20,000 persons' records and
a CSV of 100,000 items (one to three subjects each, ten categories). Then, in one run:

* bare: read the same CSV with the ``csv`` module, parse the two dates, and
  ``bulk_create`` the items (batches of 2,000) for a second agency: no validation, no
  links to records or persons, no ledger, no history;
* the feed: ``items_import_file`` exactly as ``fullpicture import-items`` runs it
  (validation of every row, category resolution, one query for existing items,
  bulk inserts of the items and both link tables, ages and recency ranks, the
  ``post_save`` per item for the alert rules with the task queued on the database
  backend, one ledger event, the feed status), all in one transaction;
* the same file again (every item unchanged).

It prints the wall-clock timings (and this process's CPU time, less sensitive to a
loaded machine; on PostgreSQL the server's work is not in it) and the ratio. A
measurement, never a pass/fail test.

    .venv/bin/python bench/feeds.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fp_feeds_bench .venv/bin/python bench/feeds.py
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

CATEGORIES = [
    "domestic_abuse",
    "mental_health",
    "drugs_alcohol",
    "offending",
    "neglect",
    "missing",
    "school_attendance",
    "missed_appointment",
    "housing",
    "other",
]


def setup_django(home: Path) -> None:
    os.environ.setdefault("FULLPICTURE_HOME", str(home))
    os.environ["DJANGO_SETTINGS_MODULE"] = "fullpicture.config.settings.test"
    import django
    from django.conf import settings

    # As in production: the alert rules' task is queued on the database, not run inline.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(*, items: int, persons: int, folder: Path, seed: int) -> Path:
    from django.db import transaction

    from fullpicture.partnerships.models import Agency, Partnership
    from fullpicture.people.models import Person, SourceRecord

    rng = random.Random(seed)
    with transaction.atomic():
        partnership = Partnership.objects.create(code="E06009998", name="Feedbench")
        for code in ("BPOL", "BARE"):
            Agency.objects.create(code=code, name=code, type="police", partnership=partnership)
        people = Person.objects.bulk_create([Person() for _ in range(persons)], batch_size=2000)
        police = Agency.objects.get(code="BPOL")
        SourceRecord.objects.bulk_create(
            [
                SourceRecord(
                    agency=police,
                    source_id=f"P-{n:06d}",
                    given_name="Fictional",
                    family_name=f"Person{n}",
                    date_of_birth=dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(22000)),
                    person=person,
                )
                for n, person in enumerate(people)
            ],
            batch_size=2000,
        )
    path = folder / "BPOL.csv"
    start = dt.datetime(2020, 1, 1, 8, 0)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            [
                "source_id",
                "person_source_ids",
                "category",
                "occurred_at",
                "recorded_at",
                "summary",
                "detail",
                "sensitivity",
                "consent",
            ]
        )
        for n in range(items):
            subjects = ";".join(
                f"P-{rng.randrange(persons):06d}" for _ in range(rng.choice((1, 1, 2, 3)))
            )
            occurred = start + dt.timedelta(minutes=rng.randrange(3_000_000))
            recorded = occurred + dt.timedelta(hours=rng.randrange(1, 72))
            writer.writerow(
                [
                    f"INC-{n:07d}",
                    subjects,
                    rng.choice(CATEGORIES),
                    occurred.isoformat(timespec="minutes"),
                    recorded.isoformat(timespec="minutes"),
                    f"Fictional incident {n} attended",
                    "A fictional account of what happened." if n % 3 else "",
                    rng.choice(("standard", "standard", "special", "")),
                    rng.choice(("not_sought", "given", "")),
                ]
            )
    return path


def bare(path: Path) -> tuple[float, float]:
    from django.db import transaction
    from django.utils import timezone

    from fullpicture.partnerships.models import Agency
    from fullpicture.sharing.models import InformationItem
    from fullpicture.vocabulary.models import ConcernCategory

    agency = Agency.objects.get(code="BARE")
    began, cpu = time.perf_counter(), time.process_time()
    categories = dict(ConcernCategory.objects.values_list("slug", "pk"))
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    objects = [
        InformationItem(
            source_agency=agency,
            source_id=row["source_id"],
            category_id=categories[row["category"]],
            occurred_at=timezone.make_aware(dt.datetime.fromisoformat(row["occurred_at"])),
            recorded_at=timezone.make_aware(dt.datetime.fromisoformat(row["recorded_at"])),
            summary=row["summary"],
            detail=row["detail"],
            sensitivity=row["sensitivity"] or "standard",
            consent=row["consent"] or "not_sought",
        )
        for row in rows
    ]
    with transaction.atomic():
        InformationItem.objects.bulk_create(objects, batch_size=2000)
    return time.perf_counter() - began, time.process_time() - cpu


def feed(path: Path) -> tuple[float, float, object]:
    from fullpicture.audit.services import Actor
    from fullpicture.partnerships.models import Agency
    from fullpicture.sharing.feeds import items_import_file

    agency = Agency.objects.get(code="BPOL")
    began, cpu = time.perf_counter(), time.process_time()
    result = items_import_file(agency=agency, path=path, actor=Actor.system("bench"))
    return time.perf_counter() - began, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fp-bench-feeds-") as tmp:
        folder = Path(tmp)
        setup_django(folder)
        from django.db import connection

        path = build(items=args.items, persons=args.persons, folder=folder, seed=args.seed)
        print(f"database: {connection.vendor}; {args.items:,} items, {args.persons:,} persons")
        bare_s, bare_cpu = bare(path)
        print(f"bare bulk_create:          {bare_s:7.2f} s wall, {bare_cpu:7.2f} s CPU")
        feed_s, feed_cpu, result = feed(path)
        created = result.created  # type: ignore[attr-defined]
        print(
            f"import-items (new):        {feed_s:7.2f} s wall, {feed_cpu:7.2f} s CPU"
            f" ({created:,} created)"
        )
        again_s, again_cpu, again = feed(path)
        unchanged = again.unchanged  # type: ignore[attr-defined]
        print(
            f"import-items (unchanged):  {again_s:7.2f} s wall, {again_cpu:7.2f} s CPU"
            f" ({unchanged:,} unchanged)"
        )
        print(
            f"ratio new / bare:          {feed_s / bare_s:7.2f}x wall,"
            f" {feed_cpu / bare_cpu:5.2f}x CPU"
        )


if __name__ == "__main__":
    main()
