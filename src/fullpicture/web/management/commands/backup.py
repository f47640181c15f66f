"""``fullpicture backup DIR``: the database and the data folder's own files, with a manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fullpicture.core.backup import backup_make


class Command(BaseCommand):
    help = "Back up the database (online) and the data folder's keys and models into DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="A new or empty folder.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = backup_make(folder=options["folder"])
        self.stdout.write(
            f"Backed up the {result.database} database (ledger head {result.ledger_seq}) and "
            f"{result.files - 1} file(s) of the data folder to {result.folder}."
        )
