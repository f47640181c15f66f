"""``fullpicture role list | request | approve | refuse``: giving a practitioner a role takes
two people (docs/decisions/0064-four-eyes.md).

* ``request --user USERNAME --role ROLE --by USERNAME --reason TEXT``: an administrator or
  information-governance lead asks; nothing changes yet.
* ``approve ID --by USERNAME`` / ``refuse ID --by USERNAME``: a second one, of the
  practitioner's partnership, decides: never the one who asked, never the practitioner.
* ``list``: the open requests.

Refusals name the rule, change nothing and are ``denied`` ledger events. The Django admin
refuses to add the roles that widen access (MASH roles, IG lead, unscheduled-care
clinician, administrator): they come through here.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.partnerships.four_eyes import FourEyesRefused
from fullpicture.partnerships.models import (
    Practitioner,
    RoleCode,
    RoleRequest,
    RoleRequestStatus,
)
from fullpicture.partnerships.services import role_request_create, role_request_decide


def _user(username: str) -> Practitioner:
    user = Practitioner.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user '{username}'.")
    return user


class Command(BaseCommand):
    help = "Ask for, approve or refuse a practitioner's role (two people)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="open role requests")
        ask = sub.add_parser("request", help="ask for a role for a practitioner")
        ask.add_argument("--user", required=True, help="the practitioner who needs the role")
        ask.add_argument("--role", required=True, choices=RoleCode.values)
        ask.add_argument("--by", required=True, help="who asks (administrator or IG lead)")
        ask.add_argument("--reason", required=True)
        for name in ("approve", "refuse"):
            decide = sub.add_parser(name, help=f"{name} a role request (a second person)")
            decide.add_argument("request", type=int)
            decide.add_argument("--by", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            for r in RoleRequest.objects.filter(status=RoleRequestStatus.REQUESTED).select_related(
                "practitioner", "role", "requested_by"
            ):
                self.stdout.write(
                    f"{r.pk}: {r.role.code} for {r.practitioner.username}, asked by "
                    f"{r.requested_by.username}: {r.reason}"
                )
            return
        by = _user(options["by"])
        try:
            if action == "request":
                request = role_request_create(
                    requested_by=by,
                    practitioner=_user(options["user"]),
                    role_code=options["role"],
                    reason=options["reason"],
                )
                self.stdout.write(
                    f"Role request {request.pk}: {request.role.code} for "
                    f"{request.practitioner.username}. A second administrator or IG lead "
                    f"approves it: fullpicture role approve {request.pk} --by USERNAME"
                )
            else:
                request = role_request_decide(
                    approver=by, request_id=options["request"], approve=action == "approve"
                )
                self.stdout.write(f"Role request {request.pk}: {request.get_status_display()}.")
        except FourEyesRefused as refused:
            raise CommandError(str(refused)) from None
