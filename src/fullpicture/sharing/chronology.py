"""The chronology of a child and of a household: part of the policy point.

Every item about the subject that the viewer may see (read through the policy's
compiled filter, exactly as ``person_chronology``), in the order it happened,
each with its provenance (agency, who recorded it and when, sensitivity). The
same event reported by several agencies is shown once with all its sources
(docs/decisions/0070-chronology-same-event-rule.md):

* two items are the same event when they come from **different agencies**, have
  the **same category**, are about an **overlapping set of the subject's
  persons**, and happened within ``SAME_EVENT_WINDOW`` of the entry's first
  (earliest) item;
* an entry never holds two items of one agency, so an agency's own record is
  never folded together;
* deduplication runs only over items the viewer may see, after the filters, so
  an item the viewer may not see never contributes its source or content.

Filters (agency, category, period) narrow the visible items before they are
grouped. Reads are audited as one ``view`` (``person_chronology`` or
``household_chronology``) carrying the item ids shown; an export is an ``export``
event with the same ids and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record, ledger_record_denied
from fullpicture.partnerships.models import Practitioner
from fullpicture.people.households import household_resolve
from fullpicture.people.models import Household, Person
from fullpicture.sharing.models import Sensitivity
from fullpicture.sharing.policy import PolicyContext, policy_context
from fullpicture.sharing.selectors import (
    NotFound,
    PersonSummary,
    _summaries,
    context_details,
    persons_visible_to,
    visible_item_rows_about,
)

SAME_EVENT_WINDOW = dt.timedelta(hours=24)
EXPORT_FORMATS = frozenset({"pdf", "print"})


@dataclass(frozen=True, slots=True)
class AgencyRef:
    pk: int
    code: str
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class CategoryRef:
    pk: int
    slug: str
    name: str
    sort_order: int

    def __str__(self) -> str:
        return self.name


@dataclass(slots=True, eq=False)
class ChronologyItem:
    """One visible item as the chronology shows it: what was recorded and its provenance.

    Read as plain rows (no model instances), so a household's chronology costs little
    more than the SQL that fetches it. Where the owning agency protects its source and
    the viewer is outside it, ``source_description`` is empty and ``source_redacted``
    is set."""

    pk: int
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    summary: str
    detail: str
    sensitivity: str
    source_description: str
    source_redacted: bool
    source_agency: AgencyRef
    category: CategoryRef
    recorded_by_label: str

    @property
    def source_agency_id(self) -> int:
        return self.source_agency.pk

    @property
    def category_id(self) -> int:
        return self.category.pk

    def get_sensitivity_display(self) -> str:
        return str(Sensitivity(self.sensitivity).label)


@dataclass(frozen=True)
class ChronologyFilters:
    """What the viewer narrowed the chronology to (empty: everything they may see)."""

    agency_codes: frozenset[str] = frozenset()
    category_slug: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.agency_codes or self.category_slug or self.date_from or self.date_to)

    def admits(self, item: ChronologyItem) -> bool:
        if self.agency_codes and item.source_agency.code not in self.agency_codes:
            return False
        if self.category_slug and item.category.slug != self.category_slug:
            return False
        day = timezone.localdate(item.occurred_at)
        if self.date_from is not None and day < self.date_from:
            return False
        return not (self.date_to is not None and day > self.date_to)

    def as_details(self) -> dict[str, object]:
        """For the ledger: codes and dates only."""
        return {
            "agencies": sorted(self.agency_codes),
            "category": self.category_slug,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
        }


@dataclass
class ChronologyEntry:
    """One event: the items (one per agency at most) that reported it, earliest first."""

    sources: list[ChronologyItem]
    person_ids: set[int] = field(default_factory=set)

    @property
    def first(self) -> ChronologyItem:
        return self.sources[0]

    @property
    def occurred_at(self) -> dt.datetime:
        return self.first.occurred_at

    @property
    def category(self) -> CategoryRef:
        return self.first.category

    @property
    def agencies(self) -> list[AgencyRef]:
        return [s.source_agency for s in self.sources]

    @property
    def is_merged(self) -> bool:
        return len(self.sources) > 1


@dataclass
class ChronologyView:
    """A deduplicated, filtered chronology and what the filter form offers."""

    entries: list[ChronologyEntry]
    item_count: int
    agencies: list[AgencyRef]  # agencies among the items shown
    agency_options: list[AgencyRef]  # every agency among the items the viewer may see
    category_options: list[CategoryRef]
    filters: ChronologyFilters
    members: list[PersonSummary] = field(default_factory=list)
    visible: list[ChronologyItem] = field(default_factory=list)

    @property
    def items(self) -> list[ChronologyItem]:
        """Every visible item about the subject, before the filters (what the page's
        coverage panel counts per agency)."""
        return self.visible

    @property
    def item_ids(self) -> list[int]:
        return [s.pk for e in self.entries for s in e.sources]


def group_same_events(
    items: Sequence[ChronologyItem],
    persons_of: dict[int, set[int]],
    *,
    window: dt.timedelta = SAME_EVENT_WINDOW,
) -> list[ChronologyEntry]:
    """Group visible items, in (occurred_at, id) order, into entries (the 0070 rule).

    Each item joins the earliest open entry that accepts it, else starts its own.
    An entry is open while the item is within ``window`` of the entry's first item, so
    a chain of reports never drifts beyond the window. Deterministic for a given input.

    Only an entry of the item's own category can accept it, so the open entries are
    kept per category, earliest first: those a later item is beyond the window of are
    dropped from the front (items come in time order), and the rest are asked in turn.
    """
    ordered = sorted(items, key=attrgetter("occurred_at", "pk"))
    entries: list[ChronologyEntry] = []
    # per category: open entries as (first item's time, its agencies, the entry)
    open_by_category: dict[int, deque[tuple[dt.datetime, set[int], ChronologyEntry]]] = {}
    empty: set[int] = set()
    for item in ordered:
        at = item.occurred_at
        agency_id = item.source_agency_id
        persons = persons_of.get(item.pk, empty)
        open_entries = open_by_category.get(item.category_id)
        if open_entries is None:
            open_entries = open_by_category[item.category_id] = deque()
        while open_entries and at - open_entries[0][0] > window:
            open_entries.popleft()
        for _, agencies, entry in open_entries:
            if agency_id not in agencies and not persons.isdisjoint(entry.person_ids):
                entry.sources.append(item)
                entry.person_ids |= persons
                agencies.add(agency_id)
                break
        else:
            entry = ChronologyEntry(sources=[item], person_ids=set(persons))
            entries.append(entry)
            open_entries.append((at, {agency_id}, entry))
    return entries


def _aware(value: Any) -> dt.datetime:
    """A datetime as ``visible_item_rows_about`` returns it: PostgreSQL gives aware
    datetimes; SQLite gives the UTC text Django stored, with ``+00:00`` appended."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    try:
        return _from_iso(value)
    except ValueError:  # text that already carried an offset
        return dt.datetime.fromisoformat(value.removesuffix("+00:00")).astimezone(dt.UTC)


