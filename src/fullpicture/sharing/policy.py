"""THE policy decision point: who may see which information item, for what purpose.

One module turns (viewer's roles and agency, the agreements in force at this
moment, the purpose, the item's agency, category, sensitivity and consent, the
owning agency's explicit share and withhold decisions, and any active
break-glass grant) into a SQL filter over ``InformationItem``; ``decide``
answers the same question for one item, with its basis and reason. They always
agree: a property test checks both against an independent model.

The rules (docs/decisions/0003-policy-rules.md):

1. A viewer must belong to an agency and be active. Only the *reading* roles
   (agency practitioner, MASH practitioner and manager, unscheduled-care
   clinician, IG lead) see items at all; a board scrutineer, trainer or
   administrator role grants none.
2. The owning agency always sees its own items (any reading role, any purpose).
3. Another agency's item is seen only by a viewer whose roles the purpose allows
   (``purpose_allowed``) and then only if
   a. the owning agency shared it explicitly with the viewer's agency for this
      purpose, on a basis still good now (an agreement in force with both
      agencies as parties, or a one-off share on a paragraph 18 reason); or
   b. an agreement in force today has both agencies as parties and covers the
      purpose and the item's category; special category items need the
      agreement's Article 9 condition; restricted items never go by agreement
      alone; a consent-based agreement (early help) needs consent given, while
      under any other agreement consent is recorded, not required (public task
      with paragraph 18: the owning agency withholds explicitly where a refusal
      should stand); the owning party's age and most-recent limits hold; and
      the owning agency has not withheld the item from the viewer's agency for
      this purpose.
   c. for direct care, (b) never applies: a clinician reads their own agency's
      records plus what another agency explicitly shared with theirs (a), and other
      agencies' records not at all (break-glass is the way in for immediate risk).
4. Break-glass: a viewer holding a break-glass role with an active grant for a
   person and purpose sees that person's items from every agency, except
   restricted items and items withheld from the viewer's agency for the
   purpose (break-glass goes beyond the agreements, not beyond an owning
   agency's considered decision).
5. System actors (tasks and commands with no signed-in user) act as a named actor with
   an explicit purpose and ask ``system_access`` before they read; only the pairs in
   ``SYSTEM_ACCESS`` are allowed (docs/decisions/0007-system-actors.md).
6. A purpose is a relationship (docs/decisions/0056-work-contexts.md): for every purpose
   in ``CONTEXT_PURPOSES`` rule 3 applies only when the read names a work context the
   viewer is part of (``sharing.contexts``: a contact of the viewer's MASH, a request
   their agency sent or was sent, a meeting their agency is invited to, an early-help
   episode with consent on record, an approved review grant), and then only to items
   about, and records of, the persons that context covers. With no context (or one the
   viewer is not part of) the viewer reads their own agency's items and nothing else.
   Direct care needs no context.
7. A withhold binds across purposes (docs/decisions/0057-withholds-across-purposes.md):
   an item withheld from an agency is withheld for every purpose the withholding
   agency did not expressly allow (``ItemDecision.allowed_purposes``, or an explicit
   share for that purpose), from agreements and break-glass alike.
8. Review grants: a learning review reads as the system actor its grant names
   (``system:learning-review``), through ``grant_context``. While the grant is active
   (created, not expired, not ended, its approver still an active IG lead) it allows
   every item about the grant's persons that occurred or was recorded by the end of the
   review's period, restricted and withheld items included (a withhold is one agency's
   decision about another agency, and the review sees that too), and every agency's
   records of those persons; nothing about anyone else
   (docs/decisions/0054-review-grants.md).
7. Records (and so involvements and "known to") follow the agreements as items do: the own
   agency's, those of agencies joined for the purpose where an agreement not resting on
   consent joins them or the record's consent is given (``RecordConsent``), and every
   record of a person under break-glass (docs/decisions/0072).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from fullpicture.partnerships.models import AgencyType, Practitioner, RoleCode
from fullpicture.people.models import SourceRecord
from fullpicture.sharing.contexts import (
    context_of,
    default_purpose_of,
    parse_context_ref,
    purpose_in,
    resolve_work_context,
)
from fullpicture.sharing.models import (
    Agreement,
    AgreementStatus,
    BreakGlassGrant,
    Consent,
    InformationItem,
    ItemDecision,
    Outcome,
    RecordConsent,
    ReviewGrant,
    Sensitivity,
)


class Purpose(models.TextChoices):
    SAFEGUARDING_ENQUIRY = "safeguarding_enquiry", "Safeguarding enquiry"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
    DIRECT_CARE = "direct_care", "Direct care"
    EARLY_HELP = "early_help", "Early help"
    MULTI_AGENCY_MEETING = "multi_agency_meeting", "Multi-agency meeting"
    LEARNING_REVIEW = "learning_review", "Learning review"
    SUBJECT_ACCESS = "subject_access", "Subject access"
    AUDIT = "audit", "Audit"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    basis: str
    reason: str


OWN_AGENCY = "own agency's record"
ONE_OFF_BASIS = "UK GDPR Art 6(1)(e) public task; DPA 2018 Sch 1 para 18 (one-off share)"
BREAK_GLASS_BASIS = "UK GDPR Art 6(1)(d) vital interests; break-glass for immediate risk"
DENIED = ""

R = RoleCode
MASH = frozenset({R.MASH_PRACTITIONER.value, R.MASH_MANAGER.value})
READING_ROLES = frozenset(
    {
        R.AGENCY_PRACTITIONER.value,
        R.MASH_PRACTITIONER.value,
        R.MASH_MANAGER.value,
        R.UNSCHEDULED_CARE_CLINICIAN.value,
        R.IG_LEAD.value,
    }
)
BREAK_GLASS_ROLES = frozenset({R.MASH_MANAGER.value, R.UNSCHEDULED_CARE_CLINICIAN.value})
HEALTH_AGENCY_TYPES = frozenset(
    {
        AgencyType.GP.value,
        AgencyType.HEALTH_VISITING.value,
        AgencyType.ACUTE_HOSPITAL.value,
        AgencyType.MENTAL_HEALTH.value,
    }
)
# Which roles may see other agencies' information for each purpose.
PURPOSE_ROLES: dict[str, frozenset[str]] = {
    Purpose.SAFEGUARDING_ENQUIRY: MASH,
    Purpose.STRATEGY_DISCUSSION: MASH,
    Purpose.DIRECT_CARE: frozenset({R.UNSCHEDULED_CARE_CLINICIAN.value}),
    Purpose.EARLY_HELP: MASH | {R.AGENCY_PRACTITIONER.value},
    Purpose.MULTI_AGENCY_MEETING: MASH | {R.AGENCY_PRACTITIONER.value},
    Purpose.LEARNING_REVIEW: frozenset({R.IG_LEAD.value}),
    Purpose.SUBJECT_ACCESS: frozenset({R.IG_LEAD.value}),
    Purpose.AUDIT: frozenset({R.IG_LEAD.value}),
}


# Purposes whose reads of other agencies' information rest on a piece of work the viewer
# is part of (rule 6). Direct care and subject access do not (subject access is answered
# by the IG lead's export, never read on a page).
CONTEXT_PURPOSES = frozenset(
    {
        Purpose.SAFEGUARDING_ENQUIRY.value,
        Purpose.STRATEGY_DISCUSSION.value,
        Purpose.MULTI_AGENCY_MEETING.value,
        Purpose.EARLY_HELP.value,
        Purpose.LEARNING_REVIEW.value,
        Purpose.AUDIT.value,
    }
)


class PurposeRefused(ValueError):
    """A read named a purpose or context the rules do not accept (the message names the rule)."""


def read_purpose(*, purpose: str | None, context: str | None) -> str:
    """The purpose a page or API read asks for, from its ``purpose`` and ``context``
    parameters (rule 6). A context (``kind:id``) carries the read; its kind gives the
    purpose when none is named. Without one, a read is for direct care: a purpose word on
    its own unlocks nothing, and subject access is answered only by the IG lead's export."""
    ref = (context or "").strip()
    word = (purpose or "").strip()
    if word and word not in Purpose.values:
        raise PurposeRefused(f"purpose must be one of {', '.join(Purpose.values)}")
    if ref:
        parsed = parse_context_ref(ref)
        if parsed is None:
            raise PurposeRefused(
                "context must name a piece of work as kind:id (a contact, request, meeting, "
                "early-help episode or review grant)"
            )
        return purpose_in(word or default_purpose_of(parsed[0]), f"{parsed[0]}:{parsed[1]}")
    if word == Purpose.SUBJECT_ACCESS:
        raise PurposeRefused("subject access is answered through the subject access export")
    return word or Purpose.DIRECT_CARE.value


