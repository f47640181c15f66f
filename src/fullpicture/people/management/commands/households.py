"""``fullpicture households update | rebuild --reason R | merge | split``.

``update`` brings every household up to date with the evidence (as linking does for the
persons it touches). ``rebuild`` is the explicit, audited repair: every address worked
out again and every household formed afresh from all the evidence, applied as an update
(ids kept, merged ones redirected). ``merge`` and ``split`` are a practitioner's
decisions, refused when the household changed since its version was read.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.audit.services import Actor
from fullpicture.people.households import (
    HouseholdConflict,
    HouseholdSummary,
    household_merge,
    household_split,
    households_rebuild,
    households_update,
)
from fullpicture.people.models import Household, HouseholdStatus


class Command(BaseCommand):
    help = "Update, repair, merge or split households."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("update", help="Bring every household up to date with the evidence.")
        rebuild = sub.add_parser("rebuild", help="The audited repair: form every household again.")
        rebuild.add_argument("--reason", required=True, help="Why the repair is needed.")
        merge = sub.add_parser("merge", help="Two households are one family.")
        merge.add_argument("keep", type=int)
        merge.add_argument("other", type=int)
        merge.add_argument("--keep-version", type=int, required=True)
        merge.add_argument("--other-version", type=int, required=True)
        merge.add_argument("--reason", required=True)
        split = sub.add_parser("split", help="Some members are a family of their own.")
        split.add_argument("household", type=int)
        split.add_argument("--version", type=int, required=True)
        split.add_argument("--persons", required=True, help="Person ids, comma separated.")
        split.add_argument("--reason", required=True)

    def _say(self, summary: HouseholdSummary) -> None:
        active = Household.objects.filter(status=HouseholdStatus.ACTIVE).count()
        self.stdout.write(
            f"{active} households: {summary.created} formed, {summary.changed} changed, "
            f"{summary.merged} merged, {summary.split} split off, {summary.ended} ended; "
            f"{summary.shared_addresses} shared addresses (never a household)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("households-command")
        action = options["action"]
        try:
            if action == "update":
                self._say(households_update(actor=actor))
            elif action == "rebuild":
                try:
                    self._say(households_rebuild(actor=actor, reason=options["reason"]))
                except ValueError as exc:
                    raise CommandError(str(exc)) from None
            elif action == "merge":
                kept = household_merge(
                    actor=actor,
                    keep_id=options["keep"],
                    keep_version=options["keep_version"],
                    other_id=options["other"],
                    other_version=options["other_version"],
                    reason=options["reason"],
                )
                self.stdout.write(
                    f"Household {options['other']} merged into {kept.pk} "
                    f"(now version {kept.version})."
                )
            else:
                try:
                    persons = [int(p) for p in options["persons"].split(",") if p.strip()]
                except ValueError:
                    raise CommandError("--persons must be person ids, e.g. 12,15") from None
                household = household_split(
                    actor=actor,
                    household_id=options["household"],
                    version=options["version"],
                    person_ids=persons,
                    reason=options["reason"],
                )
                self.stdout.write(
                    f"Household {household.pk} split (now version {household.version})."
                )
        except HouseholdConflict as exc:
            raise CommandError(str(exc)) from None
