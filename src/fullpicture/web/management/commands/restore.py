"""``fullpicture restore DIR``: put a backup back, then verify the ledger on the copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fullpicture.core.backup import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `fullpicture backup` over the configured database and "
        "data folder, then run `fullpicture audit verify` on it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        manifest = backup_restore(folder=options["folder"])
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}; the ledger verifies "
            f"(at least {manifest['ledger_head']['seq']} events)."
        )
