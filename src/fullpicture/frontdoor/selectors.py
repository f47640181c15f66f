"""Reads for the front door: who may see which contact, the queue, answers, feedback.

A contact is seen by the MASH it was sent to, by the practitioner who raised it
or took it, and (its onward referral only) by the service it was referred to. A
contact the viewer may not see raises ``ContactNotFound`` exactly as a missing one.
Information items are read only through the sharing app's policy point.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record, ledger_record_denied
from fullpicture.frontdoor.common import (
    PURPOSE,
    ContactNotFound,
    timescales_for,
    working_week,
)
from fullpicture.frontdoor.models import (
    Contact,
    ContactEvent,
    ContactPerson,
    Feedback,
    Match,
    OnwardReferral,
    PersonRole,
    Rag,
    ReferralState,
    ReferrerMatch,
    Status,
    ThresholdDecision,
)
from fullpicture.frontdoor.workinghours import (
    WorkingWeek,
    add_working_days,
    working_hours_between,
)
from fullpicture.partnerships.models import MASH_ROLES, Agency, Practitioner
from fullpicture.sharing.contexts import purpose_in
from fullpicture.sharing.models import (
    InformationItem,
    InformationRequest,
    ItemDecision,
    Outcome,
    RequestRecipient,
    WithholdReason,
)
from fullpicture.sharing.selectors import items_visible_to, records_visible_to

OPEN_STATUSES = (
    Status.NEW,
    Status.TRIAGED,
    Status.INFORMATION_REQUESTED,
    Status.DECIDED,
    Status.ESCALATED,
)


def is_mash(viewer: Practitioner) -> bool:
    return bool(viewer.is_active and viewer.agency_id and viewer.role_codes & MASH_ROLES)


def sees_matches(*, viewer: Practitioner, contact: Contact) -> bool:
    """The MASH the contact was sent to sees how each person was matched."""
    return is_mash(viewer) and contact.mash_agency_id == viewer.agency_id


def match_for_viewer(*, viewer: Practitioner, contact: Contact, person: ContactPerson) -> str:
    """How a person named in a contact was matched, as this viewer may be told it: the
    contact's MASH sees the engine's answer (matched, possible, new); anyone else (the
    referrer) hears "matched" only when the person has another record their own search
    would show them, and "recorded" otherwise, so a child known only to agencies (or
    partnerships) the referrer may not see answers exactly like a child new to the hub."""
    if sees_matches(viewer=viewer, contact=contact):
        return person.match
    if person.match != Match.MATCHED or person.person_id is None:
        return ReferrerMatch.RECORDED.value
    others = (
        records_visible_to(viewer=viewer, purpose=PURPOSE)
        .filter(person_id=person.person_id)
        .exclude(pk=person.record_id)
    )
    return ReferrerMatch.MATCHED.value if others.exists() else ReferrerMatch.RECORDED.value


def match_label(match: str) -> str:
    """The words for a match value from either ``Match`` or ``ReferrerMatch``."""
    if match in ReferrerMatch.values and match != Match.MATCHED:
        return str(ReferrerMatch(match).label)
    return str(Match(match).label)


def contacts_visible_to(*, viewer: Practitioner) -> QuerySet[Contact]:
    if not (viewer.is_authenticated and viewer.is_active and viewer.agency_id):
        return Contact.objects.none()
    q = Q(referrer_id=viewer.pk) | Q(taken_by_id=viewer.pk)
    if is_mash(viewer):
        q |= Q(mash_agency_id=viewer.agency_id)
    return Contact.objects.filter(q).select_related(
        "referrer_agency", "referrer", "assigned_to", "partnership", "mash_agency"
    )


def access_contact_by_id(*, viewer: Practitioner, contact_id: int, audit: bool = True) -> Contact:
    contact = contacts_visible_to(viewer=viewer).filter(pk=contact_id).first()
    if contact is None:
        exists = Contact.objects.filter(pk=contact_id).exists()
        ledger_record_denied(
            actor=viewer.actor,
            object_type="contact",
            object_id=contact_id,
            purpose=PURPOSE,
            reason_code="policy" if exists else "missing",
        )
        raise ContactNotFound
    if audit:
        ledger_record(
            actor=viewer.actor,
            action=Action.VIEW,
            object_type="contact",
            object_id=contact.pk,
            purpose=PURPOSE,
        )
    return contact


def _week_for(contact: Contact, cache: dict[int, WorkingWeek]) -> WorkingWeek:
    if contact.partnership_id not in cache:
        cache[contact.partnership_id] = working_week(
            timescales=timescales_for(partnership=contact.partnership)
        )
    return cache[contact.partnership_id]


@dataclass
class QueueRow:
    contact: Contact
    due_at: dt.datetime
    hours_left: float
    clock: str  # "RAG" or "decision"
    hours_total: float = 0.0  # working hours from receipt to due: the clock's whole length
    children: list[QueueChild] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return self.hours_left < 0

    @property
    def rag_tag(self) -> str:
        """The GOV.UK tag colour for the contact's RAG rating ("" when not rated)."""
        return RAG_TAGS.get(self.contact.rag, "")

    @property
    def share_left(self) -> float:
        """How much of the clock is left, 0 to 1 (0 when overdue), for the time-left bar."""
        if self.hours_left <= 0 or self.hours_total <= 0:
            return 0.0
        return min(1.0, self.hours_left / self.hours_total)

    @property
    def bar_width(self) -> int:
        return round(100 * self.share_left)


