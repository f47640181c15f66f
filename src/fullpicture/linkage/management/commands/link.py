"""``fullpicture link``: link every record not yet linked (idempotent, resumable)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fullpicture.audit.services import Actor
from fullpicture.core.progress import progress_bar
from fullpicture.linkage.services import link_pending


class Command(BaseCommand):
    help = "Link every source record that is not linked yet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")

    def handle(self, *args: Any, **options: Any) -> None:
        with progress_bar("Linking") as progress:
            summary = link_pending(actor=Actor.system("link"), progress=progress)
        self.stdout.write(
            f"Linked {summary.linked}, review {summary.review}, new persons {summary.new_person}."
        )
