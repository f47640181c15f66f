"""``fullpicture audit verify`` walks the hash chain; ``fullpicture audit head`` prints its head."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.audit.selectors import ledger_head, ledger_verify


class Command(BaseCommand):
    help = "Verify the audit ledger's hash chain, or print its head hash for publication."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "head"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "head":
            seq, digest = ledger_head()
            self.stdout.write(f"{seq} {digest}")
            return
        result = ledger_verify()
        if not result.ok:
            raise CommandError(
                f"ledger broken at event #{result.broken_seq}: {result.problem} "
                f"({result.checked} events verified before it)"
            )
        seq, digest = ledger_head()
        self.stdout.write(f"ledger verified: {result.checked} events, head #{seq} {digest}")