@dataclass(frozen=True)
class QueueChild:
    """A child named in a contact, as the referrer gave them (the MASH's own record)."""

    name: str
    age: int | None


RAG_TAGS: dict[str, str] = {
    Rag.RED.value: "govuk-tag--red",
    Rag.AMBER.value: "govuk-tag--orange",
    Rag.GREEN.value: "govuk-tag--green",
}


def _age(born: dt.date | None, on: dt.date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _queue_children(contact: Contact, today: dt.date) -> list[QueueChild]:
    children = []
    for cp in contact.people.all():
        if cp.role != PersonRole.CHILD:
            continue
        record = cp.record
        name = f"{record.given_name} {record.family_name}".strip() or "Name not given"
        children.append(QueueChild(name=name, age=_age(record.date_of_birth, today)))
    return children


def _due(contact: Contact) -> tuple[dt.datetime, str]:
    if contact.status in (Status.DECIDED, Status.ESCALATED) or contact.rag_due_at is None:
        return contact.decision_due_at, "decision"
    return min(contact.rag_due_at, contact.decision_due_at), "rag"


def mash_queue(
    *, viewer: Practitioner, now: dt.datetime | None = None, audit: bool = True
) -> list[QueueRow]:
    """The MASH's open contacts, least time left first; overdue ones have negative time."""
    if not is_mash(viewer):
        return []
    now = now or timezone.now()
    weeks: dict[int, WorkingWeek] = {}
    rows = []
    today = timezone.localdate(now)
    contacts = (
        contacts_visible_to(viewer=viewer)
        .filter(mash_agency_id=viewer.agency_id, status__in=OPEN_STATUSES)
        .select_related("referrer_agency", "assigned_to")
        .prefetch_related("people__record", "categories")
    )
    for contact in contacts:
        due, clock = _due(contact)
        week = _week_for(contact, weeks)
        hours = working_hours_between(now, due, week)
        if due < now and hours == 0:
            hours = -1e-9  # past due, though the time since was all out of hours
        rows.append(
            QueueRow(
                contact=contact,
                due_at=due,
                hours_left=hours,
                clock=clock,
                hours_total=working_hours_between(contact.received_at, due, week),
                children=_queue_children(contact, today),
                concerns=sorted(c.name for c in contact.categories.all()),
            )
        )
    rows.sort(key=lambda r: (r.hours_left, r.due_at, r.contact.pk))
    if audit:
        ledger_record(
            actor=viewer.actor,
            action=Action.VIEW,
            object_type="contact_queue",
            purpose=PURPOSE,
            details={"contact_ids": [str(r.contact.pk) for r in rows]},
        )
    return rows


@dataclass
class StepTiming:
    event: ContactEvent
    working_hours: float  # since the step before


def contact_steps(*, contact: Contact) -> list[StepTiming]:
    """Each step on the contact's timeline with the working hours it took."""
    week = working_week(timescales=timescales_for(partnership=contact.partnership))
    events = list(ContactEvent.objects.filter(contact=contact).select_related("by"))
    timings = []
    previous = contact.received_at
    for event in events:
        timings.append(
            StepTiming(event=event, working_hours=working_hours_between(previous, event.at, week))
        )
        previous = event.at
    return timings


@dataclass
class AgencyAnswer:
    agency: Agency
    answered_at: dt.datetime | None
    shared: int = 0
    withheld: int = 0
    withheld_reasons: list[str] = field(default_factory=list)


@dataclass
class RequestSummary:
    request: InformationRequest
    answers: list[AgencyAnswer]


@dataclass
class EnquiryInformation:
    """What the enquiry has gathered: shared items (through the policy point), and per
    agency how many were withheld and why (never what)."""

    requests: list[RequestSummary]
    items: list[InformationItem]

    @property
    def withheld(self) -> int:
        return sum(a.withheld for r in self.requests for a in r.answers)


def enquiry_information(*, viewer: Practitioner, contact: Contact) -> EnquiryInformation:
    request_ids = list(contact.requests.values_list("request_id", flat=True))
    requests = list(InformationRequest.objects.filter(pk__in=request_ids).order_by("requested_at"))
    decisions = list(
        ItemDecision.objects.filter(request_id__in=request_ids, to_agency_id=viewer.agency_id)
        .exclude(outcome=Outcome.WITHDRAWN)
        .values("request_id", "from_agency_id", "outcome", "withhold_reason", "item_id")
    )
    summaries = []
    for request in requests:
        answers = []
        for recipient in RequestRecipient.objects.filter(request=request).select_related("agency"):
            mine = [
                d
                for d in decisions
                if d["request_id"] == request.pk and d["from_agency_id"] == recipient.agency_id
            ]
            reasons = Counter(
                WithholdReason(d["withhold_reason"]).label
                if d["withhold_reason"] in WithholdReason.values
                else "No reason recorded"
                for d in mine
                if d["outcome"] == Outcome.WITHHOLD
            )
            answers.append(
                AgencyAnswer(
                    agency=recipient.agency,
                    answered_at=recipient.answered_at,
                    shared=sum(1 for d in mine if d["outcome"] == Outcome.SHARE),
                    withheld=sum(reasons.values()),
                    withheld_reasons=[f"{label} ({n})" for label, n in sorted(reasons.items())],
                )
            )
        summaries.append(RequestSummary(request=request, answers=answers))
    shared_ids = sorted({d["item_id"] for d in decisions if d["outcome"] == Outcome.SHARE})
    items = list(
        items_visible_to(viewer=viewer, purpose=purpose_in(PURPOSE, f"contact:{contact.pk}"))
        .filter(pk__in=shared_ids)
        .order_by("occurred_at", "id")
    )
    return EnquiryInformation(requests=summaries, items=items)


def requests_for_agency(*, viewer: Practitioner) -> QuerySet[RequestRecipient]:
    """Information requests sent to the viewer's agency, unanswered first."""
    if not (viewer.is_active and viewer.agency_id):
        return RequestRecipient.objects.none()
    return (
        RequestRecipient.objects.filter(agency_id=viewer.agency_id)
        .select_related("request", "request__from_agency")
        .order_by("answered_at", "request__due_at")
    )


def request_for_agency(*, viewer: Practitioner, request_id: int) -> RequestRecipient:
    recipient = requests_for_agency(viewer=viewer).filter(request_id=request_id).first()
    if recipient is None:
        raise ContactNotFound
    ledger_record(
        actor=viewer.actor,
        action=Action.VIEW,
        object_type="information_request",
        object_id=request_id,
        purpose=recipient.request.purpose,
    )
    return recipient


def earlier_contacts(*, contact: Contact) -> list[Contact]:
    """Earlier contacts about the same children, with their decisions (re-referrals)."""
    person_ids = [p.person_id for p in contact.people.all() if p.person_id is not None]
    return list(
        Contact.objects.filter(
            people__person_id__in=person_ids,
            mash_agency_id=contact.mash_agency_id,
            received_at__lte=contact.received_at,
            pk__lt=contact.pk,
        )
        .exclude(pk=contact.pk)
        .select_related("decision")
        .distinct()
        .order_by("-received_at")
    )


def decision_of(*, contact: Contact) -> ThresholdDecision | None:
    return (
        ThresholdDecision.objects.filter(contact=contact)
        .select_related("decided_by", "countersigned_by")
        .first()
    )


def feedback_of(*, contact: Contact) -> Feedback | None:
    return Feedback.objects.filter(contact=contact).first()


def inbox(*, viewer: Practitioner) -> QuerySet[Contact]:
    """The referrer's own contacts, newest first, with decisions and feedback."""
    return (
        Contact.objects.filter(referrer_id=viewer.pk)
        .select_related("feedback", "decision")
        .order_by("-received_at", "-id")
    )


@dataclass
class AgencyFeedbackRow:
    agency: Agency
    due: int = 0
    overdue: int = 0
    sent: int = 0
    sent_late: int = 0


def feedback_overdue_by_agency(
    *, viewer: Practitioner, now: dt.datetime | None = None
) -> list[AgencyFeedbackRow]:
    """Per referring agency: feedback owed, overdue, sent and sent late (MASH only)."""
    if not is_mash(viewer):
        return []
    now = now or timezone.now()
    rows: dict[int, AgencyFeedbackRow] = {}
    weeks: dict[int, WorkingWeek] = {}
    decisions = ThresholdDecision.objects.filter(
        contact__mash_agency_id=viewer.agency_id, contact__wants_feedback=True
    ).select_related("contact__referrer_agency", "contact__partnership")
    sent = dict(
        Feedback.objects.filter(contact__in=[d.contact_id for d in decisions]).values_list(
            "contact_id", "sent_at"
        )
    )
    for decision in decisions:
        contact = decision.contact
        timescales = timescales_for(partnership=contact.partnership)
        due = add_working_days(
            decision.decided_at, timescales.feedback_due_days, _week_for(contact, weeks)
        )
        row = rows.setdefault(
            contact.referrer_agency_id, AgencyFeedbackRow(agency=contact.referrer_agency)
        )
        sent_at = sent.get(contact.pk)
        if sent_at is None:
            row.due += 1
            row.overdue += int(now > due)
        else:
            row.sent += 1
            row.sent_late += int(sent_at > due)
    return sorted(rows.values(), key=lambda r: (-r.overdue, r.agency.name))


def onward_referrals_for_service(*, viewer: Practitioner) -> QuerySet[OnwardReferral]:
    if not (viewer.is_active and viewer.agency_id):
        return OnwardReferral.objects.none()
    return (
        OnwardReferral.objects.filter(service_id=viewer.agency_id)
        .select_related("contact", "contact__referrer_agency")
        .order_by("state", "-sent_at")
    )


def mash_colleagues(*, viewer: Practitioner) -> QuerySet[Practitioner]:
    if viewer.agency_id is None:
        return Practitioner.objects.none()
    return (
        Practitioner.objects.filter(
            agency_id=viewer.agency_id, is_active=True, roles__code__in=sorted(MASH_ROLES)
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def partnership_agencies(*, viewer: Practitioner) -> QuerySet[Agency]:
    if viewer.partnership_id is None or viewer.agency_id is None:
        return Agency.objects.none()
    return Agency.objects.filter(partnership_id=viewer.partnership_id).exclude(pk=viewer.agency_id)


def referral_states() -> list[tuple[str, str]]:
    return list(ReferralState.choices)
