"""``fullpicture linkage train | chart | report | models | use | relink | proposals | decide
| undo | auto-apply``: the model's life and match quality."""

from __future__ import annotations

from argparse import SUPPRESS as SUPPRESS_HELP
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.audit.services import Actor
from fullpicture.core.progress import progress_bar
from fullpicture.linkage.cli import relink_now, say_relink, say_trained
from fullpicture.linkage.lifecycle import ModelRefused, model_use, model_version_train
from fullpicture.linkage.models import ProposalStatus, RelinkProposal
from fullpicture.linkage.relink import (
    Conflict,
    RelinkStopped,
    relink_auto_set,
    relink_decide,
    relink_run,
    relink_start,
    relink_undo,
    relink_unfinished,
)
from fullpicture.linkage.selectors import (
    match_quality,
    model_current,
    model_current_path,
    model_dir,
    model_label,
    model_versions,
    train_min_records,
)
from fullpicture.partnerships.models import Partnership

# The person at the command line runs the installation: they decide as an administrator.
OPERATOR = Actor(id="system:linkage-cli", roles=frozenset({"administrator"}))


class Command(BaseCommand):
    help = "Train the linkage model, choose a version, relink, or report match quality."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="Fit the model on the records in the database.")
        train.add_argument("--seed", type=int, default=0)
        train.add_argument("--no-relink", action="store_true", help="Do not relink after.")
        chart = sub.add_parser("chart", help="Write Splink's charts of the model as HTML.")
        chart.add_argument("--out", type=Path, default=None)
        sub.add_parser("report", help="Match quality per agency.")
        sub.add_parser("models", help="The model versions, with what each learned from.")
        use = sub.add_parser("use", help="Use an earlier model version (roll back) or a file.")
        use.add_argument("version", help="default, model-v<N>, <N>, latest, or a model file")
        use.add_argument("--no-relink", action="store_true", help="Do not relink after.")
        relink = sub.add_parser("relink", help="Score every existing link again (resumes).")
        relink.add_argument(
            "--background", action="store_true", help="Leave it to the task worker."
        )
        relink.add_argument("--stop-after", type=int, default=None, help=SUPPRESS_HELP)
        sub.add_parser("proposals", help="Moves the new model proposed, waiting for review.")
        decide = sub.add_parser("decide", help="Accept or reject a proposed move.")
        decide.add_argument("proposal", type=int)
        group = decide.add_mutually_exclusive_group(required=True)
        group.add_argument("--accept", action="store_true")
        group.add_argument("--reject", action="store_true")
        decide.add_argument("--reason", required=True)
        undo = sub.add_parser("undo", help="Put back a move that was applied.")
        undo.add_argument("proposal", type=int)
        undo.add_argument("--reason", required=True)
        auto = sub.add_parser(
            "auto-apply", help="Let moves above a confidence apply themselves (or --off)."
        )
        auto.add_argument("--partnership", required=True, help="The partnership's name.")
        choice = auto.add_mutually_exclusive_group(required=True)
        choice.add_argument("--above", type=float, help="e.g. 0.999")
        choice.add_argument("--off", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action'].replace('-', '_')}")(options)

    def _train(self, options: dict[str, Any]) -> None:
        try:
            with progress_bar("Training") as progress:
                trained = model_version_train(
                    actor=Actor.system("linkage-train"),
                    reason="asked for (linkage train)",
                    progress=progress,
                    seed=options["seed"],
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Saved {trained.path}")
        say_trained(self, trained)
        self.stdout.write(trained.model.parameters())
        if not options["no_relink"]:
            relink_now(self, from_model=trained.previous)

    def _chart(self, options: dict[str, Any]) -> None:
        out = options["out"] or model_dir() / "charts"
        files = model_current().charts(out)
        self.stdout.write(f"Model {model_label(model_current_path())}:")
        for path in files:
            self.stdout.write(f"  {path}")

    def _models(self, options: dict[str, Any]) -> None:
        self.stdout.write(
            f"{'':2}{'version':<12}{'trained on':<22}{'records':>10}  {'trained (UTC)':<17}"
            f"{'link':>7}{'review':>8}  why"
        )
        for v in model_versions():
            mark = "* " if v.current else "  "
            source = {
                "partnership": "this partnership",
                "packaged": "packaged (synthetic)",
            }.get(v.trained_on, v.trained_on)
            when = (v.trained_at or "")[:16].replace("T", " ")
            pinned = " (pinned by linkage use)" if v.pinned else ""
            self.stdout.write(
                f"{mark}{v.label:<12}{source:<22}{v.training_records:>10,}  {when:<17}"
                f"{v.upper:>7.3g}{v.lower:>8.3g}  {v.reason}{pinned}"
            )
        self.stdout.write(
            f"* in use. The hub trains itself once {train_min_records():,} records are held, "
            "and again when they grow by half or the agency mix shifts."
        )

    def _use(self, options: dict[str, Any]) -> None:
        before = model_label(model_current_path())
        try:
            version = model_use(version=options["version"], actor=OPERATOR)
        except ModelRefused as exc:
            raise CommandError(f"model '{options['version']}' refused: {exc}") from exc
        self.stdout.write(f"Now using {version.describe()}.")
        if not options["no_relink"] and version.label != before:
            relink_now(self, from_model=before)

    def _relink(self, options: dict[str, Any]) -> None:
        run = relink_unfinished() or relink_start(from_model="links as they stand")
        if options["background"]:
            from fullpicture.linkage.tasks import relink

            relink.enqueue(run.pk)
            self.stdout.write(f"Relink run {run.pk} left to the task worker.")
            return
        try:
            with progress_bar("Relinking") as progress:
                summary = relink_run(
                    run=run,
                    actor=Actor.system("relink"),
                    progress=progress,
                    stop_after=options["stop_after"],
                )
        except RelinkStopped as exc:
            raise CommandError(f"relink run {run.pk} {exc}; run it again to finish") from exc
        say_relink(self, summary)

    def _proposals(self, options: dict[str, Any]) -> None:
        waiting = RelinkProposal.objects.filter(status=ProposalStatus.REVIEW).select_related(
            "record__agency", "other__agency", "run"
        )
        self.stdout.write(f"{'id':>6}  {'kind':<6}{'record':<28}{'with':<28}{'old':>7}{'new':>7}")
        for p in waiting.iterator():
            self.stdout.write(
                f"{p.pk:>6}  {p.kind:<6}"
                f"{p.record.agency.code + ':' + p.record.source_id:<28}"
                f"{p.other.agency.code + ':' + p.other.source_id:<28}"
                f"{_score(p.old_score):>7}{_score(p.new_score):>7}"
            )

    def _decide(self, options: dict[str, Any]) -> None:
        try:
            p = relink_decide(
                proposal_id=options["proposal"],
                accept=options["accept"],
                reason=options["reason"],
                actor=OPERATOR,
            )
        except Conflict as exc:
            raise CommandError("that proposal was decided already, or its records moved") from exc
        self.stdout.write(f"Proposal {p.pk}: {p.get_status_display().lower()}.")

    def _undo(self, options: dict[str, Any]) -> None:
        try:
            p = relink_undo(
                proposal_id=options["proposal"], reason=options["reason"], actor=OPERATOR
            )
        except Conflict as exc:
            raise CommandError("that move was not applied, or its record moved since") from exc
        self.stdout.write(f"Proposal {p.pk}: undone; the record is back where it was.")

    def _auto_apply(self, options: dict[str, Any]) -> None:
        partnership = Partnership.objects.filter(name=options["partnership"]).first()
        if partnership is None:
            raise CommandError(f"unknown partnership '{options['partnership']}'")
        above = None if options["off"] else options["above"]
        try:
            relink_auto_set(partnership_id=partnership.pk, above=above, actor=OPERATOR)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if above is None:
            self.stdout.write("Every move a new model proposes now waits for a reviewer.")
        else:
            self.stdout.write(
                f"Moves a new model is at least {above} sure of now apply themselves "
                "(each a ledger event, each can be undone); the rest wait for a reviewer."
            )

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


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
