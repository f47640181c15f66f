"""Households kept up to date from the agencies' data: updated, never rebuilt.

``households_update`` reads the evidence (records' addresses and UPRNs, relationships,
items named through registered item sources, practitioners' decisions), forms the
families (``people.family.form``) and applies them to the stored households so that
every household keeps its id: members join and leave with a date and the evidence, two
households found to be one are merged (the merged one redirects to the survivor), a
household whose members part becomes two (the new one remembers where it came from).
Meetings, learning reviews, alerts and bookmarks that point at a household keep working.

Items live on a higher floor (sharing): it registers an *item source* here
(``register_item_source``) rather than being imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, EventSpec, ledger_record, ledger_record_many
from fullpicture.people.family import (
    DecisionIn,
    Formation,
    Group,
    ItemIn,
    RecordIn,
    RelationshipIn,
    Rule,
    address_key,
    form,
)
from fullpicture.people.models import (
    Household,
    HouseholdDecision,
    HouseholdMembership,
    HouseholdRule,
    HouseholdStatus,
    HouseholdTie,
    Relationship,
    SharedAddress,
    SourceRecord,
)

log = logging.getLogger(__name__)
ACTOR = Actor.system("households")

# An item source: given persons (None: everyone) and category slugs, the items in those
# categories that name at least two persons, as ``ItemIn``.
ItemSource = Callable[[set[int] | None, frozenset[str]], Iterable[ItemIn]]
_ITEM_SOURCES: list[ItemSource] = []


def register_item_source(source: ItemSource) -> None:
    """Called by a higher floor (sharing) from its app's ``ready``."""
    if source not in _ITEM_SOURCES:
        _ITEM_SOURCES.append(source)


class HouseholdConflict(Exception):
    """A merge or split named a household that changed since the practitioner read it."""


@dataclass
class HouseholdSummary:
    formed: int = 0  # households active after the update (in scope)
    created: int = 0
    changed: int = 0
    merged: int = 0
    split: int = 0
    ended: int = 0
    shared_addresses: int = 0
    household_ids: list[int] = field(default_factory=list)


def rules_load() -> list[Rule]:
    return [
        Rule(slug=r.slug, basis=r.basis, strength=r.strength, params=dict(r.params or {}))
        for r in HouseholdRule.objects.filter(active=True).order_by("slug")
    ]


def _fill_address_keys() -> None:
    """Work out the address key of records that have none yet (null), in one pass."""
    todo = SourceRecord.objects.filter(address_key__isnull=True)
    rows = [
        (address_key(address, postcode), pk)
        for pk, address, postcode in todo.values_list("pk", "address", "postcode").iterator(
            chunk_size=20000
        )
    ]
    if not rows:
        return
    table = connection.ops.quote_name(SourceRecord._meta.db_table)
    with connection.cursor() as cursor:
        for first in range(0, len(rows), 50000):
            cursor.executemany(
                f"UPDATE {table} SET address_key = %s WHERE id = %s",  # noqa: S608  (own table)
                rows[first : first + 50000],
            )


def _location_filter(locations: set[str]) -> Q:
    uprns = sorted(loc[2:] for loc in locations if loc.startswith("u:"))
    keys = sorted(loc[2:] for loc in locations if loc.startswith("a:"))
    return Q(uprn__in=uprns) | Q(address_key__in=keys)


def _locations_of(uprn: str, key: str | None) -> set[str]:
    out = set()
    if uprn:
        out.add(f"u:{uprn}")
    if key:
        out.add(f"a:{key}")
    return out


