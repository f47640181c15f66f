"""Reads for alerts: flags at the point of care, notices, alerts, transfers.

``flags_for_point_of_care`` is THE read of protection flags. It applies the
purpose *direct care* through the policy point's role rules, answers a child
with no flag and an unknown NHS number alike, and records every check in the
ledger in the caller's transaction (audit fails closed).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from fullpicture.alerts.models import (
    UNSCHEDULED_SETTINGS,
    Alert,
    AlertKind,
    CaseTransfer,
    Notice,
    PointOfCareAccess,
    ProtectionFlag,
)
from fullpicture.alerts.rules import Finding, explain
from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record
from fullpicture.linkage.engine.identifiers import clean_nhs_number
from fullpicture.partnerships.models import MASH_ROLES, Agency, AgencyType, Practitioner, RoleCode
from fullpicture.people.models import Household, HouseholdMembership, HouseholdStatus
from fullpicture.sharing.contexts import purpose_in
from fullpicture.sharing.models import InformationItem
from fullpicture.sharing.policy import Purpose, purpose_allowed
from fullpicture.sharing.selectors import items_visible_to, records_visible_to

VISIBLE_AFTER_END = dt.timedelta(days=365)  # a flag stays visible 12 months after its plan ends
LAST_ACCESSES = 25
NHS_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"


class InvalidNHSNumber(ValueError):
    """Not ten digits, or fails the modulus 11 check."""


class NotPermitted(Exception):
    """The viewer may not use the point-of-care check (it says nothing about the child)."""


def may_check(viewer: Practitioner) -> bool:
    """Direct care, by the policy point's rules: clinicians, and health agencies' staff."""
    if not (viewer.is_authenticated and viewer.is_active and viewer.agency_id is not None):
        return False
    agency_type = viewer.agency.type if viewer.agency else ""
    return purpose_allowed(
        role_codes=viewer.role_codes, agency_type=agency_type, purpose=Purpose.DIRECT_CARE
    )


def nhs_number_parse(value: str) -> str:
    """The 10-digit NHS number, or InvalidNHSNumber."""
    text = (value or "").strip()
    if not re.fullmatch(r"\d{3} ?\d{3} ?\d{4}", text):
        raise InvalidNHSNumber("an NHS number is 10 digits")
    nhs = clean_nhs_number(text)
    if not nhs:
        raise InvalidNHSNumber("the NHS number fails its check digit")
    return nhs


@dataclass(frozen=True)
class FlagView:
    flag_type: str
    label: str
    snomed_code: str
    snomed_display: str
    start: dt.date
    end: dt.date | None
    due_date: dt.date | None
    ended: bool
    authority: str
    authority_code: str
    office_phone: str
    out_of_hours_phone: str
    flag_id: int
    # The local authority's own record of the child, shared with the flag (as CP-IS does)
    # so the clinician can confirm they have the right child.
    child_name: str = ""
    child_born: dt.date | None = None


@dataclass(frozen=True)
class AccessView:
    at: dt.datetime
    setting: str
    site: str
    access_id: int


@dataclass
class PointOfCareAnswer:
    nhs_number: str
    flags: list[FlagView] = field(default_factory=list)
    accesses: list[AccessView] = field(default_factory=list)
    person_id: int | None = None
    flag_person_ids: list[int] = field(default_factory=list)
    councils_told: list[str] = field(default_factory=list)  # authorities notified of the check


def _visible_flags(nhs: str, *, today: dt.date) -> QuerySet[ProtectionFlag]:
    return (
        ProtectionFlag.objects.filter(nhs_number=nhs)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today - VISIBLE_AFTER_END))
        .select_related("partnership", "record")
        .order_by("-start_date", "id")
    )


def _flag_view(flag: ProtectionFlag, *, today: dt.date) -> FlagView:
    code, display = flag.snomed
    p = flag.partnership
    return FlagView(
        flag_type=flag.flag_type,
        label=flag.get_flag_type_display(),
        snomed_code=code,
        snomed_display=display,
        start=flag.start_date,
        end=flag.end_date,
        due_date=flag.due_date,
        ended=flag.end_date is not None and flag.end_date < today,
        authority=p.name,
        authority_code=p.code,
        office_phone=p.office_phone,
        out_of_hours_phone=p.out_of_hours_phone,
        flag_id=flag.pk,
        child_name=flag.record.display_name if flag.record else "",
        child_born=flag.record.date_of_birth if flag.record else None,
    )


def accesses_for(nhs: str, *, limit: int = LAST_ACCESSES) -> list[AccessView]:
    rows = (
        PointOfCareAccess.objects.filter(nhs_number=nhs, setting__in=sorted(UNSCHEDULED_SETTINGS))
        .order_by("-at", "-id")
        .values_list("at", "setting", "site", "id")[:limit]
    )
    return [AccessView(at=a, setting=s, site=site, access_id=i) for a, s, site, i in rows]


def flags_for_point_of_care(
    *, viewer: Practitioner, nhs_number: str, channel: str, setting: str
) -> PointOfCareAnswer:
    """THE read of flags: what an unscheduled-care clinician may see for one NHS number.

    Raises InvalidNHSNumber for a malformed number and NotPermitted for a viewer
    without direct care. A child with no flag answers exactly like an unknown
    number (no flags, no accesses). Recorded in the ledger (ids, never the number).
    """
    if not may_check(viewer):
        raise NotPermitted
    nhs = nhs_number_parse(nhs_number)
    today = timezone.localdate()
    flags = list(_visible_flags(nhs, today=today))
    answer = PointOfCareAnswer(nhs_number=nhs)
    if flags:
        answer.flags = [_flag_view(f, today=today) for f in flags]
        answer.accesses = accesses_for(nhs)
        answer.flag_person_ids = sorted({f.person_id for f in flags if f.person_id})
        answer.person_id = answer.flag_person_ids[0] if answer.flag_person_ids else None
    ledger_record(
        actor=viewer.actor,
        action=Action.VIEW,
        object_type="point_of_care_check",
        object_id=answer.person_id or "",
        purpose=Purpose.DIRECT_CARE,
        legal_basis="UK GDPR Art 6(1)(e) public task; Art 9(2)(h) health or social care",
        details={
            "channel": channel,
            "setting": setting,
            "flag_ids": [str(f.flag_id) for f in answer.flags],
        },
    )
    return answer


# ------------------------------------------------------------------ notices, alerts


def notices_for(*, viewer: Practitioner, unread_only: bool = False) -> QuerySet[Notice]:
    qs = Notice.objects.filter(recipient=viewer).select_related("access", "alert__rule", "transfer")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def alerts_for(*, viewer: Practitioner) -> QuerySet[Alert]:
    """Alerts to the viewer's partnership's MASH (MASH roles only)."""
    if not (viewer.role_codes & MASH_ROLES) or viewer.partnership_id is None:
        return Alert.objects.none()
    return Alert.objects.filter(partnership_id=viewer.partnership_id).select_related("rule")


# ------------------------------------------------ what an alert tells its viewer (0072)
# An alert is computed by the system actor over every agency's items; what it tells a
# practitioner is limited to what that practitioner may see. Items they may not see still
# count (the alert stands), but the explanation then names only the agencies to ask that
# the viewer may know are involved (the same records rule as "known to"), and says nothing
# of what those items are about: no categories, no counts, no dates of their own.

EXPLANATION_PURPOSE = Purpose.SAFEGUARDING_ENQUIRY.value


@dataclass(frozen=True)
class AlertView:
    alert: Alert
    explanation: str


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _counted_items(alert: Alert) -> list[tuple[int, int]]:
    """(item id, agency id) of the items the alert counted: about its persons, in its
    criteria, from its agencies, in its evidence period (metadata, as the rules read it)."""
    if alert.evidence_from is None or alert.evidence_to is None:
        return []
    persons = [p.pk for p in alert.persons.all()]
    rows = _ITEM_PERSONS.objects.filter(
        person_id__in=persons,
        informationitem__occurred_at__gte=_day_start(alert.evidence_from),
        informationitem__occurred_at__lt=_day_start(alert.evidence_to + dt.timedelta(days=1)),
        informationitem__source_agency__code__in=list(alert.agencies),
    )
    if alert.criteria:
        rows = rows.filter(informationitem__category__slug__in=list(alert.criteria))
    return sorted(set(rows.values_list("informationitem_id", "informationitem__source_agency_id")))


def alert_explanation_for(*, viewer: Practitioner, alert: Alert) -> str:
    """The alert's explanation as this viewer may read it (see the note above)."""
    if alert.kind != AlertKind.CUMULATIVE or alert.rule is None:
        return alert.explanation  # attendances and moves: no agency's items are described
    counted = _counted_items(alert)
    counted_ids = [item_id for item_id, _ in counted]
    # read in the alert's own work context (alerts/contexts.py): its persons, for its MASH
    purpose = purpose_in(EXPLANATION_PURPOSE, f"alert:{alert.pk}")
    seen = list(
        items_visible_to(viewer=viewer, purpose=purpose)
        .filter(pk__in=counted_ids)
        .values_list("pk", "source_agency__code", "category__slug", "occurred_at")
    )
    seen_ids = {row[0] for row in seen}
    family = len(alert.persons.all())
    who = "one person" if family == 1 else f"a family of {family}"
    hidden_agencies = {agency for item_id, agency in counted if item_id not in seen_ids}
    if not hidden_agencies and seen:
        days = sorted(timezone.localdate(row[3]) for row in seen)
        by_agency: dict[str, int] = defaultdict(int)
        for _, code, _, _ in seen:
            by_agency[code] += 1
        finding = Finding(
            evidence_date=alert.evidence_date or days[-1],
            evidence_from=days[0],
            evidence_to=days[-1],
            agencies=tuple(sorted(by_agency)),
            criteria=tuple(sorted({row[2] for row in seen})),
            item_count=len(seen),
            agency_counts=tuple(sorted(by_agency.items())),
        )
        return explain(alert.rule.name, finding, family_size=family)
    complete = f"{alert.evidence_date:%d %B %Y}" if alert.evidence_date else "a recent day"
    parts = [f"{alert.rule.name}: {who} meets this rule; the picture was complete on {complete}."]
    if seen:
        days = sorted(timezone.localdate(row[3]) for row in seen)
        by_agency = defaultdict(int)
        for _, code, _, _ in seen:
            by_agency[code] += 1
        counts = ", ".join(f"{code} ({n})" for code, n in sorted(by_agency.items()))
        parts.append(
            f"You may see {len(seen)} of the items it counted, from {counts}, covering "
            f"{', '.join(sorted({row[2] for row in seen}))}, occurring between "
            f"{days[0]:%d %B %Y} and {days[-1]:%d %B %Y}."
        )
    else:
        parts.append("You may see none of the items it counted.")
    persons = [p.pk for p in alert.persons.all()]
    known = set(
        records_visible_to(viewer=viewer, purpose=purpose)
        .filter(person_id__in=persons)
        .values_list("agency_id", flat=True)
    )
    to_ask = sorted(
        Agency.objects.filter(pk__in=sorted(hidden_agencies & known)).values_list("name", flat=True)
    )
    if to_ask:
        parts.append(
            "Information you may not see also counts towards it: to learn more, ask "
            f"{', '.join(to_ask)}."
        )
    else:
        parts.append(
            "Information you may not see also counts towards it: ask your MASH manager to "
            "request it through an information request."
        )
    return " ".join(parts)