_from_iso = dt.datetime.fromisoformat


@dataclass
class _Visible:
    """What one read of the visible items gives: the items in time order, which of the
    subject's persons each is about, and their agencies and categories by id."""

    items: list[ChronologyItem] = field(default_factory=list)
    persons_of: dict[int, set[int]] = field(default_factory=dict)
    agencies: dict[int, AgencyRef] = field(default_factory=dict)
    categories: dict[int, CategoryRef] = field(default_factory=dict)


def _visible_items_about(
    ctx: PolicyContext, person_ids: Iterable[int], *, viewer_agency_id: int | None
) -> _Visible:
    """Items about any of the persons that pass the policy filter, and which of the
    persons each is about, in one query (``visible_item_rows_about``), read as plain
    rows: no model instances, each agency and category made once. Only the visible
    items' persons leave this function."""
    persons = sorted(set(person_ids))
    if not persons:
        return _Visible()
    rows = visible_item_rows_about(ctx, persons)
    agencies: dict[int, AgencyRef] = {}
    categories: dict[int, CategoryRef] = {}
    items: list[ChronologyItem] = []
    persons_of: dict[int, set[int]] = {}
    # SQLite gives the datetimes as UTC text (read in C by fromisoformat), PostgreSQL as
    # aware datetimes; either way, anything else goes through ``_aware``.
    text = bool(rows) and isinstance(rows[0][1], str)
    from_iso = _from_iso
    for (
        pk,
        occurred_at,
        recorded_at,
        summary,
        detail,
        sensitivity,
        description,
        protect,
        agency_id,
        agency_code,
        agency_name,
        category_id,
        category_slug,
        category_name,
        category_order,
        user_id,
        first_name,
        last_name,
        username,
        recorded_by_name,
        about,
    ) in rows:
        agency = agencies.get(agency_id)
        if agency is None:
            agency = agencies[agency_id] = AgencyRef(agency_id, agency_code, agency_name)
        category = categories.get(category_id)
        if category is None:
            category = categories[category_id] = CategoryRef(
                category_id, category_slug, category_name, category_order
            )
        if text:
            try:
                occurred, recorded = from_iso(occurred_at), from_iso(recorded_at)
            except ValueError:
                occurred, recorded = _aware(occurred_at), _aware(recorded_at)
        else:
            occurred, recorded = _aware(occurred_at), _aware(recorded_at)
        # Protect the source: outside the owning agency, who it came from is not shown.
        redacted = bool(protect) and agency_id != viewer_agency_id
        if user_id is not None:
            label = f"{first_name} {last_name}".strip() or username
        else:
            label = recorded_by_name or "Agency system"
        items.append(
            ChronologyItem(
                pk,
                occurred,
                recorded,
                summary,
                detail,
                sensitivity,
                "" if redacted else description,
                redacted,
                agency,
                category,
                label,
            )
        )
        # GROUP_CONCAT's text on SQLite, ARRAY_AGG's list on PostgreSQL
        persons_of[pk] = set(map(int, about.split(","))) if text else set(about)
    return _Visible(items, persons_of, agencies, categories)


