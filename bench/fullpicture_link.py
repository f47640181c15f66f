"""The whole Django path at scale: import a synthetic population, link it, match in real time.

Runs against a fresh data folder (SQLite unless DATABASE_URL is set), so the figures
include the database writes, link history and the ledger, not only the engine.

    .venv/bin/python bench/fullpicture_link.py --people 60000            # ~100k records
    .venv/bin/python bench/fullpicture_link.py --people 60000 --engine spark
    .venv/bin/python bench/fullpicture_link.py --people 600000 --engine-only  # ~1M, engine only
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=60000)
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    parser.add_argument("--engine-only", action="store_true")
    parser.add_argument("--realtime", type=int, default=1000, help="records to match one by one")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="fp-bench-"))
    os.environ.setdefault("FULLPICTURE_HOME", str(home))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fullpicture.config.settings.local")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import logging

    logging.disable(logging.INFO)
    import django

    django.setup()
    from django.core.management import call_command

    from fullpicture.linkage.engine import synth_population

    figures: dict[str, object] = {"people": args.people, "engine": args.engine}
    data = home / "population"
    t = time.perf_counter()
    synth_population(args.people, data, seed=args.seed)
    figures["synth_s"] = round(time.perf_counter() - t, 1)

    if args.engine_only:
        from fullpicture.linkage.engine import link_batch
        from fullpicture.linkage.engine.synth import load_population
        from fullpicture.linkage.selectors import model_current

        recs, _truth = load_population(data)
        figures["records"] = len(recs)
        t = time.perf_counter()
        if args.engine == "spark":
            from fullpicture.linkage.spark import spark_scoring

            with spark_scoring():
                out = link_batch(recs, model=model_current())
        else:
            out = link_batch(recs, model=model_current())
        figures["link_batch_s"] = round(time.perf_counter() - t, 1)
        figures["assignments"] = len(out)
        figures["peak_rss_mb"] = round(peak_rss_mb())
        print(json.dumps(figures))
        return

    call_command("migrate", verbosity=0)
    from fullpicture.audit.services import Actor
    from fullpicture.linkage.services import link_pending, record_match, records_import_file
    from fullpicture.partnerships.models import Agency, Partnership
    from fullpicture.people.models import SourceRecord

    partnership = Partnership.objects.create(code="E06009999", name="Benchshire")
    types = {"hospital": "acute_hospital"}
    files = sorted(p for p in data.glob("*.csv") if p.name != "truth.csv")
    held_out = files[0]  # matched one by one in real time at the end
    t = time.perf_counter()
    for path in files:
        name = path.stem
        agency = Agency.objects.create(
            code=name.upper()[:12], name=name, type=types.get(name, name), partnership=partnership
        )
        if path != held_out:
            records_import_file(agency=agency, path=path, actor=Actor.system("bench"))
    figures["import_s"] = round(time.perf_counter() - t, 1)
    figures["records"] = SourceRecord.objects.count()

    t = time.perf_counter()
    if args.engine == "spark":
        from fullpicture.linkage.spark import spark_scoring

        with spark_scoring():
            summary = link_pending(actor=Actor.system("bench"))
    else:
        summary = link_pending(actor=Actor.system("bench"))
    figures["link_s"] = round(time.perf_counter() - t, 1)
    figures["linked"], figures["review"], figures["new"] = (
        summary.linked,
        summary.review,
        summary.new_person,
    )

    agency = Agency.objects.get(code=held_out.stem.upper()[:12])
    records_import_file(agency=agency, path=held_out, actor=Actor.system("bench"))
    arriving = list(SourceRecord.objects.filter(agency=agency).order_by("id")[: args.realtime])
    t = time.perf_counter()
    record_match(record=arriving[0])
    figures["realtime_index_build_s"] = round(time.perf_counter() - t, 1)
    times = []
    for record in arriving[1:]:
        t = time.perf_counter()
        record_match(record=record)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    figures["realtime_ms_p50"] = round(statistics.median(times), 2)
    figures["realtime_ms_p95"] = round(times[int(len(times) * 0.95)], 2)
    figures["realtime_ms_p99"] = round(times[int(len(times) * 0.99)], 2)
    figures["peak_rss_mb"] = round(peak_rss_mb())
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
