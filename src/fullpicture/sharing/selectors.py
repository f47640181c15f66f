"""Reads of information items, persons and their chronologies: all through the policy point.

Nothing else queries ``InformationItem`` for display. A person or item the
viewer may not see raises ``NotFound`` exactly as a missing one does, so
nothing leaks that a child is known.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record, ledger_record_denied
from fullpicture.core.timelimit import TimeLimitExceeded, statement_time_limit
from fullpicture.partnerships.models import Agency, Practitioner
from fullpicture.people.models import Person, Relationship, SourceRecord
from fullpicture.sharing.contexts import context_of
from fullpicture.sharing.errors import SharingRefused
from fullpicture.sharing.models import (
    Agreement,
    BreakGlassGrant,
    InformationItem,
    InformationRequest,
    ItemDecision,
    Notification,
    Outcome,
    RequestRecipient,
    WithholdReason,
)
from fullpicture.sharing.policy import (
    REVIEW_GRANT_SCOPE,
    PolicyContext,
    Purpose,
    agency_filter_for,
    agreement_in_force_q,
    grant_context,
    item_filter_for,
    policy_context,
    record_filter_for,
    system_access_required,
)
from fullpicture.vocabulary.models import ConcernCategory


class NotFound(Exception):
    """Raised for a missing record and for a denied one alike."""


def context_details(purpose: str) -> dict[str, str]:
    """The work context a read named (``kind:id``), for its ledger event's details."""
    named = context_of(purpose)
    return {"context": named} if named else {}


def _items_for(ctx: PolicyContext) -> QuerySet[InformationItem]:
    # The policy filter uses no joins (only ``pk IN (subquery)``), so it adds no duplicates.
    return InformationItem.objects.filter(item_filter_for(ctx)).select_related(
        "source_agency", "category", "recorded_by"
    )


_WHERE_CACHE_SIZE = 512
_WHERE_CACHE: OrderedDict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = OrderedDict()


def item_where_for(ctx: PolicyContext, *, using: str = "default") -> RawSQL:
    """``item_filter_for`` compiled to SQL once per fingerprint and reused.

    Building and compiling the Q for a partnership's agreements costs more than running
    it; the text depends only on the context's fingerprint (the decisions it consults
    are read by the SQL itself at run time), so it is kept per process. It refers to
    the item table by name, so use it on querysets whose base table is the item table.
    """
    key = (connections[using].vendor, using, ctx.fingerprint)
    cached = _WHERE_CACHE.get(key)
    if cached is None:
        query = InformationItem.objects.filter(item_filter_for(ctx)).query
        compiler = query.get_compiler(using=using)
        try:
            sql, params = compiler.compile(query.where)
        except EmptyResultSet:
            sql, params = "1 = 0", ()
        cached = (sql or "1 = 1", tuple(params))
        _WHERE_CACHE[key] = cached
        while len(_WHERE_CACHE) > _WHERE_CACHE_SIZE:
            _WHERE_CACHE.popitem(last=False)
    else:
        _WHERE_CACHE.move_to_end(key)
    # S611: the text is Django's own compilation of the Q above; values stay parameters.
    return RawSQL(f"({cached[0]})", cached[1], output_field=models.BooleanField())  # noqa: S611


def _items_listed(ctx: PolicyContext) -> QuerySet[InformationItem]:
    """``_items_for`` with the compiled filter: for lists evaluated at once (chronologies)."""
    return InformationItem.objects.filter(item_where_for(ctx)).select_related(
        "source_agency", "category", "recorded_by"
    )