def purpose_allowed(*, role_codes: Iterable[str], agency_type: str, purpose: str) -> bool:
    """May a viewer with these roles, in this kind of agency, see others' items for purpose?"""
    roles = frozenset(role_codes)
    if roles & PURPOSE_ROLES.get(purpose, frozenset()):
        return True
    # Direct care: practitioners of health agencies too (GP, health visiting, hospital, MH).
    return (
        purpose == Purpose.DIRECT_CARE
        and R.AGENCY_PRACTITIONER.value in roles
        and agency_type in HEALTH_AGENCY_TYPES
    )


def may_break_glass(*, viewer: Practitioner) -> bool:
    return _viewer_ok(viewer) and bool(viewer.role_codes & BREAK_GLASS_ROLES)


def agreement_in_force_q(*, on: dt.date) -> Q:
    """Agreements in force on a day: status in force, accepted by every party partnership
    (its current version), and the day within start and end."""
    return (
        Q(status=AgreementStatus.IN_FORCE)
        & Q(accepted_version=F("version"))
        & Q(starts_on__lte=on)
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    )


Limits = tuple[int | None, int | None, int | None]  # min age, max age, most recent N
NO_LIMITS: Limits = (None, None, None)


@dataclass(frozen=True)
class AgreementRule:
    """One agreement in force that joins the viewer's agency to others for the purpose."""

    agreement_id: int
    reference: str
    legal_basis: str
    category_ids: frozenset[int] | None  # None: every category
    special_allowed: bool
    consent_required: bool
    parties: dict[int, Limits]  # every party agency (the viewer's too) -> its limits

    def covers(self, item: Any) -> bool:
        limits = self.parties.get(item.source_agency_id)
        if limits is None:
            return False
        if self.category_ids is not None and item.category_id not in self.category_ids:
            return False
        if item.sensitivity == Sensitivity.RESTRICTED:
            return False
        if item.sensitivity == Sensitivity.SPECIAL and not self.special_allowed:
            return False
        if self.consent_required and item.consent != Consent.GIVEN:
            return False
        return _limits_hold(limits, item)

    def q_for(self, parties: dict[int, set[Limits]], *, exclude_agency: int | None) -> Q:
        """SQL for this rule's shape over ``parties`` (agency -> every limits it has)."""
        groups: dict[Limits, list[int]] = defaultdict(list)
        for agency_id, limit_set in parties.items():
            if agency_id == exclude_agency:
                continue
            # no limits under any agreement of this shape: the unlimited term covers all
            for limits in [NO_LIMITS] if NO_LIMITS in limit_set else sorted(limit_set, key=repr):
                groups[limits].append(agency_id)
        if not groups:
            return NOTHING
        terms = [
            _all([Q(source_agency_id__in=sorted(agency_ids)), *_limits_terms(limits)])
            for limits, agency_ids in sorted(groups.items(), key=repr)
        ]
        conditions = [_any(terms)]
        if self.category_ids is not None:
            conditions.append(Q(category_id__in=sorted(self.category_ids)))
        if self.special_allowed:
            conditions.append(Q(sensitivity__in=[Sensitivity.STANDARD, Sensitivity.SPECIAL]))
        else:
            conditions.append(Q(sensitivity=Sensitivity.STANDARD))
        if self.consent_required:
            conditions.append(Q(consent=Consent.GIVEN))
        return _all(conditions)