def _scope(person_ids: set[int], rules: Sequence[Rule]) -> tuple[set[int], set[str]]:
    """Every person whose household may change when these persons' evidence changed:
    the closure of their households, addresses, relationships, items and decisions.
    Also the locations too crowded to be a household (never followed)."""
    limit = max((r.number("max_residents", 8) for r in rules), default=8)
    categories = frozenset(c for r in rules if r.basis == "item" for c in r.names("categories"))
    seen: set[int] = set(person_ids)
    frontier = set(person_ids)
    seen_locs: set[str] = set()
    crowded: set[str] = set()
    while frontier:
        batch = sorted(frontier)
        found: set[int] = set()
        hh = HouseholdMembership.objects.filter(person_id__in=batch, left_at__isnull=True).values(
            "household_id"
        )
        found |= set(
            HouseholdMembership.objects.filter(
                household_id__in=hh, left_at__isnull=True
            ).values_list("person_id", flat=True)
        )
        locs: set[str] = set()
        for uprn, key in SourceRecord.objects.filter(person_id__in=batch).values_list(
            "uprn", "address_key"
        ):
            locs |= _locations_of(uprn, key)
        locs -= seen_locs
        seen_locs |= locs
        # Who lives at these locations: one query per batch of locations, not per location.
        residents: dict[str, set[int]] = defaultdict(set)
        ordered = sorted(locs)
        for first in range(0, len(ordered), 400):
            chunk = set(ordered[first : first + 400])
            rows = SourceRecord.objects.filter(
                _location_filter(chunk), person__isnull=False
            ).values_list("person_id", "uprn", "address_key")
            for person, uprn, key in rows:
                for loc in _locations_of(uprn, key) & chunk:
                    residents[loc].add(person)
        for loc, people in residents.items():
            if len(people) > limit:
                crowded.add(loc)
                continue
            found |= people
        for a, b in Relationship.objects.filter(
            Q(from_record__person_id__in=batch) | Q(to_record__person_id__in=batch)
        ).values_list("from_record__person_id", "to_record__person_id"):
            found |= {p for p in (a, b) if p is not None}
        if categories:
            for source in _ITEM_SOURCES:
                for item in source(set(batch), categories):
                    found |= set(item.persons)
        for a, b in HouseholdDecision.objects.filter(
            Q(person_a_id__in=batch) | Q(person_b_id__in=batch)
        ).values_list("person_a_id", "person_b_id"):
            found |= {a, b}
        frontier = found - seen
        seen |= found
    return seen, crowded


def _evidence(
    scope: set[int] | None, rules: Sequence[Rule]
) -> tuple[list[RecordIn], list[RelationshipIn], list[ItemIn], list[DecisionIn]]:
    records = SourceRecord.objects.filter(person__isnull=False)
    relationships = Relationship.objects.filter(
        from_record__person__isnull=False, to_record__person__isnull=False
    )
    decisions = HouseholdDecision.objects.all()
    if scope is not None:
        wanted = sorted(scope)
        records = records.filter(person_id__in=wanted)
        relationships = relationships.filter(from_record__person_id__in=wanted)
        decisions = decisions.filter(person_a_id__in=wanted)
    recs = [
        RecordIn(pk, person, name, key or "", uprn, recorded)
        for pk, person, name, key, uprn, recorded in records.values_list(
            "pk", "person_id", "family_name", "address_key", "uprn", "recorded_at"
        ).iterator(chunk_size=20000)
    ]
    rels = [
        RelationshipIn(pk, a, b, kind, agency)
        for pk, a, b, kind, agency in relationships.values_list(
            "pk", "from_record__person_id", "to_record__person_id", "kind", "agency__code"
        )
    ]
    categories = frozenset(c for r in rules if r.basis == "item" for c in r.names("categories"))
    items: list[ItemIn] = []
    if categories:
        for source in _ITEM_SOURCES:
            items.extend(source(scope, categories))
    decided = [
        DecisionIn(a, b, t)
        for a, b, t in decisions.values_list("person_a_id", "person_b_id", "together")
    ]
    return recs, rels, items, decided


def _store_shared(keys: set[str]) -> None:
    """Remember the shared addresses found (only ever added: an address that was a
    hostel stays one, even when its residents are read a few at a time)."""
    if keys:
        SharedAddress.objects.bulk_create(
            [SharedAddress(key=k) for k in sorted(keys)], ignore_conflicts=True, batch_size=5000
        )


