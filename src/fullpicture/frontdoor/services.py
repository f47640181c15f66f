"""Writes for the front door: contacts, triage, requests, decisions, feedback, referrals.

Every write checks the user's role, refuses bad input with plain messages
(``FrontDoorRefused``) before anything is stored, runs in one transaction with its
ledger event (ids and kinds only), and records the step on the contact's timeline.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.frontdoor.common import (
    PURPOSE,
    REFERRING_ROLES,
    ContactNotFound,
    FrontDoorRefused,
    mash_agency_for,
    timescales_for,
    working_week,
)
from fullpicture.frontdoor.models import (
    ClosedCase,
    Contact,
    ContactEvent,
    ContactPerson,
    ContactRequest,
    Escalation,
    Feedback,
    Match,
    OnwardReferral,
    Outcome,
    PersonRole,
    Rag,
    ReferralState,
    ReferrerKind,
    Relevance,
    Status,
    Step,
    ThresholdDecision,
    Timescales,
)
from fullpicture.frontdoor.selectors import access_contact_by_id, match_for_viewer
from fullpicture.frontdoor.workinghours import (
    add_working_days,
    add_working_hours,
)
from fullpicture.linkage.engine import Outcome as LinkOutcome
from fullpicture.linkage.services import record_link_now, record_row_parse
from fullpicture.partnerships.models import (
    MASH_ROLES,
    Agency,
    Partnership,
    Practitioner,
    RoleCode,
)
from fullpicture.people.models import SourceRecord
from fullpicture.sharing.contexts import purpose_in
from fullpicture.sharing.models import Consent, InformationItem, Paragraph18Reason
from fullpicture.sharing.services import (
    RequestAnswer,
    ShareReason,
    SharingRefused,
    information_request_answer,
    information_request_create,
    item_share,
    items_refresh_persons,
)
from fullpicture.vocabulary.models import ConcernCategory, NeedLevel

log = logging.getLogger(__name__)


def _event(contact: Contact, step: str, by: Practitioner | None, note: str = "") -> None:
    ContactEvent.objects.create(
        contact=contact, step=step, at=timezone.now(), by=by, note=note[:300]
    )


def _ledger(
    user: Practitioner, action: str, contact: Contact, reason_code: str = "", **details: object
) -> None:
    ledger_record(
        actor=user.actor,
        action=action,
        object_type="contact",
        object_id=contact.pk,
        purpose=PURPOSE,
        reason_code=reason_code,
        details={k: v for k, v in details.items() if v not in (None, "")},
    )


def _require(user: Practitioner, roles: frozenset[str] | set[str], doing: str) -> int:
    if user.agency_id is None or not (user.is_active and user.role_codes & roles):
        raise FrontDoorRefused(f"Your role does not allow you to {doing}.")
    return user.agency_id


def _mash_contact(user: Practitioner, contact_id: int, doing: str) -> Contact:
    """A contact of the user's MASH, locked for the write."""
    _require(user, MASH_ROLES, doing)
    contact = (
        Contact.objects.select_for_update()
        .filter(pk=contact_id, mash_agency_id=user.agency_id)
        .first()
    )
    if contact is None:
        raise ContactNotFound
    return contact


def _bump(contact: Contact, version: int | None, **fields: object) -> None:
    if version is not None and contact.version != version:
        raise FrontDoorRefused(
            "Someone else changed this contact while you were working on it. "
            "Nothing was saved: look at it again."
        )
    for key, value in fields.items():
        setattr(contact, key, value)
    contact.version += 1
    contact.save(update_fields=[*fields, "version"])


# --------------------------------------------------------------------------------------
# Contacts
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonEntry:
    """One person as the referrer describes them (identifiers where known)."""

    role: str
    given_name: str = ""
    family_name: str = ""
    other_names: str = ""
    date_of_birth: dt.date | None = None
    sex: str = ""
    address: str = ""
    postcode: str = ""
    nhs_number: str = ""
    upn: str = ""
    pnc_id: str = ""


@dataclass(frozen=True)
class ContactInput:
    people: tuple[PersonEntry, ...]
    what_happened: str
    category_ids: tuple[int, ...]
    consent: str
    paragraph18_reason: str = ""
    wants_feedback: bool = True
    referrer_kind: str = ReferrerKind.PRACTITIONER
    caller_name: str = ""
    caller_phone: str = ""


@dataclass(frozen=True)
class PersonMatch:
    """What the referrer is told about one person: never whom they matched."""

    role: str
    name: str
    match: str


@dataclass
class ContactCreated:
    contact: Contact
    matches: list[PersonMatch] = field(default_factory=list)


