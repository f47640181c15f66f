"""Writes for sharing: the agency item feed, and keeping items with their persons."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, ProtectedError, Q
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, EventSpec, ledger_record, ledger_record_many
from fullpicture.partnerships.models import Agency, Practitioner
from fullpicture.people.models import Person
from fullpicture.sharing.errors import SharingRefused

# The item feed lives in sharing.feeds; its names stay importable from here (__all__).
from fullpicture.sharing.feeds import (
    ITEM_COLUMNS,
    ItemImportResult,
    ItemRow,
    item_row_parse,
    items_import,
    items_import_file,
)
from fullpicture.sharing.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    Article6,
    Article9,
    BreakGlassGrant,
    BreakGlassReview,
    Consent,
    InformationItem,
    InformationRequest,
    ItemDecision,
    ItemDecisionChange,
    ItemVersion,
    Notification,
    Outcome,
    Paragraph18Reason,
    RequestRecipient,
    ReviewGrant,
    RiskJudgement,
    Schedule1,
    Sensitivity,
    WithholdReason,
)
from fullpicture.vocabulary.models import ConcernCategory

logger = logging.getLogger(__name__)
ONE_OFF_BASIS = "UK GDPR Art 6(1)(e) public task; DPA 2018 Sch 1 para 18 (one-off share)"

# The item feed lives in ``sharing.feeds``; its names stay importable from here.
__all__ = [
    "ITEM_COLUMNS",
    "ItemImportResult",
    "ItemRow",
    "item_row_parse",
    "items_import",
    "items_import_file",
]


def items_refresh_persons(*, items: Iterable[InformationItem]) -> None:
    """Set each item's persons to the persons its subject records now belong to."""
    item_ids = [i.pk for i in items]
    if not item_ids:
        return
    _items_refresh_persons(item_ids)
    items_refresh_policy_facts(item_ids=item_ids)


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


# --------------------------------------------------------------------------------------
# Refusals and optimistic locking
# --------------------------------------------------------------------------------------


class StaleEdit(SharingRefused):
    """Someone else changed it since the form was opened (optimistic locking)."""


def _require_role(user: Practitioner, *roles: str, doing: str) -> int:
    """Refuse unless the user is active, in an agency and holds a role; returns the agency."""
    if user.agency_id is None or not (user.is_active and user.has_role(*roles)):
        raise SharingRefused(f"Your role does not allow you to {doing}.")
    return user.agency_id


