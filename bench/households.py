"""Household formation figures on a synthetic partnership (``fullpicture synth``'s
population with its household truth), with flats (the synth writes them), a hostel and
a refuge added here.

Quality (the pure engine, persons taken from the truth so linkage errors do not count):
the share of true households of two or more persons gathered whole into one formed
household, formed households mixing two true households (target zero), and whether the
hostel or the refuge ever forms a household.

Scale: the engine over N records (address keys included), wall time and peak memory;
with ``--db`` also the service (``households_update``) over the records in a SQLite
database of its own, and the incremental update after a 1,000-record import.

    PYTHONPATH=src .venv/bin/python bench/households.py --people 20000
    PYTHONPATH=src .venv/bin/python bench/households.py --people 400000 --scale-only
    PYTHONPATH=src .venv/bin/python bench/households.py --people 40000 --db
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from fullpicture.linkage.engine.synth import AGENCIES, synth_population
from fullpicture.people.family import RecordIn, Rule, address_key, form

RULES_FILE = (
    Path(__file__).resolve().parent.parent / "src/fullpicture/people/data/household_rules.json"
)


def rules() -> list[Rule]:
    import json

    return [
        Rule(slug=r["slug"], basis=r["basis"], strength=r["strength"], params=r["params"])
        for r in json.loads(RULES_FILE.read_text(encoding="utf-8"))
    ]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(folder: Path) -> tuple[list[dict[str, str]], dict[str, str], dict[str, str]]:
    rows: list[dict[str, str]] = []
    for agency in AGENCIES:
        path = folder / f"{agency}.csv"
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                row["agency"] = agency
                rows.append(row)
    with (folder / "truth.csv").open(encoding="utf-8") as fh:
        person = {f"{r['agency']}:{r['source_id']}": r["person_key"] for r in csv.DictReader(fh)}
    with (folder / "households.csv").open(encoding="utf-8") as fh:
        household = {r["person_key"]: r["household_key"] for r in csv.DictReader(fh)}
    return rows, person, household


SURNAMES = [
    "Abbot",
    "Baird",
    "Crane",
    "Dodd",
    "Ellis",
    "Frost",
    "Grant",
    "Hale",
    "Irwin",
    "Jory",
    "Kerr",
    "Lowe",
    "Marsh",
    "Noble",
    "Oakes",
    "Pryce",
    "Quill",
    "Rudd",
]


def shared_places(start: int) -> tuple[list[RecordIn], set[int], set[int], dict[int, str]]:
    """A hostel (18 unrelated men over four years) and a refuge (six women, four with a
    child, over three years): each person a record there, and before it a record at a
    home of their own. Returns records, the hostel's and refuge's persons and their truth."""
    out: list[RecordIn] = []
    hostel, refuge = set(), set()
    truth: dict[int, str] = {}
    pid, rid = start, start
    base = dt.date(2022, 1, 1)
    for i, name in enumerate(SURNAMES):
        pid += 1
        hostel.add(pid)
        truth[pid] = f"hostel-{i}"
        rid += 1
        out.append(
            RecordIn(
                rid,
                pid,
                name,
                address_key(f"{i + 3} Quay Road", "ZZ1 1AA"),
                "",
                base - dt.timedelta(days=400),
            )
        )
        rid += 1
        out.append(
            RecordIn(
                rid,
                pid,
                name,
                address_key("Harbour House, 1 Quay Street", "ZZ1 9HH"),
                "",
                base + dt.timedelta(days=80 * i),
            )
        )
    for i, name in enumerate(SURNAMES[:6]):
        members = [name] + ([name] if i < 4 else [])
        for j, surname in enumerate(members):
            pid += 1
            refuge.add(pid)
            truth[pid] = f"refuge-{i}"
            rid += 1
            out.append(
                RecordIn(
                    rid,
                    pid,
                    surname,
                    address_key(f"{i + 40} Elm Road", "ZZ2 2BB"),
                    "",
                    base - dt.timedelta(days=300),
                )
            )
            rid += 1
            out.append(
                RecordIn(
                    rid,
                    pid,
                    surname,
                    address_key("The Lodge, 7 Cedar Walk", "ZZ3 3CC"),
                    "",
                    base + dt.timedelta(days=150 * i + j),
                )
            )
    return out, hostel, refuge, truth


def quality(people: int, seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        synth_population(people, folder, seed=seed)
        rows, person, household = load(folder)
    ids = {key: n for n, key in enumerate(sorted(set(person.values())), start=1)}
    records = [
        RecordIn(
            n,
            ids[person[f"{r['agency']}:{r['source_id']}"]],
            r["family_name"],
            address_key(r["address"], r["postcode"]),
            "",
            dt.date.fromisoformat(r["recorded_at"]) if r["recorded_at"] else None,
        )
        for n, r in enumerate(rows, start=1)
    ]
    truth = {n: household[key] for key, n in ids.items()}
    extra, hostel, refuge, extra_truth = shared_places(max(ids.values()) + 1)
    extra = [r._replace(record_id=r.record_id + len(records)) for r in extra]
    truth.update(extra_truth)
    started = time.perf_counter()
    formation = form(rules=rules(), records=[*records, *extra])
    took = time.perf_counter() - started
    # The threshold measured: unrelated surname groups per address over time.
    from fullpicture.people.family import _surname_groups, _surnames

    at: dict[str, set[int]] = defaultdict(set)
    names: dict[int, set[str]] = defaultdict(set)
    for r in [*records, *extra]:
        names[r.person_id] |= _surnames(r.family_name)
        if r.address_key:
            at[r.address_key].add(r.person_id)
    one_family = Counter(
        _surname_groups(ps, names) for ps in at.values() if len({truth[p] for p in ps}) == 1
    )
    shared_counts = sorted(
        _surname_groups(ps, names) for k, ps in at.items() if len({truth[p] for p in ps}) > 3
    )
    print(
        f"surname groups at one family's address: {dict(sorted(one_family.items()))}; "
        f"at the hostel and refuge: {shared_counts}"
    )
    true_groups: dict[str, set[int]] = defaultdict(set)
    for p in {r.person_id for r in records}:
        true_groups[truth[p]].add(p)
    multi = {k: v for k, v in true_groups.items() if len(v) >= 2}
    group_of = {p: g.key for g in formation.groups for p in g.members}
    whole = sum(
        1
        for v in multi.values()
        if len({group_of.get(p) for p in v}) == 1 and next(iter(v)) in group_of
    )
    mixing = [g for g in formation.groups if len({truth[p] for p in g.members}) > 1]
    # Households every member of which has a record giving an address to compare (the
    # synth leaves 4 % of addresses and 5 % of postcodes blank): the reachable ones.
    addressed = {r.person_id for r in records if r.address_key}
    reachable = {k: v for k, v in multi.items() if v <= addressed}
    whole_reachable = sum(
        1
        for v in reachable.values()
        if len({group_of.get(p) for p in v}) == 1 and next(iter(v)) in group_of
    )
    sizes = Counter(len({truth[p] for p in g.members}) for g in formation.groups)
    in_shared = [g for g in formation.groups if set(g.members) & (hostel | refuge)]
    print(
        f"synthetic partnership: {people:,} people, {len(records):,} records, "
        f"{len(multi):,} true households of 2+, seed {seed}"
    )
    print(
        f"formed {len(formation.groups):,} households in {took:.1f} s; "
        f"{len(formation.shared_locations)} shared addresses"
    )
    print(
        f"true households gathered whole: {whole:,} / {len(multi):,} = "
        f"{100 * whole / max(len(multi), 1):.2f} %"
    )
    print(
        f"  of those whose every member has an address to compare: {whole_reachable:,} / "
        f"{len(reachable):,} = {100 * whole_reachable / max(len(reachable), 1):.2f} %"
    )
    print(
        f"formed households mixing two true households: {len(mixing)} "
        f"(true households per formed: {dict(sorted(sizes.items()))})"
    )
    print(
        f"households with a hostel or refuge resident: {len(in_shared)}; "
        f"hostel and refuge found shared: "
        f"{sum(1 for k in formation.shared_locations if 'quay street' in k or 'cedar walk' in k)}"
    )
    print(
        f"refuge residents whose latest address is a shared one: "
        f"{len(formation.at_shared & refuge)} / {len(refuge)}"
    )


def scale(people: int, seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        synth_population(people, folder, seed=seed)
        print(f"synth: {time.perf_counter() - started:.0f} s")
        rows, person, _ = load(folder)
    ids = {key: n for n, key in enumerate(sorted(set(person.values())), start=1)}
    raw = [
        (
            ids[person[f"{r['agency']}:{r['source_id']}"]],
            r["family_name"],
            r["address"],
            r["postcode"],
            r["recorded_at"],
        )
        for r in rows
    ]
    del rows, person
    before = peak_mb()
    started = time.perf_counter()
    records = [
        RecordIn(
            n,
            p,
            name,
            address_key(address, postcode),
            "",
            dt.date.fromisoformat(when) if when else None,
        )
        for n, (p, name, address, postcode, when) in enumerate(raw, start=1)
    ]
    keyed = time.perf_counter() - started
    formation = form(rules=rules(), records=records)
    took = time.perf_counter() - started
    print(
        f"{len(records):,} records: address keys {keyed:.1f} s, formation in all {took:.1f} s, "
        f"{len(formation.groups):,} households; peak RSS {peak_mb():,.0f} MB "
        f"(before formation {before:,.0f} MB); load average {os.getloadavg()[0]:.1f}"
    )


def database(people: int, seed: int) -> None:
    """The service on a SQLite database of its own: full formation, then the incremental
    update after a 1,000-record import."""
    home = Path(tempfile.mkdtemp(prefix="fp-bench-households-"))
    os.environ["FULLPICTURE_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fullpicture.config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from fullpicture.partnerships.models import Agency, Partnership
    from fullpicture.people.households import households_update
    from fullpicture.people.models import Household, Person, SourceRecord

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        synth_population(people, folder, seed=seed)
        rows, person, _ = load(folder)
    partnership = Partnership.objects.create(code="E06000900", name="Benchshire")
    agencies = {
        a: Agency.objects.create(code=a.upper()[:12], name=a, type="gp", partnership=partnership)
        for a in AGENCIES
    }
    keys = sorted(set(person.values()))
    Person.objects.bulk_create([Person() for _ in keys], batch_size=5000)
    pids = dict(zip(keys, Person.objects.order_by("pk").values_list("pk", flat=True), strict=True))
    late = rows[-1000:]

    def make(rs):
        SourceRecord.objects.bulk_create(
            [
                SourceRecord(
                    agency=agencies[r["agency"]],
                    source_id=r["source_id"],
                    family_name=r["family_name"],
                    address=r["address"],
                    postcode=r["postcode"],
                    recorded_at=dt.date.fromisoformat(r["recorded_at"])
                    if r["recorded_at"]
                    else None,
                    person_id=pids[person[f"{r['agency']}:{r['source_id']}"]],
                )
                for r in rs
            ],
            batch_size=5000,
        )

    make(rows[:-1000])
    started = time.perf_counter()
    summary = households_update()
    full = time.perf_counter() - started
    print(
        f"service over {len(rows) - 1000:,} records (SQLite): {full:.1f} s, "
        f"{summary.created:,} households formed; peak RSS {peak_mb():,.0f} MB"
    )
    make(late)
    touched = {pids[person[f"{r['agency']}:{r['source_id']}"]] for r in late}
    started = time.perf_counter()
    summary = households_update(person_ids=touched)
    inc = time.perf_counter() - started
    print(
        f"incremental update after a 1,000-record import: {inc:.2f} s "
        f"({summary.created} formed, {summary.changed} changed, {summary.merged} merged); "
        f"{Household.objects.count():,} households; load average {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--scale-only", action="store_true")
    parser.add_argument("--db", action="store_true")
    args = parser.parse_args()
    if args.db:
        database(args.people, args.seed)
    elif args.scale_only:
        scale(args.people, args.seed)
    else:
        quality(args.people, args.seed)


if __name__ == "__main__":
    main()