def _age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _check_contact(
    user: Practitioner, data: ContactInput, today: dt.date
) -> tuple[list[str], list[dict[str, object]], list[ConcernCategory]]:
    errors: list[str] = []
    if data.referrer_kind not in ReferrerKind.values:
        errors.append("Say who raised the concern: a practitioner or a member of the public.")
    if data.referrer_kind == ReferrerKind.PUBLIC and not user.role_codes & MASH_ROLES:
        errors.append("Only the MASH takes concerns from members of the public, by phone.")
    if not data.people:
        errors.append("Add at least one child the concern is about.")
    elif not any(p.role == PersonRole.CHILD for p in data.people):
        errors.append("Add at least one child: a contact is about a child's welfare.")
    values: list[dict[str, object]] = []
    for number, entry in enumerate(data.people, start=1):
        label = f"Person {number}"
        if entry.role not in PersonRole.values:
            errors.append(f"{label}: say whether they are a child or an adult.")
        if not (entry.given_name.strip() or entry.family_name.strip()):
            errors.append(f"{label}: enter a name (a first name or a family name).")
        if entry.date_of_birth is not None:
            if entry.date_of_birth > today:
                errors.append(f"{label}: the date of birth must be in the past.")
            elif entry.role == PersonRole.CHILD and _age_on(entry.date_of_birth, today) >= 18:
                errors.append(f"{label}: is 18 or over, so add them as an adult.")
        row = {
            "source_id": "contact",
            "given_name": entry.given_name.strip(),
            "family_name": entry.family_name.strip(),
            "other_names": entry.other_names.strip(),
            "date_of_birth": entry.date_of_birth.isoformat() if entry.date_of_birth else "",
            "sex": entry.sex.strip(),
            "address": entry.address.strip(),
            "postcode": entry.postcode.strip(),
            "nhs_number": entry.nhs_number.strip(),
            "upn": entry.upn.strip(),
            "pnc_id": entry.pnc_id.strip(),
            "recorded_at": today.isoformat(),
        }
        parsed, row_errors, _warnings = record_row_parse(number, row, file="contact")
        for error in row_errors:
            errors.append(f"{label}: {error.column.replace('_', ' ')} {error.message}.")
        values.append(parsed.values if parsed is not None else {})
    if not data.what_happened.strip():
        errors.append("Describe what was seen or heard.")
    wanted = sorted(set(data.category_ids))
    categories = list(ConcernCategory.objects.filter(pk__in=wanted, retired_at__isnull=True))
    if not wanted:
        errors.append("Choose at least one category of concern.")
    elif len(categories) != len(wanted):
        errors.append("Choose categories from the list.")
    if data.consent not in Consent.values:
        errors.append("Say whether consent was sought.")
    elif data.consent != Consent.GIVEN:
        if not data.paragraph18_reason:
            errors.append(
                "Consent was not given: choose which paragraph 18 reason applies "
                "(why you are sharing without it)."
            )
        elif data.paragraph18_reason not in Paragraph18Reason.values:
            errors.append("Choose a paragraph 18 reason from the list.")
    return errors, values, sorted(categories, key=lambda c: (c.sort_order, c.name))


def _link(record: SourceRecord, actor: Actor) -> str:
    result = record_link_now(record=record, actor=actor)
    if result.outcome is LinkOutcome.LINKED:
        return Match.MATCHED
    if result.outcome is LinkOutcome.REVIEW:
        return Match.POSSIBLE
    return Match.NEW


def contact_create(*, user: Practitioner, data: ContactInput) -> ContactCreated:
    """Record a concern; match each person as entered; store the concern as an item.

    Each person becomes a record of the referrer's agency (source id: the contact
    reference and the person's number) linked at once by the linkage engine; the
    concern becomes an information item of the referrer's agency about them, shared
    with the MASH it was sent to. All or nothing.
    """
    agency_id = _require(user, REFERRING_ROLES, "record a concern")
    today = timezone.localdate()
    errors, values, categories = _check_contact(user, data, today)
    partnership_id = user.partnership_id
    mash = mash_agency_for(partnership_id=partnership_id)
    if mash is None or partnership_id is None:
        raise FrontDoorRefused(
            *errors, "Your agency's partnership has no MASH to send the concern to."
        )
    if errors:
        raise FrontDoorRefused(*errors)
    public = data.referrer_kind == ReferrerKind.PUBLIC
    record_agency_id = mash.pk if public else agency_id
    partnership = Partnership.objects.get(pk=partnership_id)
    timescales = timescales_for(partnership=partnership)
    week = working_week(timescales=timescales)
    now = timezone.now()
    with transaction.atomic():
        contact = Contact.objects.create(
            reference=f"~{uuid.uuid4().hex[:20]}",  # replaced once the id is known
            partnership=partnership,
            mash_agency=mash,
            referrer_kind=data.referrer_kind,
            referrer=None if public else user,
            referrer_agency_id=record_agency_id,
            caller_name=data.caller_name.strip() if public else "",
            caller_phone=data.caller_phone.strip() if public else "",
            taken_by=user,
            what_happened=data.what_happened.strip(),
            consent=data.consent,
            paragraph18_reason="" if data.consent == Consent.GIVEN else data.paragraph18_reason,
            wants_feedback=data.wants_feedback and not public,
            received_at=now,
            decision_due_at=add_working_days(now, timescales.decision_due_days, week),
        )
        contact.reference = f"FD-{timezone.localdate(now):%Y}-{contact.pk:05d}"
        contact.save(update_fields=["reference"])
        contact.categories.set(categories)
        result = ContactCreated(contact=contact)
        records: list[SourceRecord] = []
        engine_matches: list[str] = []
        for number, (entry, fields) in enumerate(zip(data.people, values, strict=True), start=1):
            record = SourceRecord.objects.create(
                agency_id=record_agency_id,
                source_id=f"{contact.reference}-{number}",
                **fields,
            )
            match = _link(record, user.actor)
            record.refresh_from_db(fields=["person"])
            named = ContactPerson.objects.create(
                contact=contact, role=entry.role, record=record, match=match, person=record.person
            )
            records.append(record)
            engine_matches.append(match)
            # the referrer hears no more than their own search would show (0072)
            told = match_for_viewer(viewer=user, contact=contact, person=named)
            result.matches.append(
                PersonMatch(role=entry.role, name=record.display_name, match=told)
            )
        item = InformationItem(
            source_agency_id=record_agency_id,
            source_id=contact.reference,
            category=categories[0],
            summary=f"Contact to the MASH ({', '.join(c.name for c in categories)})"[:300],
            detail=contact.what_happened,
            occurred_at=now,
            recorded_at=now,
            recorded_by=user,
            consent=contact.consent,
            paragraph18_reason=contact.paragraph18_reason,
        )
        item.save()
        item.subject_records.set(records)
        items_refresh_persons(items=[item])
        contact.item = item
        contact.save(update_fields=["item"])
        _route(contact, timescales=timescales, now=now)
        _event(contact, Step.RECEIVED, user)
        _ledger(
            user,
            Action.CREATE,
            contact,
            item_id=str(item.pk),
            record_ids=[str(r.pk) for r in records],
            matches=engine_matches,
            re_referral=contact.is_re_referral,
        )
        if not public:
            _share_with_mash(user=user, contact=contact, item=item)
    return result


