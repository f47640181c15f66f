"""Cumulative-concern rules, pure: judge one family's items by when they occurred.

A rule is met at the first moment (an item's occurred date) when the items that
occurred within ``window_days`` before it, inclusive, come from at least
``min_agencies`` agencies and cover at least ``min_criteria`` of its criteria.
That moment is the *evidence date*: when the picture became complete, however
late the items were loaded. The finding then counts every relevant item from
the first one in that window to the last moment the rule was still met.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Evidence:
    """One item's metadata (never its content)."""

    occurred: dt.date
    agency: str
    criterion: str


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


def evaluate(spec: RuleSpec, evidence: Iterable[Evidence]) -> Finding | None:
    """Apply one rule to one family's items; None when it is never met."""
    items = sorted(
        (e for e in evidence if spec.criteria is None or e.criterion in spec.criteria),
        key=lambda e: (e.occurred, e.agency, e.criterion),
    )
    if not items:
        return None
    window = dt.timedelta(days=spec.window_days)
    agencies: Counter[str] = Counter()
    criteria: Counter[str] = Counter()
    left = 0
    first: int | None = None
    evidence_date: dt.date | None = None
    last = -1
    for right, item in enumerate(items):
        agencies[item.agency] += 1
        criteria[item.criterion] += 1
        while items[left].occurred < item.occurred - window:
            gone = items[left]
            agencies[gone.agency] -= 1
            if not agencies[gone.agency]:
                del agencies[gone.agency]
            criteria[gone.criterion] -= 1
            if not criteria[gone.criterion]:
                del criteria[gone.criterion]
            left += 1
        if len(agencies) >= spec.min_agencies and len(criteria) >= spec.min_criteria:
            if first is None:
                first, evidence_date = left, item.occurred
            last = right
    if first is None or evidence_date is None:
        return None
    # Items on the same day as the last qualifying one count too.
    while last + 1 < len(items) and items[last + 1].occurred == items[last].occurred:
        last += 1
    counted = items[first : last + 1]
    per_agency = Counter(e.agency for e in counted)
    return Finding(
        evidence_date=evidence_date,
        evidence_from=counted[0].occurred,
        evidence_to=counted[-1].occurred,
        agencies=tuple(sorted(per_agency)),
        criteria=tuple(sorted({e.criterion for e in counted})),
        item_count=len(counted),
        agency_counts=tuple(sorted(per_agency.items())),
    )


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
