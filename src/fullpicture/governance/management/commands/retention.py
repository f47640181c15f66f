"""``fullpicture retention sweep [--apply] [--record TYPE:ID]``: report or dispose of what is due.

Without ``--apply`` it only reports. With it, records past their retention date are
anonymised or erased as their schedule says (information items too, through the sharing
app), records under legal hold are skipped (named, with the hold's reason), and one
ledger event records the sweep (ids and counts only; each item's disposal is an event of
its own). ``--record source_record:ID`` (or ``meeting:ID``, ``information_item:ID``)
sweeps one record and is refused, with nothing changed, if that record is under legal
hold. The command acts as the named system actor ``system:retention``, which the policy
point must allow.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.audit.services import Actor
from fullpicture.governance.retention import RECORD_TYPES, RetentionRefused, retention_sweep

ACTOR = Actor.system("retention")


def _record(value: str) -> tuple[str, int]:
    kind, _, ident = value.partition(":")
    if kind not in RECORD_TYPES or not ident.isdigit():
        raise CommandError(
            "--record takes source_record:ID, meeting:ID or information_item:ID, for example "
            "source_record:12"
        )
    return kind, int(ident)


class Command(BaseCommand):
    help = "Report records past their retention date; --apply anonymises or erases them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["sweep"])
        parser.add_argument("--apply", action="store_true", help="dispose of what is due")
        parser.add_argument(
            "--record",
            help="only this record: source_record:ID, meeting:ID or information_item:ID",
        )
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="judge due dates as of this day"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        only = _record(options["record"]) if options["record"] else None
        try:
            result = retention_sweep(
                actor=ACTOR, apply=options["apply"], today=options["today"], only=only
            )
        except RetentionRefused as refused:
            raise CommandError(str(refused)) from None
        by_kind = Counter(d.record_kind for d in result.due if not d.hold)
        self.stdout.write(
            f"Due for disposal: {sum(by_kind.values())} record(s)"
            + (": " + ", ".join(f"{k} {n}" for k, n in sorted(by_kind.items())) if by_kind else "")
            + f"; under legal hold: {len(result.skipped)}."
        )
        for message in result.messages:
            self.stdout.write(message)
        for item_id in result.items_kept_anonymised:
            self.stdout.write(
                f"Information item {item_id} was anonymised, not erased: a front-door contact "
                "still refers to it."
            )
        if result.applied:
            self.stdout.write(
                f"Disposed of {sum(result.disposed.values())} record(s); recorded as ledger "
                f"event #{result.ledger_seq}."
            )
        else:
            self.stdout.write("Nothing was changed. Run again with --apply to dispose of them.")