def _limits_hold(limits: Limits, item: Any) -> bool:
    min_age, max_age, recent = limits
    if min_age is not None and (item.subject_min_age is None or item.subject_min_age < min_age):
        return False
    if max_age is not None and (item.subject_max_age is None or item.subject_max_age > max_age):
        return False
    return not (recent is not None and (item.recency_rank is None or item.recency_rank > recent))


NOTHING = Q(pk__in=[])


def _any(terms: list[Q]) -> Q:
    """A flat OR (nested ``|=`` chains make Django's SQL compiler slow)."""
    if not terms:
        return NOTHING
    return terms[0] if len(terms) == 1 else Q(*terms, _connector=Q.OR)


def _all(terms: list[Q]) -> Q:
    return terms[0] if len(terms) == 1 else Q(*terms)


def _limits_terms(limits: Limits) -> list[Q]:
    min_age, max_age, recent = limits
    terms = []
    if min_age is not None:
        terms.append(Q(subject_min_age__isnull=False, subject_min_age__gte=min_age))
    if max_age is not None:
        terms.append(Q(subject_max_age__isnull=False, subject_max_age__lte=max_age))
    if recent is not None:
        terms.append(Q(recency_rank__isnull=False, recency_rank__lte=recent))
    return terms


@dataclass(frozen=True)
class PolicyContext:
    """Everything about the viewer and this moment that the rules need, read once."""

    agency_id: int | None
    purpose: str
    at: dt.datetime
    reads_own: bool = False
    purpose_allowed: bool = False
    agreements: tuple[AgreementRule, ...] = ()
    break_glass: dict[int, int] = field(default_factory=dict)  # person id -> grant id
    rules_key: tuple[Any, ...] = ()  # identifies ``agreements`` (and the table's state)
    # A review grant's context (``grant_context``): no agency, only the grant's persons.
    review_grant: int | None = None
    grant_persons: frozenset[int] = frozenset()
    grant_until: dt.datetime | None = None  # exclusive: midnight after the period's end
    grant_basis: str = ""
    # The work context the read names (rule 6): its reference and the persons it covers.
    # ``work_persons`` None: the purpose needs no context (direct care), nothing is bound.
    work: str = ""
    work_persons: frozenset[int] | None = None

    @property
    def fingerprint(self) -> tuple[Any, ...]:
        """Everything the SQL filter's text depends on (decisions are read by the SQL)."""
        return (
            self.agency_id,
            self.purpose,
            self.reads_own,
            self.purpose_allowed,
            self.rules_key,
            tuple(sorted(self.break_glass)),
            self.review_grant,
            tuple(sorted(self.grant_persons)),
            self.grant_until,
            self.work,
            None if self.work_persons is None else tuple(sorted(self.work_persons)),
        )

    @property
    def other_agency_ids(self) -> frozenset[int]:
        """Agencies joined to the viewer's by an agreement for this purpose."""
        if not self.purpose_allowed:
            return frozenset()
        return frozenset(a for rule in self.agreements for a in rule.parties) - {
            self.agency_id or 0
        }


def _viewer_ok(viewer: Practitioner) -> bool:
    return bool(viewer.is_authenticated and viewer.is_active and viewer.agency_id is not None)