def visible_item_rows_about(ctx: PolicyContext, person_ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """The chronology's read, as plain rows in (occurred_at, id) order: the items about
    any of the persons that pass the policy's compiled filter (``item_where_for``), with
    their agency, category and recorder, and which of the persons each is about, in one
    query. A row: id, occurred_at, recorded_at, summary, detail, sensitivity,
    source_description, protect_source, source_agency_id, the agency's code and name,
    category_id, the category's slug, name and sort_order, recorded_by_id, the
    recorder's first_name, last_name and username, recorded_by_name, person_ids.

    The persons' link rows are read once (an index lookup), grouped per item
    (``GROUP_CONCAT``, a comma-separated text, on SQLite; ``ARRAY_AGG``, a list, on
    PostgreSQL), and joined to the items by primary key before the filter is weighed.
    On SQLite the two datetimes come back as the UTC text Django stored with ``+00:00``
    appended, which ``datetime.fromisoformat`` reads far faster than Django's column
    converter; PostgreSQL gives aware datetimes."""
    if not person_ids:
        return []
    db = connections["default"]
    where = item_where_for(ctx)
    sql = _chronology_sql(db, where.sql, len(person_ids))
    with db.cursor() as cursor:
        cursor.execute(sql, [*person_ids, *where.params])
        return cursor.fetchall()


def _chronology_sql(db: BaseDatabaseWrapper, where: str, persons: int) -> str:
    key = (db.alias, where, persons)
    sql = _CHRONOLOGY_SQL_CACHE.get(key)
    if sql is None:
        sql = _CHRONOLOGY_SQL_CACHE[key] = _chronology_sql_build(db, where, persons)
        while len(_CHRONOLOGY_SQL_CACHE) > _CHRONOLOGY_SQL_CACHE_SIZE:
            del _CHRONOLOGY_SQL_CACHE[next(iter(_CHRONOLOGY_SQL_CACHE))]
    return sql


# The text depends on the database, the policy filter's text and the number of persons.
_CHRONOLOGY_SQL_CACHE: dict[tuple[str, str, int], str] = {}
_CHRONOLOGY_SQL_CACHE_SIZE = 256


def _chronology_sql_build(db: BaseDatabaseWrapper, where: str, persons: int) -> str:
    quote = db.ops.quote_name
    item = quote(InformationItem._meta.db_table)
    link = quote(InformationItem.persons.through._meta.db_table)
    agency = quote(Agency._meta.db_table)
    category = quote(ConcernCategory._meta.db_table)
    recorder = quote(Practitioner._meta.db_table)
    if db.vendor == "postgresql":
        occurred, recorded = f"{item}.occurred_at", f"{item}.recorded_at"
        person_ids = "ARRAY_AGG(fp_link.person_id)"
        # PostgreSQL misjudges the policy filter's cost and would weigh it over every item
        # (a sequential scan, about 50 ms at 100,000 items) before joining the few hundred
        # about the persons; a lateral lookup by primary key (OFFSET 0 keeps the planner
        # from flattening it) weighs it only over those (about 8 ms).
        lookup = f"SELECT * FROM {item} WHERE {item}.id = fp_about.item_id OFFSET 0"  # noqa: S608
        items = f"INNER JOIN LATERAL ({lookup}) {item} ON TRUE"
    else:
        occurred, recorded = f"{item}.occurred_at || '+00:00'", f"{item}.recorded_at || '+00:00'"
        person_ids = "GROUP_CONCAT(fp_link.person_id)"
        items = f"INNER JOIN {item} ON {item}.id = fp_about.item_id"
    placeholders = ", ".join(["%s"] * persons)
    # S608: table names are the models' own, quoted; ``where`` is Django's compilation of
    # the policy's Q (item_where_for); every value stays a parameter.
    return f"""
SELECT {item}.id, {occurred}, {recorded}, {item}.summary, {item}.detail,
       {item}.sensitivity, {item}.source_description, {item}.protect_source,
       {item}.source_agency_id, {agency}.code, {agency}.name,
       {item}.category_id, {category}.slug, {category}.name, {category}.sort_order,
       {item}.recorded_by_id, {recorder}.first_name, {recorder}.last_name,
       {recorder}.username, {item}.recorded_by_name, fp_about.person_ids
FROM (
    SELECT fp_link.informationitem_id AS item_id, {person_ids} AS person_ids
    FROM {link} fp_link
    WHERE fp_link.person_id IN ({placeholders})
    GROUP BY fp_link.informationitem_id
) fp_about
{items}
INNER JOIN {agency} ON {agency}.id = {item}.source_agency_id
INNER JOIN {category} ON {category}.id = {item}.category_id
LEFT OUTER JOIN {recorder} ON {recorder}.id = {item}.recorded_by_id
WHERE {where}
ORDER BY {item}.occurred_at, {item}.id
"""  # noqa: S608


def items_visible_to(*, viewer: Practitioner, purpose: str) -> QuerySet[InformationItem]:
    """THE selector for information items: every display of items starts here."""
    return _items_for(policy_context(viewer=viewer, purpose=purpose)).distinct()


def agencies_visible_to(*, viewer: Practitioner, purpose: str) -> QuerySet[Agency]:
    return Agency.objects.filter(agency_filter_for(policy_context(viewer=viewer, purpose=purpose)))


def records_visible_to(*, viewer: Practitioner, purpose: str) -> QuerySet[SourceRecord]:
    ctx = policy_context(viewer=viewer, purpose=purpose)
    return SourceRecord.objects.filter(record_filter_for(ctx)).select_related("agency")


def persons_visible_to(*, viewer: Practitioner, purpose: str) -> QuerySet[Person]:
    """Persons the viewer may know of: at least one record or item they may see."""
    records = records_visible_to(viewer=viewer, purpose=purpose)
    items = items_visible_to(viewer=viewer, purpose=purpose)
    return Person.objects.filter(
        Q(pk__in=records.values("person_id")) | Q(pk__in=items.values("persons"))
    )


@dataclass
class PersonSummary:
    person: Person
    records: list[SourceRecord]

    @property
    def names(self) -> list[str]:
        return sorted({r.display_name for r in self.records})

    @property
    def dates_of_birth(self) -> list[dt.date]:
        return sorted({r.date_of_birth for r in self.records if r.date_of_birth})

    @property
    def display_name(self) -> str:
        """The name most of the visible records use; on a tie, the most recently recorded."""
        if not self.records:
            return f"Person {self.person.pk}"
        counts = Counter(r.display_name for r in self.records)
        latest = {r.display_name: r.recorded_at or dt.date.min for r in self.records}
        for r in self.records:
            latest[r.display_name] = max(latest[r.display_name], r.recorded_at or dt.date.min)
        return max(counts, key=lambda name: (counts[name], latest[name], name))

    @property
    def agencies(self) -> list[Agency]:
        seen: dict[int, Agency] = {}
        for record in self.records:
            seen.setdefault(record.agency_id, record.agency)
        return sorted(seen.values(), key=lambda a: a.name)


def _summaries(
    persons: Iterable[Person], *, viewer: Practitioner, purpose: str
) -> list[PersonSummary]:
    visible = records_visible_to(viewer=viewer, purpose=purpose)
    persons = list(persons)
    by_person: dict[int, list[SourceRecord]] = {p.pk: [] for p in persons}
    for record in visible.filter(person__in=persons).order_by("recorded_at", "id"):
        if record.person_id is not None:
            by_person[record.person_id].append(record)
    return [PersonSummary(person=p, records=by_person[p.pk]) for p in persons]


@dataclass(frozen=True)
class PersonQuery:
    name: str = ""
    date_of_birth: dt.date | None = None
    identifier: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.name.strip() or self.date_of_birth or self.identifier.strip())

    def terms(self) -> list[str]:
        """The name's words, within the search's bounds (else SearchRefused)."""
        words = self.name.split()
        if len(words) > SEARCH_MAX_WORDS:
            raise SearchRefused(f"Give at most {SEARCH_MAX_WORDS} words of a name.")
        if any(len(w) > SEARCH_MAX_WORD_LENGTH for w in words):
            raise SearchRefused(
                f"Each word of a name can be at most {SEARCH_MAX_WORD_LENGTH} characters."
            )
        if len("".join(self.identifier.split())) > SEARCH_MAX_IDENTIFIER_LENGTH:
            raise SearchRefused(
                f"An identifier can be at most {SEARCH_MAX_IDENTIFIER_LENGTH} characters."
            )
        return words


