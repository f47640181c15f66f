"""Household formation, pure: the agencies' data in, families with their ties out.

Nothing here touches the database; ``people.households`` reads the evidence, calls
``form`` and applies the result to the stored households (updated, never rebuilt).

The evidence (each piece a *tie* between two persons, with its rule, basis, strength,
source and the dates it held):

* **relationship**: a typed relationship an agency recorded between two of its records
  (the kinds the rule names); undated, so always current.
* **uprn**: two persons' records give the same valid UPRN (12 digits) at overlapping times.
* **address**: the same normalised address line, flat and postcode at overlapping times.
  A person's time at an address runs from the first record that gives it to the first
  later record (any agency) that gives another address; the latest address is open.
* **item**: two persons named together in one item whose category the rule names (a
  domestic-abuse incident, a neglect visit), when the item names few enough persons.

Not every shared address is a family:

* flats are told apart (``Flat 3, 12 High Street`` is not ``Flat 4``), because the flat
  is part of the address key;
* a location where more unrelated surnames (groups of persons sharing no surname) lived
  over time than the rule's ``max_surnames``, or more persons than its ``max_residents``,
  is a *shared address* (a hostel, a refuge, a care home, student halls): it makes no
  tie, and its residents are labelled as living at a shared address;
* a household larger than ``max_members`` is split back along its weaker evidence
  (item ties dropped first, then address ties), never kept as one huge family.

Families over time: a tie whose evidence ended before either person's latest move is
*not current*; households are formed from current ties, and a person tied to a household
only by ties that ended is its *former member* (with the dates), so a person who moved
from one family to another belongs to each for its own time.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

BASES = ("relationship", "uprn", "address", "item", "manual")
UPRN_FORMAT = re.compile(r"^\d{12}$")

# ------------------------------------------------------------------ addresses

_ABBREVIATIONS = {
    "st": "street",
    "rd": "road",
    "cl": "close",
    "ave": "avenue",
    "av": "avenue",
    "dr": "drive",
    "ln": "lane",
    "gdns": "gardens",
    "ct": "court",
    "pl": "place",
    "cres": "crescent",
    "sq": "square",
    "ter": "terrace",
    "terr": "terrace",
    "gr": "grove",
    "wk": "walk",
    "hse": "house",
}
_FLAT = re.compile(r"\b(?:flat|apartment|apt|unit|room|maisonette)\.?\s*([a-z0-9]+)\b")
_LEADING_FLAT = re.compile(r"^(\d+[a-z]?)\s*/\s*(\d+[a-z]?)\b")  # "3/12 High Street"
_NON_WORD = re.compile(r"[^a-z0-9 ]+")


def normalise_postcode(postcode: str) -> str:
    return "".join(postcode.upper().split())


@functools.lru_cache(maxsize=262144)
def address_key(address: str, postcode: str) -> str:
    """The key two records' addresses are compared by: postcode, flat and address line.

    Case, punctuation, apostrophes, common abbreviations and a trailing town are ignored;
    the flat or unit is kept. Blank when there is too little to compare (no postcode or
    no address line), so such records never tie on address.
    """
    pc = normalise_postcode(postcode)
    text = address.lower().replace("'", "").replace("\u2019", "")
    if not pc or not text.strip():
        return ""
    flat = ""
    m = _LEADING_FLAT.match(text.strip())
    if m:
        flat, text = m.group(1), text.strip()[m.end() :].strip()
        text = f"{m.group(2)} {text}"
    segments = [s.strip() for s in text.split(",") if s.strip()]
    kept: list[str] = []
    for segment in segments:
        found = _FLAT.search(segment)
        if found and not flat:
            flat = found.group(1)
            segment = (segment[: found.start()] + segment[found.end() :]).strip()
        if segment:
            kept.append(segment)
    # A trailing single word with no digit (the town) is dropped when there is more.
    if len(kept) > 1 and not re.search(r"\d", kept[-1]) and len(kept[-1].split()) == 1:
        kept.pop()
    words = _NON_WORD.sub(" ", " ".join(kept)).split()
    if not words:
        return ""
    if words[-1] in _ABBREVIATIONS:
        words[-1] = _ABBREVIATIONS[words[-1]]
    words = [
        _ABBREVIATIONS[w] if w in _ABBREVIATIONS and i + 1 < len(words) and i > 0 else w
        for i, w in enumerate(words)
    ]
    return f"{pc}|{flat}|{' '.join(words)}"[:340]


def valid_uprn(value: str) -> bool:
    return bool(UPRN_FORMAT.match(value))


# ---------------------------------------------------------------------- rules


@dataclass(frozen=True)
class Rule:
    """One household rule as the engine reads it (from ``HouseholdRule`` rows)."""

    slug: str
    basis: str
    strength: int
    params: Mapping[str, object] = field(default_factory=dict)

    def number(self, name: str, default: int) -> int:
        value = self.params.get(name, default)
        return int(value) if isinstance(value, int | float | str) else default

    def names(self, name: str) -> frozenset[str]:
        value = self.params.get(name, ())
        return frozenset(str(v) for v in value) if isinstance(value, list | tuple) else frozenset()


class RuleError(ValueError):
    """A household rule that cannot be applied; the message names the rule and the setting."""


def check_rule(rule: Rule) -> None:
    """Refuse a rule whose basis or settings make no sense (named in the message)."""
    if rule.basis not in BASES or rule.basis == "manual":
        raise RuleError(f"rule {rule.slug}: basis must be relationship, uprn, address or item")
    if not 1 <= rule.strength <= 3:
        raise RuleError(f"rule {rule.slug}: strength must be 1, 2 or 3")
    if rule.basis == "relationship" and not rule.names("kinds"):
        raise RuleError(f"rule {rule.slug}: params.kinds must list relationship kinds")
    if rule.basis == "item" and not rule.names("categories"):
        raise RuleError(f"rule {rule.slug}: params.categories must list concern categories")
    for name in ("max_surnames", "max_residents", "max_members", "max_persons"):
        if name in rule.params and rule.number(name, 0) < 1:
            raise RuleError(f"rule {rule.slug}: params.{name} must be a whole number above 0")


# --------------------------------------------------------------------- inputs


class RecordIn(NamedTuple):
    record_id: int
    person_id: int
    family_name: str
    address_key: str
    uprn: str
    recorded_at: dt.date | None


class RelationshipIn(NamedTuple):
    relationship_id: int
    person_a: int
    person_b: int
    kind: str
    agency: str


class ItemIn(NamedTuple):
    item_id: int
    category: str
    occurred: dt.date
    agency: str
    persons: tuple[int, ...]


class DecisionIn(NamedTuple):
    person_a: int
    person_b: int
    together: bool


@dataclass(frozen=True)
class Tie:
    a: int
    b: int
    basis: str
    rule: str
    strength: int
    source: str
    since: dt.date | None
    until: dt.date | None
    where: str = field(default="", compare=False)  # the location, in memory only (never stored)


@dataclass
class Member:
    basis: str  # the strongest current tie's basis
    since: dt.date | None
    until: dt.date | None = None  # former members only


@dataclass
class Group:
    """One household as the evidence shows it: current and former members, and ties."""

    members: dict[int, Member]
    former: dict[int, Member]
    ties: list[Tie]

    @property
    def key(self) -> tuple[int, ...]:
        return tuple(sorted(self.members))


@dataclass
class Formation:
    groups: list[Group]
    shared_locations: set[str]  # location keys found to be shared addresses
    at_shared: set[int]  # persons whose latest location is a shared address


# ----------------------------------------------------------------- the engine


def _surnames(name: str) -> set[str]:
    """A family name's parts ("Cole-Ames" is both a Cole and an Ames)."""
    text = name.lower().replace("'", "").replace("\u2019", "").replace("-", " ")
    return {part for part in _NON_WORD.sub(" ", text).split() if part}