# Agreements change rarely and are read on every request: the rules built from them are
# kept per process, keyed by a stamp of the whole agreements table read in the same query
# round-trip as the check (count, newest change, sum of versions), so a suspension or an
# edit made anywhere is seen on the very next read.
_RULES_CACHE: OrderedDict[tuple[Any, ...], tuple[AgreementRule, ...]] = OrderedDict()
_RULES_CACHE_SIZE = 512


def _agreements_stamp() -> tuple[Any, ...]:
    stamp = Agreement.objects.aggregate(
        n=models.Count("id"), at=models.Max("updated_at"), v=models.Sum("version")
    )
    return (stamp["n"], stamp["at"], stamp["v"])


def _agreement_rules(
    *, agency_id: int, purpose: str, on: dt.date
) -> tuple[tuple[AgreementRule, ...], tuple[Any, ...]]:
    key = (agency_id, purpose, on, _agreements_stamp())
    cached = _RULES_CACHE.get(key)
    if cached is not None:
        _RULES_CACHE.move_to_end(key)
        return cached, key
    agreements = (
        Agreement.objects.filter(agreement_in_force_q(on=on))
        .filter(party_rows__agency_id=agency_id)
        .prefetch_related("party_rows", "categories")
        .order_by("pk")
    )
    rules: list[AgreementRule] = []
    for agreement in agreements:
        if purpose not in (agreement.purposes or []):
            continue
        categories = frozenset(c.pk for c in agreement.categories.all())
        rules.append(
            AgreementRule(
                agreement_id=agreement.pk,
                reference=agreement.reference,
                legal_basis=agreement.legal_basis,
                category_ids=categories or None,
                special_allowed=bool(agreement.article9),
                consent_required=agreement.rests_on_consent,
                parties={
                    p.agency_id: (p.min_subject_age, p.max_subject_age, p.most_recent_limit)
                    for p in agreement.party_rows.all()
                },
            )
        )
    result = tuple(rules)
    _RULES_CACHE[key] = result
    while len(_RULES_CACHE) > _RULES_CACHE_SIZE:
        _RULES_CACHE.popitem(last=False)
    return result, key


def policy_context(
    *, viewer: Practitioner, purpose: str, at: dt.datetime | None = None
) -> PolicyContext:
    """Read the agreements in force, the work context the purpose names (if any) and the
    break-glass grants that apply to this viewer now."""
    at = at or timezone.now()
    work_ref = context_of(purpose)
    purpose = str(purpose)
    agency_id = viewer.agency_id
    if agency_id is None or not _viewer_ok(viewer) or purpose not in Purpose.values:
        return PolicyContext(agency_id=None, purpose=purpose, at=at)
    roles = viewer.role_codes
    agency_type = viewer.agency.type if viewer.agency else ""
    allowed = purpose_allowed(role_codes=roles, agency_type=agency_type, purpose=purpose)
    work, work_persons = _work_for(
        viewer=viewer, purpose=purpose, ref=work_ref, at=at, allowed=allowed
    )
    allowed = allowed and (work_persons is None or bool(work))
    rules: tuple[AgreementRule, ...] = ()
    rules_key: tuple[Any, ...] = ()
    if allowed:
        rules, rules_key = _agreement_rules(
            agency_id=agency_id, purpose=purpose, on=timezone.localdate(at)
        )
    grants: dict[int, int] = {}
    if roles & BREAK_GLASS_ROLES:
        for grant_id, person_id in (
            BreakGlassGrant.objects.filter(
                practitioner_id=viewer.pk,
                agency_id=agency_id,
                purpose=purpose,
                started_at__lte=at,
                expires_at__gt=at,
                ended_at__isnull=True,
            )
            .order_by("started_at", "pk")
            .values_list("pk", "person_id")
        ):
            grants.setdefault(person_id, grant_id)
    return PolicyContext(
        agency_id=agency_id,
        purpose=purpose,
        at=at,
        reads_own=bool(roles & READING_ROLES),
        purpose_allowed=allowed,
        agreements=rules,
        break_glass=grants,
        rules_key=rules_key,
        work=work,
        work_persons=work_persons,
    )


def _work_for(
    *, viewer: Practitioner, purpose: str, ref: str, at: dt.datetime, allowed: bool
) -> tuple[str, frozenset[int] | None]:
    """The work context's reference and persons (rule 6): ``("", None)`` for a purpose
    that needs none; ``("", frozenset())`` when it needs one the viewer is not part of."""
    if purpose not in CONTEXT_PURPOSES:
        return "", None
    if not (allowed and ref):
        return "", frozenset()
    work = resolve_work_context(viewer=viewer, ref=ref, purpose=purpose, at=at)
    if work is None:
        return "", frozenset()
    return work.ref, work.person_ids


def _decisions_for(ctx: PolicyContext, outcome: str) -> Any:
    return ItemDecision.objects.filter(
        to_agency_id=ctx.agency_id, purpose=ctx.purpose, outcome=outcome
    )