def alerts_for_viewer(*, viewer: Practitioner, limit: int = 200) -> list[AlertView]:
    """The alerts page: the viewer's alerts, each explained as the viewer may read it."""
    alerts = list(alerts_for(viewer=viewer).prefetch_related("persons")[:limit])
    return [AlertView(a, alert_explanation_for(viewer=viewer, alert=a)) for a in alerts]


def transfers_for(*, viewer: Practitioner) -> QuerySet[CaseTransfer]:
    """Transfers into or out of the viewer's partnership (children's social care only)."""
    if viewer.agency is None or viewer.agency.type != AgencyType.CHILDRENS_SOCIAL_CARE:
        return CaseTransfer.objects.none()
    pid = viewer.partnership_id
    return CaseTransfer.objects.filter(
        Q(from_partnership_id=pid) | Q(to_partnership_id=pid)
    ).select_related("from_partnership", "to_partnership")


def alerts_for_export() -> Iterator[Alert]:
    return (
        Alert.objects.select_related("rule")
        .prefetch_related("persons")
        .order_by("id")
        .iterator(chunk_size=2000)
    )


# ------------------------------------------------------------- evidence for the rules
# The rules read items' metadata only (occurred date, agency, category, persons),
# never their content, as a named system actor; nothing is displayed from here
# (docs/decisions/0043-alert-rules-as-data-and-tasks.md).