def _person_locations(
    records: Sequence[RecordIn],
) -> tuple[dict[str, tuple[dt.date | None, dt.date | None]], dt.date | None]:
    """Each location (``u:<uprn>``/``a:<address key>``) a person's records give, with
    the person's time there; and when the person moved to their latest address."""
    entries: list[tuple[dt.date | None, frozenset[str]]] = []
    for r in records:
        locs: set[str] = set()
        if r.uprn and valid_uprn(r.uprn):
            locs.add(f"u:{r.uprn}")
        if r.address_key:
            locs.add(f"a:{r.address_key}")
        if locs:
            entries.append((r.recorded_at, frozenset(locs)))
    dated = sorted(
        ((d, locs) for d, locs in entries if d is not None), key=lambda e: (e[0], sorted(e[1]))
    )
    out: dict[str, tuple[dt.date | None, dt.date | None]] = {}
    for d, where in entries:
        if d is None:
            for loc in where:
                out.setdefault(loc, (None, None))
    for loc in {loc for _, where in dated for loc in where}:
        days = [d for d, where in dated if loc in where]
        first, last = days[0], days[-1]
        until = next((d for d, where in dated if d > last and loc not in where), None)
        out[loc] = (first, until)
    moved = None
    if dated:
        latest = dated[-1][1]
        # The move to the latest address: the first date of the unbroken run ending last.
        moved = dated[-1][0]
        for d, where in reversed(dated):
            if where & latest:
                moved = d
            else:
                break
    return out, moved


