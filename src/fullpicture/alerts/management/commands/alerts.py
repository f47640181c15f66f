"""``fullpicture alerts sweep`` (every rule over every family) and
``fullpicture alerts export FILE.csv`` (one row per alert)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.alerts.services import alerts_export, concern_rules_run
from fullpicture.audit.services import Actor
from fullpicture.core.progress import progress_bar
from fullpicture.core.timings import timed
from fullpicture.sharing.policy import SystemAccessRefused


class Command(BaseCommand):
    help = "Run the cumulative-concern rules over every family, or export the alerts."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("sweep", help="Run every active rule over every family.")
        export = sub.add_parser("export", help="Write one CSV row per alert.")
        export.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sweep":
            try:
                with timed("alerts-sweep"), progress_bar("Families") as progress:
                    summary = concern_rules_run(progress=progress)
            except SystemAccessRefused as refused:
                raise CommandError(f"The policy point refused the sweep: {refused}") from None
            self.stdout.write(
                f"{summary.families} families: {summary.raised} alerts raised, "
                f"{summary.updated} updated."
            )
            if summary.to_administrators:
                self.stderr.write(
                    f"Warning: {summary.to_administrators} alert(s) were met by agencies of no "
                    "partnership and were raised to the hub's administrators (in the default "
                    "partnership): put those agencies in their partnership "
                    "(agency create --partnership) so the partnership's MASH hears of them."
                )
            return
        path: Path = options["file"]
        if not path.parent.exists():
            raise CommandError(f"no folder {path.parent}")
        rows = alerts_export(path=path, actor=Actor.system("alerts-export"))
        self.stdout.write(f"{rows} alerts written to {path}.")
