"""``fullpicture export-links FILE.csv``: one row per source record and its person."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.linkage.selectors import EXPORT_COLUMNS, link_rows


class Command(BaseCommand):
    help = "Write agency, source_id, person_id, method, score for every source record."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a folder")
        tmp = path.with_name(path.name + ".tmp")
        count = 0
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(EXPORT_COLUMNS)
            for row in link_rows():
                writer.writerow(row)
                count += 1
        tmp.replace(path)
        ledger_record(
            actor=Actor.system("export-links"),
            action=Action.EXPORT,
            object_type="record_links",
            details={"rows": count},
        )
        self.stdout.write(f"Wrote {count} links to {path}.")