def _share_with_mash(*, user: Practitioner, contact: Contact, item: InformationItem) -> None:
    """A contact is a referral to the MASH: record the decision to share the item with it.

    The basis is the agreement in force between the agencies, or, for a safeguarding
    enquiry, a one-off share on the paragraph 18 reason the referrer gave. Where the
    sharing rules allow neither, the item stays the referrer's (the MASH still reads the
    contact it was sent) and the refusal is noted by id only.
    """
    why = ShareReason(
        reason=f"Referred to the MASH as contact {contact.reference}.",
        paragraph18_reason=contact.paragraph18_reason,
    )
    try:
        with transaction.atomic():
            item_share(
                user=user,
                item_ids=[item.pk],
                to_agency_ids=[contact.mash_agency_id],
                purpose=PURPOSE,
                why=why,
            )
    except SharingRefused:
        log.info("contact %s: item %s not shared by decision (rules decide)", contact.pk, item.pk)


def _months_ago(now: dt.datetime, months: int) -> dt.datetime:
    return now - dt.timedelta(days=round(months * 365.25 / 12))


def _route(contact: Contact, *, timescales: Timescales, now: dt.datetime) -> None:
    """Mark a re-referral (a child referred within the window) and route to the team that
    closed a case about a child within the closed-case window."""
    child_ids = [
        p.person_id for p in contact.people.filter(role=PersonRole.CHILD) if p.person_id is not None
    ]
    if not child_ids:
        return
    earlier = (
        Contact.objects.filter(
            people__person_id__in=child_ids,
            partnership_id=contact.partnership_id,
            received_at__gte=_months_ago(now, timescales.rereferral_months),
            received_at__lte=now,
            pk__lt=contact.pk,
        )
        .exclude(pk=contact.pk)
        .exists()
    )
    closed = (
        ClosedCase.objects.filter(
            person_id__in=child_ids,
            closed_on__gte=timezone.localdate(_months_ago(now, timescales.closed_case_months)),
        )
        .order_by("-closed_on")
        .first()
    )
    contact.is_re_referral = earlier
    contact.routed_team = closed.team if closed else ""
    contact.save(update_fields=["is_re_referral", "routed_team"])


# --------------------------------------------------------------------------------------
# Triage
# --------------------------------------------------------------------------------------


def contact_triage(
    *, user: Practitioner, contact_id: int, rag: str, version: int | None = None
) -> Contact:
    """Rate a contact red, amber or green; the clock runs from receipt in working hours."""
    if rag not in Rag.values:
        raise FrontDoorRefused("Choose red, amber or green.")
    with transaction.atomic():
        contact = _mash_contact(user, contact_id, "triage contacts")
        if contact.status in (Status.COUNTERSIGNED,):
            raise FrontDoorRefused("This contact's decision is final: it cannot be re-rated.")
        timescales = timescales_for(partnership=contact.partnership)
        due = add_working_hours(
            contact.received_at,
            timescales.hours_for(rag),
            working_week(timescales=timescales),
        )
        status = Status.TRIAGED if contact.status == Status.NEW else contact.status
        _bump(
            contact,
            version,
            rag=rag,
            rag_due_at=due,
            status=status,
            assigned_to=contact.assigned_to or user,
        )
        _event(contact, Step.TRIAGED, user, Rag(rag).label)
        _ledger(user, Action.UPDATE, contact, reason_code=f"triage_{rag}")
    return contact


