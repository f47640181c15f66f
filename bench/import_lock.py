"""How long an import holds SQLite's write lock, and the process's peak memory.

Builds the item feed's benchmark data (``bench/feeds.py``: one agency, 20,000 persons'
records, a CSV of 100,000 items) in a fresh SQLite database in a temporary folder, then
runs ``items_import_file`` while a probe thread, on a connection of its own, takes the
write lock (``BEGIN IMMEDIATE`` ... ``COMMIT``) again and again, as a page view's ledger
event does. The longest the probe waited is the longest any page would have waited: the
import's longest hold of the write lock. Prints it, the number of probes, the import's
wall time and the peak resident memory (``ru_maxrss``). A measurement, never a test.

    .venv/bin/python bench/import_lock.py [--items 100000]
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import feeds  # noqa: E402  (the item feed's benchmark data)


class Probe(threading.Thread):
    def __init__(self, database: Path) -> None:
        super().__init__(daemon=True)
        self.database = database
        self.stop = threading.Event()
        self.waits: list[float] = []

    def run(self) -> None:
        con = sqlite3.connect(self.database, timeout=600, isolation_level=None)
        while not self.stop.is_set():
            began = time.perf_counter()
            con.execute("BEGIN IMMEDIATE")
            con.execute("COMMIT")
            self.waits.append(time.perf_counter() - began)
            self.stop.wait(0.02)
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fp-bench-lock-") as tmp:
        folder = Path(tmp)
        feeds.setup_django(folder)
        from django.db import connection

        if connection.vendor != "sqlite":
            raise SystemExit("this benchmark measures SQLite's write lock")
        path = feeds.build(items=args.items, persons=args.persons, folder=folder, seed=6)
        probe = Probe(Path(connection.settings_dict["NAME"]))
        probe.start()
        seconds, _cpu, result = feeds.feed(path)
        probe.stop.set()
        probe.join()
        waits = sorted(probe.waits)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{args.items:,} items: import {seconds:.1f} s ({result.created:,} created)")  # type: ignore[attr-defined]
        print(
            f"write-lock probes: {len(waits)}; longest wait {waits[-1]:.2f} s; "
            f"median {waits[len(waits) // 2] * 1000:.1f} ms"
        )
        print(f"peak resident memory: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
