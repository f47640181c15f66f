"""``fullpicture legal-hold list | place | lift-request | lift``: legal holds, four eyes.

* ``list``: the live holds (ids, what they hold, the reason, whether ending was asked).
* ``place --by USERNAME --reason TEXT (--person ID | --record TYPE:ID)``: place a hold.
* ``lift-request HOLD --by USERNAME --reason TEXT``: an information-governance lead asks
  to end a hold; it stays in place.
* ``lift HOLD --by USERNAME``: a second information-governance lead ends it: never the
  one who placed it, never the one who asked to end it. Refusals name the rule, change
  nothing and are ``denied`` ledger events.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.governance.models import LegalHold
from fullpicture.governance.retention import (
    RECORD_TYPES,
    RetentionRefused,
    legal_hold_lift,
    legal_hold_lift_request,
    legal_hold_place,
)
from fullpicture.partnerships.models import Practitioner, RoleCode


def _ig_lead(username: str) -> Practitioner:
    user = Practitioner.objects.filter(username=username, is_active=True).first()
    if user is None or not user.has_role(RoleCode.IG_LEAD.value):
        raise CommandError(f"--by must name an active information-governance lead: '{username}'.")
    return user


class Command(BaseCommand):
    help = "List, place and end legal holds (ending one takes two IG leads)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="the live holds")
        place = sub.add_parser("place", help="place a hold")
        place.add_argument("--by", required=True, help="the IG lead placing it")
        place.add_argument("--reason", required=True)
        what = place.add_mutually_exclusive_group(required=True)
        what.add_argument("--person", type=int)
        what.add_argument("--record", help="source_record:ID, meeting:ID or information_item:ID")
        ask = sub.add_parser("lift-request", help="ask to end a hold")
        ask.add_argument("hold", type=int)
        ask.add_argument("--by", required=True, help="the IG lead asking")
        ask.add_argument("--reason", required=True)
        lift = sub.add_parser("lift", help="end a hold someone else asked to end")
        lift.add_argument("hold", type=int)
        lift.add_argument("--by", required=True, help="a second IG lead")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            for hold in LegalHold.objects.filter(lifted_at__isnull=True).order_by("pk"):
                what = f"person {hold.person_id}" if hold.person_id else ""
                what = what or f"{hold.record_type} {hold.record_id}"
                asked = " (ending asked for)" if hold.lift_requested_by_id else ""
                self.stdout.write(f"{hold.pk}: {what}: {hold.reason}{asked}")
            return
        user = _ig_lead(options["by"])
        try:
            if action == "place":
                record = None
                if options["record"]:
                    kind, _, ident = options["record"].partition(":")
                    if kind not in RECORD_TYPES or not ident.isdigit():
                        raise CommandError("--record takes TYPE:ID, for example source_record:12")
                    record = (kind, int(ident))
                hold = legal_hold_place(
                    actor=user.actor,
                    reason=options["reason"],
                    person_id=options["person"],
                    record=record,
                    placed_by_id=user.pk,
                )
                self.stdout.write(f"Placed legal hold {hold.pk}.")
            elif action == "lift-request":
                hold = legal_hold_lift_request(
                    user=user, hold_id=options["hold"], reason=options["reason"]
                )
                self.stdout.write(
                    f"Asked to end legal hold {hold.pk}: it stays until a second "
                    "information-governance lead ends it."
                )
            else:
                hold = legal_hold_lift(user=user, hold_id=options["hold"])
                self.stdout.write(f"Ended legal hold {hold.pk}.")
        except RetentionRefused as refused:
            raise CommandError(str(refused)) from None
