"""What the linkage commands share: train when due, say which model linked, relink.

Every CLI run that links says which model it used and whether that model learned
this partnership's own records; when the hub has just trained itself, it shows
what changed and scores every existing link again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.management.base import BaseCommand

from fullpicture.audit.services import Actor
from fullpicture.core.progress import progress_bar
from fullpicture.linkage.lifecycle import Trained, model_refresh
from fullpicture.linkage.relink import RelinkSummary, relink_run, relink_start
from fullpicture.linkage.selectors import (
    TRAIN_OTHER_AGENCIES,
    agency_mix,
    model_in_use,
    train_min_records,
)
from fullpicture.linkage.services import LinkSummary
from fullpicture.people.models import SourceRecord

Progress = Callable[[int, int], None]
log = logging.getLogger(__name__)


def say_trained(command: BaseCommand, trained: Trained, *, top: int = 12) -> None:
    out = command.stdout
    out.write(
        f"Trained {trained.path.stem} on this partnership's "
        f"{trained.model.training_records:,} records ({trained.reason}); it is now in use "
        f"(before: {trained.previous})."
    )
    shown = [c for c in trained.changes if abs(c.change) >= 0.5][:top]
    if shown:
        out.write("Biggest changes in match weight (bits), before -> after:")
        for c in shown:
            out.write(f"  {c.comparison:<11} {c.level:<52} {c.before:+6.2f} -> {c.after:+6.2f}")
    for path in trained.charts:
        out.write(f"Chart: {path}")


def say_model(command: BaseCommand) -> None:
    used = model_in_use()
    line = f"Used {used.describe()}."
    if not used.own_data:
        held = SourceRecord.objects.count()
        if used.pinned:
            line += " (Chosen with `linkage use`: it will not train itself until you choose.)"
        elif held < train_min_records():
            line += (
                f" It trains itself on this partnership's records once {train_min_records():,} "
                f"are held ({held:,} now)."
            )
        elif held - max(agency_mix().values(), default=0) < TRAIN_OTHER_AGENCIES * held:
            line += (
                " It trains itself on this partnership's records once other agencies' "
                "records are held as well (one agency's file alone does not show how "
                "the same person looks in two agencies' records)."
            )
    command.stdout.write(line)


def say_relink(command: BaseCommand, summary: RelinkSummary) -> None:
    command.stdout.write(
        f"Relinked {summary.records:,} records with model {summary.model}: "
        f"{summary.confirmed:,} links confirmed, {summary.applied:,} moves applied "
        f"automatically, {summary.in_review:,} proposed moves waiting for review "
        "(`fullpicture linkage proposals`)."
    )


def relink_now(command: BaseCommand, *, from_model: str) -> RelinkSummary:
    run = relink_start(from_model=from_model)
    with progress_bar("Relinking") as progress:
        summary = relink_run(run=run, actor=Actor.system("relink"), progress=progress)
    say_relink(command, summary)
    return summary


def link_with_lifecycle(command: BaseCommand, link: Callable[[Progress], LinkSummary]) -> None:
    """Train first if due, link what is pending, say which model, relink if trained."""
    try:
        with progress_bar("Training on this partnership's records") as progress:
            trained = model_refresh(actor=Actor.system("linkage-train"), progress=progress)
    except (ValueError, RuntimeError) as exc:  # Splink could not estimate on these records
        log.warning("training on the partnership's records failed: %s", type(exc).__name__)
        command.stderr.write(
            f"warning: training on this partnership's records failed ({exc}); "
            "linking with the model in use"
        )
        trained = None
    if trained is not None:
        say_trained(command, trained)
    with progress_bar("Linking") as progress:
        summary = link(progress)
    command.stdout.write(
        f"Linked {summary.linked}, review {summary.review}, new persons {summary.new_person}."
    )
    say_model(command)
    if trained is not None:
        relink_now(command, from_model=trained.previous)