def _overlap(
    a: tuple[dt.date | None, dt.date | None], b: tuple[dt.date | None, dt.date | None]
) -> tuple[dt.date | None, dt.date | None] | None:
    since = max((d for d in (a[0], b[0]) if d is not None), default=None)
    untils = [d for d in (a[1], b[1]) if d is not None]
    until = min(untils) if untils else None
    if since is not None and until is not None and until <= since:
        return None
    return since, until


class _Union:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def form(
    *,
    rules: Sequence[Rule],
    records: Iterable[RecordIn],
    relationships: Iterable[RelationshipIn] = (),
    items: Iterable[ItemIn] = (),
    decisions: Iterable[DecisionIn] = (),
    shared: Iterable[str] = (),
) -> Formation:
    """Form households from the evidence by the rules (see the module's docstring).
    ``shared`` names locations already known to be shared addresses (too crowded to
    have been read whole)."""
    by_basis: dict[str, list[Rule]] = defaultdict(list)
    for rule in rules:
        check_rule(rule)
        by_basis[rule.basis].append(rule)
    per_person: dict[int, list[RecordIn]] = defaultdict(list)
    for r in records:
        per_person[r.person_id].append(r)
    ties: list[Tie] = []
    # Locations: who lived where, when.
    residents: dict[str, dict[int, tuple[dt.date | None, dt.date | None]]] = defaultdict(dict)
    surnames: dict[int, set[str]] = defaultdict(set)
    moved: dict[int, dt.date | None] = {}
    latest_locations: dict[int, set[str]] = {}
    for person, recs in per_person.items():
        spans, moved[person] = _person_locations(recs)
        for loc, span in spans.items():
            residents[loc][person] = span
        open_locs = {loc for loc, span in spans.items() if span[1] is None}
        latest_locations[person] = open_locs
        for r in recs:
            if r.family_name:
                surnames[person] |= _surnames(r.family_name)
    shared_locations = set(shared)
    max_members = 12
    for basis, prefix in (("uprn", "u:"), ("address", "a:")):
        for rule in by_basis.get(basis, []):
            max_members = min(max_members, rule.number("max_members", max_members))
            max_surnames = rule.number("max_surnames", 3)
            max_residents = rule.number("max_residents", 8)
            for loc, people in residents.items():
                if not loc.startswith(prefix):
                    continue
                if (
                    loc in shared
                    or len(people) > max_residents
                    or _surname_groups(people, surnames) > max_surnames
                ):
                    shared_locations.add(loc)
                    continue
                persons = sorted(people)
                for i, a in enumerate(persons):
                    for b in persons[i + 1 :]:
                        found = _overlap(people[a], people[b])
                        if found is None:
                            continue
                        span = found
                        ties.append(
                            Tie(a, b, basis, rule.slug, rule.strength, basis, *span, where=loc)
                        )
    for rule in by_basis.get("relationship", []):
        kinds = rule.names("kinds")
        for rel in relationships:
            if rel.kind in kinds and rel.person_a != rel.person_b:
                a, b = sorted((rel.person_a, rel.person_b))
                source = f"relationship:{rel.relationship_id}"
                ties.append(Tie(a, b, "relationship", rule.slug, rule.strength, source, None, None))
    item_list = list(items)
    for rule in by_basis.get("item", []):
        categories = rule.names("categories")
        max_persons = rule.number("max_persons", 6)
        for item in item_list:
            if item.category not in categories or not 2 <= len(item.persons) <= max_persons:
                continue
            persons = sorted(set(item.persons))
            for i, a in enumerate(persons):
                for b in persons[i + 1 :]:
                    source = f"item:{item.item_id}"
                    ties.append(
                        Tie(a, b, "item", rule.slug, rule.strength, source, item.occurred, None)
                    )
    apart: set[tuple[int, int]] = set()
    for d in decisions:
        a, b = sorted((d.person_a, d.person_b))
        if d.together:
            ties.append(Tie(a, b, "manual", "manual", 3, "decision", None, None))
        else:
            apart.add((a, b))
    if apart:
        ties = [t for t in ties if (t.a, t.b) not in apart]
    at_shared = {
        p
        for p, locs in latest_locations.items()
        if locs and locs <= shared_locations and p in per_person
    }
    return Formation(
        groups=_groups(ties, moved, max_members, apart, latest_locations),
        shared_locations=shared_locations,
        at_shared=at_shared,
    )


