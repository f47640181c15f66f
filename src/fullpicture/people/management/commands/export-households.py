"""``fullpicture export-households FILE.csv``: one row per spell of a person in a household
(household_id, person_id, basis, from, to), recorded in the ledger before the file is
written. Ids, bases and dates only: no names, no addresses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.audit.services import Actor
from fullpicture.people.households import households_export


class Command(BaseCommand):
    help = "Write every household's members (current and former) with basis and dates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.parent.exists():
            raise CommandError(f"no folder {path.parent}")
        rows = households_export(path=path, actor=Actor.system("households-export"))
        self.stdout.write(f"{rows} household memberships written to {path}.")
