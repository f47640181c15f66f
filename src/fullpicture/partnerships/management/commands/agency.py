"""``fullpicture agency create --code CODE --name NAME --type TYPE [--partnership P]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.audit.services import Actor
from fullpicture.partnerships.models import AgencyType
from fullpicture.partnerships.services import AgencyError, agency_create


class Command(BaseCommand):
    help = "Manage agencies."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create an agency.")
        create.add_argument("--code", required=True)
        create.add_argument("--name", required=True)
        create.add_argument("--type", required=True, choices=AgencyType.values)
        create.add_argument("--partnership", default="", help="Partnership code or name.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            agency = agency_create(
                code=options["code"],
                name=options["name"],
                type=options["type"],
                partnership=options["partnership"],
                actor=Actor.system("cli"),
            )
        except AgencyError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Created agency {agency.code}: {agency.name}")
        if not options["partnership"] and agency.partnership is not None:
            self.stdout.write(
                f"No --partnership given: {agency.code} is in the hub's default partnership, "
                f"{agency.partnership.name} ({agency.partnership.code}); name its own "
                "partnership with --partnership so its alerts reach that partnership's MASH."
            )