def contact_assign(
    *, user: Practitioner, contact_id: int, assignee_id: int, version: int | None = None
) -> Contact:
    """Reassign a contact to another MASH worker of the same MASH."""
    with transaction.atomic():
        contact = _mash_contact(user, contact_id, "reassign contacts")
        assignee = (
            Practitioner.objects.filter(
                pk=assignee_id,
                agency_id=contact.mash_agency_id,
                is_active=True,
                roles__code__in=sorted(MASH_ROLES),
            )
            .distinct()
            .first()
        )
        if assignee is None:
            raise FrontDoorRefused("Choose a MASH worker from the list.")
        _bump(contact, version, assigned_to=assignee)
        _event(contact, Step.ASSIGNED, user)
        _ledger(user, Action.UPDATE, contact, reason_code="assign", assignee_id=str(assignee.pk))
    return contact


# --------------------------------------------------------------------------------------
# Gathering information: the sharing app's information requests
# --------------------------------------------------------------------------------------


def contact_request_information(
    *,
    user: Practitioner,
    contact_id: int,
    person_id: int,
    agency_ids: Sequence[int],
    question: str = "",
    due_at: dt.datetime | None = None,
    include_household: bool = False,
) -> ContactRequest:
    """Ask agencies what they hold on one of the contact's people, for the enquiry."""
    with transaction.atomic():
        contact = _mash_contact(user, contact_id, "send information requests")
        if not contact.people.filter(person_id=person_id).exists():
            raise FrontDoorRefused("Choose one of the people this contact is about.")
        if due_at is None:
            now = timezone.now()
            due_at = contact.rag_due_at if contact.rag_due_at and contact.rag_due_at > now else None
            if due_at is None:
                timescales = timescales_for(partnership=contact.partnership)
                due_at = add_working_hours(now, 4, working_week(timescales=timescales))
        try:
            request = information_request_create(
                user=user,
                person_id=person_id,
                agency_ids=agency_ids,
                # the person is read in the contact's work context (decision 0056)
                purpose=purpose_in(PURPOSE, f"contact:{contact.pk}"),
                due_at=due_at,
                question=question,
                include_household=include_household,
            )
        except SharingRefused as exc:
            raise FrontDoorRefused(*exc.errors) from exc
        link = ContactRequest.objects.create(contact=contact, request=request)
        if contact.status in (Status.NEW, Status.TRIAGED):
            _bump(contact, None, status=Status.INFORMATION_REQUESTED)
        _event(contact, Step.INFORMATION_REQUESTED, user)
        _ledger(user, Action.REQUEST, contact, request_id=str(request.pk))
    return link


def request_answer(
    *,
    user: Practitioner,
    request_id: int,
    version: int,
    share_item_ids: Sequence[int],
    withhold: Sequence[tuple[int, str]],
    reason: str,
    withhold_reason: str = "",
    paragraph18_reason: str = "",
    golden_rules: Sequence[str] = (),
    risk_judgement: str = "",
) -> None:
    """An agency answers: items shared and withheld, through the sharing app's service,
    with the golden rules considered and the balance of risk when the page gives them."""
    try:
        information_request_answer(
            user=user,
            request_id=request_id,
            version=version,
            answer=RequestAnswer(
                share_item_ids=tuple(share_item_ids),
                withhold=tuple(withhold),
                share_why=ShareReason(
                    reason=reason,
                    golden_rules=tuple(golden_rules),
                    risk_judgement=risk_judgement,
                    paragraph18_reason=paragraph18_reason,
                ),
                withhold_reason=withhold_reason,
            ),
        )
    except SharingRefused as exc:
        raise FrontDoorRefused(*exc.errors) from exc


# --------------------------------------------------------------------------------------
# Decisions, countersigning, escalation
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackParts:
    """Footnote 38: relevant? where recorded? actions taken? further action needed?"""

    relevance: str
    where_recorded: str
    actions_taken: str
    further_action_needed: bool | None
    further_action: str = ""


def _check_feedback(parts: FeedbackParts) -> list[str | tuple[str, str]]:
    errors: list[str | tuple[str, str]] = []
    if parts.relevance not in Relevance.values:
        errors.append(("relevance", "Feedback: say whether the information was relevant."))
    if not parts.where_recorded.strip():
        errors.append(("where_recorded", "Feedback: say where the information was recorded."))
    if not parts.actions_taken.strip():
        errors.append(("actions_taken", "Feedback: say what actions were taken."))
    if parts.further_action_needed is None:
        errors.append(
            (
                "further_action_needed",
                "Feedback: say whether anything more is needed from the referrer.",
            )
        )
    elif parts.further_action_needed and not parts.further_action.strip():
        errors.append(("further_action", "Feedback: say what the referrer needs to do."))
    return errors


