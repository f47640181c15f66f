"""Reading the DfE returns, pure: SSDA903 (looked-after children) and the CIN census.

SSDA903 files are CSV with the official column names: the *header* table
(``CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB``) and the *episodes* table
(``CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,
PL_POST,URN``); dates are ``DD/MM/YYYY``. A file is recognised by its header row.

The CIN census is XML: ``Message/Children/Child`` with ``ChildIdentifiers``
(``LAchildID``, ``UPN``, ``PersonBirthDate``, ``ExpectedPersonBirthDate``,
``GenderCurrent``...) and ``CINdetails/ChildProtectionPlans`` (``CPPstartDate``,
``CPPendDate``). Neither return carries an NHS number: flags reach the national
index through the local authority's record of the child and linkage.

Every problem is a ``RowError`` naming the file, the row (CSV row, or XML line)
and the field; nothing is stored unless the whole file is good.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml.ElementTree import DefusedXMLParser

from fullpicture.core.csvfile import ImportRejected, RowError, read_rows
from fullpicture.linkage.engine.identifiers import clean_upn

HEADER_COLUMNS = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODE_COLUMNS = (
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
)
UPN_UNKNOWN = frozenset({"UN1", "UN2", "UN3", "UN4", "UN5", "UN6", "UN7", "UN8", "UN9", "UN10"})
RNE_CODES = frozenset({"S", "P", "L", "T", "U", "B"})
# Reason episode ceased: X1 means a new episode follows at once (still looked after).
STILL_LOOKED_AFTER = "X1"
_UPN_FORMAT = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
_SEX_903 = {"1": "M", "2": "F"}
_GENDER_CIN = {"1": "M", "2": "F", "0": "U", "9": "U"}


def parse_dfe_date(value: str) -> dt.date:
    """``DD/MM/YYYY`` (the returns' form) or ISO ``YYYY-MM-DD``."""
    value = value.strip()
    if "/" in value:
        return dt.datetime.strptime(value, "%d/%m/%Y").date()  # noqa: DTZ007 (a date, no time)
    return dt.date.fromisoformat(value)


@dataclass(frozen=True)
class ChildRecord:
    """The local authority's record of a child, as a return gives it."""

    child_id: str
    date_of_birth: dt.date | None
    sex: str
    upn: str


@dataclass(frozen=True)
class Plan:
    """One period of a plan (child protection or looked after) for one child."""

    child_id: str
    start: dt.date
    end: dt.date | None
    due_date: dt.date | None = None  # unborn: expected date of delivery


@dataclass
class Return:
    children: dict[str, ChildRecord] = field(default_factory=dict)
    plans: list[Plan] = field(default_factory=list)


def _upn(value: str, err: Any) -> str:
    upn = "".join(value.split()).upper()
    if not upn or upn in UPN_UNKNOWN:
        return ""
    if not _UPN_FORMAT.match(upn):
        err("UPN", "must be a letter followed by 12 characters, or UN1 to UN10")
        return ""
    return upn if clean_upn(upn) else ""


def _date(value: str, column: str, err: Any, *, required: bool) -> dt.date | None:
    if not value:
        if required:
            err(column, "is required")
        return None
    try:
        return parse_dfe_date(value)
    except ValueError:
        err(column, f"'{value}' is not a date in the form DD/MM/YYYY")
        return None


def ssda903_read(paths: list[Path]) -> Return:
    """Read SSDA903 header and episodes files; all or nothing."""
    errors: list[RowError] = []
    result = Return()
    episodes: list[tuple[str, int, dict[str, str]]] = []
    header_files = 0
    for path in paths:
        first = path.read_bytes().decode("utf-8-sig", errors="replace").split("\n", 1)[0]
        columns = {c.strip() for c in first.split(",")}
        if "DECOM" in columns:
            try:
                rows = read_rows(path, columns=EPISODE_COLUMNS)
            except ImportRejected as exc:
                errors.extend(exc.errors)
                continue
            episodes.extend((path.name, n, row) for n, row in rows)
            continue
        header_files += 1
        try:
            rows = read_rows(path, columns=HEADER_COLUMNS)
        except ImportRejected as exc:
            errors.extend(exc.errors)
            continue
        for number, row in rows:

            def err(column: str, message: str, n: int = number, f: str = path.name) -> None:
                errors.append(RowError(f, n, column, message))

            child = row["CHILD"]
            if not child:
                err("CHILD", "is required")
                continue
            if len(child) > 60:
                err("CHILD", "is longer than 60 characters")
            if child in result.children:
                err("CHILD", f"'{child}' appears twice in the header table")
            sex = _SEX_903.get(row["SEX"])
            if sex is None:
                err("SEX", "must be 1 (male) or 2 (female)")
            dob = _date(row["DOB"], "DOB", err, required=True)
            _date(row["MC_DOB"], "MC_DOB", err, required=False)
            if row["MOTHER"] not in {"", "0", "1"}:
                err("MOTHER", "must be 0, 1 or blank")
            upn = _upn(row["UPN"], err)
            result.children[child] = ChildRecord(child, dob, sex or "", upn)
    if not header_files and not errors:
        errors.append(
            RowError(paths[0].name if paths else "", 0, "", "no SSDA903 header file was given")
        )
    by_child: dict[str, list[tuple[dt.date, dt.date | None, str]]] = {}
    for file, number, row in episodes:

        def err(column: str, message: str, n: int = number, f: str = file) -> None:
            errors.append(RowError(f, n, column, message))

        child = row["CHILD"]
        if not child:
            err("CHILD", "is required")
            continue
        if child not in result.children and header_files:
            err("CHILD", f"'{child}' has no row in the header table")
        decom = _date(row["DECOM"], "DECOM", err, required=True)
        dec = _date(row["DEC"], "DEC", err, required=False)
        if row["RNE"] not in RNE_CODES:
            err("RNE", "must be one of B, L, P, S, T, U")
        if not row["LS"]:
            err("LS", "is required")
        if dec is not None and not row["REC"]:
            err("REC", "is required when DEC is given")
        if dec is None and row["REC"]:
            err("DEC", "is required when REC is given")
        if decom and dec and dec < decom:
            err("DEC", "is before DECOM")
        if decom is not None:
            by_child.setdefault(child, []).append((decom, dec, row["REC"]))
    if errors:
        raise ImportRejected(errors)
    for child, eps in sorted(by_child.items()):
        eps.sort(key=lambda e: e[0])
        start: dt.date | None = None
        for decom, dec, rec in eps:
            if start is None:
                start = decom
            if dec is None:
                result.plans.append(Plan(child, start, None))
                start = None
                break
            if rec != STILL_LOOKED_AFTER:
                result.plans.append(Plan(child, start, dec))
                start = None
        if start is not None:  # the last episode ended X1 with nothing after it
            result.plans.append(Plan(child, start, eps[-1][1]))
    return result


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _LineBuilder(ET.TreeBuilder):
    """Remembers the line each element starts on, so errors can name it."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[ET.Element, int] = {}
        self.parser: DefusedXMLParser | None = None

    def start(self, tag: Any, attrs: Any) -> ET.Element:
        element = super().start(tag, attrs)
        if self.parser is not None:
            self.lines[element] = self.parser.parser.CurrentLineNumber
        return element


def _find(element: ET.Element, *path: str) -> list[ET.Element]:
    found = [element]
    for name in path:
        found = [c for e in found for c in e if _local(c.tag) == name]
    return found


def _text(element: ET.Element, *path: str) -> str:
    hits = _find(element, *path)
    return (hits[0].text or "").strip() if hits else ""


def cin_read(path: Path) -> Return:
    """Read a CIN census XML file; all or nothing. Rows are XML line numbers."""
    name = path.name
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.parser = parser
    try:
        parser.feed(path.read_bytes())
        root = parser.close()
    except OSError as exc:
        raise ImportRejected([RowError(name, 0, "", f"cannot read the file ({exc})")]) from exc
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else 0
        raise ImportRejected([RowError(name, line, "", f"not well-formed XML ({exc})")]) from exc
    except Exception as exc:  # defusedxml refuses entities and DTDs
        raise ImportRejected([RowError(name, 0, "", f"refused: {type(exc).__name__}")]) from exc
    if _local(root.tag) != "Message" or not _find(root, "Children"):
        raise ImportRejected(
            [RowError(name, 1, "Message", "not a CIN census file: no Message/Children")]
        )
    errors: list[RowError] = []
    result = Return()
    for child_el in _find(root, "Children", "Child"):
        line = builder.lines.get(child_el, 0)
        ids = _find(child_el, "ChildIdentifiers")
        id_line = builder.lines.get(ids[0], line) if ids else line

        def err(column: str, message: str, n: int = id_line) -> None:
            errors.append(RowError(name, n, column, message))

        if not ids:
            err("ChildIdentifiers", "is missing")
            continue
        child = _text(child_el, "ChildIdentifiers", "LAchildID")
        if not child:
            err("LAchildID", "is required")
            continue
        if child in result.children:
            err("LAchildID", f"'{child}' appears twice")
        dob = _date(_text(ids[0], "PersonBirthDate"), "PersonBirthDate", err, required=False)
        expected = _date(
            _text(ids[0], "ExpectedPersonBirthDate"), "ExpectedPersonBirthDate", err, required=False
        )
        if dob is None and expected is None:
            err("PersonBirthDate", "one of PersonBirthDate or ExpectedPersonBirthDate is required")
        gender = _text(ids[0], "GenderCurrent")
        if gender and gender not in _GENDER_CIN:
            err("GenderCurrent", "must be 0, 1, 2 or 9")
        upn = _upn(_text(ids[0], "UPN"), err)
        result.children[child] = ChildRecord(child, dob, _GENDER_CIN.get(gender, ""), upn)
        for plan_el in _find(child_el, "CINdetails", "ChildProtectionPlans"):
            plan_line = builder.lines.get(plan_el, line)

            def perr(column: str, message: str, n: int = plan_line) -> None:
                errors.append(RowError(name, n, column, message))

            start = _date(_text(plan_el, "CPPstartDate"), "CPPstartDate", perr, required=True)
            end = _date(_text(plan_el, "CPPendDate"), "CPPendDate", perr, required=False)
            if start and end and end < start:
                perr("CPPendDate", "is before CPPstartDate")
            if start is not None:
                due = expected if dob is None else None
                result.plans.append(Plan(child, start, end, due_date=due))
    if errors:
        raise ImportRejected(errors)
    return result