def _digest(group: Group) -> str:
    text = repr(
        (
            sorted((p, m.basis, m.since) for p, m in group.members.items()),
            sorted((p, m.basis, m.since, m.until) for p, m in group.former.items()),
            sorted((t.a, t.b, t.basis, t.rule, t.source, t.since, t.until) for t in group.ties),
        )
    )
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def households_update(
    *,
    person_ids: Iterable[int] | None = None,
    actor: Actor = ACTOR,
    reason: str = "",
) -> HouseholdSummary:
    """Bring the households of these persons (every household when None) up to date
    with the evidence, keeping every household's id (see the module docstring).

    Called by linkage after records move between persons, and by imports of
    relationships and items. Each change is in the audit ledger (ids only).
    """
    rules = rules_load()
    summary = HouseholdSummary()
    with transaction.atomic():
        wanted = None if person_ids is None else set(person_ids)
        if wanted is not None and not wanted:
            return summary
        _fill_address_keys()
        crowded: set[str] = set()
        scope: set[int] | None = None
        if wanted is not None:
            scope, crowded = _scope(wanted, rules)
        crowded |= set(SharedAddress.objects.values_list("key", flat=True))
        recs, rels, items, decided = _evidence(scope, rules)
        formation = form(
            rules=rules,
            records=recs,
            relationships=rels,
            items=items,
            decisions=decided,
            shared=crowded,
        )
        summary.shared_addresses = len(formation.shared_locations)
        _store_shared(formation.shared_locations)
        _apply(formation, scope=scope, actor=actor, reason=reason, summary=summary)
    return summary


