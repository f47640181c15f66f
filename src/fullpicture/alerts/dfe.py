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
import functools
import itertools
import json
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
CODE_SETS_FILE = Path(__file__).with_name("data") / "dfe_code_sets.json"


@functools.cache
def code_sets() -> dict[str, Any]:
    """The published code sets of SSDA903 and the CIN census (data/dfe_code_sets.json,
    taken from Social Finance's liiatools: docs/decisions/0093)."""
    loaded: dict[str, Any] = json.loads(CODE_SETS_FILE.read_text(encoding="utf-8"))
    return loaded


def _coded(value: str, codes: list[str], column: str, err: Any, *, required: bool) -> None:
    """A coded field: blank only where the return allows it, else one of its codes."""
    if not value:
        if required:
            err(column, "is required")
        return
    if value not in codes:
        shown = ", ".join(codes) if len(codes) <= 14 else ", ".join(codes[:14]) + "..."
        err(column, f"'{value}' is not a code of the return ({shown})")


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
            _coded(
                row["ETHNIC"],
                code_sets()["ssda903"]["header"]["ETHNIC"],
                "ETHNIC",
                err,
                required=True,
            )
            upn = _upn(row["UPN"], err)
            result.children[child] = ChildRecord(child, dob, sex or "", upn)
    if not header_files and not errors:
        errors.append(
            RowError(paths[0].name if paths else "", 0, "", "no SSDA903 header file was given")
        )
    by_child: dict[str, list[tuple[dt.date, dt.date | None, str]]] = {}
    placed: dict[str, list[tuple[dt.date, dt.date | None, str, str, int]]] = {}
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
        codes = code_sets()["ssda903"]["episodes"]
        for column in ("LS", "CIN", "PLACE"):
            _coded(row[column], codes[column], column, err, required=True)
        for column in ("PLACE_PROVIDER", "REC", "REASON_PLACE_CHANGE"):
            _coded(row[column], codes[column], column, err, required=False)
        if dec is not None and not row["REC"]:
            err("REC", "is required when DEC is given")
        if dec is None and row["REC"]:
            err("DEC", "is required when REC is given")
        if decom and dec and dec < decom:
            err("DEC", "is before DECOM")
        if decom is not None:
            by_child.setdefault(child, []).append((decom, dec, row["REC"]))
            placed.setdefault(child, []).append((decom, dec, row["REC"], file, number))
    errors.extend(_episode_sequence_errors(placed))
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


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _episode_sequence_errors(
    placed: dict[str, list[tuple[dt.date, dt.date | None, str, str, int]]],
) -> list[RowError]:
    """The cross-field rules that decide a looked-after flag's dates, per child, episodes
    in DECOM order: only the latest episode may be open; an episode may not start before
    the one before it ended; an episode that ended X1 ("a new episode follows at once")
    must be followed by one starting on its DEC."""
    errors: list[RowError] = []
    for _child, eps in sorted(placed.items()):
        eps.sort(key=lambda e: (e[0], e[4]))
        for (_decom, dec, rec, file, number), after in zip(eps, [*eps[1:], None], strict=True):
            if after is None:
                if rec == STILL_LOOKED_AFTER and dec is not None:
                    errors.append(
                        RowError(
                            file,
                            number,
                            "REC",
                            f"is X1 (a new episode follows at once) but no episode of this "
                            f"child starts on {_day(dec)}",
                        )
                    )
                continue
            next_decom, _, _, next_file, next_number = after
            if dec is None:
                errors.append(
                    RowError(
                        file,
                        number,
                        "DEC",
                        f"is blank (still open) but a later episode starts on {_day(next_decom)}: "
                        "only the latest episode may be open",
                    )
                )
            elif next_decom < dec:
                errors.append(
                    RowError(
                        next_file,
                        next_number,
                        "DECOM",
                        f"is before the previous episode ended ({_day(dec)}): episodes overlap",
                    )
                )
            elif rec == STILL_LOOKED_AFTER and next_decom != dec:
                errors.append(
                    RowError(
                        file,
                        number,
                        "REC",
                        f"is X1 (a new episode follows at once) but the next episode starts "
                        f"on {_day(next_decom)}, not {_day(dec)}",
                    )
                )
    return errors


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
        cin_codes = code_sets()["cin"]
        _coded(
            _text(child_el, "ChildCharacteristics", "Ethnicity"),
            cin_codes["Ethnicity"],
            "Ethnicity",
            err,
            required=False,
        )
        for disability in _find(child_el, "ChildCharacteristics", "Disabilities", "Disability"):
            _coded(
                (disability.text or "").strip(),
                cin_codes["Disability"],
                "Disability",
                err,
                required=True,
            )
        upn = _upn(_text(ids[0], "UPN"), err)
        result.children[child] = ChildRecord(child, dob, _GENDER_CIN.get(gender, ""), upn)
        for details in _find(child_el, "CINdetails"):
            errors.extend(_cin_details_errors(name, details, builder.lines.get(details, line)))
        for plan_el in _find(child_el, "CINdetails", "ChildProtectionPlans"):
            plan_line = builder.lines.get(plan_el, line)

            def perr(column: str, message: str, n: int = plan_line) -> None:
                errors.append(RowError(name, n, column, message))

            start = _date(_text(plan_el, "CPPstartDate"), "CPPstartDate", perr, required=True)
            end = _date(_text(plan_el, "CPPendDate"), "CPPendDate", perr, required=False)
            if start and end and end < start:
                perr("CPPendDate", "is before CPPstartDate")
            for column in ("InitialCategoryOfAbuse", "LatestCategoryOfAbuse"):
                _coded(
                    _text(plan_el, column),
                    code_sets()["cin"][column],
                    column,
                    perr,
                    required=False,
                )
            if start is not None:
                due = expected if dob is None else None
                result.plans.append(Plan(child, start, end, due_date=due))
    if errors:
        raise ImportRejected(errors)
    return result