def decision_record(
    *,
    user: Practitioner,
    contact_id: int,
    level: int,
    outcome: str,
    rationale: str,
    feedback: FeedbackParts | None = None,
) -> ThresholdDecision:
    """Decide on the continuum of need, with a rationale; send the feedback with it."""
    errors: list[str | tuple[str, str]] = []
    if level not in NeedLevel.values:
        errors.append(("level", "Choose a level of need from 1 to 4."))
    if outcome not in Outcome.values:
        errors.append(("outcome", "Choose an outcome from the list."))
    if not rationale.strip():
        errors.append(
            (
                "rationale",
                "Give the rationale for the decision against the partnership's threshold "
                "descriptors.",
            )
        )
    if feedback is not None:
        errors.extend(_check_feedback(feedback))
    with transaction.atomic():
        contact = _mash_contact(user, contact_id, "make threshold decisions")
        if ThresholdDecision.objects.filter(contact=contact).exists():
            errors.append("A decision has already been made on this contact.")
        if feedback is not None and not contact.wants_feedback:
            errors.append("The referrer asked not to receive feedback: none can be sent.")
        if errors:
            raise FrontDoorRefused(*errors)
        decision = ThresholdDecision.objects.create(
            contact=contact,
            level=level,
            outcome=outcome,
            rationale=rationale.strip(),
            decided_by=user,
            decided_at=timezone.now(),
            due_at=contact.decision_due_at,
        )
        _bump(contact, None, status=Status.DECIDED)
        _event(contact, Step.DECIDED, user, f"Level {level}: {Outcome(outcome).label}")
        _ledger(
            user,
            Action.CREATE,
            contact,
            reason_code=f"decision_level_{level}",
            decision_id=str(decision.pk),
            outcome=outcome,
            on_time=decision.on_time,
        )
        if feedback is not None:
            _feedback_write(user=user, contact=contact, parts=feedback)
    return decision


def decision_countersign(
    *, user: Practitioner, contact_id: int, note: str = ""
) -> ThresholdDecision:
    """A MASH manager countersigns: never the person who made the decision."""
    with transaction.atomic():
        contact = _mash_contact(user, contact_id, "countersign decisions")
        if not user.has_role(RoleCode.MASH_MANAGER):
            raise FrontDoorRefused("Only a MASH manager can countersign a decision.")
        decision = ThresholdDecision.objects.select_for_update().filter(contact=contact).first()
        if decision is None:
            raise FrontDoorRefused("There is no decision to countersign yet.")
        if decision.countersigned_at is not None:
            raise FrontDoorRefused("This decision has already been countersigned.")
        if decision.decided_by_id == user.pk:
            raise FrontDoorRefused(
                "You made this decision: another MASH manager must countersign it."
            )
        decision.countersigned_by = user
        decision.countersigned_at = timezone.now()
        decision.countersign_note = note.strip()
        decision.save(update_fields=["countersigned_by", "countersigned_at", "countersign_note"])
        if contact.status != Status.ESCALATED:
            _bump(contact, None, status=Status.COUNTERSIGNED)
        _event(contact, Step.COUNTERSIGNED, user)
        _ledger(
            user, Action.UPDATE, contact, reason_code="countersign", decision_id=str(decision.pk)
        )
    return decision


def escalation_raise(*, user: Practitioner, contact_id: int, reason: str) -> Escalation:
    """Disagree with a decision (the referrer or the MASH): recorded, and managers told."""
    agency_id = _require(user, REFERRING_ROLES, "escalate a decision")
    if not reason.strip():
        raise FrontDoorRefused("Say why you disagree with the decision.")
    with transaction.atomic():
        contact = access_contact_by_id(viewer=user, contact_id=contact_id, audit=False)
        decision = ThresholdDecision.objects.filter(contact=contact).first()
        if decision is None:
            raise FrontDoorRefused("There is no decision to disagree with yet.")
        escalation = Escalation.objects.create(
            decision=decision,
            raised_by=user,
            raised_by_agency_id=agency_id,
            raised_at=timezone.now(),
            reason=reason.strip(),
        )
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        _bump(contact, None, status=Status.ESCALATED)
        _event(contact, Step.ESCALATED, user)
        _ledger(
            user, Action.CREATE, contact, reason_code="escalate", escalation_id=str(escalation.pk)
        )
    return escalation


def escalation_resolve(*, user: Practitioner, escalation_id: int, resolution: str) -> Escalation:
    """A MASH manager records how a disagreement was resolved."""
    _require(user, {RoleCode.MASH_MANAGER.value}, "resolve escalations")
    if not resolution.strip():
        raise FrontDoorRefused("Say how the disagreement was resolved.")
    with transaction.atomic():
        escalation = (
            Escalation.objects.select_for_update()
            .filter(pk=escalation_id, decision__contact__mash_agency_id=user.agency_id)
            .select_related("decision__contact")
            .first()
        )
        if escalation is None:
            raise ContactNotFound
        if escalation.resolved_at is not None:
            raise FrontDoorRefused("This escalation has already been resolved.")
        escalation.resolved_by = user
        escalation.resolved_at = timezone.now()
        escalation.resolution = resolution.strip()
        escalation.save(update_fields=["resolved_by", "resolved_at", "resolution"])
        contact = Contact.objects.select_for_update().get(pk=escalation.decision.contact_id)
        still_open = Escalation.objects.filter(
            decision__contact=contact, resolved_at__isnull=True
        ).exists()
        if not still_open:
            signed = escalation.decision.countersigned_at is not None
            _bump(contact, None, status=Status.COUNTERSIGNED if signed else Status.DECIDED)
        _event(contact, Step.ESCALATION_RESOLVED, user)
        _ledger(
            user,
            Action.UPDATE,
            contact,
            reason_code="escalation_resolved",
            escalation_id=str(escalation.pk),
        )
    return escalation


