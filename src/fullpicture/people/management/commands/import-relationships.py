"""``fullpicture import-relationships FILE.csv``: relationships agencies recorded between
their own records (columns ``agency,from_source_id,to_source_id,relationship``; the kinds
are parent, partner, sibling, carer, other; ``parent`` means from is the parent of to).
All or nothing: a row naming an unknown agency or record, or a malformed row, refuses the
file with its row and column, and nothing is stored. The households of the persons named
are updated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fullpicture.core.commands import refused
from fullpicture.core.csvfile import ImportRejected, read_rows
from fullpicture.people.services import RELATIONSHIP_COLUMNS, relationships_import


class Command(BaseCommand):
    help = "Import relationships between agencies' records from CSV (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            rows = read_rows(path, columns=RELATIONSHIP_COLUMNS)
            created = relationships_import(rows=rows, file=path.name)
        except ImportRejected as exc:
            raise refused(path, exc) from None
        self.stdout.write(f"{len(rows)} rows read, {created} new relationships stored.")