_ITEM_PERSONS = InformationItem.persons.through


Family = tuple[int | None, tuple[int, ...]]  # (household id, or None for one person; members)


def _former_members(household_ids: Iterable[int] | None = None) -> dict[int, set[int]]:
    """Former members of active households (a person who moved on is still judged with
    the family for its time), by household."""
    spells = HouseholdMembership.objects.filter(
        left_at__isnull=False, reason="moved", household__status=HouseholdStatus.ACTIVE
    )
    if household_ids is not None:
        spells = spells.filter(household_id__in=sorted(set(household_ids)))
    out: dict[int, set[int]] = defaultdict(set)
    for hh, person in spells.values_list("household_id", "person_id"):
        out[hh].add(person)
    return out


def families_of(person_ids: Iterable[int]) -> list[Family]:
    """The families of these persons: each household they are or were part of (with its
    current and former members), and a person in no household as a family of one."""
    wanted = set(person_ids)
    households: dict[int, set[int]] = defaultdict(set)
    in_household: set[int] = set()
    through = Household.members.through
    current = set(
        through.objects.filter(person_id__in=sorted(wanted)).values_list("household_id", flat=True)
    )
    former_of_wanted = set(
        HouseholdMembership.objects.filter(
            person_id__in=sorted(wanted),
            left_at__isnull=False,
            reason="moved",
            household__status=HouseholdStatus.ACTIVE,
        ).values_list("household_id", flat=True)
    )
    hh_ids = sorted(current | former_of_wanted)
    for hh, person in through.objects.filter(household_id__in=hh_ids).values_list(
        "household_id", "person_id"
    ):
        households[hh].add(person)
        in_household.add(person)
    for hh, persons in _former_members(hh_ids).items():
        households[hh] |= persons
    families: set[Family] = {(hh, tuple(sorted(m))) for hh, m in households.items() if m}
    families |= {(None, (p,)) for p in wanted - in_household}
    return sorted(families, key=lambda f: (f[0] is None, f[0] or 0, f[1]))