def _withheld_for(ctx: PolicyContext) -> Any:
    """Withholds from the viewer's agency for any purpose, but those that expressly allowed
    this one (rule 7)."""
    return ItemDecision.objects.filter(
        to_agency_id=ctx.agency_id, outcome=Outcome.WITHHOLD
    ).exclude(allowed_purposes__contains=f",{ctx.purpose},")


def _about_q(person_ids: frozenset[int]) -> Q:
    """Items about any of the persons (one index lookup on the link table)."""
    if not person_ids:
        return NOTHING
    through = InformationItem.persons.through
    about = through.objects.filter(person_id__in=sorted(person_ids)).values("informationitem_id")
    return Q(pk__in=about)


def _share_basis_q(ctx: PolicyContext) -> Q:
    """Explicit shares still on a good basis: one-off (para 18) or an agreement in force
    with the sharing agency as a party (grouped by sharing agency to keep the SQL short)."""
    by_agency: dict[int, set[int]] = defaultdict(set)
    for rule in ctx.agreements:
        for agency_id in rule.parties:
            by_agency[agency_id].add(rule.agreement_id)
    return _any(
        [
            Q(agreement__isnull=True),
            *(
                Q(from_agency_id=agency_id, agreement_id__in=sorted(agreement_ids))
                for agency_id, agreement_ids in sorted(by_agency.items())
            ),
        ]
    )


def _agreements_q(rules: tuple[AgreementRule, ...], *, exclude_agency: int | None) -> Q:
    """One OR over the agreements, merged by shape (categories, Article 9, consent) so
    that fifty agreements cost a handful of SQL terms, not fifty."""
    shapes: dict[tuple[Any, ...], dict[int, set[Limits]]] = defaultdict(lambda: defaultdict(set))
    for rule in rules:
        shape = (rule.category_ids, rule.special_allowed, rule.consent_required)
        for agency_id, limits in rule.parties.items():
            shapes[shape][agency_id].add(limits)
    terms = []
    for (category_ids, special, consent), parties in sorted(shapes.items(), key=repr):
        merged = AgreementRule(
            agreement_id=0,
            reference="",
            legal_basis="",
            category_ids=category_ids,
            special_allowed=special,
            consent_required=consent,
            parties={},
        )
        term = merged.q_for(parties, exclude_agency=exclude_agency)
        if term is not NOTHING:
            terms.append(term)
    return _any(terms)


def item_filter_for(ctx: PolicyContext) -> Q:
    """The SQL filter for a context (see the module's rules)."""
    if ctx.review_grant is not None:
        return _grant_item_q(ctx)
    if ctx.agency_id is None:
        return NOTHING
    terms: list[Q] = []
    if ctx.reads_own:
        terms.append(Q(source_agency_id=ctx.agency_id))
    withheld = _withheld_for(ctx).values("item_id")
    if ctx.purpose_allowed:
        shared = _decisions_for(ctx, Outcome.SHARE).filter(_share_basis_q(ctx))
        others = [Q(pk__in=shared.values("item_id"))]
        if ctx.agreements and ctx.purpose != Purpose.DIRECT_CARE:  # rule 3c
            by_agreement = _agreements_q(ctx.agreements, exclude_agency=ctx.agency_id)
            if by_agreement is not NOTHING:
                others.append(_all([by_agreement, ~Q(pk__in=withheld)]))
        if ctx.work_persons is None:
            terms.extend(others)
        else:  # bound to the persons the work context covers (rule 6)
            terms.append(_all([_about_q(ctx.work_persons), _any(others)]))
    if ctx.break_glass:
        through = InformationItem.persons.through
        about = through.objects.filter(person_id__in=sorted(ctx.break_glass)).values(
            "informationitem_id"
        )
        terms.append(
            _all(
                [
                    Q(pk__in=about),
                    ~Q(sensitivity=Sensitivity.RESTRICTED),
                    ~Q(pk__in=withheld),
                ]
            )
        )
    return _any(terms)


def item_filter(*, viewer: Practitioner, purpose: str, at: dt.datetime | None = None) -> Q:
    """The SQL filter: items this viewer may see for this purpose, now."""
    return item_filter_for(policy_context(viewer=viewer, purpose=purpose, at=at))


