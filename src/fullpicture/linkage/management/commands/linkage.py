"""``fullpicture linkage train | chart [--out DIR] | report``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.audit.services import Actor
from fullpicture.core.progress import progress_bar
from fullpicture.linkage.selectors import (
    match_quality,
    model_current,
    model_current_path,
    model_dir,
    model_label,
)
from fullpicture.linkage.services import model_train


class Command(BaseCommand):
    help = "Train the linkage model, chart it, or report match quality per agency."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="Fit the model on the records in the database.")
        train.add_argument("--seed", type=int, default=0)
        chart = sub.add_parser("chart", help="Write Splink's charts of the model as HTML.")
        chart.add_argument("--out", type=Path, default=None)
        sub.add_parser("report", help="Match quality per agency.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _train(self, options: dict[str, Any]) -> None:
        try:
            with progress_bar("Training") as progress:
                model, path = model_train(
                    actor=Actor.system("linkage-train"), progress=progress, seed=options["seed"]
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Saved {path}\n")
        self.stdout.write(model.parameters())

    def _chart(self, options: dict[str, Any]) -> None:
        out = options["out"] or model_dir() / "charts"
        files = model_current().charts(out)
        self.stdout.write(f"Model {model_label(model_current_path())}:")
        for path in files:
            self.stdout.write(f"  {path}")

    def _report(self, options: dict[str, Any]) -> None:
        rows = match_quality()
        header = (
            f"{'agency':<14}{'records':>9}{'NHS no.':>9}{'by id':>8}{'model':>8}"
            f"{'review':>8}{'new':>8}{'joined':>8}{'matched':>9}{'min':>7}"
            f"{'malformed':>11}{'bad check':>11}  ready"
        )
        self.stdout.write(header)
        for q in rows:
            self.stdout.write(
                f"{q.agency_code:<14}{q.records:>9}"
                f"{q.percent(q.valid_nhs):>8.1f}%{q.percent(q.by_identifier):>7.1f}%"
                f"{q.percent(q.by_model + q.by_reviewer):>7.1f}%{q.percent(q.in_review):>7.1f}%"
                f"{q.percent(q.new):>7.1f}%{q.percent(q.joined):>7.1f}%{q.matched_percent:>8.1f}%"
                f"{float(q.minimum_percent):>6.0f}%{q.malformed_ids:>11}{q.failed_check_ids:>11}"
                f"  {'ready' if q.ready else 'NOT READY'}"
            )