def _apply(
    formation: Formation,
    *,
    scope: set[int] | None,
    actor: Actor,
    reason: str,
    summary: HouseholdSummary,
) -> None:
    now = timezone.now()
    today = timezone.localdate()
    through = Household.members.through
    active = Household.objects.filter(status=HouseholdStatus.ACTIVE, from_evidence=True)
    links = through.objects.filter(
        household__status=HouseholdStatus.ACTIVE, household__from_evidence=True
    )
    if scope is not None:
        touched = through.objects.filter(person_id__in=sorted(scope)).values("household_id")
        links = links.filter(household_id__in=touched)
        active = active.filter(pk__in=touched)
    existing: dict[int, set[int]] = defaultdict(set)
    member_of: dict[int, set[int]] = defaultdict(set)
    for hh, person in links.values_list("household_id", "person_id").iterator(chunk_size=50000):
        existing[hh].add(person)
        member_of[person].add(hh)
    digests = dict(active.values_list("pk", "digest"))
    for hh in digests:
        existing.setdefault(hh, set())
    claimed: dict[int, Group] = {}
    created: list[tuple[Group, int | None]] = []
    merged: dict[int, int] = {}  # merged household -> survivor
    for group in sorted(formation.groups, key=lambda g: (-len(g.members), g.key)):
        overlap = Counter(hh for p in group.members for hh in member_of.get(p, ()))
        candidates = sorted(overlap, key=lambda h: (-overlap[h], h))
        target = next((h for h in candidates if h not in claimed and h not in merged), None)
        if target is None:
            created.append((group, candidates[0] if candidates else None))
            continue
        claimed[target] = group
        for other in candidates:
            if other in (target,) or other in claimed or other in merged:
                continue
            if existing[other] <= set(group.members):
                merged[other] = target
    ended = [hh for hh in existing if hh not in claimed and hh not in merged]
    # New households (fresh, or split off an existing one).
    new_rows = [
        Household(split_from_id=origin, digest=_digest(group), version=1, from_evidence=True)
        for group, origin in created
    ]
    new_rows = Household.objects.bulk_create(new_rows, batch_size=2000)
    joins: list[HouseholdMembership] = []
    member_rows: list[object] = []
    tie_rows: list[HouseholdTie] = []
    events: list[EventSpec] = []
    for row, (group, origin) in zip(new_rows, created, strict=True):
        _joins(row.pk, group, set(), now, joins, member_rows)
        tie_rows.extend(_tie_rows(row.pk, group))
        summary.created += 1
        summary.split += origin is not None
        events.append(
            EventSpec(
                action=Action.SPLIT if origin is not None else Action.CREATE,
                object_type="household",
                object_id=row.pk,
                reason_code=reason[:32] if reason else "",
                details={"members": len(group.members), "from_household": origin or ""},
            )
        )
    # Claimed households: only those whose evidence changed are touched.
    changed_ids: list[int] = []
    leaves: dict[int, set[int]] = {}
    for hh, group in claimed.items():
        digest = _digest(group)
        if digests.get(hh) == digest:
            continue
        changed_ids.append(hh)
        before = existing[hh]
        _joins(hh, group, before, now, joins, member_rows)
        leaving = before - set(group.members)
        if leaving:
            leaves[hh] = leaving
        tie_rows.extend(_tie_rows(hh, group))
        if set(group.members) != before:
            summary.changed += 1
            events.append(
                EventSpec(
                    action=Action.UPDATE,
                    object_type="household",
                    object_id=hh,
                    details={
                        "joined": len(set(group.members) - before),
                        "left": len(leaving),
                    },
                )
            )
    for hh, survivor in merged.items():
        leaves[hh] = existing[hh]
        summary.merged += 1
        events.append(
            EventSpec(
                action=Action.MERGE,
                object_type="household",
                object_id=survivor,
                details={"from_household": hh},
            )
        )
    for hh in ended:
        if existing[hh]:
            leaves[hh] = existing[hh]
        summary.ended += 1
        events.append(
            EventSpec(
                action=Action.UPDATE, object_type="household", object_id=hh, details={"ended": True}
            )
        )
    # Leaving: the spell ends (with the evidence's date where it has one).
    if leaves:
        former = {(hh, p): m for hh, group in claimed.items() for p, m in group.former.items()}
        why = {hh: "merged" for hh in merged}
        for hh, persons in leaves.items():
            for person in persons:
                m = former.get((hh, person))
                HouseholdMembership.objects.filter(
                    household_id=hh, person_id=person, left_at__isnull=True
                ).update(
                    left_at=now,
                    until=(m.until if m is not None and m.until else today),
                    reason=why.get(hh, "moved" if m is not None else "no longer tied"),
                )
            through.objects.filter(household_id=hh, person_id__in=sorted(persons)).delete()
    touched_ids = changed_ids + list(merged)
    if touched_ids:
        HouseholdTie.objects.filter(household_id__in=touched_ids).delete()
        for hh in changed_ids:
            Household.objects.filter(pk=hh).update(
                digest=_digest(claimed[hh]), version=F("version") + 1, updated_at=now
            )
    for hh, survivor in merged.items():
        Household.objects.filter(pk=hh).update(
            status=HouseholdStatus.MERGED,
            merged_into_id=survivor,
            version=F("version") + 1,
            updated_at=now,
            digest="",
        )
    if ended:
        HouseholdTie.objects.filter(household_id__in=ended).delete()
        Household.objects.filter(pk__in=ended).update(
            status=HouseholdStatus.ENDED, version=F("version") + 1, updated_at=now, digest=""
        )
    HouseholdMembership.objects.bulk_create(joins, batch_size=5000)
    through.objects.bulk_create(member_rows, batch_size=5000, ignore_conflicts=True)  # type: ignore[arg-type]
    HouseholdTie.objects.bulk_create(tie_rows, batch_size=5000)
    if events:
        ledger_record_many(actor=actor, events=events)
    summary.formed = len(claimed) + len(created)
    summary.household_ids = sorted([*claimed, *(r.pk for r in new_rows)])