# --------------------------------------------------------------------------------------
# Feedback to the referrer
# --------------------------------------------------------------------------------------


def _feedback_write(*, user: Practitioner, contact: Contact, parts: FeedbackParts) -> Feedback:
    feedback = Feedback.objects.create(
        contact=contact,
        relevance=parts.relevance,
        where_recorded=parts.where_recorded.strip(),
        actions_taken=parts.actions_taken.strip(),
        further_action_needed=bool(parts.further_action_needed),
        further_action=parts.further_action.strip() if parts.further_action_needed else "",
        sent_by=user,
        sent_at=timezone.now(),
    )
    _event(contact, Step.FEEDBACK_SENT, user)
    _ledger(user, Action.CREATE, contact, reason_code="feedback", feedback_id=str(feedback.pk))
    referrer = contact.referrer
    if referrer is not None and referrer.email:
        reference = contact.reference
        transaction.on_commit(lambda: _email_feedback(address=referrer.email, reference=reference))
    return feedback


def _email_feedback(*, address: str, reference: str) -> None:
    try:
        send_mail(
            subject=f"Full Picture: feedback on your contact {reference}",
            message=(
                f"The MASH has sent you feedback on contact {reference}: whether it was "
                "relevant, where it was recorded, what was done, and whether anything more "
                "is needed from you.\nRead it in Full Picture: Front door, your contacts.\n"
                "This email carries no details of the people concerned."
            ),
            from_email=None,
            recipient_list=[address],
        )
    except Exception:  # the feedback is stored and shown in the inbox; mail must not block
        log.exception("feedback email failed for contact %s", reference)


def feedback_send(*, user: Practitioner, contact_id: int, parts: FeedbackParts) -> Feedback:
    """Send (or send late) the four-part feedback on a decided contact."""
    errors = _check_feedback(parts)
    with transaction.atomic():
        contact = _mash_contact(user, contact_id, "send feedback")
        if not contact.wants_feedback:
            errors.insert(0, "The referrer asked not to receive feedback: none can be sent.")
        if not ThresholdDecision.objects.filter(contact=contact).exists():
            errors.append("Make the decision before sending feedback.")
        if Feedback.objects.filter(contact=contact).exists():
            errors.append("Feedback has already been sent on this contact.")
        if errors:
            raise FrontDoorRefused(*errors)
        return _feedback_write(user=user, contact=contact, parts=parts)


def feedback_mark_read(*, user: Practitioner, contact_id: int) -> int:
    return Feedback.objects.filter(
        contact_id=contact_id, contact__referrer=user, read_at__isnull=True
    ).update(read_at=timezone.now())


# --------------------------------------------------------------------------------------
# Onward referrals
# --------------------------------------------------------------------------------------


def onward_referral_send(
    *, user: Practitioner, contact_id: int, service_id: int, note: str = ""
) -> OnwardReferral:
    """Refer on to a service of the partnership (early help, a voluntary service...)."""
    with transaction.atomic():
        contact = _mash_contact(user, contact_id, "refer on to services")
        service = (
            Agency.objects.filter(pk=service_id, partnership_id=contact.partnership_id)
            .exclude(pk=contact.mash_agency_id)
            .first()
        )
        if service is None:
            raise FrontDoorRefused("Choose a service of the partnership from the list.")
        if not ThresholdDecision.objects.filter(contact=contact).exists():
            raise FrontDoorRefused("Make the decision before referring on.")
        referral = OnwardReferral.objects.create(
            contact=contact,
            service=service,
            note=note.strip(),
            sent_by=user,
            sent_at=timezone.now(),
        )
        _event(contact, Step.ONWARD_REFERRAL, user)
        _ledger(
            user,
            Action.CREATE,
            contact,
            reason_code="onward_referral",
            referral_id=str(referral.pk),
            service_id=str(service.pk),
        )
    return referral


def onward_referral_respond(
    *, user: Practitioner, referral_id: int, accepted: bool | None, reason: str = ""
) -> OnwardReferral:
    """The service accepts or declines (with its reason); the MASH may record it for them."""
    _require(user, REFERRING_ROLES, "answer referrals")
    if accepted is None:
        raise FrontDoorRefused("Say whether the referral is accepted or declined.")
    if not accepted and not reason.strip():
        raise FrontDoorRefused("Give the service's reason for declining.")
    with transaction.atomic():
        referral = (
            OnwardReferral.objects.select_for_update()
            .filter(pk=referral_id)
            .filter(Q(service_id=user.agency_id) | Q(contact__mash_agency_id=user.agency_id))
            .select_related("contact")
            .first()
        )
        if referral is None:
            raise ContactNotFound
        if referral.state != ReferralState.SENT:
            raise FrontDoorRefused("This referral has already been answered.")
        referral.state = ReferralState.ACCEPTED if accepted else ReferralState.DECLINED
        referral.decline_reason = "" if accepted else reason.strip()
        referral.responded_by = user
        referral.responded_at = timezone.now()
        referral.save(update_fields=["state", "decline_reason", "responded_by", "responded_at"])
        _event(referral.contact, Step.ONWARD_RESPONSE, user, referral.get_state_display())
        _ledger(
            user,
            Action.UPDATE,
            referral.contact,
            reason_code=f"onward_{referral.state}",
            referral_id=str(referral.pk),
        )
    return referral