def _notify(*, recipients: Iterable[Practitioner], kind: str, obj: str, oid: int, msg: str) -> int:
    now = timezone.now()
    rows = [
        Notification(
            recipient=r, kind=kind, object_type=obj, object_id=str(oid), message=msg, created_at=now
        )
        for r in {r.pk: r for r in recipients}.values()
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


# --------------------------------------------------------------------------------------
# Information sharing agreements (the IG lead)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyTerms:
    agency_id: int
    min_subject_age: int | None = None
    max_subject_age: int | None = None
    most_recent_limit: int | None = None


@dataclass(frozen=True)
class AgreementTerms:
    reference: str
    title: str
    purposes: tuple[str, ...]
    parties: tuple[PartyTerms, ...]
    article6: str
    starts_on: dt.date
    category_ids: tuple[int, ...] = ()
    article9: str = ""
    schedule1: str = ""
    rests_on_consent: bool = False
    ends_on: dt.date | None = None
    review_on: dt.date | None = None
    status: str = AgreementStatus.DRAFT
    notes: str = ""


_NEEDS_SCHEDULE_1 = {
    Article9.SOCIAL_PROTECTION,
    Article9.SUBSTANTIAL_PUBLIC_INTEREST,
    Article9.HEALTH_SOCIAL_CARE,
}


def agreement_terms_check(*, terms: AgreementTerms, agreement_id: int | None = None) -> list[str]:
    """Every reason these terms cannot be saved, in the order the form shows the fields."""
    from fullpicture.sharing.policy import Purpose

    errors: list[str] = []
    if not terms.reference.strip():
        errors.append("Enter a reference.")
    elif (
        Agreement.objects.filter(reference=terms.reference.strip())
        .exclude(pk=agreement_id or 0)
        .exists()
    ):
        errors.append("Another agreement already has this reference.")
    if not terms.title.strip():
        errors.append("Enter a title.")
    agency_ids = [p.agency_id for p in terms.parties]
    if len(set(agency_ids)) < 2:
        errors.append("Choose at least two agencies as parties.")
    elif Agency.objects.filter(pk__in=agency_ids).count() != len(set(agency_ids)):
        errors.append("Choose parties from the list of agencies.")
    for party in terms.parties:
        low, high = party.min_subject_age, party.max_subject_age
        if low is not None and high is not None and low > high:
            errors.append("A party's minimum age must not be above its maximum age.")
        if party.most_recent_limit is not None and party.most_recent_limit < 1:
            errors.append("A most-recent limit must be at least 1.")
    if not terms.purposes:
        errors.append("Choose at least one purpose.")
    elif not set(terms.purposes) <= set(Purpose.values):
        errors.append("Choose purposes from the list.")
    if terms.article6 not in Article6.values:
        errors.append("Choose the UK GDPR Article 6 lawful basis.")
    if terms.article9 not in Article9.values:
        errors.append("Choose an Article 9 condition from the list.")
    if terms.schedule1 not in Schedule1.values:
        errors.append("Choose a Schedule 1 condition from the list.")
    if terms.article9 in _NEEDS_SCHEDULE_1 and not terms.schedule1:
        errors.append(
            "Article 9(2)(b), (g) and (h) need a DPA 2018 Schedule 1 condition "
            "(for safeguarding, paragraph 18)."
        )
    if terms.rests_on_consent and terms.article6 != Article6.CONSENT:
        errors.append("An agreement that rests on consent uses Article 6(1)(a) consent.")
    if terms.status not in AgreementStatus.values:
        errors.append("Choose a status from the list.")
    if terms.ends_on is not None and terms.ends_on < terms.starts_on:
        errors.append("The end date must be on or after the start date.")
    if terms.review_on is not None and terms.review_on < terms.starts_on:
        errors.append("The review date must be on or after the start date.")
    if ConcernCategory.objects.filter(pk__in=terms.category_ids).count() != len(
        set(terms.category_ids)
    ):
        errors.append("Choose categories from the list.")
    return errors


def _agreement_write(agreement: Agreement, terms: AgreementTerms) -> None:
    agreement.party_rows.all().delete()
    AgreementParty.objects.bulk_create(
        [
            AgreementParty(
                agreement=agreement,
                agency_id=p.agency_id,
                min_subject_age=p.min_subject_age,
                max_subject_age=p.max_subject_age,
                most_recent_limit=p.most_recent_limit,
            )
            for p in terms.parties
        ]
    )
    agreement.categories.set(sorted(set(terms.category_ids)))


def _agreement_fields(terms: AgreementTerms) -> dict[str, Any]:
    return {
        "reference": terms.reference.strip(),
        "title": terms.title.strip(),
        "purposes": sorted(set(terms.purposes)),
        "article6": terms.article6,
        "article9": terms.article9,
        "schedule1": terms.schedule1,
        "rests_on_consent": terms.rests_on_consent,
        "starts_on": terms.starts_on,
        "ends_on": terms.ends_on,
        "review_on": terms.review_on,
        "status": terms.status,
        "notes": terms.notes,
    }


def _agreement_ledger(
    *, user: Practitioner | None, actor: Actor, action: str, agreement: Agreement
) -> None:
    ledger_record(
        actor=actor,
        action=action,
        object_type="agreement",
        object_id=agreement.pk,
        legal_basis=agreement.legal_basis[:128],
        reason_code=agreement.status,
        details={
            "version": agreement.version,
            "status": agreement.status,
            "purposes": list(agreement.purposes),
            "party_agency_ids": sorted(
                str(a) for a in agreement.party_rows.values_list("agency_id", flat=True)
            ),
            "category_ids": sorted(
                str(c) for c in agreement.categories.values_list("pk", flat=True)
            ),
            "has_document": bool(agreement.document),
        },
    )


def agreement_create(
    *,
    user: Practitioner | None,
    terms: AgreementTerms,
    document: File | None = None,  # type: ignore[type-arg,unused-ignore]
    actor: Actor | None = None,
) -> Agreement:
    """The IG lead records a new agreement (``user=None`` only for a named system actor)."""
    if user is not None:
        _require_role(user, "ig_lead", doing="maintain information sharing agreements")
    errors = agreement_terms_check(terms=terms)
    if errors:
        raise SharingRefused(*errors)
    with transaction.atomic():
        agreement = Agreement(**_agreement_fields(terms), updated_by=user)
        if document is not None:
            agreement.document.save(document.name or "agreement", document, save=False)
        agreement.save()
        _agreement_write(agreement, terms)
        _agreement_ledger(
            user=user,
            actor=actor or (user.actor if user else Actor.system("agreements")),
            action=Action.CREATE,
            agreement=agreement,
        )
    return agreement


def agreement_update(
    *,
    user: Practitioner,
    agreement_id: int,
    version: int,
    terms: AgreementTerms,
    document: File | None = None,  # type: ignore[type-arg,unused-ignore]
) -> Agreement:
    """Change an agreement; refused if someone else saved it since ``version`` was read."""
    _require_role(user, "ig_lead", doing="maintain information sharing agreements")
    errors = agreement_terms_check(terms=terms, agreement_id=agreement_id)
    if errors:
        raise SharingRefused(*errors)
    with transaction.atomic():
        updated = Agreement.objects.filter(pk=agreement_id, version=version).update(
            **_agreement_fields(terms),
            version=version + 1,
            updated_by=user,
            updated_at=timezone.now(),
        )
        if not updated:
            if not Agreement.objects.filter(pk=agreement_id).exists():
                raise SharingRefused("That agreement does not exist.")
            raise StaleEdit(
                "Someone else changed this agreement while you were editing it. "
                "Your changes were not saved: open it again to see theirs."
            )
        agreement = Agreement.objects.get(pk=agreement_id)
        if document is not None:
            agreement.document.save(document.name or "agreement", document, save=True)
        _agreement_write(agreement, terms)
        _agreement_ledger(user=user, actor=user.actor, action=Action.UPDATE, agreement=agreement)
    return agreement


def agreement_suspend(*, user: Practitioner, agreement_id: int, version: int) -> Agreement:
    """Suspend at once: sharing under it stops on the next read."""
    _require_role(user, "ig_lead", doing="suspend information sharing agreements")
    with transaction.atomic():
        updated = Agreement.objects.filter(pk=agreement_id, version=version).update(
            status=AgreementStatus.SUSPENDED,
            version=version + 1,
            updated_by=user,
            updated_at=timezone.now(),
        )
        if not updated:
            if not Agreement.objects.filter(pk=agreement_id).exists():
                raise SharingRefused("That agreement does not exist.")
            raise StaleEdit(
                "Someone else changed this agreement since you opened it. "
                "It was not suspended: open it again and check."
            )
        agreement = Agreement.objects.get(pk=agreement_id)
        _agreement_ledger(user=user, actor=user.actor, action=Action.UPDATE, agreement=agreement)
    return agreement


# --------------------------------------------------------------------------------------
# Decisions to share and to withhold
# --------------------------------------------------------------------------------------

GOLDEN_RULES: tuple[tuple[str, str], ...] = (
    # HM Government, Information sharing advice for practitioners providing safeguarding
    # services for children, young people, parents and carers (2024): the seven golden
    # rules, in short.
    (
        "protection",
        "Every child has a right to be protected from abuse, neglect and exploitation; "
        "data protection law does not stop sharing to keep a child safe.",
    ),
    (
        "engage",
        "Where practicable and safe, I have told the child or family what I will share, "
        "with whom and why (not where that would increase the risk of harm).",
    ),
    (
        "consent",
        "I know my lawful basis: consent is not needed to share when a child is at risk "
        "or there is a perceived risk of harm.",
    ),
    (
        "advice",
        "Where I was unsure, I sought advice promptly (manager, safeguarding lead, "
        "IG lead) without delaying the protection of the child.",
    ),
    (
        "identities",
        "I have taken steps to protect the identity of anyone (a child, carer, neighbour "
        "or colleague) who could be harmed if their details became known.",
    ),
    (
        "relevant",
        "I am sharing only relevant, accurate and necessary information with those who "
        "have a role in safeguarding the child or supporting the family.",
    ),
    ("record", "I am recording the decision and my reasons, whether I share or not."),
)
GOLDEN_RULE_CODES = tuple(code for code, _ in GOLDEN_RULES)
ONE_OFF_PURPOSES = frozenset({"safeguarding_enquiry", "strategy_discussion"})


@dataclass(frozen=True)
class ShareReason:
    """Why a practitioner shares: free text, the golden rules and the balance of risk."""

    reason: str
    golden_rules: tuple[str, ...] = ()
    risk_of_sharing: str = ""
    risk_of_not_sharing: str = ""
    risk_judgement: str = ""
    paragraph18_reason: str = ""  # for a one-off share outside the agreements


@dataclass(frozen=True)
class WithholdReasonGiven:
    code: str
    reason: str


@dataclass
class DecisionOutcome:
    """What one share or withhold call did, as values."""

    outcome: str
    decisions: list[ItemDecision] = field(default_factory=list)
    created: int = 0
    changed: int = 0
    notified: int = 0


def _agreement_between(
    *, owner_id: int, to_agency_id: int, purpose: str, on: dt.date
) -> list[Agreement]:
    from fullpicture.sharing.policy import agreement_in_force_q

    found = (
        Agreement.objects.filter(agreement_in_force_q(on=on))
        .filter(party_rows__agency_id=owner_id)
        .filter(party_rows__agency_id=to_agency_id)
        .order_by("pk")
        .distinct()
    )
    return [a for a in found if purpose in (a.purposes or [])]


def _in_any_agreement(*, agency_id: int, on: dt.date) -> bool:
    from fullpicture.sharing.policy import agreement_in_force_q

    return (
        Agreement.objects.filter(agreement_in_force_q(on=on))
        .filter(party_rows__agency_id=agency_id)
        .exists()
    )


def _own_items(*, user: Practitioner, item_ids: Sequence[int]) -> list[InformationItem]:
    """The items, all held by the user's agency: only the owning agency decides."""
    ids = sorted(set(item_ids))
    if not ids:
        raise SharingRefused("Choose at least one item.")
    items = list(
        InformationItem.objects.filter(pk__in=ids, source_agency_id=user.agency_id).select_related(
            "source_agency"
        )
    )
    if len(items) != len(ids):
        raise SharingRefused("Only the agency that holds an item can share or withhold it.")
    return items


def _targets(*, user: Practitioner, to_agency_ids: Sequence[int]) -> list[Agency]:
    ids = sorted(set(to_agency_ids))
    if not ids:
        raise SharingRefused("Choose at least one agency.")
    agencies = list(Agency.objects.filter(pk__in=ids).order_by("name"))
    if len(agencies) != len(ids):
        raise SharingRefused("Choose agencies from the list.")
    if any(a.pk == user.agency_id for a in agencies):
        raise SharingRefused("Your own agency already sees its own items.")
    return agencies


def _check_versions(
    existing: dict[tuple[int, int], ItemDecision],
    expected: Mapping[tuple[int, int], int] | None,
) -> None:
    if expected is None:
        return
    for key, decision in existing.items():
        if expected.get(key, 0) != decision.version:
            raise StaleEdit(
                "Someone else decided about one of these items while you were deciding. "
                "Nothing was saved: look again at the current decisions."
            )
    for key, version in expected.items():
        if version and key not in existing:
            raise StaleEdit("A decision you were changing has gone. Nothing was saved: look again.")


def _decide(
    *,
    user: Practitioner,
    items: list[InformationItem],
    agencies: list[Agency],
    purpose: str,
    outcome: str,
    values: Mapping[tuple[int, int], dict[str, Any]],
    expected_versions: Mapping[tuple[int, int], int] | None,
    request: InformationRequest | None,
    reason_code: str,
    ledger_details: dict[str, Any],
) -> DecisionOutcome:
    """Write the decisions atomically, with history, ledger events and notices."""
    now = timezone.now()
    result = DecisionOutcome(outcome=outcome)
    action = Action.SHARE if outcome == Outcome.SHARE else Action.WITHHOLD
    with transaction.atomic():
        existing = {
            (d.item_id, d.to_agency_id): d
            for d in ItemDecision.objects.select_for_update().filter(
                item__in=items, to_agency__in=agencies, purpose=purpose
            )
        }
        _check_versions(existing, expected_versions)
        for item in items:
            for agency in agencies:
                key = (item.pk, agency.pk)
                fields = {
                    "outcome": outcome,
                    "decided_by": user,
                    "decided_at": now,
                    "request": request,
                    **values[key],
                }
                decision = existing.get(key)
                if decision is None:
                    decision = ItemDecision.objects.create(
                        item=item,
                        from_agency_id=item.source_agency_id,
                        to_agency=agency,
                        purpose=purpose,
                        **fields,
                    )
                    result.created += 1
                else:
                    ItemDecisionChange.objects.create(
                        decision=decision,
                        version=decision.version,
                        outcome=decision.outcome,
                        withhold_reason=decision.withhold_reason,
                        reason=decision.reason,
                        changed_by=user,
                        changed_at=now,
                    )
                    updated = ItemDecision.objects.filter(
                        pk=decision.pk, version=decision.version
                    ).update(**fields, version=decision.version + 1)
                    if not updated:  # pragma: no cover - the row lock makes this unreachable
                        raise StaleEdit("Someone else changed this decision; nothing was saved.")
                    decision.refresh_from_db()
                    result.changed += 1
                result.decisions.append(decision)
                agreement = decision.agreement
                ledger_record(
                    actor=user.actor,
                    action=action,
                    object_type="information_item",
                    object_id=item.pk,
                    purpose=purpose,
                    legal_basis=(
                        agreement.legal_basis[:128]
                        if agreement is not None
                        else (ONE_OFF_BASIS if outcome == Outcome.SHARE else "")
                    ),
                    reason_code=reason_code or decision.withhold_reason,
                    details={
                        "decision_id": str(decision.pk),
                        "version": decision.version,
                        "to_agency_id": str(agency.pk),
                        "agreement_id": str(agreement.pk) if agreement else "",
                        "paragraph18_reason": decision.paragraph18_reason,
                        "request_id": str(request.pk) if request else "",
                        **ledger_details,
                    },
                )
        result.notified = _notify_decision(
            user=user,
            agencies=agencies,
            purpose=purpose,
            outcome=outcome,
            request=request,
            count=len(items),
        )
    return result


def _notify_decision(
    *,
    user: Practitioner,
    agencies: list[Agency],
    purpose: str,
    outcome: str,
    request: InformationRequest | None,
    count: int,
) -> int:
    """Both sides are told: the requester (if any), else the receiving agency's readers."""
    from fullpicture.sharing.policy import PURPOSE_ROLES

    verb = "shared" if outcome == Outcome.SHARE else "withheld"
    message = f"{user.agency.name if user.agency else 'An agency'} {verb} {count} item(s)"
    if request is not None:
        return _notify(
            recipients=[request.requested_by],
            kind=f"request_{verb}",
            obj="information_request",
            oid=request.pk,
            msg=f"{message} in answer to request {request.pk}.",
        )
    roles = PURPOSE_ROLES.get(purpose, frozenset())
    recipients = Practitioner.objects.filter(
        agency__in=agencies, roles__code__in=sorted(roles), is_active=True
    ).distinct()
    return _notify(
        recipients=recipients,
        kind=f"item_{verb}",
        obj="agency",
        oid=user.agency_id or 0,
        msg=f"{message} with your agency.",
    )


def item_share(
    *,
    user: Practitioner,
    item_ids: Sequence[int],
    to_agency_ids: Sequence[int],
    purpose: str,
    why: ShareReason,
    request_id: int | None = None,
    expected_versions: Mapping[tuple[int, int], int] | None = None,
) -> DecisionOutcome:
    """Share items of the user's agency with named agencies for a purpose, with reasons.

    Needs a lawful basis per (item, agency): an agreement in force with both agencies as
    parties that covers the purpose (its categories, consent and sensitivity rules need
    not cover the item: that is what an explicit decision is for, but a special category
    item needs the agreement's Article 9 condition or a paragraph 18 reason, and a
    consent-based agreement needs consent given); or a one-off share for a safeguarding
    enquiry or strategy discussion with a recorded paragraph 18 reason, to an agency that
    is party to some agreement in force. Otherwise refused, nothing written.
    """
    from fullpicture.sharing.policy import READING_ROLES, Purpose

    _require_role(user, *READING_ROLES, doing="share information")
    errors: list[str] = []
    if purpose not in Purpose.values:
        raise SharingRefused("Choose a purpose from the list.")
    if not why.reason.strip():
        errors.append("Give your reason for sharing.")
    if not set(why.golden_rules) <= set(GOLDEN_RULE_CODES):
        errors.append("Tick golden rules from the list.")
    if why.risk_judgement and why.risk_judgement not in RiskJudgement.values:
        errors.append("Choose the balance of risk from the list.")
    if why.risk_judgement == RiskJudgement.SHARING_GREATER:
        errors.append(
            "You judged the risk of sharing to be greater: withhold instead, with a reason."
        )
    if why.paragraph18_reason and why.paragraph18_reason not in Paragraph18Reason.values:
        errors.append("Choose a paragraph 18 reason from the list.")
    if errors:
        raise SharingRefused(*errors)
    items = _own_items(user=user, item_ids=item_ids)
    agencies = _targets(user=user, to_agency_ids=to_agency_ids)
    request = _request_for(user=user, request_id=request_id, purpose=purpose)
    today = timezone.localdate()
    values: dict[tuple[int, int], dict[str, Any]] = {}
    label = Purpose(purpose).label.lower()
    for agency in agencies:
        agreements = _agreement_between(
            owner_id=user.agency_id or 0, to_agency_id=agency.pk, purpose=purpose, on=today
        )
        one_off_ok = (
            bool(why.paragraph18_reason)
            and purpose in ONE_OFF_PURPOSES
            and _in_any_agreement(agency_id=agency.pk, on=today)
        )
        if not agreements and not one_off_ok:
            if not _in_any_agreement(agency_id=agency.pk, on=today):
                errors.append(
                    f"{agency.name} is not party to any information sharing agreement in "
                    "force, so nothing can be shared with it."
                )
            else:
                errors.append(
                    f"No agreement in force covers sharing with {agency.name} for {label}. "
                    "For a safeguarding enquiry or strategy discussion you may share once, "
                    "recording which paragraph 18 reason applies."
                )
            continue
        for item in items:
            basis = next((a for a in agreements if _agreement_allows(a, item)), None)
            if basis is None and not one_off_ok:
                errors.append(
                    f"Item {item.pk} cannot go to {agency.name} under the agreement "
                    "(special category data needs an Article 9 condition; a consent-based "
                    "agreement needs consent given). Record a paragraph 18 reason to share "
                    "it once for a safeguarding enquiry."
                )
                continue
            values[(item.pk, agency.pk)] = {
                "agreement": basis,
                "paragraph18_reason": "" if basis is not None else why.paragraph18_reason,
                "withhold_reason": "",
                "golden_rules": sorted(set(why.golden_rules)),
                "risk_of_sharing": why.risk_of_sharing.strip(),
                "risk_of_not_sharing": why.risk_of_not_sharing.strip(),
                "risk_judgement": why.risk_judgement,
                "reason": why.reason.strip(),
            }
    if errors:
        raise SharingRefused(*errors)
    return _decide(
        user=user,
        items=items,
        agencies=agencies,
        purpose=purpose,
        outcome=Outcome.SHARE,
        values=values,
        expected_versions=expected_versions,
        request=request,
        reason_code=why.risk_judgement,
        ledger_details={"golden_rules": sorted(set(why.golden_rules))},
    )


def _agreement_allows(agreement: Agreement, item: InformationItem) -> bool:
    if item.sensitivity == Sensitivity.SPECIAL and not agreement.article9:
        return False
    return not (agreement.rests_on_consent and item.consent != Consent.GIVEN)


def item_withhold(
    *,
    user: Practitioner,
    item_ids: Sequence[int],
    to_agency_ids: Sequence[int],
    purpose: str,
    why: WithholdReasonGiven,
    request_id: int | None = None,
    expected_versions: Mapping[tuple[int, int], int] | None = None,
) -> DecisionOutcome:
    """Withhold items from named agencies for a purpose: a reason code and free text."""
    from fullpicture.sharing.policy import READING_ROLES, Purpose

    _require_role(user, *READING_ROLES, doing="withhold information")
    errors: list[str] = []
    if purpose not in Purpose.values:
        errors.append("Choose a purpose from the list.")
    if why.code not in WithholdReason.values:
        errors.append("Choose why you are withholding from the list.")
    if not why.reason.strip():
        errors.append("Explain why you are withholding.")
    if errors:
        raise SharingRefused(*errors)
    items = _own_items(user=user, item_ids=item_ids)
    agencies = _targets(user=user, to_agency_ids=to_agency_ids)
    request = _request_for(user=user, request_id=request_id, purpose=purpose)
    values: dict[tuple[int, int], dict[str, Any]] = {
        (item.pk, agency.pk): {
            "agreement": None,
            "paragraph18_reason": "",
            "withhold_reason": why.code,
            "golden_rules": [],
            "risk_of_sharing": "",
            "risk_of_not_sharing": "",
            "risk_judgement": "",
            "reason": why.reason.strip(),
        }
        for item in items
        for agency in agencies
    }
    return _decide(
        user=user,
        items=items,
        agencies=agencies,
        purpose=purpose,
        outcome=Outcome.WITHHOLD,
        values=values,
        expected_versions=expected_versions,
        request=request,
        reason_code=why.code,
        ledger_details={},
    )


def item_decision_withdraw(
    *, user: Practitioner, decision_id: int, version: int, reason: str
) -> ItemDecision:
    """The owning agency withdraws a share or a withhold (the item falls back to the rules)."""
    from fullpicture.sharing.policy import READING_ROLES

    _require_role(user, *READING_ROLES, doing="withdraw a decision")
    if not reason.strip():
        raise SharingRefused("Give your reason for withdrawing the decision.")
    with transaction.atomic():
        decision = (
            ItemDecision.objects.select_for_update()
            .filter(pk=decision_id, from_agency_id=user.agency_id)
            .first()
        )
        if decision is None:
            raise SharingRefused("That decision does not exist.")
        if decision.version != version:
            raise StaleEdit("Someone else changed this decision; nothing was saved.")
        now = timezone.now()
        ItemDecisionChange.objects.create(
            decision=decision,
            version=decision.version,
            outcome=decision.outcome,
            withhold_reason=decision.withhold_reason,
            reason=decision.reason,
            changed_by=user,
            changed_at=now,
        )
        ItemDecision.objects.filter(pk=decision.pk).update(
            outcome=Outcome.WITHDRAWN,
            reason=reason.strip(),
            decided_by=user,
            decided_at=now,
            version=version + 1,
        )
        decision.refresh_from_db()
        ledger_record(
            actor=user.actor,
            action=Action.UPDATE,
            object_type="item_decision",
            object_id=decision.pk,
            purpose=decision.purpose,
            reason_code=Outcome.WITHDRAWN,
            details={"item_id": str(decision.item_id), "version": decision.version},
        )
        _notify_decision(
            user=user,
            agencies=[decision.to_agency],
            purpose=decision.purpose,
            outcome=Outcome.WITHDRAWN,
            request=decision.request,
            count=1,
        )
    return decision


# --------------------------------------------------------------------------------------
# Information requests
# --------------------------------------------------------------------------------------


def _request_for(
    *, user: Practitioner, request_id: int | None, purpose: str
) -> InformationRequest | None:
    if request_id is None:
        return None
    request = InformationRequest.objects.filter(
        pk=request_id, recipients__agency_id=user.agency_id or 0
    ).first()
    if request is None:
        raise SharingRefused("That request was not sent to your agency.")
    if request.purpose != purpose:
        raise SharingRefused("Answer a request for the purpose it was made for.")
    return request


def information_request_create(
    *,
    user: Practitioner,
    person_id: int,
    agency_ids: Sequence[int],
    purpose: str,
    due_at: dt.datetime,
    question: str = "",
    include_household: bool = False,
) -> InformationRequest:
    """A MASH practitioner asks agencies what they hold on a person (or family)."""
    from fullpicture.partnerships.models import MASH_ROLES
    from fullpicture.sharing.policy import Purpose
    from fullpicture.sharing.selectors import persons_visible_to

    agency_id = _require_role(user, *MASH_ROLES, doing="send information requests")
    errors: list[str] = []
    if purpose not in Purpose.values:
        errors.append("Choose a purpose from the list.")
    if due_at <= timezone.now():
        errors.append("The due time must be in the future.")
    if errors:
        raise SharingRefused(*errors)
    agencies = _targets(user=user, to_agency_ids=agency_ids)
    person = persons_visible_to(viewer=user, purpose=purpose).filter(pk=person_id).first()
    if person is None:
        raise SharingRefused("That person was not found.")
    with transaction.atomic():
        request = InformationRequest.objects.create(
            person=person,
            include_household=include_household,
            purpose=purpose,
            question=question.strip(),
            requested_by=user,
            from_agency_id=agency_id,
            requested_at=timezone.now(),
            due_at=due_at,
        )
        RequestRecipient.objects.bulk_create(
            [RequestRecipient(request=request, agency=a) for a in agencies]
        )
        ledger_record(
            actor=user.actor,
            action=Action.REQUEST,
            object_type="information_request",
            object_id=request.pk,
            purpose=purpose,
            details={
                "person_id": str(person.pk),
                "agency_ids": [str(a.pk) for a in agencies],
                "include_household": include_household,
            },
        )
        recipients = Practitioner.objects.filter(agency__in=agencies, is_active=True).filter(
            roles__code__in=["agency_practitioner", "mash_practitioner", "mash_manager"]
        )
        _notify(
            recipients=recipients,
            kind="request_received",
            obj="information_request",
            oid=request.pk,
            msg=f"Information request {request.pk} from "
            f"{user.agency.name if user.agency else 'the MASH'}, due "
            f"{timezone.localtime(due_at):%d %b %Y %H:%M}.",
        )
    return request


@dataclass(frozen=True)
class RequestAnswer:
    """An agency's item-by-item answer: which items to share, which to withhold and why."""

    share_item_ids: tuple[int, ...] = ()
    withhold: tuple[tuple[int, str], ...] = ()  # (item id, withhold reason code)
    share_why: ShareReason | None = None
    withhold_reason: str = ""


def information_request_answer(
    *, user: Practitioner, request_id: int, version: int, answer: RequestAnswer
) -> RequestRecipient:
    """Answer for the user's agency, item by item; atomic; the requester is told."""
    from fullpicture.sharing.policy import READING_ROLES

    agency_id = _require_role(user, *READING_ROLES, doing="answer information requests")
    recipient = RequestRecipient.objects.filter(request_id=request_id, agency_id=agency_id).first()
    if recipient is None:
        raise SharingRefused("That request was not sent to your agency.")
    if not answer.share_item_ids and not answer.withhold:
        raise SharingRefused("Decide about at least one item: share it or withhold it.")
    request = recipient.request
    with transaction.atomic():
        updated = RequestRecipient.objects.filter(pk=recipient.pk, version=version).update(
            version=version + 1, answered_at=timezone.now(), answered_by=user
        )
        if not updated:
            raise StaleEdit(
                "Someone else in your agency answered this request while you were answering. "
                "Nothing was saved: look again at the answer."
            )
        if answer.share_item_ids:
            item_share(
                user=user,
                item_ids=answer.share_item_ids,
                to_agency_ids=[request.from_agency_id],
                purpose=request.purpose,
                why=answer.share_why or ShareReason(reason=""),
                request_id=request.pk,
            )
        by_code: dict[str, list[int]] = defaultdict(list)
        for item_id, code in answer.withhold:
            by_code[code].append(item_id)
        for code, ids in sorted(by_code.items()):
            item_withhold(
                user=user,
                item_ids=ids,
                to_agency_ids=[request.from_agency_id],
                purpose=request.purpose,
                why=WithholdReasonGiven(code=code, reason=answer.withhold_reason),
                request_id=request.pk,
            )
        recipient.refresh_from_db()
        ledger_record(
            actor=user.actor,
            action=Action.ANSWER,
            object_type="information_request",
            object_id=request.pk,
            purpose=request.purpose,
            details={
                "shared_item_ids": [str(i) for i in sorted(answer.share_item_ids)],
                "withheld_item_ids": [str(i) for i, _ in sorted(answer.withhold)],
                "withhold_reasons": sorted({c for _, c in answer.withhold}),
            },
        )
    return recipient


# --------------------------------------------------------------------------------------
# Break-glass
# --------------------------------------------------------------------------------------

BREAK_GLASS_PURPOSES = ("safeguarding_enquiry", "strategy_discussion", "direct_care")


def break_glass_start(
    *, user: Practitioner, person_id: int, purpose: str, reason: str
) -> BreakGlassGrant:
    """Immediate risk: time-limited access to one person beyond the agreements.

    The person must already be known to the user (a record or item they may see for
    some purpose), so break-glass cannot be used to find out whether a child is known.
    The IG leads are told at once, in the app and by email.
    """
    from fullpicture.sharing.policy import BREAK_GLASS_BASIS, Purpose, may_break_glass
    from fullpicture.sharing.selectors import persons_visible_to

    if user.agency_id is None or not may_break_glass(viewer=user):
        raise SharingRefused(
            "Your role cannot use break-glass. Ask a MASH manager, or call the emergency duty team."
        )
    errors = []
    if purpose not in BREAK_GLASS_PURPOSES:
        errors.append("Choose a purpose from the list.")
    if len(reason.strip()) < 10:
        errors.append("Describe the immediate risk (at least a sentence).")
    if errors:
        raise SharingRefused(*errors)
    known = any(
        persons_visible_to(viewer=user, purpose=p).filter(pk=person_id).exists()
        for p in Purpose.values
    )
    if not known:
        raise SharingRefused("That person was not found.")
    hours = int(getattr(settings, "FULLPICTURE_BREAK_GLASS_HOURS", 24))
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            practitioner=user,
            agency_id=user.agency_id,
            person_id=person_id,
            purpose=purpose,
            reason=reason.strip(),
            started_at=now,
            expires_at=now + dt.timedelta(hours=hours),
        )
        ledger_record(
            actor=user.actor,
            action=Action.BREAK_GLASS,
            object_type="person",
            object_id=person_id,
            purpose=purpose,
            legal_basis=BREAK_GLASS_BASIS,
            reason_code="start",
            details={"grant_id": str(grant.pk), "hours": hours},
        )
        leads = list(ig_leads_for(agency_id=user.agency_id))
        _notify(
            recipients=leads,
            kind="break_glass",
            obj="break_glass_grant",
            oid=grant.pk,
            msg=f"Break-glass used by {user} ({user.agency.name if user.agency else ''}) "
            f"for {Purpose(purpose).label.lower()}: review grant {grant.pk}.",
        )
    _email_ig_leads(grant=grant, user=user, leads=leads)
    return grant


