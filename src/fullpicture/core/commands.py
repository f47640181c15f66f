"""Helpers the import commands share: refusing a file, and writing its rejected rows."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fullpicture.core.csvfile import ImportRejected, RowError, csv_writer


def write_rejects(command: BaseCommand, path: Path, rejected: list[RowError]) -> None:
    rejects = path.with_name(path.stem + ".rejects.csv")
    with rejects.open("w", newline="", encoding="utf-8") as fh:
        writer = csv_writer(fh)
        writer.writerow(["row", "column", "problem"])
        for e in rejected:
            writer.writerow([e.row, e.column, e.message])
    command.stderr.write(f"{len(rejected)} bad row(s) skipped; see {rejects}")


def refused(path: Path, exc: ImportRejected) -> CommandError:
    return CommandError(
        f"{path.name}: nothing was stored; {len(exc.errors)} problem(s):\n"
        + "\n".join(f"  {e}" for e in exc.errors)
    )
