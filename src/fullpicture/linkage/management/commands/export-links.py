"""``fullpicture export-links FILE.csv``: one row per source record and its person."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.core.csvfile import csv_writer, file_after_audit
from fullpicture.linkage.selectors import EXPORT_COLUMNS, link_rows


class Command(BaseCommand):
    help = "Write agency, source_id, person_id, method, score for every source record."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a folder")

        def write(handle: IO[str]) -> int:
            writer = csv_writer(handle)
            writer.writerow(EXPORT_COLUMNS)
            count = 0
            for row in link_rows():
                writer.writerow(row)
                count += 1
            return count

        def audit(rows: int) -> None:
            ledger_record(
                actor=Actor.system("export-links"),
                action=Action.EXPORT,
                object_type="record_links",
                details={"rows": rows},
            )

        # The file appears only once its ledger event has committed.
        count = file_after_audit(path, write=write, audit=audit)
        self.stdout.write(f"Wrote {count} links to {path}.")
