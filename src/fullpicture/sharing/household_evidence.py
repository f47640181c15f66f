"""Items as household evidence: the persons one item names, for ``people.households``.

Registered as an item source by the sharing app (the people floor cannot import items).
It reads item metadata only (id, category, date, agency, the persons named), as the
system actor ``system:households`` for the purpose *households*, asked of the policy
point first; never an item's summary or detail.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.utils import timezone

from fullpicture.people.family import ItemIn
from fullpicture.sharing.models import InformationItem
from fullpicture.sharing.policy import SystemPurpose, system_access_required

ACTOR_ID = "system:households"


def items_naming_persons(
    person_ids: set[int] | None, categories: frozenset[str]
) -> Iterator[ItemIn]:
    """Items in these categories naming two or more persons (of these persons, or any)."""
    system_access_required(
        actor=ACTOR_ID, purpose=SystemPurpose.HOUSEHOLDS.value, scope="item-metadata"
    )
    through = InformationItem.persons.through
    links = through.objects.filter(informationitem__category__slug__in=sorted(categories))
    if person_ids is not None:
        mine = through.objects.filter(person_id__in=sorted(person_ids)).values("informationitem_id")
        links = links.filter(informationitem_id__in=mine)
    persons: dict[int, list[int]] = defaultdict(list)
    meta: dict[int, tuple[str, dt.datetime | None, str]] = {}
    for item, person, slug, occurred, agency in links.values_list(
        "informationitem_id",
        "person_id",
        "informationitem__category__slug",
        "informationitem__occurred_at",
        "informationitem__source_agency__code",
    ).iterator(chunk_size=20000):
        persons[item].append(person)
        meta[item] = (slug, occurred, agency)
    for item, named in persons.items():
        if len(named) < 2:
            continue
        slug, when, agency = meta[item]
        if when is None:
            continue
        day = timezone.localdate(when)
        yield ItemIn(item, slug, day, agency, tuple(sorted(named)))