def decide_for(ctx: PolicyContext, *, item: Any) -> Decision:
    """Decide for one item under a context; agrees exactly with ``item_filter_for``."""
    if ctx.review_grant is not None:
        return _grant_decide(ctx, item=item)
    if ctx.agency_id is None:
        return Decision(False, DENIED, "not signed in to an agency, or not a known purpose")
    if item.source_agency_id == ctx.agency_id:
        if ctx.reads_own:
            return Decision(True, OWN_AGENCY, "the viewer's own agency holds it")
        return Decision(False, DENIED, "the viewer's roles do not include reading items")
    decision: ItemDecision | None = None
    withheld = False
    if ctx.purpose_allowed or ctx.break_glass:
        decisions = list(
            ItemDecision.objects.filter(item_id=item.pk, to_agency_id=ctx.agency_id).exclude(
                outcome=Outcome.WITHDRAWN
            )
        )
        decision = next((d for d in decisions if d.purpose == ctx.purpose), None)
        withheld = any(
            d.outcome == Outcome.WITHHOLD and ctx.purpose not in d.allowed_purpose_list
            for d in decisions
        )
    reason = "the viewer's roles do not allow this purpose"
    if ctx.purpose in CONTEXT_PURPOSES and not ctx.work:
        reason += ", or no work context the viewer is part of justifies it"
    about: set[int] | None = None
    bound_out = False
    if ctx.purpose_allowed and ctx.work_persons is not None:
        about = _persons_of(item)
        bound_out = not about & ctx.work_persons
        if bound_out:
            reason = "not about a person the work context covers"
    if ctx.purpose_allowed and not bound_out:
        reason = "no agreement in force covers this item for this purpose"
        if decision is not None and decision.outcome == Outcome.SHARE:
            if decision.agreement_id is None:
                return Decision(True, ONE_OFF_BASIS, f"shared by the owning agency ({decision.pk})")
            for rule in ctx.agreements:
                if rule.agreement_id == decision.agreement_id and decision.from_agency_id in (
                    rule.parties
                ):
                    return Decision(
                        True,
                        rule.legal_basis,
                        f"shared by the owning agency under {rule.reference}",
                    )
        if withheld:
            reason = "the owning agency withheld it (for every purpose it did not allow)"
        elif ctx.purpose == Purpose.DIRECT_CARE:
            reason = "for direct care, only what another agency explicitly shared with yours"
        else:
            for rule in ctx.agreements:
                if rule.covers(item):
                    return Decision(True, rule.legal_basis, f"agreement {rule.reference}")
            if item.sensitivity == Sensitivity.RESTRICTED:
                reason = "restricted: shared only by an explicit decision of the owning agency"
    if ctx.break_glass and item.sensitivity != Sensitivity.RESTRICTED and not withheld:
        person_ids = _persons_of(item) if about is None else about
        for person_id in sorted(person_ids & set(ctx.break_glass)):
            return Decision(
                True, BREAK_GLASS_BASIS, f"break-glass grant {ctx.break_glass[person_id]}"
            )
    return Decision(False, DENIED, reason)


def _persons_of(item: Any) -> set[int]:
    through = InformationItem.persons.through
    return set(
        through.objects.filter(informationitem_id=item.pk).values_list("person_id", flat=True)
    )


def decide(
    *, viewer: Practitioner, item: Any, purpose: str, at: dt.datetime | None = None
) -> Decision:
    """Decide for one item, with the basis and reason; agrees with ``item_filter``."""
    return decide_for(policy_context(viewer=viewer, purpose=purpose, at=at), item=item)


def agency_filter_for(ctx: PolicyContext) -> Q:
    """Agencies whose records (of people) the viewer may see for the purpose."""
    if ctx.review_grant is not None:
        if not ctx.grant_persons:
            return Q(pk__in=[])
        held = SourceRecord.objects.filter(person_id__in=sorted(ctx.grant_persons))
        return Q(pk__in=held.values("agency_id"))
    if ctx.agency_id is None:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    if ctx.reads_own:
        q |= Q(pk=ctx.agency_id)
    if ctx.other_agency_ids:
        q |= Q(pk__in=sorted(ctx.other_agency_ids))
    return q


def agency_filter(*, viewer: Practitioner, purpose: str) -> Q:
    return agency_filter_for(policy_context(viewer=viewer, purpose=purpose))


# --- Records, involvements and "known to" under consent (docs/decisions/0072) ----------
# An agency's records of a person (names, addresses), its involvements (who works with
# them) and the fact that the person is known to it follow the agreements like items do:
# under an agreement that rests on consent (early help) another agency's record is seen
# only where that agency holds consent given for it (``RecordConsent``); a refusal, or no
# consent recorded, stands. Under any other agreement consent is recorded, not required.


@dataclass(frozen=True)
class RecordAgencies:
    """Which other agencies' records a context reaches by agreement, and on what terms."""

    free: frozenset[int]  # joined by an agreement that does not rest on consent
    consent_only: frozenset[int]  # joined only by agreements that rest on consent


def record_agencies_for(ctx: PolicyContext) -> RecordAgencies:
    """Agencies joined to the viewer's by an agreement for the purpose, split by whether
    their records need consent given (joined only by consent-based agreements) or not."""
    if not ctx.purpose_allowed or ctx.agency_id is None or ctx.purpose == Purpose.DIRECT_CARE:
        return RecordAgencies(frozenset(), frozenset())
    own = {ctx.agency_id}
    free = {a for rule in ctx.agreements if not rule.consent_required for a in rule.parties}
    consent = {a for rule in ctx.agreements if rule.consent_required for a in rule.parties}
    return RecordAgencies(frozenset(free - own), frozenset(consent - free - own))