def ig_leads_for(*, agency_id: int | None) -> Any:
    """IG leads of the agency's partnership (every IG lead if it has none)."""
    leads = Practitioner.objects.filter(roles__code="ig_lead", is_active=True)
    agency = Agency.objects.filter(pk=agency_id or 0).first()
    if agency is not None and agency.partnership_id is not None:
        leads = leads.filter(agency__partnership_id=agency.partnership_id)
    return leads.distinct()


def _email_ig_leads(*, grant: BreakGlassGrant, user: Practitioner, leads: list[Any]) -> None:
    addresses = sorted({lead.email for lead in leads if lead.email})
    if not addresses:
        return
    try:
        send_mail(
            subject=f"Full Picture: break-glass used (grant {grant.pk})",
            message=(
                f"{user} of {user.agency.name if user.agency else 'an agency'} used break-glass "
                f"at {timezone.localtime(grant.started_at):%d %b %Y %H:%M} "
                f"(grant {grant.pk}, expires {timezone.localtime(grant.expires_at):%H:%M}).\n"
                "Review it in Full Picture: Break-glass reviews.\n"
                "This email carries no details of the person concerned."
            ),
            from_email=None,
            recipient_list=addresses,
        )
    except Exception:  # the in-app alert is already committed; the mail must not block care
        logger.exception("break-glass email failed for grant %s", grant.pk)


