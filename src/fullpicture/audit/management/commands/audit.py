"""``fullpicture audit verify [--checkpoint FILE]`` walks the keyed hash chain (and checks it
against a signed checkpoint); ``fullpicture audit head [--out FILE]`` writes a signed
checkpoint of the head (docs/decisions/0080-keyed-ledger-and-checkpoints.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.audit.selectors import (
    CheckpointInvalid,
    checkpoint_parse,
    ledger_checkpoint,
    ledger_head,
    ledger_verify,
    ledger_verify_checkpoint,
)


class Command(BaseCommand):
    help = (
        "Verify the audit ledger's keyed hash chain (against a signed checkpoint with "
        "--checkpoint FILE), or write a signed checkpoint of its head (to --out FILE, or "
        "printed) to keep outside the hub."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "head"])
        parser.add_argument(
            "--checkpoint",
            metavar="FILE",
            help="verify: also prove that no event up to this signed checkpoint was removed "
            "or changed",
        )
        parser.add_argument(
            "--out",
            metavar="FILE",
            help="head: write the signed checkpoint to FILE instead of printing it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "head":
            if options["checkpoint"]:
                raise CommandError("--checkpoint goes with 'audit verify'; use --out FILE here")
            self._head(options["out"])
            return
        if options["out"]:
            raise CommandError("--out goes with 'audit head'; use --checkpoint FILE here")
        if options["checkpoint"]:
            path = Path(options["checkpoint"])
            try:
                checkpoint = checkpoint_parse(path.read_text(encoding="utf-8"))
            except OSError as error:
                raise CommandError(f"cannot read the checkpoint {path}: {error.strerror}") from None
            except CheckpointInvalid as error:
                raise CommandError(f"{path} is not a ledger checkpoint: {error}") from None
            result = ledger_verify_checkpoint(checkpoint=checkpoint)
        else:
            result = ledger_verify()
        if not result.ok and result.broken_seq is None:
            raise CommandError(f"checkpoint refused: {result.problem}")
        if not result.ok:
            raise CommandError(
                f"ledger broken at event #{result.broken_seq}: {result.problem} "
                f"({result.checked} events verified before it)"
            )
        seq, digest = ledger_head()
        line = f"ledger verified: {result.checked} events, head #{seq} {digest}"
        if options["checkpoint"]:
            line += f"; checkpoint #{checkpoint['seq']} of {checkpoint['at']} holds"
        self.stdout.write(line)

    def _head(self, out: str | None) -> None:
        checkpoint = ledger_checkpoint()
        text = json.dumps(checkpoint, sort_keys=True)
        if not out:
            self.stdout.write(text)
            return
        path = Path(out)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        except OSError as error:
            raise CommandError(f"cannot write the checkpoint {path}: {error.strerror}") from None
        self.stdout.write(
            f"checkpoint of event #{checkpoint['seq']} {checkpoint['hash']} written to {path}"
        )
