"""``fullpicture import-items --agency CODE FILE.csv [--skip-bad-rows] [--current-to WHEN]
[--covers-from DATE] [--area 'ST1 ST2'] [--ages MIN-MAX]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.audit.services import Actor
from fullpicture.core.commands import refused, write_rejects
from fullpicture.core.csvfile import ImportRejected, parse_date
from fullpicture.core.progress import progress_bar
from fullpicture.core.timings import timed
from fullpicture.sharing.feeds import Coverage, items_import_file
from fullpicture.sharing.management.options import agency_for, current_to_option


def coverage_options(options: dict[str, Any]) -> Coverage | None:
    covers_from = area = low = high = None
    if options.get("covers_from"):
        try:
            covers_from = parse_date(options["covers_from"])
        except ValueError as exc:
            raise CommandError("--covers-from must be a date, YYYY-MM-DD") from exc
    if options.get("area") is not None:
        area = options["area"]
    if options.get("ages"):
        first, _, last = options["ages"].partition("-")
        try:
            low, high = int(first), int(last)
        except ValueError as exc:
            raise CommandError("--ages must be MIN-MAX in whole years, e.g. 0-17") from exc
    if covers_from is None and area is None and low is None:
        return None
    return Coverage(covers_from=covers_from, area=area, min_age=low, max_age=high)


class Command(BaseCommand):
    help = "Import an agency's information items (events, facts, concerns) from CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", required=True, help="The agency's code.")
        parser.add_argument("--skip-bad-rows", action="store_true")
        parser.add_argument(
            "--current-to", help="When the extract is complete to (default: latest recorded_at)."
        )
        parser.add_argument("--covers-from", help="The earliest date the feed holds (YYYY-MM-DD).")
        parser.add_argument("--area", help="Postcode districts covered, e.g. 'ST1 ST2 ST3'.")
        parser.add_argument("--ages", help="Ages covered in whole years, MIN-MAX, e.g. 0-17.")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = agency_for(options["agency"])
        path: Path = options["file"]
        current_to = current_to_option(options["current_to"])
        coverage = coverage_options(options)
        try:
            with timed("import-items"), progress_bar(f"Importing {path.name}") as progress:
                result = items_import_file(
                    agency=agency,
                    path=path,
                    actor=Actor.system("import-items"),
                    skip_bad_rows=options["skip_bad_rows"],
                    progress=progress,
                    current_to=current_to,
                    coverage=coverage,
                )
        except ImportRejected as exc:
            raise refused(path, exc) from exc
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        if result.rejected:
            write_rejects(self, path, result.rejected)
        self.stdout.write(
            f"{path.name}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