# A person search's bounds: a few words of a name, each of a name's length, and a time
# limit on its statements (FULLPICTURE_SEARCH_SECONDS), so that no search (page or API)
# holds the database for more than a second or two.
SEARCH_MAX_WORDS = 6
SEARCH_MAX_WORD_LENGTH = 40
SEARCH_MAX_IDENTIFIER_LENGTH = 20


class SearchRefused(ValueError):
    """A search outside its bounds (too many words, too long, too slow): the message
    names the rule; nothing is searched."""


def _search_seconds() -> float:
    return float(getattr(settings, "FULLPICTURE_SEARCH_SECONDS", 2.0))


def person_search(
    *, viewer: Practitioner, purpose: str, query: PersonQuery, limit: int = 50
) -> list[PersonSummary]:
    """Find persons by name, date of birth or identifier, among records the viewer may see.

    Seeing that a person is known is itself audited (one ``search`` event with
    the ids of the persons shown), separately from opening a person's page.
    """
    try:
        terms = query.terms()
    except SearchRefused:
        _search_refused(viewer=viewer, purpose=purpose, reason="bounds")
        raise
    records = records_visible_to(viewer=viewer, purpose=purpose).filter(person__isnull=False)
    if query.identifier.strip():
        ident = "".join(query.identifier.split()).upper()
        records = records.filter(Q(nhs_number=ident) | Q(upn=ident) | Q(pnc_id=ident))
    for term in terms:
        records = records.filter(
            Q(given_name__icontains=term)
            | Q(family_name__icontains=term)
            | Q(other_names__icontains=term)
        )
    if query.date_of_birth:
        records = records.filter(date_of_birth=query.date_of_birth)
    seconds = _search_seconds()
    try:
        with statement_time_limit(seconds):
            person_ids = list(records.values_list("person_id", flat=True).distinct()[: limit + 1])
    except TimeLimitExceeded:
        _search_refused(viewer=viewer, purpose=purpose, reason="time limit")
        raise SearchRefused(
            f"The search was stopped after {seconds:g} seconds. Give more of the name, "
            "a date of birth or an identifier."
        ) from None
    persons = list(Person.objects.filter(pk__in=person_ids[:limit]).order_by("pk"))
    summaries = _summaries(persons, viewer=viewer, purpose=purpose)
    ledger_record(
        actor=viewer.actor,
        action=Action.SEARCH,
        object_type="person",
        object_id="",
        purpose=purpose,
        details={"person_ids": [str(p.pk) for p in persons], **context_details(purpose)},
    )
    return summaries