def record_filter_for(ctx: PolicyContext) -> Q:
    """Records (names, addresses; their involvements; "known to") the viewer may see: the
    own agency's, those of agencies joined by an agreement for the purpose (consent given
    where every such agreement rests on consent), and every agency's records of a person
    under an active break-glass grant (or in an active review grant's scope)."""
    if ctx.review_grant is not None:
        if not ctx.grant_persons:
            return NOTHING
        return Q(person_id__in=sorted(ctx.grant_persons))
    if ctx.agency_id is None:
        return NOTHING
    terms: list[Q] = []
    if ctx.reads_own:
        terms.append(Q(agency_id=ctx.agency_id))
    joined = record_agencies_for(ctx)
    # other agencies' records only of the persons the work context covers (rule 6)
    bound = [] if ctx.work_persons is None else [Q(person_id__in=sorted(ctx.work_persons))]
    if joined.free:
        terms.append(_all([Q(agency_id__in=sorted(joined.free)), *bound]))
    if joined.consent_only:
        # the record's own consent row (one-to-one: the join adds no rows), looked up by
        # primary key; ``pk IN (subquery)`` made SQLite read every consent given first
        terms.append(
            _all(
                [
                    Q(agency_id__in=sorted(joined.consent_only), consent__state=Consent.GIVEN),
                    *bound,
                ]
            )
        )
    if ctx.break_glass:
        terms.append(Q(person_id__in=sorted(ctx.break_glass)))
    return _any(terms)


def decide_record_for(ctx: PolicyContext, *, record: Any) -> Decision:
    """Decide for one record (an agency's record of a person); agrees exactly with
    ``record_filter_for`` (the records oracle checks both against a reference model)."""
    if ctx.review_grant is not None:
        if record.person_id is not None and record.person_id in ctx.grant_persons:
            return Decision(True, ctx.grant_basis, f"learning review grant {ctx.review_grant}")
        return Decision(False, DENIED, "not a person the learning review covers")
    if ctx.agency_id is None:
        return Decision(False, DENIED, "not signed in to an agency, or not a known purpose")
    if record.agency_id == ctx.agency_id and ctx.reads_own:
        return Decision(True, OWN_AGENCY, "the viewer's own agency holds it")
    reason = "no agreement in force joins the agencies for this purpose"
    joined = record_agencies_for(ctx)
    if ctx.work_persons is not None and record.person_id not in ctx.work_persons:
        joined = RecordAgencies(frozenset(), frozenset())  # outside the work context (rule 6)
        reason = "not a person the work context covers"
    rules = [r for r in ctx.agreements if record.agency_id in r.parties]
    if record.agency_id in joined.free:
        rule = next(r for r in rules if not r.consent_required)
        return Decision(True, rule.legal_basis, f"agreement {rule.reference}")
    if record.agency_id in joined.consent_only:
        held = RecordConsent.objects.filter(record_id=record.pk)
        state = held.values_list("state", flat=True).first()
        if state == Consent.GIVEN:
            rule = rules[0]
            return Decision(True, rule.legal_basis, f"agreement {rule.reference}, consent given")
        reason = "the agreement rests on consent and the agency holds none given for this record"
    if record.person_id is not None and record.person_id in ctx.break_glass:
        return Decision(
            True, BREAK_GLASS_BASIS, f"break-glass grant {ctx.break_glass[record.person_id]}"
        )
    return Decision(False, DENIED, reason)


# --- Review grants -------------------------------------------------------------------
# A learning review (a serious case review, a child safeguarding practice review, a
# safeguarding adults review) needs every item about the family, whoever holds it and
# however sensitive: it reads through a grant an IG lead's approval created, as a named
# system actor, never as the IG lead.

LEARNING_REVIEW_ACTOR = "system:learning-review"
REVIEW_GRANT_SCOPE = "review-grant"
# Local child safeguarding practice reviews and the information for them (Children Act
# 2004 ss16F, 16H); safeguarding adults reviews and the supply of information (Care Act
# 2014 ss44, 45). Short enough for the ledger's legal basis column (128).
REVIEW_GRANT_BASIS = (
    "Children Act 2004 ss16F, 16H; Care Act 2014 ss44, 45; UK GDPR Art 6(1)(e), Art 9(2)(g); "
    "DPA 2018 Sch 1 paras 6, 18"
)