def break_glass_end(*, user: Practitioner, grant_id: int) -> BreakGlassGrant:
    with transaction.atomic():
        grant = BreakGlassGrant.objects.filter(
            pk=grant_id, practitioner=user, ended_at__isnull=True
        ).first()
        if grant is None:
            raise SharingRefused("That break-glass access is not active.")
        grant.ended_at = timezone.now()
        grant.version += 1
        grant.save(update_fields=["ended_at", "version"])
        ledger_record(
            actor=user.actor,
            action=Action.BREAK_GLASS,
            object_type="break_glass_grant",
            object_id=grant.pk,
            purpose=grant.purpose,
            reason_code="end",
            details={"person_id": str(grant.person_id)},
        )
    return grant


def break_glass_review(
    *, user: Practitioner, grant_id: int, version: int, appropriate: bool | None, note: str
) -> BreakGlassGrant:
    """The IG lead marks a use appropriate or not, with a note."""
    _require_role(user, "ig_lead", doing="review break-glass use")
    if appropriate is None:
        raise SharingRefused("Choose whether the use was appropriate.")
    if not appropriate and not note.strip():
        raise SharingRefused("Say why the use was not appropriate.")
    review = BreakGlassReview.APPROPRIATE if appropriate else BreakGlassReview.NOT_APPROPRIATE
    with transaction.atomic():
        updated = BreakGlassGrant.objects.filter(pk=grant_id, version=version).update(
            review=review,
            review_note=note.strip(),
            reviewed_by=user,
            reviewed_at=timezone.now(),
            version=version + 1,
        )
        if not updated:
            if not BreakGlassGrant.objects.filter(pk=grant_id).exists():
                raise SharingRefused("That break-glass use does not exist.")
            raise StaleEdit("Someone else reviewed this use while you were; nothing was saved.")
        grant = BreakGlassGrant.objects.get(pk=grant_id)
        ledger_record(
            actor=user.actor,
            action=Action.BREAK_GLASS,
            object_type="break_glass_grant",
            object_id=grant.pk,
            purpose=grant.purpose,
            reason_code=review,
            details={"person_id": str(grant.person_id), "review": review},
        )
    return grant