def _joins(
    hh: int,
    group: Group,
    before: set[int],
    now: dt.datetime,
    joins: list[HouseholdMembership],
    member_rows: list[object],
) -> None:
    through = Household.members.through
    spelled = (
        set(
            HouseholdMembership.objects.filter(
                household_id=hh, person_id__in=sorted(before), left_at__isnull=True
            ).values_list("person_id", flat=True)
        )
        if before
        else set()
    )
    for person, m in sorted(group.members.items()):
        if person in before and person in spelled:
            continue
        if person in before:  # a member from before households had a history
            joins.append(
                HouseholdMembership(
                    household_id=hh, person_id=person, basis=m.basis, since=m.since, joined_at=now
                )
            )
            continue
        joins.append(
            HouseholdMembership(
                household_id=hh, person_id=person, basis=m.basis, since=m.since, joined_at=now
            )
        )
        member_rows.append(through(household_id=hh, person_id=person))
    if not group.former:
        return
    had = (
        set(
            HouseholdMembership.objects.filter(
                household_id=hh, person_id__in=sorted(group.former)
            ).values_list("person_id", flat=True)
        )
        if hh and before
        else set()
    )
    for person, m in sorted(group.former.items()):
        if person in had or person in before:
            continue
        joins.append(
            HouseholdMembership(
                household_id=hh,
                person_id=person,
                basis=m.basis,
                since=m.since,
                until=m.until,
                joined_at=now,
                left_at=now,
                reason="moved",
            )
        )


def _tie_rows(hh: int, group: Group) -> list[HouseholdTie]:
    return [
        HouseholdTie(
            household_id=hh,
            person_a_id=t.a,
            person_b_id=t.b,
            basis=t.basis,
            rule=t.rule,
            strength=t.strength,
            source=t.source,
            since=t.since,
            until=t.until,
        )
        for t in group.ties
    ]


# ------------------------------------------------------- practitioners' changes


def _lock(household_id: int, version: int) -> Household:
    household = Household.objects.select_for_update().filter(pk=household_id).first()
    if household is None:
        raise HouseholdConflict(f"There is no household {household_id}.")
    if household.status != HouseholdStatus.ACTIVE:
        raise HouseholdConflict(
            f"Household {household_id} was {household.get_status_display().lower()} "
            "since you opened it: open it again and decide on what it is now."
        )
    if household.version != version:
        raise HouseholdConflict(
            f"Household {household_id} changed since you opened it (version {version}, now "
            f"{household.version}): open it again and decide on what it is now."
        )
    return household


def _decide(pairs: Iterable[tuple[int, int]], *, together: bool, actor: Actor) -> None:
    now = timezone.now()
    for a, b in pairs:
        lo, hi = sorted((a, b))
        HouseholdDecision.objects.update_or_create(
            person_a_id=lo,
            person_b_id=hi,
            defaults={"together": together, "decided_by": actor.id, "decided_at": now},
        )


def household_merge(
    *,
    actor: Actor,
    keep_id: int,
    keep_version: int,
    other_id: int,
    other_version: int,
    reason: str,
) -> Household:
    """A practitioner's decision that two households are one family: the other redirects
    to the kept one. Refused (nothing changed) when either changed since it was read."""
    if keep_id == other_id:
        raise HouseholdConflict("A household cannot be merged with itself.")
    if not reason.strip():
        raise HouseholdConflict("Give a reason for the merge.")
    with transaction.atomic():
        first, second = sorted(((keep_id, keep_version), (other_id, other_version)))
        locked = {first[0]: _lock(*first), second[0]: _lock(*second)}
        keep, other = locked[keep_id], locked[other_id]
        kept = list(keep.members.values_list("pk", flat=True))
        moving = list(other.members.values_list("pk", flat=True))
        _decide(((kept[0], p) for p in moving if kept), together=True, actor=actor)
        ledger_record(
            actor=actor,
            action=Action.MERGE,
            object_type="household",
            object_id=keep.pk,
            reason_code="manual",
            details={"from_household": other.pk},
        )
        now = timezone.now()
        HouseholdMembership.objects.filter(household=other, left_at__isnull=True).update(
            left_at=now, until=timezone.localdate(), reason="merged"
        )
        HouseholdTie.objects.filter(household=other).delete()
        other.members.clear()
        Household.objects.filter(pk=other.pk).update(
            status=HouseholdStatus.MERGED,
            merged_into=keep,
            version=F("version") + 1,
            updated_at=now,
            digest="",
        )
        Household.objects.filter(pk=keep.pk).update(digest="", version=F("version") + 1)
        households_update(person_ids=[*kept, *moving], actor=actor, reason="merge")
    keep.refresh_from_db()
    return keep


