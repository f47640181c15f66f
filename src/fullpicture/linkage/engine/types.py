"""Plain data types shared by the linkage engine (no Django, no Splink)."""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass(frozen=True)
class RecordIn:
    """One agency's record of a person, as handed to the engine."""

    key: str  # "AGENCY:source_id", unique
    given_name: str = ""
    family_name: str = ""
    other_names: str = ""  # ';'-separated
    date_of_birth: datetime.date | None = None
    sex: str = ""  # "F", "M", "U", ""
    address: str = ""
    postcode: str = ""
    nhs_number: str = ""
    upn: str = ""
    pnc_id: str = ""


class Outcome(enum.Enum):
    LINKED = "linked"
    REVIEW = "review"
    NEW_PERSON = "new_person"


class Method:
    """Method names carried by every assignment (strings, so they serialise)."""

    NHS_NUMBER = "nhs_number"
    UPN = "upn"
    PNC_ID = "pnc_id"
    SPLINK = "splink"
    NEW_PERSON = "new_person"
    REVIEW = "review"
    MANUAL = "manual"


class Assignment(NamedTuple):
    """Where one record ended up after linking. A named tuple, not a dataclass: a
    batch run builds one per record, and at a million records a frozen dataclass's
    constructor alone cost seconds."""

    key: str
    cluster: str
    outcome: Outcome
    method: str
    score: float | None
    review_with: str | None = None


@dataclass(frozen=True)
class WaterfallStep:
    comparison: str
    level: str
    weight: float


@dataclass(frozen=True)
class MatchResult:
    """Result of matching one record in real time."""

    outcome: Outcome
    cluster: str | None
    candidate: str | None
    score: float | None  # match probability
    match_weight: float | None
    method: str
    waterfall: list[WaterfallStep] = field(default_factory=list)
    review_with: str | None = None
    n_candidates: int = 0
