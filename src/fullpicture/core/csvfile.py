"""Reading agency CSV extracts with errors that name file, row and column.

Row numbers count the header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone


@dataclass(frozen=True)
class RowError:
    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


class ImportRejected(Exception):
    """The whole file was refused; nothing was stored."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


def read_rows(
    path: Path, *, columns: Sequence[str], optional: Sequence[str] = ()
) -> list[tuple[int, dict[str, str]]]:
    """Read a CSV file whose header must be exactly ``columns`` (in any order), with
    any of the ``optional`` columns (a row has an optional column's key only when the
    file has that column).

    Raises ``ImportRejected`` naming the file for an unreadable file, a missing
    or an extra column. Returns (row number, row) pairs with values stripped.
    """
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportRejected(
            [RowError(name, 0, "", f"cannot read the file ({exc.strerror})")]
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected([RowError(name, 0, "", "the file is not UTF-8 text")]) from exc
    return parse_rows(text, name=name, columns=columns, optional=optional)


def parse_rows(
    text: str, *, name: str, columns: Sequence[str], optional: Sequence[str] = ()
) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration as exc:
        raise ImportRejected([RowError(name, 1, "", "the file is empty: no header row")]) from exc
    except csv.Error as exc:
        raise ImportRejected([RowError(name, 1, "", f"not a readable CSV file ({exc})")]) from exc
    header = [h.strip() for h in header]
    errors: list[RowError] = []
    missing = [c for c in columns if c not in header]
    extra = [h for h in header if h not in columns and h not in optional]
    if missing:
        errors.append(RowError(name, 1, ", ".join(missing), "missing column(s)"))
    if extra:
        errors.append(RowError(name, 1, ", ".join(extra), "unexpected column(s)"))
    if len(set(header)) != len(header):
        errors.append(RowError(name, 1, "", "a column name appears twice"))
    if errors:
        raise ImportRejected(errors)
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                errors.append(
                    RowError(
                        name, number, "", f"expected {len(header)} values, found {len(values)}"
                    )
                )
                continue
            rows.append((number, {h: v.strip() for h, v in zip(header, values, strict=True)}))
    except csv.Error as exc:
        errors.append(RowError(name, reader.line_num, "", f"not a readable CSV line ({exc})"))
    if errors:
        raise ImportRejected(errors)
    return rows


def parse_date(value: str) -> dt.date:
    """An ISO 8601 date, ``YYYY-MM-DD``."""
    return dt.date.fromisoformat(value)


def parse_datetime(value: str) -> dt.datetime:
    """An ISO 8601 date or date-time; naive values are taken as UK local time."""
    if len(value) == 10:
        moment = dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
    else:
        moment = dt.datetime.fromisoformat(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
