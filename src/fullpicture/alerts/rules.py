"""Cumulative-concern rules, pure: judge one family's items by when they occurred.

A rule is met at the first moment (an item's occurred date) when the items that
occurred within ``window_days`` before it, inclusive, come from at least
``min_agencies`` agencies and cover at least ``min_criteria`` of its criteria.
That moment is the *evidence date*: when the picture became complete, however
late the items were loaded. The finding then counts every relevant item from
the first one in that window to the last moment the rule was still met.

The sweep reads items as plain ``(day ordinal, agency id, category id)`` integers, so it
builds no objects per item, orders them cheaply and fingerprints them with Python's own
(stable, for integers) tuple hash; names are looked up only for a finding. ``evaluate``
takes ``Evidence`` (dates and codes) for one family.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypeVar


class Evidence(NamedTuple):
    """One item's metadata (never its content)."""

    occurred: dt.date
    agency: str
    criterion: str


K = TypeVar("K", str, int)  # how agencies and criteria are named: codes, or the sweep's ids
Item = tuple[int, int, int]  # the sweep's items: (occurred day ordinal, agency id, category id)


@dataclass(frozen=True)
class RuleSpec:
    slug: str
    criteria: frozenset[str] | None  # None: every category counts
    min_criteria: int
    min_agencies: int
    window_days: int


@dataclass(frozen=True)
class Finding:
    evidence_date: dt.date
    evidence_from: dt.date
    evidence_to: dt.date
    agencies: tuple[str, ...]
    criteria: tuple[str, ...]
    item_count: int
    agency_counts: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Window:
    """Where a rule is met in a family's ordered items: the evidence date (a day ordinal)
    and the first and last (inclusive) counted items."""

    evidence_day: int
    first: int
    last: int


def evaluate(spec: RuleSpec, evidence: Iterable[Evidence]) -> Finding | None:
    """Apply one rule to one family's items; None when it is never met."""
    items = sorted(
        (e.occurred.toordinal(), e.agency, e.criterion)
        for e in evidence
        if spec.criteria is None or e.criterion in spec.criteria
    )
    window = judge(spec, items)
    return None if window is None else finding(items, window, str, str)


def relevant(
    criteria: frozenset[int] | None, evidence: list[Item], *, ordered: bool = False
) -> list[Item]:
    """The sweep's items a rule counts (by category id), in the order the rule reads them.
    With ``ordered`` the evidence is already sorted (and every item counts, it is
    returned as it is, not copied)."""
    if criteria is None:
        return evidence if ordered else sorted(evidence)
    items = [e for e in evidence if e[2] in criteria]
    if not ordered:
        items.sort()
    return items


def judge(spec: RuleSpec, items: Sequence[tuple[int, K, K]]) -> Window | None:
    """Slide the window over items ordered by day: None when the rule is never met.

    Which items count does not depend on the order of items within a day (the window's
    edges are days), so items may be ordered by codes or by ids alike."""
    min_agencies, min_criteria = spec.min_agencies, spec.min_criteria
    if not items or len(items) < min_agencies or len(items) < min_criteria:
        return None
    # Never met when all of the family's items together fall short.
    if len({e[1] for e in items}) < min_agencies or len({e[2] for e in items}) < min_criteria:
        return None
    days = spec.window_days
    agencies: dict[K, int] = {}
    criteria: dict[K, int] = {}
    left = 0
    first = -1
    evidence_day = 0
    last = -1
    for right, (day, agency, criterion) in enumerate(items):
        agencies[agency] = agencies.get(agency, 0) + 1
        criteria[criterion] = criteria.get(criterion, 0) + 1
        floor = day - days
        while items[left][0] < floor:
            _, gone_agency, gone_criterion = items[left]
            if agencies[gone_agency] == 1:
                del agencies[gone_agency]
            else:
                agencies[gone_agency] -= 1
            if criteria[gone_criterion] == 1:
                del criteria[gone_criterion]
            else:
                criteria[gone_criterion] -= 1
            left += 1
        if len(agencies) >= min_agencies and len(criteria) >= min_criteria:
            if first < 0:
                first, evidence_day = left, day
            last = right
    if first < 0:
        return None
    # Items on the same day as the last qualifying one count too.
    while last + 1 < len(items) and items[last + 1][0] == items[last][0]:
        last += 1
    return Window(evidence_day=evidence_day, first=first, last=last)


