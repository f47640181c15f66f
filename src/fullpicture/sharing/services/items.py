"""Keeping items with their persons, and the policy facts kept on each item."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record
from fullpicture.partnerships.models import Agency, Practitioner
from fullpicture.sharing.consent import record_consents_refresh_for_items
from fullpicture.sharing.errors import SharingRefused

# The item feed lives in sharing.feeds; its names stay importable from here (__all__).
from fullpicture.sharing.models import (
    Consent,
    InformationItem,
    Paragraph18Reason,
)
from fullpicture.sharing.services.common import _require_role

logger = logging.getLogger(__name__)


def items_refresh_persons(*, items: Iterable[InformationItem]) -> None:
    """Set each item's persons to the persons its subject records now belong to."""
    item_ids = [i.pk for i in items]
    if not item_ids:
        return
    _items_refresh_persons(item_ids)
    items_refresh_policy_facts(item_ids=item_ids)
    record_consents_refresh_for_items(item_ids=item_ids)


def _items_refresh_persons(item_ids: list[int]) -> None:
    through = InformationItem.subject_records.through
    wanted: dict[int, set[int]] = {pk: set() for pk in item_ids}
    for item_id, person_id in through.objects.filter(informationitem_id__in=item_ids).values_list(
        "informationitem_id", "sourcerecord__person_id"
    ):
        if person_id is not None:
            wanted[item_id].add(person_id)
    persons_through = InformationItem.persons.through
    persons_through.objects.filter(informationitem_id__in=item_ids).delete()
    persons_through.objects.bulk_create(
        [
            persons_through(informationitem_id=item_id, person_id=person_id)
            for item_id, person_ids in wanted.items()
            for person_id in person_ids
        ]
    )


def items_follow_records(*, record_ids: Sequence[int]) -> None:
    """Called when records move between persons: their items move with them."""
    items = InformationItem.objects.filter(subject_records__in=record_ids).distinct()
    items_refresh_persons(items=list(items))


# --------------------------------------------------------------------------------------
# Policy facts kept on each item (subject ages, recency rank): docs/decisions/0003
# --------------------------------------------------------------------------------------


def _age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def items_refresh_policy_facts(*, item_ids: Sequence[int]) -> None:
    """Recompute the subject ages and recency ranks the policy point filters on.

    Ages: whole years at the item's occurrence, of its youngest and oldest subjects,
    from the owning agency's own records of them (unknown: null, and an age limit
    then withholds). Rank: 1 for the owning agency's most recent item of its category
    about one of its persons; recomputed for every item sharing an (agency, category,
    person) group with a changed item, so older siblings move down.
    """
    if not item_ids:
        return
    subjects = InformationItem.subject_records.through
    births: dict[int, list[dt.date]] = defaultdict(list)
    for item_id, born in subjects.objects.filter(informationitem_id__in=item_ids).values_list(
        "informationitem_id", "sourcerecord__date_of_birth"
    ):
        if born is not None:
            births[item_id].append(born)
    changed = list(
        InformationItem.objects.filter(pk__in=item_ids).only(
            "pk", "occurred_at", "source_agency_id", "category_id"
        )
    )
    for item in changed:
        on = timezone.localdate(item.occurred_at)
        ages = [_age_on(b, on) for b in births.get(item.pk, []) if b <= on]
        item.subject_min_age = min(ages) if ages else None
        item.subject_max_age = max(ages) if ages else None
    InformationItem.objects.bulk_update(changed, ["subject_min_age", "subject_max_age"])

    persons = InformationItem.persons.through
    groups = {
        (agency_id, category_id, person_id)
        for agency_id, category_id, person_id in persons.objects.filter(
            informationitem_id__in=item_ids
        ).values_list(
            "informationitem__source_agency_id", "informationitem__category_id", "person_id"
        )
    }
    ranks: dict[int, int] = {}
    for agency_id, category_id, person_id in sorted(groups):
        siblings = (
            persons.objects.filter(
                person_id=person_id,
                informationitem__source_agency_id=agency_id,
                informationitem__category_id=category_id,
            )
            .order_by("-informationitem__occurred_at", "-informationitem_id")
            .values_list("informationitem_id", flat=True)
        )
        for rank, sibling in enumerate(siblings, start=1):
            ranks[sibling] = min(rank, ranks.get(sibling, rank))
    # An item about several persons keeps its best rank across all of them, including
    # groups no changed item belongs to.
    shared = (
        persons.objects.filter(informationitem_id__in=list(ranks))
        .values("informationitem_id")
        .annotate(persons_count=Count("person_id"))
        .filter(persons_count__gt=1)  # type: ignore[misc]
        .values_list("informationitem_id", flat=True)
    )
    for sibling in list(shared):
        ranks[sibling] = _best_rank(sibling)
    unranked = set(item_ids) - set(ranks)
    InformationItem.objects.bulk_update(
        [InformationItem(pk=pk, recency_rank=rank) for pk, rank in ranks.items()],
        ["recency_rank"],
        batch_size=500,
    )
    InformationItem.objects.filter(pk__in=sorted(unranked)).update(recency_rank=None)