def household_split(
    *,
    actor: Actor,
    household_id: int,
    version: int,
    person_ids: Sequence[int],
    reason: str,
) -> Household:
    """A practitioner's decision that these members are a family of their own: they
    leave for a new household (``split_from`` the old, which keeps its id). Refused
    (nothing changed) when the household changed since it was read."""
    if not reason.strip():
        raise HouseholdConflict("Give a reason for the split.")
    with transaction.atomic():
        household = _lock(household_id, version)
        members = set(household.members.values_list("pk", flat=True))
        leaving = set(person_ids)
        if not leaving or not leaving < members:
            raise HouseholdConflict(
                "Choose some, not all, of the household's current members to split off."
            )
        staying = members - leaving
        _decide(
            ((a, b) for a in sorted(staying) for b in sorted(leaving)), together=False, actor=actor
        )
        ledger_record(
            actor=actor,
            action=Action.SPLIT,
            object_type="household",
            object_id=household.pk,
            reason_code="manual",
            details={"members": len(leaving)},
        )
        Household.objects.filter(pk=household.pk).update(digest="", version=F("version") + 1)
        # The part that left is a household of its own (split_from this one) when its
        # own evidence holds it together; a single person who left is no household.
        households_update(person_ids=members, actor=actor, reason="split")
    household.refresh_from_db()
    return household


def households_rebuild(*, actor: Actor, reason: str) -> HouseholdSummary:
    """The explicit repair: every household worked out again from all the evidence and
    applied as an update (ids kept, merges redirected), recorded in the ledger with the
    reason. Never run by imports or linking."""
    if not reason.strip():
        raise ValueError("Give the reason for the repair.")
    with transaction.atomic():
        Household.objects.filter(status=HouseholdStatus.ACTIVE).update(digest="")
        SourceRecord.objects.update(address_key=None)
        SharedAddress.objects.all().delete()
        ledger_record(
            actor=actor,
            action=Action.UPDATE,
            object_type="households",
            reason_code="repair",
            details={"rebuild": True},
        )
        return households_update(actor=actor, reason="repair")


def household_resolve(household_id: int) -> int:
    """The id a household now goes by: itself, or the survivor it was merged into."""
    seen = {household_id}
    current = household_id
    while True:
        nxt = Household.objects.filter(pk=current).values_list("merged_into_id", flat=True).first()
        if nxt is None or nxt in seen:
            return current
        seen.add(nxt)
        current = nxt


def households_export(*, path: Path, actor: Actor) -> int:
    """One row per spell: household_id, person_id, basis, from, to (blank: still a member,
    or not known). Active households only (a merged one's members are in the survivor).
    The ledger event is committed before the file is written."""
    rows = list(
        HouseholdMembership.objects.filter(household__status=HouseholdStatus.ACTIVE)
        .order_by("household_id", "person_id", "joined_at")
        .values_list("household_id", "person_id", "basis", "since", "until", "left_at")
    )
    with transaction.atomic():
        ledger_record(
            actor=actor, action=Action.EXPORT, object_type="households", details={"rows": len(rows)}
        )
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["household_id", "person_id", "basis", "from", "to"])
        for hh, person, basis, since, until, left_at in rows:
            to = until or (timezone.localdate(left_at) if left_at is not None else None)
            writer.writerow(
                [
                    hh,
                    person,
                    basis,
                    since.isoformat() if since else "",
                    to.isoformat() if to else "",
                ]
            )
    return len(rows)


__all__ = [
    "HouseholdConflict",
    "HouseholdSummary",
    "household_merge",
    "household_resolve",
    "household_split",
    "households_export",
    "households_rebuild",
    "households_update",
    "register_item_source",
]
