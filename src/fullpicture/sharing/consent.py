"""Keeping the consent an agency holds for each of its records of a person
(docs/decisions/0072-consent-on-records-involvements-and-alerts.md).

The consent a practitioner records on an item (the item form, the contact form, the API,
an agency's item feed) is the agency's consent for sharing about the persons the item is
about: the latest item (by when it was recorded) with consent *given* or *refused* about a
record sets that record's ``RecordConsent``; "not sought" changes nothing. The policy point
reads it for records, involvements and "known to" under agreements that rest on consent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db.models import F

from fullpicture.sharing.models import Consent, InformationItem, RecordConsent

_BATCH = 500
_DECIDING = (Consent.GIVEN.value, Consent.REFUSED.value)


def record_consents_refresh(*, record_ids: Iterable[int]) -> int:
    """Recompute the consent held for these records from their own agency's items;
    returns how many rows changed. A record with no item carrying a given or refused
    consent keeps no row (no consent recorded: shared only where no consent is needed)."""
    ids = sorted(set(record_ids))
    changed = 0
    for start in range(0, len(ids), _BATCH):
        changed += _refresh_batch(ids[start : start + _BATCH])
    return changed


def _refresh_batch(record_ids: Sequence[int]) -> int:
    through = InformationItem.subject_records.through
    rows = (
        through.objects.filter(
            sourcerecord_id__in=record_ids,
            informationitem__consent__in=_DECIDING,
        )
        # only the record's own agency's items speak for its consent
        .filter(informationitem__source_agency_id=F("sourcerecord__agency_id"))
        .values_list(
            "sourcerecord_id",
            "informationitem_id",
            "informationitem__recorded_at",
            "informationitem__consent",
        )
    )
    latest: dict[int, tuple[dt.datetime, int, str]] = {}
    for record_id, item_id, recorded_at, consent in rows:
        key = (recorded_at, item_id, consent)
        if record_id not in latest or key[:2] > latest[record_id][:2]:
            latest[record_id] = key
    existing = {c.record_id: c for c in RecordConsent.objects.filter(record_id__in=record_ids)}
    to_create: list[RecordConsent] = []
    to_update: list[RecordConsent] = []
    for record_id, (recorded_at, item_id, consent) in latest.items():
        row = existing.pop(record_id, None)
        if row is None:
            to_create.append(
                RecordConsent(
                    record_id=record_id, state=consent, recorded_at=recorded_at, item_id=item_id
                )
            )
        elif (row.state, row.item_id) != (consent, item_id):
            row.state, row.recorded_at, row.item_id = consent, recorded_at, item_id
            to_update.append(row)
    gone = list(existing)  # their deciding items went (erased or moved)
    RecordConsent.objects.bulk_create(to_create)
    RecordConsent.objects.bulk_update(to_update, ["state", "recorded_at", "item_id"])
    RecordConsent.objects.filter(record_id__in=gone).delete()
    return len(to_create) + len(to_update) + len(gone)


def record_consents_refresh_for_items(*, item_ids: Iterable[int]) -> int:
    """``record_consents_refresh`` for every record these items are about."""
    ids = sorted(set(item_ids))
    through = InformationItem.subject_records.through
    record_ids: set[int] = set()
    for start in range(0, len(ids), _BATCH):
        record_ids.update(
            through.objects.filter(informationitem_id__in=ids[start : start + _BATCH]).values_list(
                "sourcerecord_id", flat=True
            )
        )
    return record_consents_refresh(record_ids=record_ids)
