"""``fullpicture import-items --agency CODE FILE.csv [--skip-bad-rows]``."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.audit.services import Actor
from fullpicture.core.csvfile import ImportRejected
from fullpicture.core.progress import progress_bar
from fullpicture.partnerships.models import Agency
from fullpicture.sharing.services import items_import_file


class Command(BaseCommand):
    help = "Import an agency's information items (events, facts, concerns) from CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", required=True, help="The agency's code.")
        parser.add_argument("--skip-bad-rows", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"unknown agency '{options['agency']}'")
        path: Path = options["file"]
        try:
            with progress_bar(f"Importing {path.name}") as progress:
                result = items_import_file(
                    agency=agency,
                    path=path,
                    actor=Actor.system("import-items"),
                    skip_bad_rows=options["skip_bad_rows"],
                    progress=progress,
                )
        except ImportRejected as exc:
            raise CommandError(
                f"{path.name}: nothing was stored; {len(exc.errors)} problem(s):\n"
                + "\n".join(f"  {e}" for e in exc.errors)
            ) from exc
        if result.rejected:
            rejects = path.with_name(path.stem + ".rejects.csv")
            with rejects.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(["row", "column", "problem"])
                for e in result.rejected:
                    writer.writerow([e.row, e.column, e.message])
            self.stderr.write(f"{len(result.rejected)} bad row(s) skipped; see {rejects}")
        self.stdout.write(
            f"{path.name}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
