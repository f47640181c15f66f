"""``fullpicture import-ssda903 --agency CODE HEADER.csv EPISODES.csv``: looked-after children."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.alerts.services import ssda903_import
from fullpicture.audit.services import Actor
from fullpicture.core.csvfile import ImportRejected
from fullpicture.partnerships.models import Agency


class Command(BaseCommand):
    help = "Import looked-after children from SSDA903 header and episodes files (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", type=Path, nargs="+")
        parser.add_argument(
            "--agency", required=True, help="The local authority's children's social care code."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"unknown agency '{options['agency']}'")
        paths: list[Path] = options["files"]
        try:
            result = ssda903_import(
                agency=agency, paths=paths, actor=Actor.system("import-ssda903")
            )
        except ImportRejected as exc:
            raise CommandError(
                f"nothing was stored; {len(exc.errors)} problem(s):\n"
                + "\n".join(f"  {e}" for e in exc.errors)
            ) from exc
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(
            f"Looked-after flags: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged; {result.records_created} new records."
        )