def _day_after(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def review_grant_active(grant: ReviewGrant, *, at: dt.datetime) -> bool:
    """Created, not expired, not ended, and approved by someone still an active IG lead."""
    approver = grant.approved_by
    return bool(
        grant.purpose == Purpose.LEARNING_REVIEW
        and grant.created_at <= at < grant.expires_at
        and grant.ended_at is None
        and approver.is_active
        and approver.has_role(R.IG_LEAD.value)
    )


def grant_context(
    *, grant: ReviewGrant | int, actor: str, at: dt.datetime | None = None
) -> PolicyContext:
    """The context a system actor reads in through a review grant (re-read from the
    database, so an ending or expiry anywhere is seen). An inactive grant, another actor,
    or an actor the system access table does not list gets a context that allows nothing."""
    at = at or timezone.now()
    grant_id = grant if isinstance(grant, int) else grant.pk
    nothing = PolicyContext(agency_id=None, purpose=Purpose.LEARNING_REVIEW.value, at=at)
    row = ReviewGrant.objects.select_related("approved_by").filter(pk=grant_id).first()
    if row is None or row.granted_to != actor:
        return nothing
    if not system_access(actor=actor, purpose=row.purpose, scope=REVIEW_GRANT_SCOPE).allowed:
        return nothing
    if not review_grant_active(row, at=at):
        return nothing
    persons = frozenset(row.persons.values_list("pk", flat=True))
    return PolicyContext(
        agency_id=None,
        purpose=row.purpose,
        at=at,
        review_grant=row.pk,
        grant_persons=persons,
        grant_until=_day_after(row.period_to),
        grant_basis=row.legal_basis or REVIEW_GRANT_BASIS,
    )


def _grant_item_q(ctx: PolicyContext) -> Q:
    if not ctx.grant_persons or ctx.grant_until is None:
        return NOTHING
    through = InformationItem.persons.through
    about = through.objects.filter(person_id__in=sorted(ctx.grant_persons)).values(
        "informationitem_id"
    )
    return _all(
        [
            Q(pk__in=about),
            Q(
                Q(occurred_at__lt=ctx.grant_until),
                Q(recorded_at__lt=ctx.grant_until),
                _connector=Q.OR,
            ),
        ]
    )


def _grant_decide(ctx: PolicyContext, *, item: Any) -> Decision:
    if not ctx.grant_persons or ctx.grant_until is None:
        return Decision(False, DENIED, "the review grant is not active")
    through = InformationItem.persons.through
    about = set(
        through.objects.filter(informationitem_id=item.pk).values_list("person_id", flat=True)
    )
    if not about & ctx.grant_persons:
        return Decision(False, DENIED, "not about a person the learning review covers")
    if item.occurred_at >= ctx.grant_until and item.recorded_at >= ctx.grant_until:
        return Decision(False, DENIED, "it happened and was recorded after the review's period")
    return Decision(True, ctx.grant_basis, f"learning review grant {ctx.review_grant}")


# --- System actors -------------------------------------------------------------------
# Code with no signed-in user (background tasks, commands) never skips the policy point:
# it acts as a named system actor with an explicit purpose and asks here, at the start of
# its work, whether that actor may read that scope for that purpose. The table is the
# whole of what system actors may do; anything else is refused. Scopes:
#   item-metadata: an item's occurred date, agency, category and persons, never its
#       summary, detail or recorder (the cumulative-concern rules count these).
#   record-postcodes: the postcode and date of persons' records (families that move).
#   retention: an item's or record's kind and dates, to erase what a schedule says is due.
#   review-grant: every item and record about the persons an active review grant covers.


class SystemPurpose(models.TextChoices):
    ALERTING = "alerting", "Cumulative-concern alerting"
    RETENTION = "retention", "Retention and disposal"
    HOUSEHOLDS = "households", "Forming households (Think Family)"


SYSTEM_ACCESS: dict[tuple[str, str, str], tuple[str, str]] = {
    ("system:alerts", SystemPurpose.ALERTING.value, "item-metadata"): (
        "Children Act 2004 s11 and s16H; UK GDPR Art 6(1)(e) public task; "
        "DPA 2018 Sch 1 para 18 (safeguarding of children and individuals at risk)",
        "counts of items by category, agency and date to raise alerts to the MASH; "
        "content is never read",
    ),
    ("system:alerts", SystemPurpose.ALERTING.value, "record-postcodes"): (
        "Children Act 2004 s11; UK GDPR Art 6(1)(e) public task; DPA 2018 Sch 1 para 18",
        "the postcode and date of persons' records, to see a flagged child or a family "
        "with an open enquiry move into another partnership and tell both",
    ),
    (LEARNING_REVIEW_ACTOR, Purpose.LEARNING_REVIEW.value, REVIEW_GRANT_SCOPE): (
        REVIEW_GRANT_BASIS,
        "every item and record about the persons in an approved learning review's scope, "
        "through the review grant the IG lead's approval created",
    ),
    ("system:households", SystemPurpose.HOUSEHOLDS.value, "item-metadata"): (
        "Children Act 2004 s11; UK GDPR Art 6(1)(e) public task; DPA 2018 Sch 1 para 18",
        "which persons one item names, with its category, agency and date, to form the "
        "households the MASH sees; content is never read",
    ),
    ("system:retention", SystemPurpose.RETENTION.value, "retention"): (
        "UK GDPR Art 5(1)(e) storage limitation; the partnership's retention schedules",
        "kinds and dates of records and items, to erase or anonymise what is due",
    ),
}


class SystemAccessRefused(PermissionError):
    """A system actor asked for a purpose or scope the policy point does not allow it."""


def system_access(*, actor: str, purpose: str, scope: str) -> Decision:
    """May the named system actor read this scope for this purpose? Refused if not listed."""
    entry = SYSTEM_ACCESS.get((actor, purpose, scope))
    if entry is None:
        return Decision(False, DENIED, f"{actor} may not read {scope} for the purpose {purpose!r}")
    basis, reason = entry
    return Decision(True, basis, reason)


def system_access_required(*, actor: str, purpose: str, scope: str) -> Decision:
    """``system_access`` that raises ``SystemAccessRefused`` when refused."""
    decision = system_access(actor=actor, purpose=purpose, scope=scope)
    if not decision.allowed:
        raise SystemAccessRefused(decision.reason)
    return decision
