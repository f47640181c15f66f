"""Learning reviews: "who knew what, and when", for a person or a family over a period.

A review is requested, then approved (or refused) by an information-governance lead;
nothing is read before approval. The timeline then has one lane per agency:

* what each agency recorded and when: every item about the people in scope, restricted
  ones included, read through the policy point by the named system actor
  ``system:learning-review`` under the review grant the IG lead's approval created
  (``sharing.ReviewGrant``; each read is a ledger event naming the grant);
* what it shared with whom and when, what it withheld and why, who viewed or searched
  for the people, the requests and how long answers took, break-glass use, linkage of
  their records (all from the ledger, which holds ids and kinds only);
* the front door's threshold decisions and the multi-agency meetings about them.

The export itself is one ``export`` ledger event by the named system actor
``system:learning-review`` carrying the review id and the counts. Closing a review ends
its grant: nothing more is read for it (docs/decisions/0054-review-grants.md).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, NoReturn
from xml.sax.saxutils import escape

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from fullpicture.audit.models import Action, LedgerEvent
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.frontdoor.models import ContactPerson, ThresholdDecision
from fullpicture.governance.models import LearningReview, ReviewStatus
from fullpicture.meetings.models import AgendaEntry, Meeting
from fullpicture.partnerships.four_eyes import refusal_record
from fullpicture.partnerships.models import Agency, Practitioner, RoleCode
from fullpicture.people.models import Person, SourceRecord
from fullpicture.sharing.models import WithholdReason
from fullpicture.sharing.policy import LEARNING_REVIEW_ACTOR, Purpose
from fullpicture.sharing.selectors import review_grant_chronology
from fullpicture.sharing.services import (
    SharingRefused,
    review_grant_create,
    review_grant_end,
    review_grant_tell_agencies,
)

PURPOSE = Purpose.LEARNING_REVIEW.value
ACTOR = Actor.system("learning-review")
assert ACTOR.id == LEARNING_REVIEW_ACTOR  # noqa: S101  (the actor the policy point names)
HUB = "HUB"  # the lane for events no agency did (the hub's own system actors)


class LearningReviewRefused(Exception):
    """No approval, bad scope, or no right: nothing was read."""


LEARNING_REVIEW_MAX_DAYS = 1827  # five years; FULLPICTURE_LEARNING_REVIEW_MAX_DAYS overrides


def learning_review_max_days() -> int:
    """The longest period one review may cover, in days (a setting, five years by default)."""
    return int(getattr(settings, "FULLPICTURE_LEARNING_REVIEW_MAX_DAYS", LEARNING_REVIEW_MAX_DAYS))


def _is_ig_lead(user: Practitioner | None) -> bool:
    return bool(user and user.is_active and user.has_role(RoleCode.IG_LEAD.value))


def _refused(actor: Actor, *, review_id: int | str, rule: str, message: str) -> NoReturn:
    """Record the refusal (``denied``, the rule) and raise it; call outside the write's
    own transaction so the event stays when the refused work rolls back."""
    refusal_record(
        actor=actor, object_type="learning_review", object_id=review_id, rule=rule, purpose=PURPOSE
    )
    raise LearningReviewRefused(message)


# --------------------------------------------------------------------------------------
# Requests and approvals (writes)
# --------------------------------------------------------------------------------------


def _locked_review(review_id: int) -> LearningReview:
    """The review, locked for update until the transaction ends (call inside one)."""
    review = LearningReview.objects.select_for_update().filter(pk=review_id).first()
    if review is None:
        raise LearningReviewRefused(f"There is no learning review {review_id}.")
    return review


def _known_to_partnership(person_ids: list[int], partnership_id: int | None) -> list[int]:
    """Those of the persons an agency of the partnership holds a record of."""
    if partnership_id is None:
        return []
    return sorted(
        set(
            SourceRecord.objects.filter(
                person_id__in=person_ids, agency__partnership_id=partnership_id
            ).values_list("person_id", flat=True)
        )
    )


def _scope_candidates(*, person_id: int | None, household_id: int | None) -> list[int]:
    if person_id is not None:
        return [person_id]
    return sorted(
        Person.objects.filter(households__pk=household_id or 0).values_list("pk", flat=True)
    )


def learning_review_approver_problem(
    *, approver: Practitioner, requested_by: Practitioner | None
) -> tuple[str, str] | None:
    """Why this approver may not approve what this person asked for (rule, message)."""
    if not _is_ig_lead(approver):
        return (
            "learning_review_role",
            "Only an information-governance lead can approve a learning review.",
        )
    if requested_by is None:
        return (
            "four_eyes",
            "A learning review needs a named requester and a second person to approve it: "
            "this one has no named requester (four eyes).",
        )
    if not _is_ig_lead(requested_by):
        return (
            "learning_review_role",
            "Only an information-governance lead can request a learning review.",
        )
    if requested_by.pk == approver.pk:
        return (
            "four_eyes",
            "You asked for this learning review, so you cannot approve it: another "
            "information-governance lead of your partnership must (four eyes).",
        )
    if approver.partnership_id is None or approver.partnership_id != requested_by.partnership_id:
        return (
            "learning_review_partnership",
            "Only an information-governance lead of the requester's own partnership can "
            "approve a learning review.",
        )
    return None


def learning_review_request(
    *,
    requested_by: Practitioner,
    period_from: dt.date,
    period_to: dt.date,
    terms_of_reference: str,
    person_id: int | None = None,
    household_id: int | None = None,
    key_date: dt.date | None = None,
    actor: Actor | None = None,
) -> LearningReview:
    """An information-governance lead asks for a review of a person or a household their
    own partnership's agencies know, over a bounded period that has happened. A person or
    household the partnership does not know is answered exactly as a missing one."""
    actor = actor or requested_by.actor
    if not _is_ig_lead(requested_by):
        _refused(
            actor,
            review_id="",
            rule="learning_review_role",
            message="Only an information-governance lead can request a learning review.",
        )
    errors, rules = [], []
    partnership_id = requested_by.partnership_id
    if (person_id is None) == (household_id is None):
        errors.append("Name one person or one household.")
    elif not _known_to_partnership(
        _scope_candidates(person_id=person_id, household_id=household_id), partnership_id
    ):
        rules.append("learning_review_scope")
        errors.append(
            f"No person {person_id} is known to your partnership's agencies."
            if person_id is not None
            else f"No household {household_id} is known to your partnership's agencies."
        )
    if period_from > period_to:
        errors.append("The period must start on or before it ends.")
    if period_to > timezone.localdate():
        rules.append("learning_review_period")
        errors.append("The period must end today or earlier: a review reads what has happened.")
    max_days = learning_review_max_days()
    if (period_to - period_from).days + 1 > max_days:
        rules.append("learning_review_period")
        errors.append(
            f"A learning review covers at most {max_days} days (about {max_days // 365} years): "
            "shorten the period."
        )
    if not terms_of_reference.strip():
        errors.append("Give the review's terms of reference.")
    if errors:
        _refused(
            actor, review_id="", rule=rules[0] if rules else "bad_input", message=" ".join(errors)
        )
    with transaction.atomic():
        review = LearningReview.objects.create(
            person_id=person_id,
            household_id=household_id,
            period_from=period_from,
            period_to=period_to,
            key_date=key_date,
            terms_of_reference=terms_of_reference.strip(),
            requested_by=requested_by,
            requested_by_actor=actor.id,
            requested_at=timezone.now(),
            partnership_id=partnership_id,
        )
        ledger_record(
            actor=actor,
            action=Action.CREATE,
            object_type="learning_review",
            object_id=review.pk,
            purpose=PURPOSE,
            details={"scope": review.scope_label, "days": (period_to - period_from).days + 1},
        )
    return review


def learning_review_decide(
    *, approver: Practitioner, review_id: int, approve: bool, note: str = ""
) -> LearningReview:
    """A second information-governance lead of the requester's partnership approves or
    refuses a review. Approval creates the review grant the review reads through (its
    persons fixed now; the person, or a family one of whose members, the partnership's
    agencies know), and tells each
    agency whose items it reads, in the same transaction. A review of another partnership
    answers as a missing one; the requester may refuse (withdraw) but never approve."""
    if not _is_ig_lead(approver):
        _refused(
            approver.actor,
            review_id=review_id,
            rule="learning_review_role",
            message="Only an information-governance lead can approve a learning review.",
        )
    problem: tuple[str, str] | None = None
    with transaction.atomic():
        review = _locked_review(review_id)
        if review.partnership_id is None or review.partnership_id != approver.partnership_id:
            problem = ("learning_review_partnership", f"There is no learning review {review_id}.")
        elif review.status != ReviewStatus.REQUESTED:
            raise LearningReviewRefused(
                f"Learning review {review_id} is already {review.get_status_display().lower()}."
            )
        elif approve:
            problem = learning_review_approver_problem(
                approver=approver, requested_by=review.requested_by
            )
        if problem is None:
            _decide(review, approver=approver, approve=approve, note=note)
    if problem is not None:
        _refused(approver.actor, review_id=review_id, rule=problem[0], message=problem[1])
    return review


def _decide(review: LearningReview, *, approver: Practitioner, approve: bool, note: str) -> None:
    review.status = ReviewStatus.APPROVED if approve else ReviewStatus.REFUSED
    review.approved_by = approver
    review.decided_at = timezone.now()
    review.decision_note = note.strip()
    review.version += 1
    details: dict[str, Any] = {}
    if approve:
        persons = _scope_persons(review)  # a family is in scope when one member is known
        if not _known_to_partnership(persons, review.partnership_id):
            raise LearningReviewRefused(
                f"No {review.scope_label} is known to your partnership's agencies."
            )
        try:
            grant = review_grant_create(
                actor=approver.actor,
                approved_by=approver,
                person_ids=persons,
                period_from=review.period_from,
                period_to=review.period_to,
                review_ref=f"learning_review:{review.pk}",
                granted_to=ACTOR.id,
            )
        except SharingRefused as refused:
            raise LearningReviewRefused(str(refused)) from None
        review.grant = grant
        review.agencies_told = review_grant_tell_agencies(
            actor=approver.actor,
            grant_id=grant.pk,
            requested_by=str(review.requested_by or review.requested_by_actor),
        )
        details["review_grant"] = str(grant.pk)
        details["agencies_told"] = [str(a) for a in review.agencies_told]
    review.save()
    ledger_record(
        actor=approver.actor,
        action=Action.UPDATE,
        object_type="learning_review",
        object_id=review.pk,
        purpose=PURPOSE,
        reason_code=review.status,
        details=details,
    )


def learning_review_for(*, viewer: Practitioner, review_id: int) -> LearningReview:
    """A review of the viewer's partnership, for an IG lead; any other answers as missing."""
    review = (
        LearningReview.objects.filter(pk=review_id, partnership_id=viewer.partnership_id or 0)
        .select_related("requested_by", "approved_by")
        .first()
    )
    if review is None or not _is_ig_lead(viewer):
        raise LearningReviewRefused(f"There is no learning review {review_id}.")
    return review