def _best_rank(item_id: int) -> int:
    persons = InformationItem.persons.through
    item = InformationItem.objects.only("occurred_at", "source_agency_id", "category_id").get(
        pk=item_id
    )
    best: int | None = None
    for person_id in persons.objects.filter(informationitem_id=item_id).values_list(
        "person_id", flat=True
    ):
        newer = (
            persons.objects.filter(
                person_id=person_id,
                informationitem__source_agency_id=item.source_agency_id,
                informationitem__category_id=item.category_id,
            )
            .filter(
                Q(informationitem__occurred_at__gt=item.occurred_at)
                | Q(informationitem__occurred_at=item.occurred_at, informationitem_id__gt=item_id)
            )
            .count()
        )
        best = newer + 1 if best is None else min(best, newer + 1)
    return best or 1


def item_protect(
    *,
    user: Practitioner,
    item_id: int,
    protect_source: bool,
    source_description: str = "",
    paragraph18_reason: str = "",
) -> InformationItem:
    """The owning agency records an item's protections: protect the source, and which
    paragraph 18 reason applies where consent is refused or not sought."""
    from fullpicture.sharing.policy import READING_ROLES

    agency_id = _require_role(user, *READING_ROLES, doing="change an item's protections")
    if paragraph18_reason not in Paragraph18Reason.values:
        raise SharingRefused("Choose a paragraph 18 reason from the list.")
    with transaction.atomic():
        item = (
            InformationItem.objects.select_for_update()
            .filter(pk=item_id, source_agency_id=agency_id)
            .first()
        )
        if item is None:
            raise SharingRefused("Only the agency that holds an item can change its protections.")
        if paragraph18_reason and item.consent == Consent.GIVEN:
            raise SharingRefused("Consent was given: no paragraph 18 reason is needed.")
        item.protect_source = protect_source
        item.source_description = source_description.strip()[:200]
        item.paragraph18_reason = paragraph18_reason
        item.save(update_fields=["protect_source", "source_description", "paragraph18_reason"])
        ledger_record(
            actor=user.actor,
            action=Action.UPDATE,
            object_type="information_item",
            object_id=item.pk,
            reason_code="protection",
            details={"protect_source": protect_source, "paragraph18_reason": paragraph18_reason},
        )
    return item


def item_ids_for_sources(*, agency: Agency, source_ids: Sequence[str]) -> list[int]:
    """Resolve an agency's own item ids (as its feed names them) to hub ids, for loaders.

    Raises ``SharingRefused`` naming the first id the agency has not sent.
    """
    found = dict(
        InformationItem.objects.filter(
            source_agency=agency, source_id__in=list(source_ids)
        ).values_list("source_id", "pk")
    )
    missing = [s for s in source_ids if s not in found]
    if missing:
        raise SharingRefused(f"{agency.code} has no item '{missing[0]}'.")
    return [found[s] for s in source_ids]