def _search_refused(*, viewer: Practitioner, purpose: str, reason: str) -> None:
    ledger_record(
        actor=viewer.actor,
        action=Action.DENIED,
        object_type="person",
        object_id="",
        purpose=purpose,
        details={"search_refused": reason},
    )


def access_person_by_id(*, viewer: Practitioner, person_id: int, purpose: str) -> PersonSummary:
    """Open one person: raises NotFound for a missing or a denied person alike; audited."""
    person = persons_visible_to(viewer=viewer, purpose=purpose).filter(pk=person_id).first()
    if person is None:
        ledger_record_denied(
            actor=viewer.actor,
            object_type="person",
            object_id=person_id,
            purpose=purpose,
            reason_code="policy" if Person.objects.filter(pk=person_id).exists() else "missing",
        )
        raise NotFound
    ledger_record(
        actor=viewer.actor,
        action=Action.VIEW,
        object_type="person",
        object_id=person.pk,
        purpose=purpose,
        details=context_details(purpose),
    )
    return _summaries([person], viewer=viewer, purpose=purpose)[0]


@dataclass
class Chronology:
    items: list[InformationItem]
    agencies: list[Agency] = field(default_factory=list)


def redact_protected_sources(*, items: Iterable[InformationItem], agency_id: int | None) -> None:
    """Protect the source: outside the owning agency, who it came from is not shown."""
    for item in items:
        item.source_redacted = item.protect_source and item.source_agency_id != agency_id
        if item.source_redacted:
            item.source_description = ""


