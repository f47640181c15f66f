"""Cumulative-concern rules, pure: judge one family's items by when they occurred.

A rule is met at the first moment (an item's occurred date) when the items that
occurred within ``window_days`` before it, inclusive, come from at least
``min_agencies`` agencies and cover at least ``min_criteria`` of its criteria.
That moment is the *evidence date*: when the picture became complete, however
late the items were loaded. The finding then counts every relevant item from
the first one in that window to the last moment the rule was still met.

Evidence is a plain ``(occurred, agency, criterion)`` tuple (``Evidence`` names its
fields), so a sweep over every family builds no objects per item; its natural order is
the order the rule reads items in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple


class Evidence(NamedTuple):
    """One item's metadata (never its content)."""

    occurred: dt.date
    agency: str
    criterion: str


Item = tuple[dt.date, str, str]  # (occurred, agency, criterion): an Evidence or a plain tuple


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


def relevant(spec: RuleSpec, evidence: Iterable[Item]) -> list[Item]:
    """The items the rule counts, in the order it reads them (occurred, agency, criterion)."""
    criteria = spec.criteria
    items = list(evidence) if criteria is None else [e for e in evidence if e[2] in criteria]
    items.sort()
    return items


def evaluate(spec: RuleSpec, evidence: Iterable[Item]) -> Finding | None:
    """Apply one rule to one family's items; None when it is never met."""
    return judge(spec, relevant(spec, evidence))


def judge(spec: RuleSpec, items: Sequence[Item]) -> Finding | None:
    """``evaluate`` on items already chosen and ordered by ``relevant``."""
    min_agencies, min_criteria = spec.min_agencies, spec.min_criteria
    if not items:
        return None
    # Never met when all of the family's items together fall short.
    if len({e[1] for e in items}) < min_agencies or len({e[2] for e in items}) < min_criteria:
        return None
    window = dt.timedelta(days=spec.window_days)
    agencies: dict[str, int] = {}
    criteria: dict[str, int] = {}
    left = 0
    first = -1
    evidence_date: dt.date | None = None
    last = -1
    for right, (occurred, agency, criterion) in enumerate(items):
        agencies[agency] = agencies.get(agency, 0) + 1
        criteria[criterion] = criteria.get(criterion, 0) + 1
        floor = occurred - window
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
                first, evidence_date = left, occurred
            last = right
    if first < 0 or evidence_date is None:
        return None
    # Items on the same day as the last qualifying one count too.
    while last + 1 < len(items) and items[last + 1][0] == items[last][0]:
        last += 1
    counted = items[first : last + 1]
    per_agency: dict[str, int] = {}
    for e in counted:
        per_agency[e[1]] = per_agency.get(e[1], 0) + 1
    return Finding(
        evidence_date=evidence_date,
        evidence_from=counted[0][0],
        evidence_to=counted[-1][0],
        agencies=tuple(sorted(per_agency)),
        criteria=tuple(sorted({e[2] for e in counted})),
        item_count=len(counted),
        agency_counts=tuple(sorted(per_agency.items())),
    )


def spec_key(spec: RuleSpec, *, name: str, partnership_id: int | None) -> str:
    """What of a rule's row decides its findings and explanations (for ``fingerprint``)."""
    criteria = ",".join(sorted(spec.criteria)) if spec.criteria is not None else "*"
    return (
        f"{spec.slug}|{name}|{criteria}|{spec.min_criteria}|{spec.min_agencies}|"
        f"{spec.window_days}|{partnership_id}"
    )


def fingerprint(key: str, family: Sequence[int], items: Sequence[Item]) -> str:
    """A digest of everything an alert is computed from: the rule (``spec_key``), the
    family's members and the counted items' metadata in rule order. Equal fingerprints
    mean an unchanged alert, so a sweep need neither re-judge nor re-read it."""
    text = "{}|{}|{}".format(
        key,
        ",".join(map(str, family)),
        ";".join(f"{e[0].toordinal()} {e[1]} {e[2]}" for e in items),
    )
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


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
