"""``fullpicture import-records --agency CODE FILE.csv [--skip-bad-rows]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.audit.services import Actor
from fullpicture.core.commands import refused, write_rejects
from fullpicture.core.csvfile import ImportRejected
from fullpicture.core.progress import progress_bar
from fullpicture.core.timings import timed
from fullpicture.linkage.cli import link_with_lifecycle
from fullpicture.linkage.services import (
    MALFORMED_COLUMN_LIMIT,
    records_import_file,
    records_link,
)
from fullpicture.partnerships.models import Agency


class Command(BaseCommand):
    help = "Import an agency's records of people from CSV, then link them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", required=True, help="The agency's code.")
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="Store the good rows and write the rejects to FILE.rejects.csv.",
        )
        parser.add_argument("--no-link", action="store_true", help="Import without linking.")
        parser.add_argument(
            "--malformed-limit",
            type=float,
            default=MALFORMED_COLUMN_LIMIT * 100,
            metavar="PERCENT",
            help="Refuse the file when more than this share of an identifier column is "
            "malformed (default %(default).0f).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"unknown agency '{options['agency']}'")
        path: Path = options["file"]
        actor = Actor.system("import-records")
        try:
            with timed("import-records"), progress_bar(f"Importing {path.name}") as progress:
                result = records_import_file(
                    agency=agency,
                    path=path,
                    actor=actor,
                    skip_bad_rows=options["skip_bad_rows"],
                    progress=progress,
                    malformed_limit=options["malformed_limit"] / 100,
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
        if not options["no_link"]:
            link_with_lifecycle(
                self, lambda progress: records_link(actor=Actor.system("link"), progress=progress)
            )