def person_chronology(
    *, viewer: Practitioner, person: Person, purpose: str, audit: bool = True
) -> Chronology:
    """Every item about this person the viewer may see, in the order it happened.

    Audited as one ``view`` of the person's chronology carrying the item ids shown
    (and the break-glass grant, when one is in play).
    """
    ctx = policy_context(viewer=viewer, purpose=purpose)
    # The person's item ids first (one index lookup), then the policy filter over just
    # those rows: it keeps every database on a small, predictable plan (PostgreSQL would
    # otherwise weigh the policy's OR and parallelise a scan of the whole link table).
    about = list(
        InformationItem.persons.through.objects.filter(person_id=person.pk).values_list(
            "informationitem_id", flat=True
        )
    )
    items = list(_items_listed(ctx).filter(pk__in=about).order_by("occurred_at", "id"))
    redact_protected_sources(items=items, agency_id=viewer.agency_id)
    agencies = sorted({i.source_agency for i in items}, key=lambda a: a.name)
    if audit:
        details: dict[str, object] = {
            "item_ids": [str(i.pk) for i in items],
            **context_details(purpose),
        }
        if person.pk in ctx.break_glass:
            details["break_glass_grant"] = str(ctx.break_glass[person.pk])
        ledger_record(
            actor=viewer.actor,
            action=Action.VIEW,
            object_type="person_chronology",
            object_id=person.pk,
            purpose=purpose,
            details=details,
        )
    return Chronology(items=items, agencies=agencies)


def review_grant_chronology(
    *, actor: Actor, grant_id: int, person_id: int
) -> list[InformationItem]:
    """Use a review grant: every item about one person in its scope, as the policy point's
    grant context allows, in the order it happened, with its persons. Each use is one
    ledger ``view`` of the person's chronology with the item ids and the grant, in the same
    transaction (audit fails closed). Who gave the information stays hidden where the
    source is protected (no agency reads here, so every protected source is hidden)."""
    purpose = Purpose.LEARNING_REVIEW.value
    system_access_required(actor=actor.id, purpose=purpose, scope=REVIEW_GRANT_SCOPE)
    ctx = grant_context(grant=grant_id, actor=actor.id)
    if ctx.review_grant is None:
        raise SharingRefused(
            f"Review grant {grant_id} is not active for {actor.id} (expired, ended, or its "
            "approver is no longer an information-governance lead): nothing was read."
        )
    if person_id not in ctx.grant_persons:
        raise SharingRefused(f"Person {person_id} is not in review grant {grant_id}'s scope.")
    about = InformationItem.persons.through.objects.filter(person_id=person_id).values(
        "informationitem_id"
    )
    with transaction.atomic():
        items = list(
            _items_listed(ctx)
            .filter(pk__in=about)
            .prefetch_related("persons")
            .order_by("occurred_at", "id")
        )
        redact_protected_sources(items=items, agency_id=None)
        ledger_record(
            actor=actor,
            action=Action.VIEW,
            object_type="person_chronology",
            object_id=person_id,
            purpose=purpose,
            legal_basis=ctx.grant_basis,
            details={"item_ids": [str(i.pk) for i in items], "review_grant": str(grant_id)},
        )
    return items