def learning_reviews_of(*, viewer: Practitioner) -> list[LearningReview]:
    """The reviews of the IG lead's partnership, newest first (none for anyone else)."""
    if not _is_ig_lead(viewer) or viewer.partnership_id is None:
        return []
    return list(
        LearningReview.objects.filter(partnership_id=viewer.partnership_id).select_related(
            "requested_by", "approved_by"
        )[:50]
    )


def learning_review_close(*, closer: Practitioner, review_id: int) -> LearningReview:
    """An information-governance lead closes a review: its grant ends, nothing more is read."""
    if not _is_ig_lead(closer):
        raise LearningReviewRefused("Only an information-governance lead can close a review.")
    with transaction.atomic():
        review = _locked_review(review_id)
        if review.partnership_id != closer.partnership_id:
            raise LearningReviewRefused(f"There is no learning review {review_id}.")
        if review.status != ReviewStatus.APPROVED:
            raise LearningReviewRefused(
                f"Learning review {review_id} is {review.get_status_display().lower()}: only "
                "an approved review can be closed."
            )
        review.status = ReviewStatus.CLOSED
        review.closed_at = timezone.now()
        review.version += 1
        review.save(update_fields=["status", "closed_at", "version"])
        if review.grant is not None and review.grant.ended_at is None:
            review_grant_end(actor=closer.actor, grant_id=review.grant.pk)
        ledger_record(
            actor=closer.actor,
            action=Action.UPDATE,
            object_type="learning_review",
            object_id=review.pk,
            purpose=PURPOSE,
            reason_code=ReviewStatus.CLOSED,
            details={"review_grant": str(review.grant_id or "")},
        )
    return review