FamilyEvidence = tuple[int | None, tuple[int, ...], list[tuple[int, int, int]]]


def _local_day(column: str) -> tuple[str, list[str]]:
    """SQL for an item's occurred moment: on PostgreSQL its local date's ordinal (days
    from 0001-01-01, counted from 1 as Python's ``date.toordinal``); on SQLite the stored
    text (no time zones there), read past Django's per-row datetime parsing and
    converted once per distinct value by ``_days``."""
    if connection.vendor == "postgresql":
        return (
            f"(({column} AT TIME ZONE %s)::date - DATE '0001-01-01' + 1)",
            [timezone.get_current_timezone_name()],
        )
    return f"CAST({column} AS TEXT)", []


def _days() -> Callable[[object], int]:
    """An item's occurred moment (an ordinal, a datetime or SQLite's text) as the ordinal
    of its local date, converted once per distinct value."""
    tz = timezone.get_current_timezone()
    cache: dict[object, int] = {}

    def day(value: object) -> int:
        found = cache.get(value)
        if found is None:
            if isinstance(value, int):
                return value
            moment = (
                value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
            )
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            found = cache[value] = moment.astimezone(tz).date().toordinal()
        return found

    return day


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "members": quote(Household.members.through._meta.db_table),
        "item_persons": quote(_ITEM_PERSONS._meta.db_table),
        "items": quote(InformationItem._meta.db_table),
    }


