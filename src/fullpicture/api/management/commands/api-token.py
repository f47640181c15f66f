"""``fullpicture api-token create --agency CODE --name NAME [--role ROLE]`` / ``revoke PREFIX``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.api.services import (
    TOKEN_ROLES,
    TokenRefused,
    api_token_create,
    api_token_revoke,
)
from fullpicture.audit.services import Actor


class Command(BaseCommand):
    help = "Issue or revoke an agency's API token (the secret is printed once)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue a token for an agency's system.")
        create.add_argument("--agency", required=True, help="Agency code, e.g. BPS.")
        create.add_argument("--name", default="agency system")
        create.add_argument("--role", default=TOKEN_ROLES[0], choices=TOKEN_ROLES)
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("cli")
        try:
            if options["action"] == "create":
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
