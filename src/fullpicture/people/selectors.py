"""Reads for households: how the members a viewer may see are tied, and since when.

The callers pass the persons the viewer may see (already opened through the sharing
policy point); nothing here widens that: ties are read only between those persons, and
never carry an address (see docs/security.md, "Households and protected addresses").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from fullpicture.people.models import (
    HouseholdMembership,
    HouseholdTie,
    SharedAddress,
    SourceRecord,
    TieBasis,
)


@dataclass(frozen=True)
class TieView:
    other_id: int
    basis: str
    label: str
    strength: int
    since: dt.date | None
    until: dt.date | None


@dataclass(frozen=True)
class MemberView:
    person_id: int
    basis_label: str
    since: dt.date | None
    until: dt.date | None
    current: bool
    at_shared_address: bool
    ties: tuple[TieView, ...]


def household_members_view(*, household_id: int, person_ids: Iterable[int]) -> list[MemberView]:
    """Each of these persons' spells in the household (current first), with the ties
    between them and whether they live at a shared address."""
    visible = sorted(set(person_ids))
    spells = list(
        HouseholdMembership.objects.filter(household_id=household_id, person_id__in=visible)
        .order_by("person_id", "-joined_at")
        .values_list("person_id", "basis", "since", "until", "left_at")
    )
    ties: dict[int, list[TieView]] = {p: [] for p in visible}
    rows = HouseholdTie.objects.filter(
        household_id=household_id, person_a_id__in=visible, person_b_id__in=visible
    ).values_list("person_a_id", "person_b_id", "basis", "strength", "since", "until")
    for a, b, basis, strength, since, until in rows:
        label = TieBasis(basis).label
        ties[a].append(TieView(b, basis, label, strength, since, until))
        ties[b].append(TieView(a, basis, label, strength, since, until))
    shared = persons_at_shared_addresses(visible)
    out: list[MemberView] = []
    seen: set[int] = set()
    for person in visible:
        if not any(s[0] == person for s in spells):
            spells.append((person, TieBasis.RELATIONSHIP.value, None, None, None))
    for person, basis, since, until, left_at in spells:
        if person in seen:
            continue
        seen.add(person)
        out.append(
            MemberView(
                person_id=person,
                basis_label=TieBasis(basis).label,
                since=since,
                until=until,
                current=left_at is None,
                at_shared_address=person in shared,
                ties=tuple(sorted(ties[person], key=lambda t: (t.other_id, t.basis))),
            )
        )
    return sorted(out, key=lambda m: (not m.current, m.person_id))


def persons_at_shared_addresses(person_ids: Iterable[int]) -> set[int]:
    """Which of these persons have a record at an address found to be a shared one."""
    keys = set(SharedAddress.objects.values_list("key", flat=True))
    if not keys:
        return set()
    uprns = sorted(k[2:] for k in keys if k.startswith("u:"))
    addresses = sorted(k[2:] for k in keys if k.startswith("a:"))
    return set(
        SourceRecord.objects.filter(person_id__in=sorted(set(person_ids)))
        .filter(Q(uprn__in=uprns) | Q(address_key__in=addresses))
        .values_list("person_id", flat=True)
    )


def person_household_ids(person_id: int) -> list[int]:
    """Every household the person has been part of (current and former), by id."""
    return list(
        HouseholdMembership.objects.filter(person_id=person_id)
        .values_list("household_id", flat=True)
        .distinct()
        .order_by("household_id")
    )