def _surname_groups(people: Mapping[int, object], surnames: Mapping[int, set[str]]) -> int:
    """How many unrelated surname groups lived at a location: persons sharing any
    surname (a double-barrelled one, a maiden name) count as one group."""
    groups: list[set[str]] = []
    for person in people:
        names = set(surnames.get(person, ()))
        if not names:
            continue
        joined = [g for g in groups if g & names]
        for g in joined:
            names |= g
            groups.remove(g)
        groups.append(names)
    return len(groups)


def _current(
    tie: Tie,
    moved: Mapping[int, dt.date | None],
    latest: Mapping[int, set[str]] | None = None,
) -> bool:
    """A tie is current unless its evidence ended before (or on) either person's move
    to their latest address. A recorded relationship (undated) is current unless both
    persons' latest addresses are known and differ: family, but not one household now."""
    if tie.basis == "manual":
        return True
    if tie.basis == "relationship":
        if latest is None:
            return True
        a, b = latest.get(tie.a), latest.get(tie.b)
        return not a or not b or bool(a & b)
    last_move = max(
        (d for d in (moved.get(tie.a), moved.get(tie.b)) if d is not None), default=None
    )
    if last_move is None:
        return True
    end = tie.until if tie.until is not None else (tie.since if tie.basis == "item" else None)
    if tie.basis == "item":
        return end is None or end >= last_move
    return end is None or end > last_move


_DROP_ORDER = (("item",), ("item", "address"), ("item", "address", "uprn"))


def _components(ties: Iterable[Tie]) -> dict[int, set[int]]:
    union = _Union()
    for t in ties:
        union.join(t.a, t.b)
    out: dict[int, set[int]] = defaultdict(set)
    for p in list(union.parent):
        out[union.find(p)].add(p)
    return out