def _build(
    ctx: PolicyContext,
    *,
    viewer: Practitioner,
    person_ids: Iterable[int],
    filters: ChronologyFilters,
    window: dt.timedelta,
) -> ChronologyView:
    visible = _visible_items_about(ctx, person_ids, viewer_agency_id=viewer.agency_id)
    items = visible.items
    agency_options = sorted(visible.agencies.values(), key=_by_name)
    category_options = sorted(visible.categories.values(), key=lambda c: (c.sort_order, c.name))
    if filters.is_empty:
        shown, agencies = items, agency_options
    else:
        shown = [i for i in items if filters.admits(i)]
        agencies = sorted(
            {i.source_agency_id: i.source_agency for i in shown}.values(), key=_by_name
        )
    entries = group_same_events(shown, visible.persons_of, window=window)
    return ChronologyView(
        entries=entries,
        item_count=len(shown),
        agencies=agencies,
        agency_options=agency_options,
        category_options=category_options,
        filters=filters,
        visible=items,
    )


def _by_name(agency: AgencyRef) -> str:
    return agency.name


def _audit(
    *,
    viewer: Practitioner,
    ctx: PolicyContext,
    object_type: str,
    object_id: int,
    person_ids: Iterable[int],
    view: ChronologyView,
    export_format: str,
) -> None:
    details: dict[str, object] = {"item_ids": [str(i) for i in view.item_ids]}
    if object_type != "person_chronology":  # whose chronology it was, for "who looked at whom"
        details["person_ids"] = [str(p) for p in person_ids]
    if ctx.work:
        details["context"] = ctx.work
    if not view.filters.is_empty:
        details["filters"] = view.filters.as_details()
    grants = sorted(str(ctx.break_glass[p]) for p in set(person_ids) if p in ctx.break_glass)
    if grants:
        details["break_glass_grants"] = grants
    action = Action.VIEW
    if export_format:
        if export_format not in EXPORT_FORMATS:
            raise ValueError(export_format)
        action = Action.EXPORT
        details["format"] = export_format
    ledger_record(
        actor=viewer.actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        purpose=ctx.purpose,
        details=details,
    )