def notification_mark_read(*, user: Practitioner, notification_ids: Sequence[int]) -> int:
    return Notification.objects.filter(
        recipient=user, pk__in=list(notification_ids), read_at__isnull=True
    ).update(read_at=timezone.now())


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


# --------------------------------------------------------------------------------------
# Review grants: a learning review's access (docs/decisions/0054-review-grants.md)
# --------------------------------------------------------------------------------------

REVIEW_GRANT_DAYS = 365  # FULLPICTURE_REVIEW_GRANT_DAYS overrides; closing ends it sooner


def review_grant_create(
    *,
    actor: Actor,
    approved_by: Practitioner,
    person_ids: Sequence[int],
    period_from: dt.date,
    period_to: dt.date,
    review_ref: str,
    granted_to: str = "system:learning-review",
) -> ReviewGrant:
    """Grant a named system actor every item and record about these persons, up to the
    end of the period, for the purpose ``learning_review``. Only an active IG lead's
    approval creates one; the creation is one ledger event (ids only)."""
    from fullpicture.sharing.policy import (
        REVIEW_GRANT_BASIS,
        REVIEW_GRANT_SCOPE,
        Purpose,
        system_access,
    )

    purpose = Purpose.LEARNING_REVIEW.value
    errors = []
    if not (approved_by.is_active and approved_by.has_role("ig_lead")):
        errors.append("Only an active information-governance lead can approve a review grant.")
    ids = sorted({int(p) for p in person_ids})
    if not ids:
        errors.append("Name at least one person.")
    elif Person.objects.filter(pk__in=ids).count() != len(ids):
        errors.append("Every person in the grant must exist.")
    if period_from > period_to:
        errors.append("The period must start on or before it ends.")
    if not review_ref.strip():
        errors.append("Name the review the grant serves.")
    if not system_access(actor=granted_to, purpose=purpose, scope=REVIEW_GRANT_SCOPE).allowed:
        errors.append(f"{granted_to} may not read through a review grant.")
    if errors:
        raise SharingRefused(*errors)
    days = int(getattr(settings, "FULLPICTURE_REVIEW_GRANT_DAYS", REVIEW_GRANT_DAYS))
    now = timezone.now()
    with transaction.atomic():
        grant = ReviewGrant.objects.create(
            purpose=purpose,
            period_from=period_from,
            period_to=period_to,
            approved_by=approved_by,
            granted_to=granted_to,
            review_ref=review_ref.strip()[:64],
            legal_basis=REVIEW_GRANT_BASIS,
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        grant.persons.set(ids)
        ledger_record(
            actor=actor,
            action=Action.CREATE,
            object_type="review_grant",
            object_id=grant.pk,
            purpose=purpose,
            legal_basis=REVIEW_GRANT_BASIS,
            details={
                "person_ids": [str(p) for p in ids],
                "granted_to": granted_to,
                "review": grant.review_ref,
                "approved_by": f"user:{approved_by.pk}",
                "days": days,
            },
        )
    return grant


def review_grant_end(*, actor: Actor, grant_id: int, reason_code: str = "closed") -> ReviewGrant:
    """End a review grant now (the review closed): nothing more is read through it."""
    with transaction.atomic():
        grant = (
            ReviewGrant.objects.select_for_update()
            .filter(pk=grant_id, ended_at__isnull=True)
            .first()
        )
        if grant is None:
            raise SharingRefused(f"Review grant {grant_id} is not active.")
        grant.ended_at = timezone.now()
        grant.end_reason = reason_code[:32]
        grant.save(update_fields=["ended_at", "end_reason"])
        ledger_record(
            actor=actor,
            action=Action.UPDATE,
            object_type="review_grant",
            object_id=grant.pk,
            purpose=grant.purpose,
            reason_code=f"end_{reason_code}"[:32],
            details={"review": grant.review_ref},
        )
    return grant


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