# --------------------------------------------------------------------------------------
# The timeline (reads)
# --------------------------------------------------------------------------------------


@dataclass
class Timeline:
    review: LearningReview
    person_ids: list[int]
    events: list[dict[str, Any]]
    agencies: dict[str, str]  # code -> name, lanes in order

    def summary(self) -> dict[str, Any]:
        key = self.review.key_date
        recorded = [e for e in self.events if e["kind"] == "recorded"]
        before = [e for e in recorded if key is None or e["at"][:10] < key.isoformat()]
        return {
            "review_id": self.review.pk,
            "scope": self.review.scope_label,
            "period_from": self.review.period_from.isoformat(),
            "period_to": self.review.period_to.isoformat(),
            "key_date": key.isoformat() if key else None,
            "events": len(self.events),
            "events_by_kind": dict(sorted(Counter(e["kind"] for e in self.events).items())),
            "agencies_with_records": sorted({e["agency"] for e in recorded}),
            "agencies_holding_pieces_before_key_date": sorted({e["agency"] for e in before}),
            "items_before_key_date": len(before),
        }


def _iso(at: dt.datetime) -> str:
    return timezone.localtime(at).isoformat(timespec="seconds")


def approved_review_covering(
    *,
    person_id: int | None,
    household_id: int | None,
    period_from: dt.date,
    period_to: dt.date,
) -> LearningReview | None:
    """The approved review for exactly this scope whose period covers the one asked for."""
    scope = Q(person__isnull=True) if person_id is None else Q(person_id=person_id)
    scope &= Q(household__isnull=True) if household_id is None else Q(household_id=household_id)
    return (
        LearningReview.objects.filter(scope)
        .filter(
            status=ReviewStatus.APPROVED,
            period_from__lte=period_from,
            period_to__gte=period_to,
        )
        .order_by("-decided_at", "-pk")
        .first()
    )


