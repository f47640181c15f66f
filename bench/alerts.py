"""The full cumulative-concern sweep against one SQL aggregate computing the same rules.

    PYTHONPATH=src .venv/bin/python bench/alerts.py [--households 100000] [--database-url ...]

Builds a fresh database (SQLite in a temporary FULLPICTURE_HOME unless --database-url):
H households of three persons, ten agencies, and 2 to 10 items per household about its
members, occurring over three years at noon UTC (so UTC and UK dates agree), in the
seeded categories. Then times, each on the same data:

* ``sweep (raise)``: ``fullpicture alerts sweep``'s service, the first run, which also
  writes the alerts, their persons, notices and ledger events;
* ``sweep (steady)``: the same sweep again (nothing changes): every family's items are
  read and fingerprinted; families with an unchanged open alert are not judged again;
* ``sweep (re-judge)``: the same again after forgetting every alert's fingerprint, so
  every family is judged again (the cost of judging, with no shortcut); an alert whose
  family comes out with its stored outcome digest is not read back, only given its
  fingerprint again;
* ``sweep (re-read)``: the same after forgetting fingerprints and outcomes, so every
  family is judged and every open alert read back and compared field by field (what
  an installation upgraded from before the digests pays once);
* ``SQL aggregate``: one statement that, for every household and every item date,
  counts the distinct agencies and Halcon criteria in the 365 days up to it, and
  returns the households meeting each seeded rule. On PostgreSQL it runs twice, with
  the default ``work_mem`` and with the sweep's 64 MB, and the faster run counts.

The households each way must be the same (as sets, each rule), with one alert per
household and rule, and the audit ledger (one event per new alert, through its bulk
path) must verify. Prints the times, the load average and the ratios (target <= 1.5).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HALCON = ("domestic_abuse", "mental_health", "drugs_alcohol", "offending", "debt")
OTHER = ("school_attendance", "housing", "neglect", "missed_appointment")

SQL_SQLITE = """
WITH ev AS (
  SELECT hm.household_id AS h, date(i.occurred_at) AS d, i.source_agency_id AS a, c.slug AS s
  FROM people_household_members hm
  JOIN sharing_informationitem_persons ip ON ip.person_id = hm.person_id
  JOIN sharing_informationitem i ON i.id = ip.informationitem_id
  JOIN vocabulary_concerncategory c ON c.id = i.category_id
), win AS (
  SELECT e1.h AS h,
    COUNT(DISTINCT e2.a) AS agencies,
    COUNT(DISTINCT CASE WHEN e2.s IN ({halcon}) THEN e2.s END) AS halcon_criteria,
    COUNT(DISTINCT CASE WHEN e2.s IN ({halcon}) THEN e2.a END) AS halcon_agencies
  FROM (SELECT DISTINCT h, d FROM ev) e1
  JOIN ev e2 ON e2.h = e1.h AND e2.d <= e1.d AND e2.d >= date(e1.d, '-365 days')
  GROUP BY e1.h, e1.d
)
SELECT h, MAX(halcon_criteria >= 3 AND halcon_agencies >= 3), MAX(agencies >= 3)
FROM win GROUP BY h HAVING MAX(agencies >= 3) = 1
"""

SQL_POSTGRES = """
WITH ev AS (
  SELECT hm.household_id AS h, (i.occurred_at AT TIME ZONE 'UTC')::date AS d,
         i.source_agency_id AS a, c.slug AS s
  FROM people_household_members hm
  JOIN sharing_informationitem_persons ip ON ip.person_id = hm.person_id
  JOIN sharing_informationitem i ON i.id = ip.informationitem_id
  JOIN vocabulary_concerncategory c ON c.id = i.category_id
), win AS (
  SELECT e1.h AS h,
    COUNT(DISTINCT e2.a) AS agencies,
    COUNT(DISTINCT CASE WHEN e2.s IN ({halcon}) THEN e2.s END) AS halcon_criteria,
    COUNT(DISTINCT CASE WHEN e2.s IN ({halcon}) THEN e2.a END) AS halcon_agencies
  FROM (SELECT DISTINCT h, d FROM ev) e1
  JOIN ev e2 ON e2.h = e1.h AND e2.d <= e1.d AND e2.d >= e1.d - 365
  GROUP BY e1.h, e1.d
)
SELECT h, MAX((halcon_criteria >= 3 AND halcon_agencies >= 3)::int),
       MAX((agencies >= 3)::int)