def chronology_for_person(
    *,
    viewer: Practitioner,
    person: Person,
    purpose: str,
    filters: ChronologyFilters | None = None,
    window: dt.timedelta = SAME_EVENT_WINDOW,
    audit: bool = True,
    export_format: str = "",
) -> ChronologyView:
    """A person's chronology, filtered and deduplicated; open the person with
    ``access_person_by_id`` first. Audited as a ``view`` (or an ``export``)."""
    ctx = policy_context(viewer=viewer, purpose=purpose)
    view = _build(
        ctx,
        viewer=viewer,
        person_ids=[person.pk],
        filters=filters or ChronologyFilters(),
        window=window,
    )
    if audit:
        _audit(
            viewer=viewer,
            ctx=ctx,
            object_type="person_chronology",
            object_id=person.pk,
            person_ids=[person.pk],
            view=view,
            export_format=export_format,
        )
    return view


@dataclass
class HouseholdSummary:
    household: Household
    members: list[PersonSummary]


def access_household_by_id(
    *, viewer: Practitioner, household_id: int, purpose: str, audit: bool = True
) -> HouseholdSummary:
    """Open one household: the members the viewer may see. A household with none of
    them (or none at all) raises NotFound exactly as a missing one; audited as a view.
    A household merged into another opens as the one it became (its id redirects)."""
    household_id = household_resolve(household_id)
    members = list(
        persons_visible_to(viewer=viewer, purpose=purpose)
        .filter(households__pk=household_id)
        .distinct()
        .order_by("pk")
    )
    household = Household.objects.filter(pk=household_id).first() if members else None
    if household is None:
        exists = Household.objects.filter(pk=household_id).exists()
        ledger_record_denied(
            actor=viewer.actor,
            object_type="household",
            object_id=household_id,
            purpose=purpose,
            reason_code="policy" if exists else "missing",
        )
        raise NotFound
    if audit:
        ledger_record(
            actor=viewer.actor,
            action=Action.VIEW,
            object_type="household",
            object_id=household.pk,
            purpose=purpose,
            details={"person_ids": [str(p.pk) for p in members], **context_details(purpose)},
        )
    return HouseholdSummary(
        household=household, members=_summaries(members, viewer=viewer, purpose=purpose)
    )


def chronology_for_household(
    *,
    viewer: Practitioner,
    household: HouseholdSummary,
    purpose: str,
    filters: ChronologyFilters | None = None,
    window: dt.timedelta = SAME_EVENT_WINDOW,
    audit: bool = True,
    export_format: str = "",
) -> ChronologyView:
    """Every item about the household's visible members, filtered and deduplicated.

    Takes the summary ``access_household_by_id`` returned, so the household was opened
    (and its view audited) through the same-404 rule first."""
    ctx = policy_context(viewer=viewer, purpose=purpose)
    person_ids = [m.person.pk for m in household.members]
    view = _build(
        ctx,
        viewer=viewer,
        person_ids=person_ids,
        filters=filters or ChronologyFilters(),
        window=window,
    )
    view.members = household.members
    if audit:
        _audit(
            viewer=viewer,
            ctx=ctx,
            object_type="household_chronology",
            object_id=household.household.pk,
            person_ids=person_ids,
            view=view,
            export_format=export_format,
        )
    return view


def households_of(*, viewer: Practitioner, person: Person, purpose: str) -> list[int]:
    """Ids of the households the (already opened) person belongs to, for links."""
    visible = persons_visible_to(viewer=viewer, purpose=purpose).filter(pk=person.pk)
    return list(
        Household.objects.filter(members__in=visible)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
