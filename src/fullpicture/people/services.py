"""Writes for people: relationships agencies record (households: ``people.households``)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from fullpicture.core.csvfile import ImportRejected, RowError
from fullpicture.partnerships.models import Agency
from fullpicture.people.households import households_update
from fullpicture.people.models import (
    Relationship,
    RelationshipKind,
    SourceRecord,
)

RELATIONSHIP_COLUMNS = ("agency", "from_source_id", "to_source_id", "relationship")


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
            known = ", ".join(RelationshipKind.values)
            errors.append(
                RowError(file, number, "relationship", f"is not a known relationship ({known})")
            )
            continue
        if not row["from_source_id"] or not row["to_source_id"]:
            column = "from_source_id" if not row["from_source_id"] else "to_source_id"
            errors.append(RowError(file, number, column, "is required"))
            continue
        if row["from_source_id"] == row["to_source_id"]:
            errors.append(RowError(file, number, "to_source_id", "names the same record as from"))
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
        persons: set[int] = set()
        for rel in to_create:
            _, was_created = Relationship.objects.get_or_create(
                from_record=rel.from_record,
                to_record=rel.to_record,
                kind=rel.kind,
                defaults={"agency": rel.agency},
            )
            created += was_created
            persons |= {
                p for p in (rel.from_record.person_id, rel.to_record.person_id) if p is not None
            }
        households_update(person_ids=persons)
    return created