def _cin_details_errors(name: str, details: ET.Element, line: int) -> list[RowError]:
    """One episode of need: its codes, and the dates that bound its plans (a plan cannot
    start before the referral or end after the closure; a closure needs its reason; at
    most one plan is open, and plans do not overlap)."""
    errors: list[RowError] = []

    def err(column: str, message: str) -> None:
        errors.append(RowError(name, line, column, message))

    codes = code_sets()["cin"]
    for column in ("ReferralSource", "PrimaryNeedCode", "ReasonForClosure"):
        _coded(_text(details, column), codes[column], column, err, required=False)
    referral = _date(_text(details, "CINreferralDate"), "CINreferralDate", err, required=False)
    closure = _date(_text(details, "CINclosureDate"), "CINclosureDate", err, required=False)
    if closure is not None and not _text(details, "ReasonForClosure"):
        err("ReasonForClosure", "is required when CINclosureDate is given")
    if closure is None and _text(details, "ReasonForClosure"):
        err("CINclosureDate", "is required when ReasonForClosure is given")
    if referral and closure and closure < referral:
        err("CINclosureDate", "is before CINreferralDate")
    plans: list[tuple[dt.date, dt.date | None]] = []
    for plan in _find(details, "ChildProtectionPlans"):
        try:
            start = parse_dfe_date(_text(plan, "CPPstartDate"))
            end_text = _text(plan, "CPPendDate")
            end = parse_dfe_date(end_text) if end_text else None
        except ValueError:
            continue  # reported with the plan
        if referral and start < referral:
            err("CPPstartDate", f"{start.isoformat()} is before CINreferralDate")
        if closure and (end is None or end > closure):
            err("CPPendDate", "a plan cannot run past CINclosureDate")
        plans.append((start, end))
    plans.sort(key=lambda p: p[0])
    for (start, end), (next_start, _) in itertools.pairwise(plans):
        if end is None:
            err("CPPendDate", f"the plan from {start.isoformat()} is open but a later plan starts")
        elif next_start < end:
            err("CPPstartDate", f"the plan from {next_start.isoformat()} overlaps the one before")
    return errors
