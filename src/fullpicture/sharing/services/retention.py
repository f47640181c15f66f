"""Retention: disposing of items (docs/decisions/0055-retention-of-items.md)."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, EventSpec, ledger_record_many
from fullpicture.sharing.errors import SharingRefused

# The item feed lives in sharing.feeds; its names stay importable from here (__all__).
from fullpicture.sharing.models import (
    InformationItem,
    ItemDecision,
    ItemDecisionChange,
    ItemVersion,
)

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------
# Retention: disposing of items (docs/decisions/0055-retention-of-items.md)
# --------------------------------------------------------------------------------------

ERASE = "erase"
ANONYMISE = "anonymise"


@dataclass(frozen=True)
class ItemRetentionFacts:
    """What retention may know of an item: ids and dates, never its content."""

    item_id: int
    agency_id: int
    category_id: int
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    record_ids: tuple[int, ...]
    person_ids: tuple[int, ...]


def _retention_access(actor: Actor) -> None:
    from fullpicture.sharing.policy import SystemPurpose, system_access_required

    system_access_required(actor=actor.id, purpose=SystemPurpose.RETENTION, scope="retention")


def items_retention_facts(*, actor: Actor) -> list[ItemRetentionFacts]:
    """Every item's ids and dates, for the retention sweep (asks the policy point first)."""
    _retention_access(actor)
    records: dict[int, list[int]] = defaultdict(list)
    for item_id, record_id in InformationItem.subject_records.through.objects.values_list(
        "informationitem_id", "sourcerecord_id"
    ).iterator(chunk_size=5000):
        records[item_id].append(record_id)
    persons: dict[int, list[int]] = defaultdict(list)
    for item_id, person_id in InformationItem.persons.through.objects.values_list(
        "informationitem_id", "person_id"
    ).iterator(chunk_size=5000):
        persons[item_id].append(person_id)
    rows = (
        InformationItem.objects.order_by("pk")
        .values_list("pk", "source_agency_id", "category_id", "occurred_at", "recorded_at")
        .iterator(chunk_size=5000)
    )
    return [
        ItemRetentionFacts(
            item_id=pk,
            agency_id=agency_id,
            category_id=category_id,
            occurred_at=occurred_at,
            recorded_at=recorded_at,
            record_ids=tuple(sorted(records.get(pk, ()))),
            person_ids=tuple(sorted(persons.get(pk, ()))),
        )
        for pk, agency_id, category_id, occurred_at, recorded_at in rows
    ]


@dataclass(frozen=True)
class ItemDisposalOrder:
    item_id: int
    disposal: str  # ERASE or ANONYMISE
    kind: str = ""  # the retention record kind that made it due (for the ledger)


@dataclass
class ItemDisposalResult:
    erased: list[int] = field(default_factory=list)
    anonymised: list[int] = field(default_factory=list)
    # erase asked, but another record (a front-door contact) still refers to the item:
    # anonymised instead, so nothing personal is left and nothing else breaks
    anonymised_instead: list[int] = field(default_factory=list)


def _anonymise_items(item_ids: list[int]) -> None:
    if not item_ids:
        return
    InformationItem.objects.filter(pk__in=item_ids).update(
        summary="",
        detail="",
        source_id="",
        source_description="",
        recorded_by=None,
        recorded_by_name="",
        content_hash="",
        subject_min_age=None,
        subject_max_age=None,
        recency_rank=None,
        updated_at=timezone.now(),
    )
    InformationItem.persons.through.objects.filter(informationitem_id__in=item_ids).delete()
    InformationItem.subject_records.through.objects.filter(informationitem_id__in=item_ids).delete()
    ItemVersion.objects.filter(item_id__in=item_ids).delete()
    ItemDecision.objects.filter(item_id__in=item_ids).update(
        reason="", risk_of_sharing="", risk_of_not_sharing=""
    )
    ItemDecisionChange.objects.filter(decision__item_id__in=item_ids).update(reason="")


def _erase_items(item_ids: list[int]) -> list[int]:
    """Delete the items; returns those another record protects (they are kept)."""
    if not item_ids:
        return []
    try:
        with transaction.atomic():
            InformationItem.objects.filter(pk__in=item_ids).delete()
        return []
    except ProtectedError:
        pass
    kept = []
    for item_id in item_ids:
        try:
            with transaction.atomic():
                InformationItem.objects.filter(pk=item_id).delete()
        except ProtectedError:
            kept.append(item_id)
    return kept


def items_dispose(*, actor: Actor, orders: Sequence[ItemDisposalOrder]) -> ItemDisposalResult:
    """Erase or anonymise items as retention orders, atomically, with one ledger event per
    item (ids and kinds only). Anonymising blanks the summary, detail, source, recorder
    and the agency's own id, drops the item's earlier versions and the free text of the
    decisions about it, and unlinks it from its persons and records; its agency, category
    and dates stay, so counts still work. Only the retention actor may call it."""
    _retention_access(actor)
    bad = [o for o in orders if o.disposal not in (ERASE, ANONYMISE)]
    if bad:
        raise SharingRefused(f"Item {bad[0].item_id}: unknown disposal '{bad[0].disposal}'.")
    wanted = {o.item_id: o for o in orders}
    result = ItemDisposalResult()
    with transaction.atomic():
        facts = {
            pk: (agency_id, category_id)
            for pk, agency_id, category_id in InformationItem.objects.select_for_update()
            .filter(pk__in=list(wanted))
            .values_list("pk", "source_agency_id", "category_id")
        }
        missing = sorted(set(wanted) - set(facts))
        if missing:
            raise SharingRefused(f"There is no item {missing[0]}: nothing was disposed of.")
        to_erase = sorted(i for i, o in wanted.items() if o.disposal == ERASE)
        kept = _erase_items(to_erase)
        result.erased = sorted(set(to_erase) - set(kept))
        result.anonymised_instead = kept
        result.anonymised = sorted([i for i, o in wanted.items() if o.disposal == ANONYMISE] + kept)
        _anonymise_items(result.anonymised)
        done = [(i, ERASE) for i in result.erased] + [(i, ANONYMISE) for i in result.anonymised]
        ledger_record_many(
            actor=actor,
            events=[
                EventSpec(
                    action=Action.UPDATE,
                    object_type="information_item",
                    object_id=item_id,
                    purpose="retention",
                    reason_code=f"retention_{disposal}",
                    details={
                        "agency_id": str(facts[item_id][0]),
                        "category_id": str(facts[item_id][1]),
                        "record_kind": wanted[item_id].kind,
                        "erase_asked": item_id in kept,
                    },
                )
                for item_id, disposal in sorted(done)
            ],
        )
    return result
