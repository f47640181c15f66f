"""``fullpicture learning-review --person ID --from DATE --to DATE --out DIR``.

Writes the review as ``learning-review-N-<time>.json`` (one entry per event, each naming
its agency) and ``.pdf`` (one lane per agency) into DIR. No one signs in: the command
acts as the named system actor ``system:learning-review`` with the purpose
``learning_review``, and needs a learning review an information-governance lead has
approved for that person (or ``--household ID``) covering the period. With
``--requested-by USERNAME --approved-by OTHER`` (two different IG leads of one
partnership: whoever asks never approves) it requests and approves one first, recording
both in the ledger. Without approval it is refused and nothing is read. Items are read
through the review grant the approval created: every item about the people in scope,
restricted ones included (docs/decisions/0054-review-grants.md).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from fullpicture.core.csvfile import write_bytes_whole
from fullpicture.governance.learning import (
    ACTOR,
    LearningReviewRefused,
    approved_review_covering,
    learning_review_approver_problem,
    learning_review_decide,
    learning_review_export,
    learning_review_request,
)
from fullpicture.partnerships.four_eyes import refusal_record
from fullpicture.partnerships.models import Practitioner


class Command(BaseCommand):
    help = "Export an approved learning review (who knew what, when) as JSON and PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--person", type=int, help="the person's id")
        scope.add_argument("--household", type=int, help="the household's id")
        parser.add_argument("--from", dest="date_from", type=dt.date.fromisoformat, required=True)
        parser.add_argument("--to", dest="date_to", type=dt.date.fromisoformat, required=True)
        parser.add_argument("--out", type=Path, required=True, help="folder to write into")
        parser.add_argument(
            "--requested-by",
            help="username of the information-governance lead who asks for the review",
        )
        parser.add_argument(
            "--approved-by",
            help="username of another information-governance lead, who approves it now",
        )
        parser.add_argument(
            "--key-date", type=dt.date.fromisoformat, help="e.g. the date of a child's death"
        )
        parser.add_argument(
            "--terms", default="Learning review", help="terms of reference, if approving now"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scope = {"person_id": options["person"], "household_id": options["household"]}
        period = (options["date_from"], options["date_to"])
        if period[0] > period[1]:
            raise CommandError("--from must be on or before --to.")
        review = approved_review_covering(**scope, period_from=period[0], period_to=period[1])
        try:
            if review is None:
                if not options["approved_by"]:
                    raise CommandError(
                        "No approved learning review covers this scope and period, so nothing "
                        "was read. Ask an information-governance lead to approve one, or run "
                        "again with --requested-by USERNAME --approved-by OTHER (two IG leads)."
                    )
                lead = self._user(options["approved_by"])
                asker = self._user(options["requested_by"] or "")
                problem = learning_review_approver_problem(approver=lead, requested_by=asker)
                if problem is not None:  # refused before anything is stored
                    refusal_record(actor=ACTOR, object_type="learning_review", rule=problem[0])
                    raise CommandError(problem[1])
                with transaction.atomic():  # a refused approval leaves no request behind
                    review = learning_review_request(
                        actor=ACTOR,
                        requested_by=asker,
                        **scope,
                        period_from=period[0],
                        period_to=period[1],
                        key_date=options["key_date"],
                        terms_of_reference=options["terms"],
                    )
                    review = learning_review_decide(
                        approver=lead, review_id=review.pk, approve=True
                    )
            export = learning_review_export(review_id=review.pk, within=period)
        except LearningReviewRefused as refused:
            raise CommandError(str(refused)) from None
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        json_path = out / f"{export.stem}.json"
        pdf_path = out / f"{export.stem}.pdf"
        # The export's ledger event has committed (in the service); each file then
        # appears whole or not at all.
        write_bytes_whole(json_path, export.json_bytes)
        write_bytes_whole(pdf_path, export.pdf_bytes)
        s = export.summary
        line = f"Wrote {json_path} and {pdf_path}: {s['events']} events"
        if s["key_date"]:
            line += (
                f"; before {s['key_date']}, {len(s['agencies_holding_pieces_before_key_date'])} "
                f"agencies held {s['items_before_key_date']} pieces"
            )
        self.stdout.write(line + ".")

    def _user(self, username: str) -> Practitioner:
        if not username:
            raise CommandError(
                "--approved-by needs --requested-by: name the IG lead who asks for the review "
                "(another one than the approver)."
            )
        user = Practitioner.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user '{username}'.")
        return user
