"""``fullpicture sar --person ID --out DIR --as USERNAME``: a subject access export.

Writes ``subject-access-person-ID-<time>.json`` and ``.pdf`` into DIR. The export
is made as the named IG lead (the policy point decides what they may see for
subject access, and the ledger records them); a command never reads without an
accountable actor.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.core.csvfile import write_bytes_whole
from fullpicture.governance.services import (
    NotFound,
    may_answer_subject_access,
    subject_access_export,
)
from fullpicture.partnerships.models import Practitioner


class Command(BaseCommand):
    help = "Export everything held about a person, redacted, as JSON and PDF (subject access)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--person", type=int, required=True, help="the person's id")
        parser.add_argument("--out", type=Path, required=True, help="folder to write into")
        parser.add_argument(
            "--as",
            dest="username",
            default="",
            help="username of the information-governance lead answering the request "
            "(may be left out when the installation has exactly one active IG lead)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["username"]:
            viewer = Practitioner.objects.filter(
                username=options["username"], is_active=True
            ).first()
        else:
            leads = list(
                Practitioner.objects.filter(is_active=True, roles__code="ig_lead").distinct()[:2]
            )
            if len(leads) != 1:
                raise CommandError(
                    "Name the information-governance lead answering the request with --as."
                )
            viewer = leads[0]
        if viewer is None or not may_answer_subject_access(viewer=viewer):
            raise CommandError("--as must name an active information-governance lead.")
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        try:
            export = subject_access_export(viewer=viewer, person_id=options["person"])
        except NotFound:
            raise CommandError(
                f"No person {options['person']} that this IG lead may see."
            ) from None
        json_path = out / f"{export.stem}.json"
        pdf_path = out / f"{export.stem}.pdf"
        # The export's ledger event has committed (in the service); each file then
        # appears whole or not at all.
        write_bytes_whole(json_path, export.json_bytes)
        write_bytes_whole(pdf_path, export.pdf_bytes)
        self.stdout.write(
            f"Wrote {json_path} and {pdf_path}: {export.records} records, {export.items} items, "
            f"{sum(e.count for e in export.redactions)} redactions."
        )