def _items_by_person(
    persons: Iterable[int],
) -> dict[int, list[tuple[int, tuple[int, int, int]]]]:
    """Each person's items as (item id, (day ordinal, agency id, category id))."""
    members = sorted(set(persons))
    day = _days()
    per_person: dict[int, list[tuple[int, tuple[int, int, int]]]] = defaultdict(list)
    if not members:
        return per_person
    rows = _ITEM_PERSONS.objects.filter(person_id__in=members).values_list(
        "person_id",
        "informationitem_id",
        "informationitem__occurred_at",
        "informationitem__source_agency_id",
        "informationitem__category_id",
    )
    for person, item, occurred, agency, category in rows:
        per_person[person].append((item, (day(occurred), agency, category)))
    return per_person


def evidence_for(families: Sequence[Family]) -> Iterator[FamilyEvidence]:
    """These families (from ``families_of``), each with its items' metadata:
    ``(day ordinal, agency id, category id)``, once per item however many members it
    is about."""
    members = sorted({p for _, f in families for p in f})
    day = _days()
    per_person: dict[int, list[tuple[int, tuple[int, int, int]]]] = defaultdict(list)
    rows = _ITEM_PERSONS.objects.filter(person_id__in=members).values_list(
        "person_id",
        "informationitem_id",
        "informationitem__occurred_at",
        "informationitem__source_agency_id",
        "informationitem__category_id",
    )
    for person, item, occurred, agency, category in rows:
        per_person[person].append((item, (day(occurred), agency, category)))
    for key, family in families:
        seen = {item: ev for person in family for item, ev in per_person.get(person, ())}
        yield key, family, list(seen.values())


def all_evidence() -> Iterator[FamilyEvidence]:
    """Every family with its items' metadata, for the full sweep: every household in id
    order (with members about whom nothing is known, who still belong to the family),
    then every person in no household about whom items exist, as a family of one.

    Two streamed raw queries (a server-side cursor on PostgreSQL), ordered by family so
    each family is judged as soon as it is read and not kept; items are
    ``(day ordinal, agency id, category id)``, days converted once per distinct value."""
    day = _days()
    days: dict[object, int] = {}  # the same cache as day's, without a call per row
    t = _tables()
    occurred, params = _local_day("i.occurred_at")
    # S608: the table names come from the models' own metadata, quoted; the only value
    # (PostgreSQL's time zone name) is a parameter.
    households = (
        f"SELECT hm.household_id, hm.person_id, i.id, {occurred}, "  # noqa: S608
        f"i.source_agency_id, i.category_id FROM {t['members']} hm "
        f"LEFT JOIN {t['item_persons']} ip ON ip.person_id = hm.person_id "
        f"LEFT JOIN {t['items']} i ON i.id = ip.informationitem_id "
        "ORDER BY hm.household_id, hm.person_id"
    )
    alone = (
        f"SELECT ip.person_id, ip.person_id, i.id, {occurred}, "  # noqa: S608
        f"i.source_agency_id, i.category_id FROM {t['item_persons']} ip "
        f"JOIN {t['items']} i ON i.id = ip.informationitem_id WHERE NOT EXISTS "
        f"(SELECT 1 FROM {t['members']} hm WHERE hm.person_id = ip.person_id) "
        "ORDER BY ip.person_id"
    )
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            # Every row is read: plan for all of them, not a cursor's first tenth (which
            # picks nested loops over the hash joins and sort; ~20% slower at 100k).
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1")
            # The sort by family holds every item row (~40 MB at 100,000 households):
            # in memory rather than an external merge on disk (the default 4 MB), for
            # this transaction only (benchmarked with the same for the SQL aggregate).
            cursor.execute("SET LOCAL work_mem = '64MB'")
    # Former members (few): their items are read first and added to their household.
    former = _former_members()
    former_items = _items_by_person({p for ps in former.values() for p in ps})

    def whole(
        key: object, family: list[int], seen: dict[int, tuple[int, int, int]], households: bool
    ) -> FamilyEvidence:
        if not households:
            return None, tuple(family), list(seen.values())
        hh = int(key)  # type: ignore[call-overload]
        gone = former.get(hh)
        if not gone:
            return hh, tuple(family), list(seen.values())
        merged = dict(seen)
        for p in sorted(gone - set(family)):
            for item, ev in former_items.get(p, ()):
                merged.setdefault(item, ev)
        return hh, tuple(sorted(set(family) | gone)), list(merged.values())

    for sql in (households, alone):
        current: object = None
        family: list[int] = []
        seen: dict[int, tuple[int, int, int]] = {}
        is_households = sql is households
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(20000):
                for key, person, item, moment, agency, category in rows:
                    if key != current:
                        if family:
                            yield whole(current, family, seen, is_households)
                        current, family, seen = key, [person], {}
                    elif person != family[-1]:
                        family.append(person)
                    if item is not None and item not in seen:
                        when = days.get(moment)
                        if when is None:
                            when = days[moment] = day(moment)
                        seen[item] = (when, agency, category)
        if family:
            yield whole(current, family, seen, is_households)


