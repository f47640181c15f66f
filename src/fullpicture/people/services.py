"""Writes for people: relationships agencies record, and households built from them."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from fullpicture.core.csvfile import ImportRejected, RowError
from fullpicture.partnerships.models import Agency
from fullpicture.people.models import (
    Household,
    Person,
    Relationship,
    RelationshipKind,
    SourceRecord,
)

RELATIONSHIP_COLUMNS = ("agency", "from_source_id", "to_source_id", "relationship")
FAMILY_KINDS = {
    RelationshipKind.PARENT,
    RelationshipKind.PARTNER,
    RelationshipKind.SIBLING,
    RelationshipKind.CARER,
}


def relationships_import(*, rows: Sequence[tuple[int, dict[str, str]]], file: str) -> int:
    """Import relationships between agencies' records (all or nothing); returns how many are new."""
    agencies = {a.code: a for a in Agency.objects.all()}
    errors: list[RowError] = []
    wanted: list[tuple[Agency, str, str, str, int]] = []
    for number, row in rows:
        agency = agencies.get(row["agency"])
        if agency is None:
            errors.append(RowError(file, number, "agency", f"unknown agency '{row['agency']}'"))
            continue
        if row["relationship"] not in RelationshipKind.values:
            errors.append(RowError(file, number, "relationship", "is not a known relationship"))
            continue
        wanted.append(
            (agency, row["from_source_id"], row["to_source_id"], row["relationship"], number)
        )
    records = {
        (r.agency_id, r.source_id): r
        for r in SourceRecord.objects.filter(agency__in=[w[0] for w in wanted])
    }
    created = 0
    to_create: list[Relationship] = []
    for agency, from_id, to_id, kind, number in wanted:
        from_record = records.get((agency.pk, from_id))
        to_record = records.get((agency.pk, to_id))
        if from_record is None or to_record is None:
            missing = from_id if from_record is None else to_id
            column = "from_source_id" if from_record is None else "to_source_id"
            errors.append(
                RowError(file, number, column, f"no record '{missing}' for {agency.code}")
            )
            continue
        to_create.append(
            Relationship(agency=agency, from_record=from_record, to_record=to_record, kind=kind)
        )
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        for rel in to_create:
            _, was_created = Relationship.objects.get_or_create(
                from_record=rel.from_record,
                to_record=rel.to_record,
                kind=rel.kind,
                defaults={"agency": rel.agency},
            )
            created += was_created
    return created


def households_rebuild() -> int:
    """Group persons joined by family ties (parent, partner, sibling, carer) into households.

    A household is a connected group of at least two persons; rebuilt whole,
    so it always reflects the current links between records and persons.
    """
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    pairs = Relationship.objects.filter(
        kind__in=FAMILY_KINDS,
        from_record__person__isnull=False,
        to_record__person__isnull=False,
    ).values_list("from_record__person_id", "to_record__person_id")
    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    groups: dict[int, set[int]] = {}
    for person_id in list(parent):
        groups.setdefault(find(person_id), set()).add(person_id)
    with transaction.atomic():
        Household.objects.all().delete()
        count = 0
        for members in groups.values():
            if len(members) < 2:
                continue
            household = Household.objects.create()
            household.members.set(Person.objects.filter(pk__in=members))
            count += 1
    return count
