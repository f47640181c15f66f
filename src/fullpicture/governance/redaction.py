"""Redaction for subject access: remove other people's details from text, and say what went.

Pure functions, no database. Third parties are other persons tied to the subject
(others the same items are about, family and household); their names, dates of
birth and addresses are removed from free text wherever they appear, except
where a term is also the subject's own (a shared family name, a shared home).
The log says where and why, never what: the redacted text is never kept.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

THIRD_PARTY_NAME = "third_party_name"
THIRD_PARTY_DOB = "third_party_date_of_birth"
THIRD_PARTY_ADDRESS = "third_party_address"
PROTECTED_SOURCE = "protected_source"

REASONS = {
    THIRD_PARTY_NAME: "Another person's name (third-party information)",
    THIRD_PARTY_DOB: "Another person's date of birth (third-party information)",
    THIRD_PARTY_ADDRESS: "Another person's address (third-party information)",
    PROTECTED_SOURCE: "Would identify a source the agency has undertaken to protect",
}
MARKS = {
    THIRD_PARTY_NAME: "[name removed]",
    THIRD_PARTY_DOB: "[date removed]",
    THIRD_PARTY_ADDRESS: "[address removed]",
    PROTECTED_SOURCE: "[withheld to protect the source]",
}


@dataclass(frozen=True)
class PersonDetails:
    """One record's identifying details: of the subject, or of a third party."""

    given_name: str = ""
    family_name: str = ""
    other_names: str = ""
    date_of_birth: dt.date | None = None
    address: str = ""
    postcode: str = ""


def _names(d: PersonDetails) -> list[str]:
    full = " ".join(p for p in (d.given_name, d.family_name) if p)
    others = [n.strip() for n in re.split(r"[,;/]", d.other_names) if n.strip()]
    parts = [d.given_name, d.family_name, *others]
    for other in others:
        parts.extend(other.split())
    return [n for n in [full, *parts] if len(n.strip()) >= 2]


def _dates(day: dt.date) -> list[str]:
    d, m, y = day.day, day.month, day.year
    return [
        f"{d:02d}/{m:02d}/{y}",
        f"{d}/{m}/{y}",
        f"{d:02d}-{m:02d}-{y}",
        day.isoformat(),
        f"{d} {day.strftime('%B')} {y}",
        f"{d} {day.strftime('%b')} {y}",
    ]


@dataclass
class Redactor:
    """Built once per export from the subject's details and the third parties'."""

    subject: list[PersonDetails]
    third_parties: list[PersonDetails]
    _pattern: re.Pattern[str] | None = field(default=None, init=False, repr=False)
    _kinds: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        own_names = {n.casefold() for s in self.subject for n in _names(s)}
        own_dates = {s.date_of_birth for s in self.subject if s.date_of_birth}
        own_places = {
            p.casefold().strip() for s in self.subject for p in (s.address, s.postcode) if p
        }
        terms: dict[str, str] = {}
        for tp in self.third_parties:
            for name in _names(tp):
                if name.casefold() not in own_names:
                    terms.setdefault(name.casefold(), THIRD_PARTY_NAME)
            if tp.date_of_birth and tp.date_of_birth not in own_dates:
                for text in _dates(tp.date_of_birth):
                    terms.setdefault(text.casefold(), THIRD_PARTY_DOB)
            for place in (tp.address, tp.postcode):
                if place and place.casefold().strip() not in own_places:
                    terms.setdefault(place.casefold().strip(), THIRD_PARTY_ADDRESS)
        self._kinds = terms
        if terms:
            ordered = sorted(terms, key=len, reverse=True)  # longest first: full names win
            alternation = "|".join(r"\s+".join(map(re.escape, t.split())) for t in ordered)
            self._pattern = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)

    def redact(self, text: str) -> tuple[str, dict[str, int]]:
        """The text with third parties' details replaced, and how many of each kind."""
        counts: dict[str, int] = {}
        if not text or self._pattern is None:
            return text, counts

        def replace(match: re.Match[str]) -> str:
            kind = self._kinds.get(" ".join(match.group(0).split()).casefold(), THIRD_PARTY_NAME)
            counts[kind] = counts.get(kind, 0) + 1
            return MARKS[kind]

        return self._pattern.sub(replace, text), counts


@dataclass(frozen=True)
class LogEntry:
    """One redaction: where (item id and field) and why; never the text removed."""

    item_id: int
    field: str
    reason: str
    count: int = 1

    def as_dict(self) -> dict[str, object]:
        return {
            "item_id": self.item_id,
            "field": self.field,
            "reason": self.reason,
            "explanation": REASONS[self.reason],
            "count": self.count,
        }


def log_entries(item_id: int, field_name: str, counts: dict[str, int]) -> Iterable[LogEntry]:
    for reason in sorted(counts):
        yield LogEntry(item_id=item_id, field=field_name, reason=reason, count=counts[reason])