def families_count() -> int:
    """How many families ``all_evidence`` yields (for a progress bar)."""
    alone = (
        _ITEM_PERSONS.objects.exclude(
            person_id__in=Household.members.through.objects.values("person_id")
        )
        .values("person_id")
        .distinct()
        .count()
    )
    return Household.objects.filter(members__isnull=False).distinct().count() + alone


def recipients_mash(partnership_id: int) -> QuerySet[Practitioner]:
    """The MASH of a partnership: MASH roles in its children's social care agencies."""
    return Practitioner.objects.filter(
        is_active=True,
        agency__partnership_id=partnership_id,
        agency__type=AgencyType.CHILDRENS_SOCIAL_CARE,
        roles__code__in=sorted(MASH_ROLES),
    ).distinct()


def recipients_administrators() -> QuerySet[Practitioner]:
    """The hub's administrators: who hears of an alert met by agencies of no partnership."""
    return Practitioner.objects.filter(
        is_active=True, roles__code=RoleCode.ADMINISTRATOR.value
    ).distinct()


def recipients_social_care(partnership_id: int) -> QuerySet[Practitioner]:
    """The MASH and social workers: every practitioner of its children's social care."""
    return Practitioner.objects.filter(
        is_active=True,
        agency__partnership_id=partnership_id,
        agency__type=AgencyType.CHILDRENS_SOCIAL_CARE,
    ).distinct()


def persons_of_items(item_ids: Iterable[int]) -> set[int]:
    return set(
        _ITEM_PERSONS.objects.filter(informationitem_id__in=sorted(set(item_ids))).values_list(
            "person_id", flat=True
        )
    )


def accesses_for_point_of_care(
    *, viewer: Practitioner, nhs_number: str, channel: str
) -> tuple[str, list[AccessView]]:
    """The last unscheduled-care accesses for a flagged child (none for anyone else, so an
    unflagged child and an unknown number answer alike). Audited; records no new access."""
    if not may_check(viewer):
        raise NotPermitted
    nhs = nhs_number_parse(nhs_number)
    today = timezone.localdate()
    flagged = _visible_flags(nhs, today=today).exists()
    accesses = accesses_for(nhs) if flagged else []
    ledger_record(
        actor=viewer.actor,
        action=Action.VIEW,
        object_type="point_of_care_accesses",
        purpose=Purpose.DIRECT_CARE,
        details={"channel": channel, "shown": len(accesses)},
    )
    return nhs, accesses
