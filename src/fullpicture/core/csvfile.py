"""Reading agency CSV extracts with errors that name file, row and column, and writing
the hub's own CSV files safely.

Row numbers count the header as row 1, as a spreadsheet shows them.

Spreadsheet formula injection: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return is run as a formula by Excel, LibreOffice and Google Sheets when a
CSV is opened. Every CSV the hub writes goes through :func:`csv_writer`, which prefixes
such a cell with an apostrophe (OWASP's advice; a spreadsheet shows the text as typed),
and :func:`read_rows` reports such cells in the files it reads as warnings that name the
row and column (they are stored as they are: the value may be a real one).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

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


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
T = TypeVar("T")


def formula_like(value: str) -> bool:
    """Whether a spreadsheet would take this text cell for a formula."""
    return value.startswith(FORMULA_STARTS)


def safe_cell(value: object) -> object:
    """The cell as the hub writes it: text that a spreadsheet would run is prefixed
    with an apostrophe; numbers, dates and other text are left alone."""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` whose every cell goes through :func:`safe_cell`."""

    def __init__(self, handle: IO[str], **kwargs: Any) -> None:
        self._writer = csv.writer(handle, **kwargs)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle: IO[str], **kwargs: Any) -> SafeWriter:
    """The one CSV writer for files the hub produces (formula cells neutralised)."""
    return SafeWriter(handle, **kwargs)


def file_after_audit(
    path: Path, *, write: Callable[[IO[str]], T], audit: Callable[[T], object]
) -> T:
    """Write ``path`` so that it exists only once its ledger event has committed.

    ``write`` fills a temporary file beside ``path`` (same folder, so the final rename is
    atomic) and returns what the event needs (a row count); ``audit`` then records the
    event in its own transaction; only when that commits is the file renamed into place.
    If writing or the ledger fails (a locked, read-only or full database), the temporary
    file is removed and nothing appears: no event, no file. Call it outside any
    transaction (as the commands do), so the event's commit is a real one.
    """
    from django.db import transaction

    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            outcome = write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        with transaction.atomic():
            audit(outcome)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return outcome


def write_bytes_whole(path: Path, data: bytes) -> None:
    """Write ``path`` so that it appears whole or not at all (a temporary name beside it,
    synced, then renamed): a reader never sees half a file, and a failure leaves none.
    For files whose ledger event the caller has already committed."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def read_rows(
    path: Path,
    *,
    columns: Sequence[str],
    warnings: list[RowError] | None = None,
    optional: Sequence[str] = (),
) -> list[tuple[int, dict[str, str]]]:
    """Read a CSV file whose header must be exactly ``columns`` (in any order), with any
    of the ``optional`` columns (a row has an optional column's key only when the file
    has that column).

    Raises ``ImportRejected`` naming the file for an unreadable file, a missing
    or an extra column. Returns (row number, row) pairs with values stripped. Cells a
    spreadsheet would run as formulas are added to ``warnings`` (row and column named).
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
        raise ImportRejected([encoding_error(name, raw, exc)]) from exc
    return parse_rows(text, name=name, columns=columns, warnings=warnings, optional=optional)


def encoding_error(name: str, raw: bytes, exc: UnicodeDecodeError) -> RowError:
    """Where a file stops being UTF-8: its line (the row, as a spreadsheet counts them
    when no cell spans lines), the byte's offset in the file and its value."""
    line = raw.count(b"\n", 0, exc.start) + 1
    start = raw.rfind(b"\n", 0, exc.start) + 1
    return RowError(
        name,
        line,
        "",
        f"is not UTF-8 text: byte 0x{raw[exc.start]:02X} at offset {exc.start} of the file "
        f"(line {line}, byte {exc.start - start + 1} of the line); save the file as UTF-8",
    )


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_character(value: str) -> str | None:
    """The name of the first control character in ``value`` (tab and line breaks are
    text), or None. NUL and its kind are refused on both databases alike."""
    found = CONTROL_CHARACTERS.search(value)
    if found is None:
        return None
    code = ord(found.group())
    return "a NUL byte" if code == 0 else f"the control character 0x{code:02X}"


def control_character_errors(name: str, number: int, row: dict[str, str]) -> list[RowError]:
    """A row error for each cell holding a control character."""
    errors = []
    for column, value in row.items():
        what = control_character(value)
        if what is not None:
            errors.append(
                RowError(name, number, column, f"contains {what}, which no field may hold")
            )
    return errors


def parse_rows(
    text: str,
    *,
    name: str,
    columns: Sequence[str],
    warnings: list[RowError] | None = None,
    optional: Sequence[str] = (),
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
            row = dict(zip(header, values, strict=True))
            bad = control_character_errors(name, number, row)
            if bad:
                errors.extend(bad)
                continue
            if warnings is not None:
                warnings.extend(
                    RowError(
                        name,
                        number,
                        h,
                        "starts like a spreadsheet formula (=, +, -, @, "
                        "tab or return): stored as it is, and written out with an "
                        "apostrophe in front",
                    )
                    for h, v in zip(header, values, strict=True)
                    if formula_like(v.lstrip(" ")) and not _number(v)
                )
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


def _number(value: str) -> bool:
    """A signed number ("-3", "+4.5") is data, not a formula worth a warning."""
    try:
        float(value)
    except ValueError:
        return False
    return True