def recent_items_for_agency(
    *, viewer: Practitioner, purpose: str, limit: int = 20
) -> list[InformationItem]:
    """The home page: my agency's most recently recorded items."""
    return list(
        items_visible_to(viewer=viewer, purpose=purpose)
        .filter(source_agency_id=viewer.agency_id)
        .prefetch_related(Prefetch("persons"))
        .order_by("-recorded_at", "-id")[:limit]
    )


@dataclass
class FamilyTie:
    kind: str
    direction: str
    other: PersonSummary


def person_relationships(*, viewer: Practitioner, person: Person, purpose: str) -> list[FamilyTie]:
    """Relationships recorded by agencies the viewer may see, with related persons they may see."""
    agencies = agencies_visible_to(viewer=viewer, purpose=purpose)
    # The person's side of the tie must be a record the viewer may see (consent: 0072).
    records = records_visible_to(viewer=viewer, purpose=purpose).filter(person=person)
    rels = (
        Relationship.objects.filter(agency__in=agencies)
        .filter(Q(from_record__in=records.values("pk")) | Q(to_record__in=records.values("pk")))
        .select_related("from_record", "to_record")
    )
    visible_persons = persons_visible_to(viewer=viewer, purpose=purpose)
    pairs: dict[tuple[str, str, int], None] = {}
    for rel in rels:
        if rel.from_record.person_id == person.pk and rel.to_record.person_id:
            pairs[(rel.kind, "to", rel.to_record.person_id)] = None
        if rel.to_record.person_id == person.pk and rel.from_record.person_id:
            pairs[(rel.kind, "from", rel.from_record.person_id)] = None
    other_ids = {pid for (_, _, pid) in pairs if pid != person.pk}
    others = {p.pk: p for p in visible_persons.filter(pk__in=other_ids)}
    summaries = {
        s.person.pk: s for s in _summaries(others.values(), viewer=viewer, purpose=purpose)
    }
    ties = [
        FamilyTie(kind=kind, direction=direction, other=summaries[pid])
        for (kind, direction, pid) in pairs
        if pid in summaries
    ]
    return sorted(ties, key=lambda t: (t.kind, t.other.display_name))


def person_households(*, viewer: Practitioner, person: Person, purpose: str) -> list[PersonSummary]:
    """Other members of the person's household(s) that the viewer may see."""
    visible = persons_visible_to(viewer=viewer, purpose=purpose)
    members = visible.filter(households__members=person).exclude(pk=person.pk).distinct()
    return _summaries(members.order_by("pk"), viewer=viewer, purpose=purpose)


@dataclass(frozen=True)
class WithheldSummary:
    """That an agency withheld N items about a person, and why (reason codes): never what."""

    agency: Agency
    count: int
    reason_codes: tuple[str, ...]

    @property
    def reasons(self) -> list[str]:
        return [WithholdReason(code).label for code in self.reason_codes]


def person_withheld_summary(
    *, viewer: Practitioner, person: Person, purpose: str
) -> list[WithheldSummary]:
    """Items about the person withheld from the viewer's agency, per agency: a withhold
    binds every purpose the withholding agency did not expressly allow, so the panel says
    so whatever the purpose (and whether or not the read names a work context)."""
    ctx = policy_context(viewer=viewer, purpose=purpose)
    if ctx.agency_id is None or not ctx.reads_own:
        return []
    rows = (
        ItemDecision.objects.filter(
            to_agency_id=ctx.agency_id,
            outcome=Outcome.WITHHOLD,
            item__persons=person,
        )
        .exclude(allowed_purposes__contains=f",{ctx.purpose},")
        .values_list("from_agency_id", "item_id", "withhold_reason")
        .distinct()
    )
    counts: dict[int, set[int]] = {}
    codes: dict[int, set[str]] = {}
    for agency_id, item_id, code in rows:
        counts.setdefault(agency_id, set()).add(item_id)
        codes.setdefault(agency_id, set()).add(code)
    agencies = Agency.objects.in_bulk(list(counts))
    return sorted(
        (
            WithheldSummary(
                agency=agencies[a],
                count=len(items),
                reason_codes=tuple(sorted(codes[a])),
            )
            for a, items in counts.items()
        ),
        key=lambda s: s.agency.name,
    )


