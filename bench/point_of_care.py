"""Point-of-care check under steady load: the FHIR CareTeam search against an empty
authenticated endpoint, in the same run, over loopback.

    PYTHONPATH=src .venv/bin/python bench/point_of_care.py [--duration 300] [--persons 1000000]
        [--flags 50000] [--connections 4] [--database-url postgres://...]

Builds a fresh database (SQLite in a temporary FULLPICTURE_HOME unless --database-url)
with N persons (each with one source record holding a valid 999-range NHS number) and
F protection flags, starts waitress (8 threads) in a child process on 127.0.0.1, then
drives it from this process with http.client keep-alive connections, each alternating
a FHIR check (half flagged, half unflagged NHS numbers; setting ``scheduled`` so the
load is not a flood of notifications, and ``ae`` for one request in ten) and the empty
endpoint ``/api/alerts/ping`` (same middleware, session and transaction). Prints
counts, errors and latency percentiles for both, and the p99 ratio.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def nhs_numbers(count: int) -> list[str]:
    """Valid NHS numbers from the 999 test range (at most about 909,000 exist)."""
    out: list[str] = []
    base = 999_000_000
    n = 0
    while len(out) < count and base + n <= 999_999_999:
        first = str(base + n)
        n += 1
        total = sum(int(d) * w for d, w in zip(first, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 10:
            continue
        out.append(first + str(0 if check == 11 else check))
    return out


def build(persons: int, flags: int) -> tuple[list[str], list[str], str]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from fullpicture.alerts.models import FlagSource, FlagType, ProtectionFlag
    from fullpicture.partnerships.models import Agency, AgencyType, Partnership, Practitioner, Role

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    numbers = nhs_numbers(persons)
    with transaction.atomic():
        la = Partnership.objects.create(
            code="E06000777",
            name="Benchtown",
            office_phone="01632 960000",
            out_of_hours_phone="01632 960001",
            postcode_districts=["BT1"],
        )
        csc = Agency.objects.create(
            code="BCSC",
            name="Benchtown CSC",
            type=AgencyType.CHILDRENS_SOCIAL_CARE,
            partnership=la,
        )
        hospital = Agency.objects.create(
            code="BGH",
            name="Benchtown General Hospital",
            type=AgencyType.ACUTE_HOSPITAL,
            partnership=la,
        )
        clinician = Practitioner.objects.create_user("bench.clinician", agency=hospital)
        clinician.roles.set(Role.objects.filter(code="unscheduled_care_clinician"))
        for i in range(3):
            sw = Practitioner.objects.create_user(f"bench.sw{i}", agency=csc)
            sw.roles.set(Role.objects.filter(code="mash_practitioner"))
        with connection.cursor() as cur:
            step = 50_000
            for start in range(0, persons, step):
                chunk = range(start, min(start + step, persons))
                cur.executemany(
                    "INSERT INTO people_person (id, created_at) VALUES (%s, %s)",
                    [(i + 1, "2026-01-01 00:00:00") for i in chunk],
                )
                chunk = range(chunk.start, min(chunk.stop, len(numbers)))
                cur.executemany(
                    "INSERT INTO people_sourcerecord (agency_id, source_id, given_name, "
                    "family_name, other_names, sex, address, postcode, nhs_number, upn, pnc_id, "
                    "person_id, content_hash, imported_at, updated_at) VALUES "
                    "(%s, %s, '', '', '', '', '', '', %s, '', '', %s, '', %s, %s)",
                    [
                        (
                            hospital.pk,
                            f"B{i}",
                            numbers[i],
                            i + 1,
                            "2026-01-01 00:00:00",
                            "2026-01-01 00:00:00",
                        )
                        for i in chunk
                    ],
                )
        step = 10_000
        flagged = numbers[:flags]
        for start in range(0, flags, step):
            ProtectionFlag.objects.bulk_create(
                [
                    ProtectionFlag(
                        flag_type=FlagType.CHILD_PROTECTION_PLAN,
                        partnership=la,
                        nhs_number=flagged[i],
                        person_id=i + 1,
                        start_date="2026-01-01",
                        source=FlagSource.RECORD,
                        source_key=f"bench:{i}",
                    )
                    for i in range(start, min(start + step, flags))
                ]
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    client = Client()
    client.force_login(clinician)
    cookie = client.cookies["sessionid"].value
    print(
        f"built {persons:,} persons ({len(numbers):,} with a valid 999-range NHS number) and "
        f"{flags:,} flags in {time.perf_counter() - t0:.0f} s"
    )
    return flagged, numbers[flags:], cookie


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=300.0)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--flags", type=int, default=50_000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="fp-bench-poc-")
    env = dict(os.environ)
    env.update(
        FULLPICTURE_HOME=home,
        DJANGO_SETTINGS_MODULE="fullpicture.config.settings.local",
        PYTHONPATH=str(ROOT / "src"),
        FULLPICTURE_IDLE_TIMEOUT_SECONDS=str(int(args.duration) + 3600),
    )
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    os.environ.update(env)
    flagged, unflagged, cookie = build(args.persons, args.flags)

    port = free_port()
    server = subprocess.Popen(  # noqa: S603  (our own interpreter and module)
        [
            sys.executable,
            "-c",
            "from waitress import serve; from fullpicture.config.wsgi import application; "
            f"serve(application, host='127.0.0.1', port={port}, threads=8, _quiet=True)",
        ],
        env=env,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        results: dict[str, list[float]] = {"fhir": [], "ping": []}
        errors: dict[str, int] = {"fhir": 0, "ping": 0}
        reasons: dict[str, int] = {}
        lock = threading.Lock()
        deadline = time.perf_counter() + args.duration
        headers = {"Cookie": f"sessionid={cookie}", "Connection": "keep-alive"}

        def worker(seed: int) -> None:
            rng = random.Random(seed)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine: dict[str, list[float]] = {"fhir": [], "ping": []}
            bad = {"fhir": 0, "ping": 0}
            why: dict[str, int] = {}
            n = 0
            while time.perf_counter() < deadline:
                n += 1
                for kind in ("fhir", "ping"):
                    if kind == "fhir":
                        nhs = rng.choice(flagged if n % 2 else unflagged)
                        setting = "ae" if n % 10 == 0 else "scheduled"
                        path = (
                            "/fhir/CareTeam?patient:identifier=https://fhir.nhs.uk/Id/nhs-number|"
                            f"{nhs}&care-setting={setting}"
                        )
                    else:
                        path = "/api/alerts/ping"
                    start = time.perf_counter()
                    try:
                        conn.request("GET", path, headers=headers)
                        response = conn.getresponse()
                        response.read()
                        ok = response.status == 200
                        status = str(response.status)
                    except (OSError, http.client.HTTPException) as exc:
                        ok = False
                        status = type(exc).__name__
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    elapsed = time.perf_counter() - start
                    if ok:
                        mine[kind].append(elapsed)
                    else:
                        bad[kind] += 1
                        why[status] = why.get(status, 0) + 1
            conn.close()
            with lock:
                for kind in mine:
                    results[kind].extend(mine[kind])
                    errors[kind] += bad[kind]
                for status, count in why.items():
                    reasons[status] = reasons.get(status, 0) + count

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.connections)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    vendor = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"{vendor}, {args.persons:,} persons, {args.flags:,} flags, {args.connections} "
        f"keep-alive connections, {wall:.0f} s"
    )
    print(
        f"{'endpoint':<8} {'requests':>9} {'errors':>6} {'req/s':>7} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'p99 ms':>7} {'mean ms':>8}"
    )
    for kind in ("fhir", "ping"):
        values = results[kind]
        print(
            f"{kind:<8} {len(values):>9,} {errors[kind]:>6} {len(values) / wall:>7.1f} "
            f"{pct(values, 50):>7.2f} {pct(values, 95):>7.2f} {pct(values, 99):>7.2f} "
            f"{statistics.mean(values) * 1000:>8.2f}"
        )
    if reasons:
        print("errors by status:", ", ".join(f"{k}: {v}" for k, v in sorted(reasons.items())))
    ratio = pct(results["fhir"], 99) / pct(results["ping"], 99)
    print(f"p99 ratio FHIR / empty endpoint: {ratio:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
