"""``fullpicture api-token create --agency CODE --name NAME [--role ROLE]`` / ``revoke PREFIX``.

A role beyond what the agency's type allows (a school's system with the MASH role) takes
two people: ``request --agency CODE --name NAME --role ROLE --by USERNAME --reason TEXT``,
then ``approve ID --by OTHER`` (an administrator or IG lead of the agency's partnership,
never the one who asked), which prints the secret once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.api.services import (
    TOKEN_ROLES,
    TokenRefused,
    api_token_approve,
    api_token_create,
    api_token_request,
    api_token_revoke,
)
from fullpicture.audit.services import Actor
from fullpicture.partnerships.models import Practitioner


def _user(username: str) -> Practitioner:
    user = Practitioner.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user '{username}'.")
    return user


class Command(BaseCommand):
    help = "Issue or revoke an agency's API token (the secret is printed once)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue a token for an agency's system.")
        create.add_argument("--agency", required=True, help="Agency code, e.g. BPS.")
        create.add_argument("--name", default="agency system")
        create.add_argument("--role", default=TOKEN_ROLES[0], choices=TOKEN_ROLES)
        ask = sub.add_parser("request", help="Ask for a token with a role beyond its type.")
        ask.add_argument("--agency", required=True)
        ask.add_argument("--name", default="agency system")
        ask.add_argument("--role", required=True, choices=TOKEN_ROLES)
        ask.add_argument("--by", required=True, help="who asks (administrator or IG lead)")
        ask.add_argument("--reason", required=True)
        approve = sub.add_parser("approve", help="Approve a token request (a second person).")
        approve.add_argument("request", type=int)
        approve.add_argument("--by", required=True)
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("cli")
        try:
            if options["action"] == "request":
                request = api_token_request(
                    agency_code=options["agency"],
                    name=options["name"],
                    role=options["role"],
                    reason=options["reason"],
                    requested_by=_user(options["by"]),
                )
                self.stdout.write(
                    f"Token request {request.pk}: a second administrator or IG lead approves "
                    f"it with fullpicture api-token approve {request.pk} --by USERNAME"
                )
            elif options["action"] == "approve":
                issued = api_token_approve(
                    approver=_user(options["by"]), request_id=options["request"]
                )
                self.stdout.write(issued.secret)
                self.stderr.write(
                    f"Token {issued.token.prefix} for {issued.token.agency.code}: "
                    "copy it now, it is not stored and will not be shown again."
                )
            elif options["action"] == "create":
                issued = api_token_create(
                    agency_code=options["agency"],
                    name=options["name"],
                    role=options["role"],
                    actor=actor,
                )
                self.stdout.write(issued.secret)
                self.stderr.write(
                    f"Token {issued.token.prefix} for {issued.token.agency.code}: "
                    "copy it now, it is not stored and will not be shown again."
                )
            else:
                token = api_token_revoke(prefix=options["prefix"], actor=actor)
                self.stdout.write(f"Revoked {token.prefix}.")
        except TokenRefused as exc:
            raise CommandError(str(exc)) from exc