def _scope_persons(review: LearningReview) -> list[int]:
    if review.person_id is not None:
        return [review.person_id]
    assert review.household is not None  # noqa: S101  (the check constraint)
    # A household merged since the review was asked for redirects to the one it became.
    return sorted(review.household.resolved().members.values_list("pk", flat=True))


def _bounds(review: LearningReview) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(review.period_from, dt.time.min))
    end = timezone.make_aware(
        dt.datetime.combine(review.period_to + dt.timedelta(days=1), dt.time.min)
    )
    return start, end


def _agency_code(event: LedgerEvent) -> str:
    return event.actor_agency or HUB


def learning_review_timeline(
    *, review_id: int, within: tuple[dt.date, dt.date] | None = None
) -> Timeline:
    """Build the timeline of an approved review; refused (nothing read) without approval.

    ``within`` narrows the period to part of the approved one (never widens it).
    """
    review = (
        LearningReview.objects.select_related("approved_by__agency", "household", "grant")
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise LearningReviewRefused(f"There is no learning review {review_id}.")
    if review.status == ReviewStatus.CLOSED:
        raise LearningReviewRefused(
            f"Learning review {review_id} is closed and its grant ended, so nothing was read."
        )
    if (
        review.status != ReviewStatus.APPROVED
        or not _is_ig_lead(review.approved_by)
        or review.approved_by_id == review.requested_by_id  # four eyes, old rows too
    ):
        raise LearningReviewRefused(
            f"Learning review {review_id} has not been approved by an information-governance "
            "lead, so nothing was read. Ask the IG lead to approve it."
        )
    if review.grant is None:
        raise LearningReviewRefused(
            f"Learning review {review_id} has no review grant (it was approved before grants "
            "existed), so nothing was read. Request and approve it again."
        )
    person_ids = sorted(review.grant.persons.values_list("pk", flat=True))  # fixed at approval
    start, end = _bounds(review)
    if within is not None:
        if within[0] < review.period_from or within[1] > review.period_to:
            raise LearningReviewRefused(
                f"Learning review {review_id} was approved for {review.period_from} to "
                f"{review.period_to} only: nothing was read."
            )
        narrowed = LearningReview(period_from=within[0], period_to=within[1])
        start, end = _bounds(narrowed)
    in_scope = set(person_ids)
    events: list[dict[str, Any]] = []

    # 1. What each agency recorded, through the review grant (each read is in the ledger).
    items: dict[int, Any] = {}
    for person_id in person_ids:
        try:
            read = review_grant_chronology(
                actor=ACTOR, grant_id=review.grant.pk, person_id=person_id
            )
        except SharingRefused as refused:
            raise LearningReviewRefused(f"{refused} Nothing was read.") from None
        for item in read:
            items.setdefault(item.pk, item)
    about: dict[int, list[int]] = defaultdict(list)
    for item in items.values():
        about[item.pk] = sorted(p.pk for p in item.persons.all() if p.pk in in_scope)
        if not (start <= item.occurred_at < end or start <= item.recorded_at < end):
            continue
        events.append(
            {
                "at": _iso(item.recorded_at),
                "occurred_at": _iso(item.occurred_at),
                "kind": "recorded",
                "agency": item.source_agency.code,
                "item_id": item.pk,
                "person_ids": about[item.pk],
                "what": f"{item.category.name}: {item.summary}",
                "ledger_seq": None,
            }
        )

    # 2. What the ledger holds about them (ids and kinds).
    str_persons = [str(p) for p in person_ids]
    records = list(
        SourceRecord.objects.filter(person_id__in=person_ids).values_list("pk", "agency__code")
    )
    record_agency = {str(pk): code for pk, code in records}
    meetings = sorted(
        set(
            AgendaEntry.objects.filter(
                Q(person_id__in=person_ids) | Q(household__members__pk__in=person_ids)
            ).values_list("meeting_id", flat=True)
        )
    )
    contacts = sorted(
        set(
            ContactPerson.objects.filter(person_id__in=person_ids).values_list(
                "contact_id", flat=True
            )
        )
    )
    request_ids = [
        e.object_id
        for e in LedgerEvent.objects.filter(
            action=Action.REQUEST, object_type="information_request"
        )
        if str((e.details or {}).get("person_id", "")) in str_persons
    ]
    grant_ids = [
        e.object_id
        for e in LedgerEvent.objects.filter(object_type="break_glass_grant")
        if str((e.details or {}).get("person_id", "")) in str_persons
    ]
    q = (
        Q(object_type__in=["person", "person_chronology"], object_id__in=str_persons)
        | Q(object_type="information_item", object_id__in=[str(i) for i in items])
        | Q(object_type="source_record", object_id__in=list(record_agency))
        | Q(object_type="information_request", object_id__in=request_ids)
        | Q(object_type="break_glass_grant", object_id__in=grant_ids)
        | Q(
            object_type__in=["meeting", "meeting_minutes", "meeting_contribution"],
            object_id__in=[str(m) for m in meetings],
        )
        | Q(object_type="contact", object_id__in=[str(c) for c in contacts])
    )
    codes = dict(Agency.objects.values_list("pk", "code"))
    reasons = dict(WithholdReason.choices)
    requested_at: dict[str, dt.datetime] = {}
    ledger_events = list(
        LedgerEvent.objects.filter(at__gte=start, at__lt=end).filter(q).order_by("seq")
    )
    searches = LedgerEvent.objects.filter(
        action=Action.SEARCH, object_type="person", at__gte=start, at__lt=end
    ).order_by("seq")
    for event in searches:
        shown = {str(p) for p in (event.details or {}).get("person_ids", [])}
        if shown & set(str_persons):
            ledger_events.append(event)
    for event in sorted(ledger_events, key=lambda e: e.seq):
        entry = _ledger_entry(
            event,
            in_scope=str_persons,
            about=about,
            record_agency=record_agency,
            codes=codes,
            reasons=reasons,
            requested_at=requested_at,
        )
        events.append(entry)

    # 3. Front-door decisions and meetings (the records themselves, not only the ledger).
    for decision in ThresholdDecision.objects.filter(
        contact_id__in=contacts, decided_at__gte=start, decided_at__lt=end
    ).select_related("contact__mash_agency"):
        events.append(
            {
                "at": _iso(decision.decided_at),
                "kind": "decision",
                "agency": decision.contact.mash_agency.code,
                "contact_id": decision.contact_id,
                "person_ids": sorted(
                    in_scope & set(decision.contact.people.values_list("person_id", flat=True))
                ),
                "what": f"Threshold decision: {decision.get_level_display()}; "
                f"{decision.get_outcome_display()}",
                "ledger_seq": None,
            }
        )
    for meeting in Meeting.objects.filter(
        pk__in=meetings, starts_at__gte=start, starts_at__lt=end
    ).select_related("host_agency"):
        events.append(
            {
                "at": _iso(meeting.starts_at),
                "kind": "meeting",
                "agency": meeting.host_agency.code,
                "meeting_id": meeting.pk,
                "person_ids": sorted(
                    in_scope & {p for entry in meeting.agenda.all() for p in entry.person_ids()}
                ),
                "what": f"{meeting.get_kind_display()}: {meeting.title} "
                f"({meeting.invitations.count()} agencies invited, "
                f"{meeting.actions.count()} actions)",
                "ledger_seq": None,
            }
        )
    events.sort(key=lambda e: (e["at"], e["ledger_seq"] or 0))
    lane_codes = sorted({e["agency"] for e in events})
    names = dict(Agency.objects.filter(code__in=lane_codes).values_list("code", "name"))
    names.setdefault(HUB, "The hub (system actors)")
    for e in events:
        e["agency_name"] = names.get(e["agency"], e["agency"])
    return Timeline(
        review=review,
        person_ids=person_ids,
        events=events,
        agencies={c: names.get(c, c) for c in lane_codes},
    )


KIND_OF_ACTION: dict[str, str] = {
    Action.SHARE: "shared",
    Action.WITHHOLD: "withheld",
    Action.VIEW: "viewed",
    Action.SEARCH: "searched",
    Action.REQUEST: "requested",
    Action.ANSWER: "answered",
    Action.BREAK_GLASS: "break_glass",
    Action.LINK: "linked",
    Action.UNLINK: "unlinked",
    Action.EXPORT: "exported",
}


def _ledger_entry(
    event: LedgerEvent,
    *,
    in_scope: list[str],
    about: dict[int, list[int]],
    record_agency: dict[str, str],
    codes: dict[int, str],
    reasons: dict[str, str],
    requested_at: dict[str, dt.datetime],
) -> dict[str, Any]:
    details = event.details or {}
    kind = KIND_OF_ACTION.get(event.action, event.action)
    agency = _agency_code(event)
    persons: list[int] = []
    what = f"{event.get_action_display()} {event.object_type.replace('_', ' ')}"
    entry: dict[str, Any] = {
        "at": _iso(event.at),
        "ledger_seq": event.seq,
        "purpose": event.purpose,
    }
    if event.object_type == "information_item":
        persons = about.get(int(event.object_id), [])
        to = codes.get(int(details.get("to_agency_id") or 0), "")
        entry["item_id"] = int(event.object_id)
        if event.action == Action.SHARE:
            what = f"Shared item {event.object_id} with {to}"
            entry["to_agency"] = to
        elif event.action == Action.WITHHOLD:
            reason = reasons.get(event.reason_code, event.reason_code or "no reason code")
            what = f"Withheld item {event.object_id} from {to}: {reason}"
            entry["to_agency"] = to
            entry["withhold_reason"] = event.reason_code
    elif event.object_type in ("person", "person_chronology"):
        persons = [int(event.object_id)] if event.object_id else []
        if event.action == Action.SEARCH:
            shown = {str(p) for p in details.get("person_ids", [])}
            persons = sorted(int(p) for p in shown & set(in_scope))
            what = "Searched and saw that the person is known"
        elif event.object_type == "person_chronology":
            what = f"Viewed the chronology ({len(details.get('item_ids', []))} items shown)"
        elif event.action == Action.BREAK_GLASS:
            what = "Break-glass access started"
        else:
            what = "Opened the person's record"
    elif event.object_type == "source_record":
        agency = record_agency.get(event.object_id, agency)
        what = f"{event.get_action_display()}: the agency's record {event.object_id}"
    elif event.object_type == "information_request":
        persons = [int(details["person_id"])] if str(details.get("person_id", "")) else []
        if event.action == Action.REQUEST:
            requested_at[event.object_id] = event.at
            asked = [codes.get(int(a), str(a)) for a in details.get("agency_ids", [])]
            what = f"Requested information from {', '.join(asked)}"
            entry["to_agencies"] = asked
        elif event.action == Action.ANSWER:
            asked_at = requested_at.get(event.object_id)
            hours = (event.at - asked_at).total_seconds() / 3600 if asked_at else None
            entry["response_hours"] = round(hours, 2) if hours is not None else None
            what = "Answered a request" + (f" after {hours:.1f} hours" if hours is not None else "")
        entry["request_id"] = event.object_id
    elif event.object_type == "break_glass_grant":
        persons = [int(details["person_id"])] if str(details.get("person_id", "")) else []
        what = f"Break-glass {event.reason_code.replace('_', ' ')}"
    elif event.object_type.startswith("meeting"):
        entry["meeting_id"] = int(event.object_id)
        what = f"Meeting {event.object_id}: {event.reason_code or event.get_action_display()}"
        kind = "meeting_record" if event.object_type == "meeting" else kind
    elif event.object_type == "contact":
        entry["contact_id"] = int(event.object_id)
        step = event.reason_code or event.get_action_display()
        what = f"Front door contact {event.object_id}: {step}"
        kind = "front_door"
    entry.update(
        {
            "kind": kind,
            "agency": agency,
            "actor": event.actor_id,
            "person_ids": sorted(set(persons) & {int(p) for p in in_scope}),
            "what": what,
        }
    )
    return entry


# --------------------------------------------------------------------------------------
# The export: JSON and PDF, recorded in the ledger
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LearningReviewExport:
    review_id: int
    stem: str
    json_bytes: bytes
    pdf_bytes: bytes
    summary: dict[str, Any]


def learning_review_export(
    *,
    review_id: int,
    actor: Actor = ACTOR,
    within: tuple[dt.date, dt.date] | None = None,
) -> LearningReviewExport:
    """The review as JSON (one entry per event, each naming its agency) and a PDF; one
    ``export`` ledger event, in the same transaction as the reads."""
    with transaction.atomic():
        timeline = learning_review_timeline(review_id=review_id, within=within)
        summary = timeline.summary()
        body = {
            "title": "Learning review: who knew what, and when",
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "summary": summary,
            "terms_of_reference": timeline.review.terms_of_reference,
            "lanes": timeline.agencies,
            "events": timeline.events,
        }
        ledger_record(
            actor=actor,
            action=Action.EXPORT,
            object_type="learning_review",
            object_id=review_id,
            purpose=PURPOSE,
            details={
                "events": len(timeline.events),
                "agencies": len(timeline.agencies),
                "approved_by": f"user:{timeline.review.approved_by_id}",
                "review_grant": str(timeline.review.grant_id or ""),
                # whose records were read, for "who looked at whom"
                "person_ids": [
                    str(p)
                    for p in sorted(
                        timeline.review.grant.persons.values_list("pk", flat=True)
                        if timeline.review.grant
                        else []
                    )
                ],
            },
        )
    stem = f"learning-review-{review_id}-{timezone.now():%Y%m%dT%H%M%S}"
    return LearningReviewExport(
        review_id=review_id,
        stem=stem,
        json_bytes=json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8"),
        pdf_bytes=_pdf(timeline, summary),
        summary=summary,
    )


def _pdf(timeline: Timeline, summary: dict[str, Any]) -> bytes:
    styles = getSampleStyleSheet()
    body = ParagraphStyle("lr-body", parent=styles["BodyText"], fontSize=10, leading=13)
    small = ParagraphStyle("lr-small", parent=body, fontSize=7.5, leading=9.5)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        title=f"Learning review {timeline.review.pk}",
        author="Full Picture",
        subject="Learning review: who knew what, and when",
        lang="en-GB",
        leftMargin=12 * mm,
        rightMargin=12 * mm,
    )

    def p(text: object, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(str(text or "")), style)

    key = summary["key_date"]
    story: list[Any] = [
        p("Learning review: who knew what, and when", styles["Title"]),
        p(
            f"Review {summary['review_id']} of {summary['scope']}, {summary['period_from']} to "
            f"{summary['period_to']}. Terms of reference: {timeline.review.terms_of_reference}"
        ),
        p(
            f"{summary['events']} events in {len(timeline.agencies)} lanes. "
            + (
                f"Before {key}, {len(summary['agencies_holding_pieces_before_key_date'])} "
                f"agencies had recorded {summary['items_before_key_date']} items: "
                + ", ".join(
                    timeline.agencies.get(c, c)
                    for c in summary["agencies_holding_pieces_before_key_date"]
                )
                + "."
                if key
                else ""
            )
        ),
        p(
            "Confidential: for the review panel only. Every item about the people in scope is "
            f"here, restricted items included, read through review grant "
            f"{timeline.review.grant_id} that the IG lead's approval created; every read for "
            "this review is in the ledger.",
            small,
        ),
        Spacer(1, 4 * mm),
    ]
    lanes = list(timeline.agencies)
    header = [p("When", small), *(p(timeline.agencies[c], small) for c in lanes)]
    rows: list[list[Any]] = [header]
    for e in timeline.events:
        cells: list[Any] = ["" for _ in lanes]
        cells[lanes.index(e["agency"])] = p(f"{e['kind']}: {e['what']}", small)
        rows.append([p(e["at"][:16].replace("T", " "), small), *cells])
    width = (landscape(A4)[0] - 24 * mm - 22 * mm) / max(len(lanes), 1)
    table = Table(rows, colWidths=[22 * mm, *([width] * len(lanes))], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    doc.build(story)
    return buffer.getvalue()