FROM win GROUP BY h HAVING MAX((agencies >= 3)::int) = 1
"""


def build(households: int, seed: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from fullpicture.alerts.models import ConcernRule
    from fullpicture.partnerships.models import Agency, AgencyType, Partnership
    from fullpicture.vocabulary.models import ConcernCategory

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    ConcernRule.objects.filter(slug="supporting-families").update(active=False)
    rng = random.Random(seed)
    cats = dict(ConcernCategory.objects.values_list("slug", "id"))
    pool = [cats[s] for s in HALCON + OTHER]
    with transaction.atomic():
        la = Partnership.objects.create(code="E06000778", name="Sweeptown")
        agencies = [
            Agency.objects.create(
                code=f"SW{i}", name=f"Agency {i}", type=AgencyType.OTHER, partnership=la
            ).pk
            for i in range(10)
        ]
        start = dt.datetime(2023, 1, 1, 12, 0, tzinfo=dt.UTC)
        item_id = 0
        with connection.cursor() as cur:
            step = 10_000
            for first in range(0, households, step):
                hh = range(first, min(first + step, households))
                cur.executemany(
                    "INSERT INTO people_household (id, updated_at, status, version, "
                    "from_evidence, digest) VALUES (%s, %s, 'active', 1, %s, '')",
                    [(h + 1, "2026-01-01 00:00:00", True) for h in hh],
                )
                cur.executemany(
                    "INSERT INTO people_person (id, created_at) VALUES (%s, %s)",
                    [(h * 3 + k + 1, "2026-01-01 00:00:00") for h in hh for k in range(3)],
                )
                cur.executemany(
                    "INSERT INTO people_household_members (household_id, person_id) "
                    "VALUES (%s, %s)",
                    [(h + 1, h * 3 + k + 1) for h in hh for k in range(3)],
                )
                items, links = [], []
                for h in hh:
                    for _ in range(rng.randint(2, 10)):
                        item_id += 1
                        at = start + dt.timedelta(days=rng.randint(0, 3 * 365))
                        items.append(
                            (
                                item_id,
                                rng.choice(agencies),
                                rng.choice(pool),
                                at,
                                at,
                                "bench item",
                                "",
                                "",
                                "standard",
                                "not_sought",
                                "",
                                False,
                                "",
                                "",
                                at,
                                at,
                            )
                        )
                        links.append((item_id, h * 3 + rng.randint(0, 2) + 1))
                cur.executemany(
                    "INSERT INTO sharing_informationitem (id, source_agency_id, category_id, "
                    "occurred_at, recorded_at, summary, detail, recorded_by_name, sensitivity, "
                    "consent, paragraph18_reason, protect_source, source_description, "
                    "content_hash, created_at, updated_at, source_id) VALUES "
                    "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '')",
                    items,
                )
                cur.executemany(
                    "INSERT INTO sharing_informationitem_persons (informationitem_id, person_id) "
                    "VALUES (%s, %s)",
                    links,
                )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(
        f"built {households:,} households, {households * 3:,} persons, {item_id:,} items "
        f"in {time.perf_counter() - t0:.0f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    os.environ.update(
        FULLPICTURE_HOME=tempfile.mkdtemp(prefix="fp-bench-alerts-"),
        DJANGO_SETTINGS_MODULE="fullpicture.config.settings.local",
    )
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    build(args.households, args.seed)

    from django.db import connection, transaction

    from fullpicture.alerts.models import Alert
    from fullpicture.alerts.services import concern_rules_run

    print(f"load average before the runs: {os.getloadavg()[0]:.2f}")
    t = time.perf_counter()
    first = concern_rules_run()
    sweep_raise = time.perf_counter() - t
    t = time.perf_counter()
    again = concern_rules_run()
    sweep_steady = time.perf_counter() - t
    assert (again.raised, again.updated) == (0, 0)
    # Forget every alert's fingerprint: the next sweep judges every family again (and
    # stores the fingerprint again): the cost of judging, with no shortcut for unchanged
    # families. What each family comes to is compared with the alert's outcome digest.
    Alert.objects.update(fingerprint="")
    t = time.perf_counter()
    rejudged = concern_rules_run()
    sweep_rejudge = time.perf_counter() - t
    assert (rejudged.raised, rejudged.updated) == (0, 0)
    assert not Alert.objects.filter(fingerprint="").exists()
    # Forget outcomes too: every open alert is read back and compared field by field.
    Alert.objects.update(fingerprint="", outcome="")
    t = time.perf_counter()
    reread = concern_rules_run()
    sweep_reread = time.perf_counter() - t
    assert (reread.raised, reread.updated) == (0, 0)
    assert not Alert.objects.filter(outcome="").exists()

    halcon = ", ".join(f"'{s}'" for s in HALCON)
    sql = (SQL_POSTGRES if connection.vendor == "postgresql" else SQL_SQLITE).format(halcon=halcon)
    # On PostgreSQL the aggregate runs twice: with the default work_mem and with the
    # sweep's own setting for its read (selectors.all_evidence); the faster counts.
    timings = []
    for work_mem in ("", "64MB") if connection.vendor == "postgresql" else ("",):
        t = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            if work_mem:
                cur.execute(f"SET LOCAL work_mem = '{work_mem}'")
            cur.execute(sql)
            rows = cur.fetchall()
        timings.append(time.perf_counter() - t)
    aggregate = min(timings)
    print(f"load average after the runs: {os.getloadavg()[0]:.2f}")

    # The same households each way, not only as many: each alert names its family's
    # members, so its household is the household of any of them.
    sql_halcon = {h for h, halcon_met, _ in rows if halcon_met}
    sql_three = {h for h, _, three in rows if three}
    ours: dict[str, set[int]] = {"halcon-one-team": set(), "three-agencies-12-months": set()}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT r.slug, hm.household_id FROM alerts_alert a "
            "JOIN alerts_concernrule r ON r.id = a.rule_id "
            "JOIN alerts_alert_persons ap ON ap.alert_id = a.id "
            "JOIN people_household_members hm ON hm.person_id = ap.person_id"
        )
        for slug, household in cur.fetchall():
            ours.setdefault(slug, set()).add(household)
    print(f"{connection.vendor}, {args.households:,} households ({first.families:,} families)")
    print(
        f"alerts: Halcon {len(ours['halcon-one-team']):,} (SQL {len(sql_halcon):,}), "
        f"three agencies {len(ours['three-agencies-12-months']):,} (SQL {len(sql_three):,}), "
        f"{Alert.objects.count():,} alerts"
    )
    assert ours["halcon-one-team"] == sql_halcon, "sweep and SQL disagree (Halcon)"
    assert ours["three-agencies-12-months"] == sql_three, "sweep and SQL disagree (three)"
    assert Alert.objects.count() == len(sql_halcon) + len(sql_three), "one alert per family"
    print("the same households each way")
    from fullpicture.audit.models import LedgerEvent
    from fullpicture.audit.selectors import ledger_verify

    check = ledger_verify()
    events = LedgerEvent.objects.filter(object_type="alert").count()
    assert check.ok, check.problem
    assert events == first.raised == Alert.objects.count(), "one ledger event per alert"
    print(f"ledger verifies: {check.checked:,} events, {events:,} for new alerts")
    print(f"sweep (raise)    {sweep_raise:8.2f} s  ratio {sweep_raise / aggregate:.2f}")
    print(f"sweep (steady)   {sweep_steady:8.2f} s  ratio {sweep_steady / aggregate:.2f}")
    print(f"sweep (re-judge) {sweep_rejudge:8.2f} s  ratio {sweep_rejudge / aggregate:.2f}")
    print(f"sweep (re-read)  {sweep_reread:8.2f} s  ratio {sweep_reread / aggregate:.2f}")
    print(
        f"SQL aggregate    {aggregate:8.2f} s  (each run: {', '.join(f'{x:.2f}' for x in timings)})"
    )


if __name__ == "__main__":
    main()