def finding(
    items: Sequence[tuple[int, K, K]],
    window: Window,
    agency_code: Callable[[K], str],
    criterion_slug: Callable[[K], str],
) -> Finding:
    """What the MASH is told about a window: dates, agencies with counts, criteria."""
    counted = items[window.first : window.last + 1]
    per_agency: dict[str, int] = {}
    for e in counted:
        code = agency_code(e[1])
        per_agency[code] = per_agency.get(code, 0) + 1
    return Finding(
        evidence_date=dt.date.fromordinal(window.evidence_day),
        evidence_from=dt.date.fromordinal(counted[0][0]),
        evidence_to=dt.date.fromordinal(counted[-1][0]),
        agencies=tuple(sorted(per_agency)),
        criteria=tuple(sorted({criterion_slug(e[2]) for e in counted})),
        item_count=len(counted),
        agency_counts=tuple(sorted(per_agency.items())),
    )


def spec_key(spec: RuleSpec, *, name: str, partnership_id: int | None, names: str) -> int:
    """What decides a rule's findings and explanations, as a number for ``fingerprint``:
    the rule's row, and ``names`` (the agency codes and category slugs the sweep's ids
    stand for, so renaming one re-explains every alert)."""
    criteria = ",".join(sorted(spec.criteria)) if spec.criteria is not None else "*"
    text = (
        f"{spec.slug}|{name}|{criteria}|{spec.min_criteria}|{spec.min_agencies}|"
        f"{spec.window_days}|{partnership_id}|{names}"
    )
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def fingerprint(key: int, family: tuple[int, ...], items: Sequence[Item]) -> str:
    """A 64-bit digest of everything an alert is computed from: the rule (``spec_key``),
    the family's members and its counted items (day, agency id, category id) in rule
    order. Equal fingerprints mean an unchanged alert, so a sweep need neither re-judge
    nor re-read it. It is Python's hash of a tuple of integers, which (unlike a string's)
    is the same in every process; a Python whose tuple hash differs changes every
    fingerprint, which costs one sweep that judges every family again, nothing more."""
    return f"{hash((key, family, tuple(items))) & 0xFFFF_FFFF_FFFF_FFFF:016x}"


def outcome(key: int, family: tuple[int, ...], items: Sequence[Item], window: Window) -> str:
    """A 64-bit digest of what an alert says: the rule (``spec_key``, which covers its name
    and the names the ids stand for), the family's members, the evidence date and the
    counted items (day, agency id, category id). The alert's criteria, agencies, counts,
    dates and explanation are a function of these, so a family judged again whose outcome
    is the stored one needs its alert neither read back nor written (only its new
    ``fingerprint`` stored). The same stable tuple hash as ``fingerprint``."""
    counted = tuple(items[window.first : window.last + 1])
    return f"{hash((key, family, window.evidence_day, counted)) & 0xFFFF_FFFF_FFFF_FFFF:016x}"


def explain(spec_name: str, finding: Finding, *, family_size: int) -> str:
    """The explanation the MASH reads: criteria, counts by agency, the period; no content."""
    agencies = ", ".join(f"{code} ({n})" for code, n in finding.agency_counts)
    who = "one person" if family_size == 1 else f"a family of {family_size}"
    return (
        f"{spec_name}: {finding.item_count} items about {who} from "
        f"{len(finding.agencies)} agencies ({agencies}) covering "
        f"{', '.join(finding.criteria)}, occurring between "
        f"{finding.evidence_from:%d %B %Y} and {finding.evidence_to:%d %B %Y}; "
        f"the picture was complete on {finding.evidence_date:%d %B %Y}."
    )