# --------------------------------------------------------------------------------------
# The Sharetown demo: contacts in every state, through the same services
# --------------------------------------------------------------------------------------

DEMO_ADDRESS = {"address": "27 Marsh Lane, Sharetown", "postcode": "ST3 8HD"}
JAYDEN = PersonEntry(
    role=PersonRole.CHILD,
    given_name="Jayden",
    family_name="Walsh",
    date_of_birth=dt.date(2017, 1, 14),
    **DEMO_ADDRESS,
)
RUBY = PersonEntry(
    role=PersonRole.CHILD,
    given_name="Ruby",
    family_name="Walsh",
    date_of_birth=dt.date(2020, 11, 3),
    **DEMO_ADDRESS,
)
LILY_MAE = PersonEntry(
    role=PersonRole.CHILD,
    given_name="Lily Mae",
    family_name="Carter",
    date_of_birth=dt.date(2024, 5, 18),
    **DEMO_ADDRESS,
)
KATIE = PersonEntry(
    role=PersonRole.ADULT,
    given_name="Katie",
    family_name="Walsh",
    date_of_birth=dt.date(1997, 3, 9),
    **DEMO_ADDRESS,
)
DEAN = PersonEntry(
    role=PersonRole.ADULT,
    given_name="Dean",
    family_name="Carter",
    date_of_birth=dt.date(1992, 6, 21),
)