def _groups(
    ties: list[Tie],
    moved: Mapping[int, dt.date | None],
    max_members: int,
    apart: set[tuple[int, int]],
    latest: Mapping[int, set[str]],
) -> list[Group]:
    current = [t for t in ties if _current(t, moved, latest)]
    components = list(_components(current).values())
    # Too large to be a family: formed again from its stronger evidence only.
    final: list[set[int]] = []
    for comp in components:
        if len(comp) <= max_members:
            final.append(comp)
            continue
        inside = [t for t in current if t.a in comp]
        for dropped in _DROP_ORDER:
            kept = [t for t in inside if t.basis not in dropped]
            parts = list(_components(kept).values())
            if all(len(p) <= max_members for p in parts):
                break
        final.extend(p for p in parts if len(p) <= max_members)
    # A decision that two persons live apart holds even against a chain of other ties.
    final = [part for comp in final for part in _apart(comp, current, apart)]
    group_of = {p: i for i, comp in enumerate(final) if len(comp) >= 2 for p in comp}
    group_members = {i: comp for i, comp in enumerate(final) if len(comp) >= 2}
    groups: dict[int, Group] = {}
    for i, comp in enumerate(final):
        if len(comp) >= 2:
            groups[i] = Group(members={}, former={}, ties=[])
    for t in ties:
        ga, gb = group_of.get(t.a), group_of.get(t.b)
        if ga is not None and ga == gb:
            group = groups[ga]
            group.ties.append(t)
            if _current(t, moved, latest):
                for p in (t.a, t.b):
                    _note(group.members, p, t)
            continue
        # An ended tie to a household the other person is not (now) part of: former member.
        for here, gi in ((t.a, gb), (t.b, ga)):
            if gi is None or group_of.get(here) == gi or _current(t, moved, latest):
                continue
            end = t.until or t.since
            left = moved.get(here)
            if left is None or end is None or left < end:
                continue  # not the one who moved away
            if not t.where or not any(t.where in latest.get(p, ()) for p in group_members[gi]):
                continue  # a former member lived at the family's home, which is still theirs
            group = groups[gi]
            group.ties.append(t)
            spell = group.former.get(here)
            if spell is None:
                group.former[here] = Member(t.basis, t.since, end)
            else:
                if t.since is not None and (spell.since is None or t.since < spell.since):
                    spell.since = t.since
                if end is not None and (spell.until is None or end > spell.until):
                    spell.until = end
    return sorted(groups.values(), key=lambda g: g.key)


_STRENGTH_ORDER = {"manual": 5, "relationship": 4, "uprn": 3, "address": 2, "item": 1}


def _note(members: dict[int, Member], person: int, tie: Tie) -> None:
    m = members.get(person)
    if m is None:
        members[person] = Member(tie.basis, tie.since)
        return
    if _STRENGTH_ORDER[tie.basis] > _STRENGTH_ORDER[m.basis]:
        m.basis = tie.basis
    if tie.since is not None and (m.since is None or tie.since < m.since):
        m.since = tie.since


def _apart(comp: set[int], ties: list[Tie], apart: set[tuple[int, int]]) -> list[set[int]]:
    """Split a component so no two persons decided to live apart share a part: the ties
    that keep them connected are dropped, weakest first, until they are separated."""
    inside = [(a, b) for a, b in apart if a in comp and b in comp]
    if not inside:
        return [comp]
    kept = sorted(
        (t for t in ties if t.a in comp and t.b in comp),
        key=lambda t: (-_STRENGTH_ORDER[t.basis], -t.strength),
    )
    while True:
        parts = _components(kept)
        part_of = {p: root for root, ps in parts.items() for p in ps}
        if all(part_of.get(a) != part_of.get(b) for a, b in inside) or not kept:
            break
        kept.pop()
    out = [set(ps) for ps in _components(kept).values()]
    covered = set().union(*out) if out else set()
    out.extend({p} for p in comp - covered)
    return out
