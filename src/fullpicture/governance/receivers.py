"""Governance answering lower floors' signals: legal holds stop an item's removal."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.dispatch import receiver

from fullpicture.governance.models import LegalHold
from fullpicture.sharing.holds import item_removal_blockers


@receiver(item_removal_blockers, dispatch_uid="governance-legal-holds-stop-removal")
def legal_hold_stops_removal(
    sender: Any, item_id: int, person_ids: list[int], record_ids: list[int], **kwargs: Any
) -> str:
    """The reason of a live legal hold on the item, its persons or its subject records."""
    held = (
        LegalHold.objects.filter(lifted_at__isnull=True)
        .filter(
            Q(person_id__in=person_ids)
            | Q(record_type="information_item", record_id=str(item_id))
            | Q(record_type="source_record", record_id__in=[str(r) for r in record_ids])
        )
        .order_by("placed_at", "pk")
        .values_list("reason", flat=True)
        .first()
    )
    return held or ""
