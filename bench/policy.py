"""The policy point's cost: a person's chronology through it against the same query unfiltered.

Builds a synthetic partnership in a fresh database (SQLite in a temporary folder, or
the PostgreSQL database named by DATABASE_URL, which must be empty and disposable):
1,000 practitioners, 50 agreements (random parties, purposes, categories, consent basis,
some with age and most-recent limits), 100,000 items about 5,000 persons, 2,000 share
and withhold decisions and a few break-glass grants. One person has 200 items from 10
agencies. Then, in one run, times (median of repeated, interleaved runs):

* through the policy point: ``person_chronology(viewer=MASH practitioner, ...)`` for a
  safeguarding enquiry read in a work context (an information request the MASH sent
  about the person, checked on every read: docs/decisions/0056), which reads the
  context, the agreements in force and the grants, then runs one filtered SQL query;
  audit off so that the ledger write is not counted;
* unfiltered: the same chronology query with no policy filter.

It prints both medians and the ratio. It is a measurement, never a pass/fail test.

    .venv/bin/python bench/policy.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fp_policy_bench .venv/bin/python bench/policy.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def setup_django(home: Path) -> None:
    os.environ.setdefault("FULLPICTURE_HOME", str(home))
    os.environ["DJANGO_SETTINGS_MODULE"] = "fullpicture.config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(*, items: int, persons: int, seed: int) -> tuple[Any, Any, str]:
    from django.db import transaction

    from fullpicture.partnerships.models import Agency, Partnership, Practitioner, Role
    from fullpicture.people.models import Person
    from fullpicture.sharing.models import (
        Agreement,
        AgreementParty,
        BreakGlassGrant,
        InformationItem,
        InformationRequest,
        ItemDecision,
    )
    from fullpicture.sharing.policy import Purpose
    from fullpicture.vocabulary.models import ConcernCategory

    rng = random.Random(seed)
    now = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
    types = ["police", "gp", "school", "acute_hospital", "housing", "probation", "voluntary"]
    with transaction.atomic():
        partnership = Partnership.objects.create(code="E06009999", name="Benchtown")
        csc = Agency.objects.create(
            code="CSC", name="Benchtown CSC", type="childrens_social_care", partnership=partnership
        )
        others = [
            Agency.objects.create(
                code=f"A{n:02d}",
                name=f"Agency {n}",
                type=types[n % len(types)],
                partnership=partnership,
            )
            for n in range(19)
        ]
        agencies = [csc, *others]
        roles = {r.code: r for r in Role.objects.all()}
        practitioners = Practitioner.objects.bulk_create(
            [
                Practitioner(username=f"bench{n}", agency=agencies[n % len(agencies)])
                for n in range(1000)
            ]
        )
        through = Practitioner.roles.through
        through.objects.bulk_create(
            [
                through(
                    practitioner_id=p.pk,
                    role_id=roles[
                        "mash_practitioner" if p.agency_id == csc.pk else "agency_practitioner"
                    ].pk,
                )
                for p in practitioners
            ]
        )
        viewer = next(p for p in practitioners if p.agency_id == csc.pk)
        categories = list(ConcernCategory.objects.all())
        purposes = list(Purpose.values)
        for n in range(50):
            parties = rng.sample(agencies, rng.randint(2, 8))
            if n < 10:  # the MASH's own agreements: safeguarding, with most agencies
                parties = [csc, *rng.sample(others, 9)]
            agreement = Agreement.objects.create(
                reference=f"B-{n:03d}",
                title=f"Bench agreement {n}",
                purposes=(
                    ["safeguarding_enquiry", "strategy_discussion"]
                    if n < 10
                    else rng.sample(purposes, rng.randint(1, 3))
                ),
                article6="6_1_e",
                article9="9_2_g" if rng.random() < 0.7 else "",
                schedule1="para_18",
                rests_on_consent=n >= 10 and rng.random() < 0.2,
                status="in_force" if rng.random() < 0.85 else rng.choice(["suspended", "draft"]),
                starts_on=dt.date(2024, 1, 1),
            )
            AgreementParty.objects.bulk_create(
                [
                    AgreementParty(
                        agreement=agreement,
                        agency=a,
                        min_subject_age=18 if rng.random() < 0.1 else None,
                        most_recent_limit=rng.choice([None, None, None, 3]),
                    )
                    for a in parties
                ]
            )
            if rng.random() < 0.3:
                agreement.categories.set(rng.sample(categories, 4))
        people = Person.objects.bulk_create([Person() for _ in range(persons)])
        subject = people[0]
        subject_agencies = [csc, *others[:9]]
        rows = []
        owners = []
        for n in range(items):
            if n < 200:
                agency = subject_agencies[n % 10]
                person = subject
            else:
                agency = rng.choice(agencies)
                person = people[rng.randrange(1, persons)]
            rows.append(
                InformationItem(
                    source_agency=agency,
                    category=rng.choice(categories),
                    summary=f"Bench item {n}",
                    occurred_at=now - dt.timedelta(hours=rng.randint(0, 40_000)),
                    recorded_at=now,
                    sensitivity=rng.choice(["standard"] * 6 + ["special"] * 3 + ["restricted"]),
                    consent=rng.choice(["given", "refused", "not_sought"]),
                    subject_min_age=rng.randint(0, 60),
                    subject_max_age=rng.randint(0, 60),
                    recency_rank=rng.randint(1, 10),
                )
            )
            owners.append(person)
        made = InformationItem.objects.bulk_create(rows, batch_size=5000)
        link = InformationItem.persons.through
        link.objects.bulk_create(
            [
                link(informationitem_id=i.pk, person_id=p.pk)
                for i, p in zip(made, owners, strict=True)
            ],
            batch_size=5000,
        )
        decisions = {}
        for _ in range(2000):
            item = made[rng.randrange(len(made))]
            to = rng.choice(agencies)
            if to.pk == item.source_agency_id:
                continue
            purpose = rng.choice(["safeguarding_enquiry", "early_help", "direct_care"])
            decisions[(item.pk, to.pk, purpose)] = ItemDecision(
                item=item,
                from_agency_id=item.source_agency_id,
                to_agency=to,
                purpose=purpose,
                outcome=rng.choice(["share", "withhold"]),
                reason="bench",
                decided_by=viewer,
                decided_at=now,
            )
        for item in made[:200:17]:  # some of the subject's items shared or withheld
            decisions[(item.pk, csc.pk, "safeguarding_enquiry")] = ItemDecision(
                item=item,
                from_agency_id=item.source_agency_id,
                to_agency=csc,
                purpose="safeguarding_enquiry",
                outcome=rng.choice(["share", "withhold"]),
                reason="bench",
                decided_by=viewer,
                decided_at=now,
            )
        ItemDecision.objects.bulk_create(
            [d for d in decisions.values() if d.from_agency_id != d.to_agency_id]
        )
        BreakGlassGrant.objects.bulk_create(
            [
                BreakGlassGrant(
                    practitioner=practitioners[n],
                    agency=agencies[n % len(agencies)],
                    person=people[n + 1],
                    purpose="direct_care",
                    reason="bench",
                    started_at=now,
                    expires_at=now + dt.timedelta(days=3650),
                )
                for n in range(5)
            ]
        )
        # the work context the MASH reads in: a request it sent about the person
        request = InformationRequest.objects.create(
            person=subject,
            include_household=True,
            purpose="safeguarding_enquiry",
            requested_by=viewer,
            from_agency=csc,
            requested_at=now,
            due_at=now + dt.timedelta(days=1),
        )
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return viewer, subject, f"request:{request.pk}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fp-policy-bench-") as home:
        setup_django(Path(home))
        from django.db import connection

        from fullpicture.sharing.contexts import purpose_in
        from fullpicture.sharing.models import InformationItem
        from fullpicture.sharing.policy import Purpose
        from fullpicture.sharing.selectors import person_chronology

        started = time.perf_counter()
        viewer, subject, context = build(items=args.items, persons=args.persons, seed=args.seed)
        purpose = purpose_in(Purpose.SAFEGUARDING_ENQUIRY, context)
        built = time.perf_counter() - started

        def through_policy() -> int:
            return len(
                person_chronology(
                    viewer=viewer,
                    person=subject,
                    purpose=purpose,
                    audit=False,
                ).items
            )

        def unfiltered() -> int:
            return len(
                list(
                    InformationItem.objects.filter(persons=subject)
                    .select_related("source_agency", "category", "recorded_by")
                    .order_by("occurred_at", "id")
                )
            )

        seen, total = through_policy(), unfiltered()
        timings: dict[str, list[float]] = {"policy": [], "unfiltered": []}
        for _ in range(args.repeat):
            for name, fn in (("policy", through_policy), ("unfiltered", unfiltered)):
                t0 = time.perf_counter()
                fn()
                timings[name].append(time.perf_counter() - t0)
        policy = statistics.median(timings["policy"]) * 1000
        plain = statistics.median(timings["unfiltered"]) * 1000
        print(f"database: {connection.vendor}; built {args.items:,} items in {built:.1f} s")
        print(f"chronology: {total} items about the person, {seen} visible to the MASH viewer")
        print(f"through the policy point: {policy:.2f} ms (median of {args.repeat})")
        print(f"unfiltered:               {plain:.2f} ms (median of {args.repeat})")
        print(f"ratio: {policy / plain:.2f}x")


if __name__ == "__main__":
    main()
