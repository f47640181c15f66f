"""Parsing the front door's forms into the services' input values (no domain rules here)."""

from __future__ import annotations

import datetime as dt

from django.http import QueryDict

from fullpicture.frontdoor.services import ContactInput, FeedbackParts, PersonEntry

PERSON_FIELDS = (
    "given_name",
    "family_name",
    "address",
    "postcode",
    "nhs_number",
    "upn",
)
MAX_PEOPLE = 12


class FormProblem(Exception):
    def __init__(self, *errors: str) -> None:
        super().__init__("; ".join(errors))
        self.errors = list(errors)


def _int(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def date_from(data: QueryDict, prefix: str, label: str) -> dt.date | None:
    parts = [(data.get(f"{prefix}_{p}") or "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        return None
    day, month, year = (_int(p) for p in parts)
    try:
        if day is None or month is None or year is None or year < 1900:
            raise ValueError
        return dt.date(year, month, day)
    except ValueError:
        raise FormProblem(f"{label}: enter a real date, for example 27 3 2017.") from None


def people_count(data: QueryDict) -> int:
    count = _int(data.get("people_count")) or 1
    return max(1, min(count, MAX_PEOPLE))


def person_rows(data: QueryDict, count: int) -> list[dict[str, str]]:
    """What was typed for each person, to show again."""
    rows = []
    for i in range(count):
        row = blank_row(i, role="")
        row.update({f: data.get(f"p{i}_{f}", "") for f in (*PERSON_FIELDS, "role")})
        for part in ("day", "month", "year"):
            row[f"dob_{part}"] = data.get(f"p{i}_dob_{part}", "")
        rows.append(row)
    return rows


def blank_row(i: int, role: str = "child") -> dict[str, str]:
    return {"role": role, "prefix": f"p{i}_dob", "dob_legend": f"Person {i + 1}: date of birth"}


def contact_input_from(data: QueryDict) -> ContactInput:
    errors: list[str] = []
    people: list[PersonEntry] = []
    for i in range(people_count(data)):
        values = {f: (data.get(f"p{i}_{f}") or "").strip() for f in PERSON_FIELDS}
        role = (data.get(f"p{i}_role") or "").strip()
        try:
            born = date_from(data, f"p{i}_dob", f"Person {i + 1}: date of birth")
        except FormProblem as exc:
            errors.extend(exc.errors)
            born = None
        if not any(values.values()) and born is None:
            continue  # an empty block left on the form
        people.append(PersonEntry(role=role, date_of_birth=born, **values))
    category_ids = tuple(n for n in (_int(v) for v in data.getlist("categories")) if n is not None)
    if errors:
        raise FormProblem(*errors)
    return ContactInput(
        people=tuple(people),
        what_happened=data.get("what_happened", ""),
        category_ids=category_ids,
        consent=data.get("consent", ""),
        paragraph18_reason=data.get("paragraph18_reason", ""),
        wants_feedback=data.get("wants_feedback", "yes") == "yes",
        referrer_kind=data.get("referrer_kind", "practitioner"),
        caller_name=data.get("caller_name", ""),
        caller_phone=data.get("caller_phone", ""),
    )


def yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get((value or "").strip())


def feedback_from(data: QueryDict) -> FeedbackParts:
    return FeedbackParts(
        relevance=data.get("relevance", ""),
        where_recorded=data.get("where_recorded", ""),
        actions_taken=data.get("actions_taken", ""),
        further_action_needed=yes_no(data.get("further_action_needed")),
        further_action=data.get("further_action", ""),
    )
