"""``fullpicture synth --people N --out DIR``: a synthetic, household-heavy population."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.linkage.engine import synth_population


class Command(BaseCommand):
    help = (
        "Write per-agency CSVs (the import-records format) of fictional people, with "
        "twins, siblings, parents and children sharing names and addresses, moves, "
        "typos and missing identifiers, truth.csv (agency, source_id, person_key) and "
        "households.csv (person_key, household_key)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, required=True)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--malformed",
            type=float,
            default=0.0,
            metavar="PERCENT",
            help="Write this share of identifier values malformed (as real extracts do).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        people: int = options["people"]
        if people < 1:
            raise CommandError("--people must be at least 1")
        out: Path = options["out"]
        if not 0 <= options["malformed"] <= 100:
            raise CommandError("--malformed must be a percentage from 0 to 100")
        synth_population(people, out, seed=options["seed"], malformed=options["malformed"] / 100)
        files = sorted(p.name for p in out.glob("*.csv"))
        self.stdout.write(f"Wrote {', '.join(files)} to {out}.")
