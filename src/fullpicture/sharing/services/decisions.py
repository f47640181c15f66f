"""Decisions to share and to withhold."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record
from fullpicture.partnerships.models import Agency, Practitioner
from fullpicture.sharing.errors import SharingRefused

# The item feed lives in sharing.feeds; its names stay importable from here (__all__).
from fullpicture.sharing.models import (
    Agreement,
    Consent,
    InformationItem,
    InformationRequest,
    ItemDecision,
    ItemDecisionChange,
    Outcome,
    Paragraph18Reason,
    RiskJudgement,
    Sensitivity,
    WithholdReason,
)
from fullpicture.sharing.services.common import (
    ONE_OFF_BASIS,
    StaleEdit,
    _notify,
    _request_for,
    _require_role,
)

logger = logging.getLogger(__name__)

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
    # A withhold binds every purpose but these, which the withholding agency expressly
    # allows (docs/decisions/0057-withholds-across-purposes.md).
    allowed_purposes: tuple[str, ...] = ()


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
                        **(
                            {"allowed_purposes": decision.allowed_purpose_list}
                            if decision.allowed_purposes
                            else {}
                        ),
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
                "allowed_purposes": "",
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
    if any(p not in Purpose.values for p in why.allowed_purposes):
        errors.append("Choose the purposes the withhold allows from the list.")
    elif purpose in why.allowed_purposes:
        errors.append("A withhold cannot allow the purpose it withholds for.")
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
            "allowed_purposes": ItemDecision.allowed_purposes_text(set(why.allowed_purposes)),
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