# --------------------------------------------------------------------------------------
# Agreements, decisions, requests, break-glass and notices: reads for the sharing pages
# --------------------------------------------------------------------------------------


def agreements_for(*, viewer: Practitioner) -> QuerySet[Agreement]:
    """The agreements naming an agency of the IG lead's own partnership (or the lead's own
    agency, if it has no partnership); nothing for anyone else."""
    if not viewer.has_role("ig_lead"):
        return Agreement.objects.none()
    ours = (
        Q(party_rows__agency__partnership_id=viewer.partnership_id)
        if viewer.partnership_id is not None
        else Q(party_rows__agency_id=viewer.agency_id or 0)
    )
    return (
        Agreement.objects.filter(pk__in=Agreement.objects.filter(ours).values("pk"))
        .prefetch_related("party_rows__agency", "categories")
        .order_by("reference")
    )


def agreement_for_edit(*, viewer: Practitioner, agreement_id: int) -> Agreement:
    found = agreements_for(viewer=viewer).filter(pk=agreement_id).first()
    if found is None:
        raise NotFound
    return found


def agencies_joined_to(*, viewer: Practitioner) -> list[Agency]:
    """Agencies joined to the viewer's by any agreement in force today (share targets)."""
    if viewer.agency_id is None:
        return []
    today = timezone.localdate()
    agreements = Agreement.objects.filter(agreement_in_force_q(on=today)).filter(
        party_rows__agency_id=viewer.agency_id
    )
    return list(
        Agency.objects.filter(agreement_rows__agreement__in=agreements)
        .exclude(pk=viewer.agency_id)
        .distinct()
        .order_by("name")
    )


def own_items(
    *, viewer: Practitioner, item_ids: Iterable[int], purpose: str = "safeguarding_enquiry"
) -> list[InformationItem]:
    """The viewer's own agency's items among ``item_ids`` (what they may decide about)."""
    ids = sorted({int(i) for i in item_ids})
    return list(
        items_visible_to(viewer=viewer, purpose=purpose)
        .filter(pk__in=ids, source_agency_id=viewer.agency_id)
        .order_by("occurred_at", "id")
    )


def own_items_about(
    *, viewer: Practitioner, person_ids: Iterable[int], purpose: str
) -> list[InformationItem]:
    return list(
        items_visible_to(viewer=viewer, purpose=purpose)
        .filter(source_agency_id=viewer.agency_id, persons__in=list(person_ids))
        .order_by("occurred_at", "id")
    )


def own_items_for_request(
    *, viewer: Practitioner, request: InformationRequest
) -> list[InformationItem]:
    """The viewer's agency's own items about the person a request asks about (and, when
    it asks about the household, about the household's members the viewer may know of),
    through the policy point, for deciding item by item what to share and withhold."""
    person_ids = [request.person_id]
    if request.include_household:
        person_ids += list(
            persons_visible_to(viewer=viewer, purpose=request.purpose)
            .filter(households__members=request.person_id)
            .values_list("pk", flat=True)
        )
    return own_items_about(viewer=viewer, person_ids=person_ids, purpose=request.purpose)


def decisions_by_own_agency(*, viewer: Practitioner, item_ids: Iterable[int]) -> list[ItemDecision]:
    return list(
        ItemDecision.objects.filter(
            from_agency_id=viewer.agency_id, item_id__in=list(item_ids)
        ).select_related("to_agency", "decided_by")
    )


@dataclass(frozen=True)
class RecipientStatus:
    recipient: RequestRecipient
    shared: int
    withheld: int
    withhold_reasons: list[str]
    overdue: bool


