"""``fullpicture link [--engine duckdb|spark]``: link every record not yet linked.

Idempotent and resumable: results are written in chunks, each in its own
transaction, so a run killed midway is finished by the next one.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.audit.services import Actor
from fullpicture.core.progress import progress_bar
from fullpicture.core.timings import timed
from fullpicture.linkage.cli import link_with_lifecycle, say_model
from fullpicture.linkage.services import link_pending


class Command(BaseCommand):
    help = "Link every source record that is not linked yet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--engine",
            choices=["duckdb", "spark"],
            default="duckdb",
            help="Where Splink scores the pairs: DuckDB in process (default) or Spark "
            "(needs the [spark] extra).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("link")
        if options["engine"] == "spark":
            from fullpicture.linkage.spark import SparkUnavailable, spark_scoring

            try:
                with spark_scoring(), progress_bar("Linking (Spark)") as progress:
                    summary = link_pending(actor=actor, progress=progress)
            except SparkUnavailable as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"Linked {summary.linked}, review {summary.review}, "
                f"new persons {summary.new_person}."
            )
            say_model(self)
        else:
            with timed("link"):
                link_with_lifecycle(
                    self, lambda progress: link_pending(actor=actor, progress=progress)
                )