def _demo_categories(*slugs: str) -> tuple[int, ...]:
    found = dict(ConcernCategory.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    return tuple(found[s] for s in slugs if s in found) or tuple(
        ConcernCategory.objects.filter(retired_at__isnull=True).values_list("pk", flat=True)[:1]
    )


def frontdoor_demo_load(*, say: Callable[[str], None] = lambda _m: None) -> int:
    """Sharetown's contacts in every state, the Walsh family's among them; returns how many.

    Runs inside the demo load's transaction and only through this module's services, so
    what the demo shows is exactly what the pages and the API would have written.
    """
    users = {
        u.username: u
        for u in Practitioner.objects.filter(
            username__in=[
                "teacher",
                "nursery.manager",
                "police.officer",
                "housing.officer",
                "health.visitor",
                "gp",
                "mash.practitioner",
                "mash.manager",
                "family.support",
            ]
        ).select_related("agency")
    }
    needed = {"teacher", "nursery.manager", "mash.practitioner", "mash.manager"}
    if not needed <= set(users):
        say("Front door: the demo accounts are missing; no contacts loaded.")
        return 0
    mash, manager = users["mash.practitioner"], users["mash.manager"]
    jayden = (
        SourceRecord.objects.filter(
            agency__code="SCSC", given_name="Jayden", family_name="Walsh", person__isnull=False
        )
        .values_list("person_id", flat=True)
        .first()
    )
    if jayden is not None and mash.agency_id is not None:
        ClosedCase.objects.get_or_create(
            person_id=jayden,
            agency_id=mash.agency_id,
            team="Children in Need Team 2",
            defaults={"closed_on": timezone.localdate() - dt.timedelta(days=120)},
        )
    made = 0

    def create(
        user: str, people: tuple[PersonEntry, ...], text: str, *slugs: str, **kw: Any
    ) -> Contact | None:
        nonlocal made
        who = users.get(user)
        if who is None:
            return None
        data = ContactInput(
            people=people,
            what_happened=text,
            category_ids=_demo_categories(*slugs),
            consent=kw.pop("consent", Consent.NOT_SOUGHT),
            paragraph18_reason=kw.pop("paragraph18_reason", Paragraph18Reason.WOULD_PREJUDICE),
            **kw,
        )
        made += 1
        return contact_create(user=who, data=data).contact

    # 1. The school's disclosure about Jayden: decided (early help), countersigned, feedback
    #    sent, and the family-support referral declined.
    disclosure = create(
        "teacher",
        (JAYDEN, RUBY, KATIE, DEAN),
        'During a story about feelings Jayden told me: "mummy and Dean shout, Dean hurt mummy". '
        "He said it happened at the weekend and that he hid in his room with his sisters.",
        "domestic_abuse",
    )
    if disclosure is not None:
        contact_triage(user=mash, contact_id=disclosure.pk, rag=Rag.AMBER)
        decision_record(
            user=mash,
            contact_id=disclosure.pk,
            level=NeedLevel.EARLY_HELP,
            outcome=Outcome.EARLY_HELP,
            rationale="Level 2 descriptors: parental conflict witnessed by the children; no "
            "injury seen; mother engaging with a family support worker.",
            feedback=FeedbackParts(
                relevance=Relevance.RELEVANT,
                where_recorded=f"Sharetown Children's Social Care, contact {disclosure.reference}",
                actions_taken="Early help assessment offered; referral to Family First Sharetown.",
                further_action_needed=True,
                further_action="Keep logging anything Jayden says and check in with him weekly.",
            ),
        )
        decision_countersign(user=manager, contact_id=disclosure.pk, note="Agreed.")
        service = Agency.objects.filter(code="FFS").first()
        if service is not None:
            referral = onward_referral_send(
                user=mash, contact_id=disclosure.pk, service_id=service.pk, note="Family support."
            )
            onward_referral_respond(
                user=users.get("family.support") or mash,
                referral_id=referral.pk,
                accepted=False,
                reason="Mother declined: she says she already has a family support worker.",
            )
    # 2. The nursery's bruising concern about Lily-Mae: triaged amber, information requested.
    bruising = create(
        "nursery.manager",
        (LILY_MAE, KATIE),
        "A 3 cm bruise on the back of Lily Mae's left upper arm, seen at nappy change. "
        "Mum says her brother bumped her. Body map completed.",
        "physical_injury",
    )
    if bruising is not None:
        contact_triage(user=mash, contact_id=bruising.pk, rag=Rag.AMBER)
        person = bruising.people.filter(role=PersonRole.CHILD).values_list("person_id", flat=True)
        agencies = list(
            Agency.objects.filter(code__in=["STPOL", "SCHS", "RMP"]).values_list("pk", flat=True)
        )
        if person and person[0] is not None and agencies:
            try:
                contact_request_information(
                    user=mash,
                    contact_id=bruising.pk,
                    person_id=person[0],
                    agency_ids=agencies,
                    question="Anything known about Lily-Mae, her mother or Dean Carter?",
                )
            except FrontDoorRefused:
                log.info("demo: information request for contact %s refused", bruising.pk)
    # 3. The police's domestic incident: triaged red, waiting on the clock.
    incident = create(
        "police.officer",
        (JAYDEN, RUBY, LILY_MAE, KATIE, DEAN),
        "Neighbours reported shouting at 27 Marsh Lane at 23:10. Katie had a red mark on her "
        "neck and said it was nothing. Three children in the house, asleep.",
        "domestic_abuse",
    )
    if incident is not None:
        contact_triage(user=mash, contact_id=incident.pk, rag=Rag.RED)
    # 4. Housing's concern about the flat: new, not yet triaged.
    create(
        "housing.officer",
        (RUBY, KATIE),
        "Damp and mould in the children's bedroom; rent arrears; Katie seemed low and said "
        "she was not coping.",
        "neglect",
    )
    # 5. A neighbour's phone call taken by the MASH: new.
    create(
        "mash.practitioner",
        (
            PersonEntry(
                role=PersonRole.CHILD,
                given_name="Tyler",
                family_name="Brennan",
                address="4 Quarry Close, Sharetown",
                postcode="ST1 4RT",
            ),
        ),
        "A neighbour says a boy of about eight is often left alone in the evenings.",
        "neglect",
        referrer_kind=ReferrerKind.PUBLIC,
        caller_name="Anonymous neighbour",
    )
    # 6. The health visitor's concern: decided, waiting for the manager's countersignature.
    hv = create(
        "health.visitor",
        (
            PersonEntry(
                role=PersonRole.CHILD,
                given_name="Amara",
                family_name="Osei",
                date_of_birth=dt.date(2025, 9, 2),
                postcode="ST2 7LB",
            ),
        ),
        "Missed two developmental checks; mother low in mood and isolated.",
        "neglect",
        consent=Consent.GIVEN,
        paragraph18_reason="",
    )
    if hv is not None:
        contact_triage(user=mash, contact_id=hv.pk, rag=Rag.GREEN)
        decision_record(
            user=manager,
            contact_id=hv.pk,
            level=NeedLevel.EARLY_HELP,
            outcome=Outcome.EARLY_HELP,
            rationale="Level 2: needs met by early help with the mother's consent.",
        )
    # 7. The GP's concern: no further action, which the GP disputes (escalated).
    gp = create(
        "gp",
        (
            PersonEntry(
                role=PersonRole.CHILD,
                given_name="Kai",
                family_name="Morgan",
                date_of_birth=dt.date(2014, 2, 11),
                postcode="ST4 2PA",
            ),
        ),
        "Third attendance for self-harm in six months; father dismissive.",
        "emotional_abuse",
    )
    if gp is not None:
        contact_triage(user=mash, contact_id=gp.pk, rag=Rag.AMBER)
        decision_record(
            user=mash,
            contact_id=gp.pk,
            level=NeedLevel.UNIVERSAL,
            outcome=Outcome.NFA_ADVICE,
            rationale="Level 1: CAMHS already involved; advice given to the GP.",
            feedback=FeedbackParts(
                relevance=Relevance.PARTLY,
                where_recorded=f"Sharetown Children's Social Care, contact {gp.reference}",
                actions_taken="No further action; advice to continue with CAMHS.",
                further_action_needed=False,
            ),
        )
        decision_countersign(user=manager, contact_id=gp.pk)
        escalation_raise(
            user=users.get("gp") or mash,
            contact_id=gp.pk,
            reason="Repeated self-harm with a dismissive parent meets level 3 in our view.",
        )
    say(f"Front door: {made} contacts, in every state.")
    return made
