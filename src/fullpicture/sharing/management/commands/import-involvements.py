"""``fullpicture import-involvements --agency CODE FILE.csv [--skip-bad-rows]
[--current-to WHEN]``: who in the agency works with each person, and how to reach them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fullpicture.audit.services import Actor
from fullpicture.core.commands import refused, write_rejects
from fullpicture.core.csvfile import ImportRejected
from fullpicture.sharing.feeds import involvements_import_file
from fullpicture.sharing.management.options import agency_for, current_to_option


class Command(BaseCommand):
    help = "Import an agency's involvements (lead practitioner and contact details) from CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", required=True, help="The agency's code.")
        parser.add_argument("--skip-bad-rows", action="store_true")
        parser.add_argument("--current-to", help="When the list is current to (default: now).")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = agency_for(options["agency"])
        path: Path = options["file"]
        try:
            result = involvements_import_file(
                agency=agency,
                path=path,
                actor=Actor.system("import-involvements"),
                skip_bad_rows=options["skip_bad_rows"],
                current_to=current_to_option(options["current_to"]),
            )
        except ImportRejected as exc:
            raise refused(path, exc) from exc
        if result.rejected:
            write_rejects(self, path, result.rejected)
        self.stdout.write(
            f"{path.name}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
