"""Information sharing agreements (the IG lead)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.partnerships.models import Agency, Practitioner
from fullpicture.sharing.errors import SharingRefused

# The item feed lives in sharing.feeds; its names stay importable from here (__all__).
from fullpicture.sharing.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    Article6,
    Article9,
    Schedule1,
)
from fullpicture.sharing.services.common import StaleEdit, _require_role
from fullpicture.vocabulary.models import ConcernCategory

logger = logging.getLogger(__name__)

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


def _own_partnership_problem(user: Practitioner | None, terms: AgreementTerms) -> list[str]:
    """An IG lead keeps agreements naming their own partnership's agencies only."""
    if user is None:
        return []
    ids = [p.agency_id for p in terms.parties]
    if user.partnership_id is not None:
        ours = Agency.objects.filter(pk__in=ids, partnership_id=user.partnership_id).exists()
    else:
        ours = user.agency_id in ids
    return [] if ours else ["Name at least one agency of your own partnership as a party."]


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
    errors = agreement_terms_check(terms=terms) + _own_partnership_problem(user, terms)
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
    errors += _own_partnership_problem(user, terms)
    from fullpicture.sharing.selectors import agreements_for

    if not agreements_for(viewer=user).filter(pk=agreement_id).exists():
        raise SharingRefused("That agreement does not exist.")
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
    from fullpicture.sharing.selectors import agreements_for

    if not agreements_for(viewer=user).filter(pk=agreement_id).exists():
        raise SharingRefused("That agreement does not exist.")
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
# Acceptance: four eyes on putting an agreement in force (docs/decisions/0064)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AcceptanceState:
    """Where an agreement's current version stands: which party partnerships still have
    to accept it, and whether someone other than its last editor has."""

    partnership_ids: frozenset[int]
    accepted_partnership_ids: frozenset[int]
    second_person: bool

    @property
    def complete(self) -> bool:
        return self.partnership_ids <= self.accepted_partnership_ids and self.second_person

    @property
    def waiting_for(self) -> frozenset[int]:
        return self.partnership_ids - self.accepted_partnership_ids


def agreement_acceptance_state(*, agreement: Agreement) -> AcceptanceState:
    from fullpicture.sharing.models import AgreementAcceptance

    partnerships = frozenset(
        p
        for p in agreement.party_rows.values_list("agency__partnership_id", flat=True)
        if p is not None
    )
    rows = list(
        AgreementAcceptance.objects.filter(
            agreement=agreement, version=agreement.version
        ).values_list("partnership_id", "accepted_by_id")
    )
    return AcceptanceState(
        partnership_ids=partnerships,
        accepted_partnership_ids=frozenset(p for p, _ in rows),
        second_person=any(by != agreement.updated_by_id for _, by in rows),
    )


def _accept_problem(user: Practitioner, agreement: Agreement, version: int) -> tuple[str, str]:
    """(rule, message) when the user may not accept this version; ("", "") when they may."""
    from fullpicture.sharing.models import AgreementAcceptance

    if agreement.version != version:
        return (
            "stale",
            "Someone changed this agreement since you opened it. It was not accepted: open "
            "it again and read the new version.",
        )
    if agreement.status != AgreementStatus.IN_FORCE:
        return (
            "agreement_not_proposed",
            "Only an agreement whose status is 'In force' is accepted to put it in force: "
            f"this one is {agreement.get_status_display().lower()}.",
        )
    parties = set(agreement.party_rows.values_list("agency__partnership_id", flat=True))
    if user.partnership_id is None or user.partnership_id not in parties:
        return (
            "agreement_partnership",
            "Only an information-governance lead of a partnership whose agencies the agreement "
            "names can accept it.",
        )
    if AgreementAcceptance.objects.filter(
        agreement=agreement, version=version, accepted_by=user
    ).exists():
        return ("agreement_accepted_twice", "You have already accepted this version.")
    state = agreement_acceptance_state(agreement=agreement)
    if (
        agreement.updated_by_id == user.pk
        and state.waiting_for == {user.partnership_id}
        and not state.second_person
    ):
        return (
            "four_eyes",
            "You edited this version last, so your acceptance alone cannot put it in force: "
            "another information-governance lead must accept it too (four eyes).",
        )
    return ("", "")


def agreement_accept(*, user: Practitioner, agreement_id: int, version: int) -> Agreement:
    """An IG lead of a party partnership accepts the agreement's current version for their
    partnership. It is in force once every party partnership has accepted that version and
    one acceptor is not its last editor; any edit needs accepting again. A refusal names
    the rule and is a ``denied`` ledger event; nothing is stored."""
    from fullpicture.partnerships.four_eyes import refusal_record
    from fullpicture.sharing.models import AgreementAcceptance

    _require_role(user, "ig_lead", doing="accept information sharing agreements")
    rule, message = "", ""
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().filter(pk=agreement_id).first()
        if agreement is None:
            raise SharingRefused("That agreement does not exist.")
        rule, message = _accept_problem(user, agreement, version)
        if not rule:
            assert user.partnership_id is not None  # noqa: S101  (checked above)
            AgreementAcceptance.objects.create(
                agreement=agreement,
                version=version,
                partnership_id=user.partnership_id,
                accepted_by=user,
                accepted_at=timezone.now(),
            )
            state = agreement_acceptance_state(agreement=agreement)
            if state.complete:
                Agreement.objects.filter(pk=agreement.pk).update(
                    accepted_version=version, updated_at=timezone.now()
                )
                agreement.accepted_version = version
            ledger_record(
                actor=user.actor,
                action=Action.UPDATE,
                object_type="agreement",
                object_id=agreement.pk,
                legal_basis=agreement.legal_basis[:128],
                reason_code="in_force" if state.complete else "accepted",
                details={
                    "version": version,
                    "partnership_id": str(user.partnership_id),
                    "waiting_for": sorted(str(p) for p in state.waiting_for),
                },
            )
    if rule:
        if rule != "stale":
            refusal_record(
                actor=user.actor, object_type="agreement", object_id=agreement_id, rule=rule
            )
            raise SharingRefused(message)
        raise StaleEdit(message)
    return agreement