@dataclass(frozen=True)
class RequestView:
    request: InformationRequest
    is_requester: bool
    recipients: list[RecipientStatus]
    my_recipient: RequestRecipient | None


def requests_sent(*, viewer: Practitioner) -> QuerySet[InformationRequest]:
    return (
        InformationRequest.objects.filter(from_agency_id=viewer.agency_id or 0)
        .prefetch_related("recipients__agency")
        .order_by("-requested_at")
    )


def requests_received(*, viewer: Practitioner) -> QuerySet[RequestRecipient]:
    return (
        RequestRecipient.objects.filter(agency_id=viewer.agency_id or 0)
        .select_related("request__from_agency")
        .order_by("answered_at", "request__due_at")
    )


def request_view(*, viewer: Practitioner, request_id: int) -> RequestView:
    """A request, for the agency that sent it or one that was asked; else NotFound."""
    request = (
        InformationRequest.objects.filter(pk=request_id)
        .select_related("from_agency", "requested_by")
        .first()
    )
    if request is None or viewer.agency_id is None:
        raise NotFound
    recipients = list(request.recipients.select_related("agency", "answered_by"))
    mine = next((r for r in recipients if r.agency_id == viewer.agency_id), None)
    is_requester = request.from_agency_id == viewer.agency_id
    if not is_requester and mine is None:
        ledger_record_denied(
            actor=viewer.actor,
            object_type="information_request",
            object_id=request_id,
            reason_code="policy",
        )
        raise NotFound
    now = timezone.now()
    decisions = list(request.decisions.values_list("from_agency_id", "outcome", "withhold_reason"))
    statuses = []
    for r in recipients if is_requester else [mine] if mine else []:
        own = [d for d in decisions if d[0] == r.agency_id]
        statuses.append(
            RecipientStatus(
                recipient=r,
                shared=sum(1 for d in own if d[1] == Outcome.SHARE),
                withheld=sum(1 for d in own if d[1] == Outcome.WITHHOLD),
                withhold_reasons=sorted(
                    {WithholdReason(d[2]).label for d in own if d[1] == Outcome.WITHHOLD and d[2]}
                ),
                overdue=r.answered_at is None and request.due_at < now,
            )
        )
    return RequestView(
        request=request, is_requester=is_requester, recipients=statuses, my_recipient=mine
    )


def break_glass_active(*, viewer: Practitioner) -> list[BreakGlassGrant]:
    if not viewer.is_authenticated:
        return []
    now = timezone.now()
    return list(
        BreakGlassGrant.objects.filter(
            practitioner_id=viewer.pk, started_at__lte=now, expires_at__gt=now, ended_at=None
        ).order_by("expires_at")
    )


def break_glass_for_review(*, viewer: Practitioner) -> QuerySet[BreakGlassGrant]:
    """Every use in the IG lead's partnership, unreviewed first."""
    if not viewer.has_role("ig_lead"):
        return BreakGlassGrant.objects.none()
    grants = BreakGlassGrant.objects.select_related("practitioner", "agency", "reviewed_by")
    if viewer.agency is not None and viewer.agency.partnership_id is not None:
        grants = grants.filter(agency__partnership_id=viewer.agency.partnership_id)
    return grants.order_by("review", "-started_at")


def notifications_for(*, viewer: Practitioner, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(recipient_id=viewer.pk).order_by("-created_at")[:limit])


def notifications_unread(*, viewer: Practitioner) -> int:
    return Notification.objects.filter(recipient_id=viewer.pk, read_at=None).count()


def agencies_holding_items_about(*, person_ids: list[int]) -> list[int]:
    """The ids of the agencies that hold items about these persons (ids only, no content):
    whom a learning review that reads them must tell."""
    return sorted(
        set(
            InformationItem.objects.filter(persons__in=person_ids).values_list(
                "source_agency_id", flat=True
            )
        )
    )
