"""Board scrutiny panels read from the front door's records (contacts, decisions, feedback).

Counts only, per partnership and period (contacts received in the period). Working
hours and days are the partnership's own timescales (``frontdoor.Timescales``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.utils import timezone

from fullpicture.frontdoor.models import Contact, ContactEvent, Rag, Step, Timescales
from fullpicture.frontdoor.services import working_week
from fullpicture.frontdoor.workinghours import add_working_days, add_working_hours
from fullpicture.governance.panels import Panel, Period, agencies_of
from fullpicture.vocabulary.models import NeedLevel


def _timescales(partnership_id: int) -> Timescales:
    found = Timescales.objects.filter(partnership_id=partnership_id).first()
    return found or Timescales(partnership_id=partnership_id)  # the published defaults


def _contacts(partnership_id: int, period: Period) -> list[Contact]:
    return list(
        Contact.objects.filter(
            partnership_id=partnership_id,
            received_at__gte=period.since,
            received_at__lt=period.until,
        )
        .select_related("referrer_agency")
        .order_by("received_at", "pk")
    )


def triage_timeliness(*, partnership_id: int, period: Period) -> Panel:
    """Contacts triaged within their RAG timescale (working hours from receipt)."""
    timescales = _timescales(partnership_id)
    week = working_week(timescales=timescales)
    contacts = [c for c in _contacts(partnership_id, period) if c.rag]
    triaged: dict[int, dt.datetime] = {}
    for contact_id, at in (
        ContactEvent.objects.filter(contact__in=contacts, step=Step.TRIAGED)
        .order_by("at", "pk")
        .values_list("contact_id", "at")
    ):
        triaged.setdefault(contact_id, at)
    now = timezone.now()
    counts: Counter[tuple[str, str]] = Counter()
    for contact in contacts:
        due = add_working_hours(contact.received_at, timescales.hours_for(contact.rag), week)
        triaged_at = triaged.get(contact.pk)
        if triaged_at is None:
            counts[(contact.rag, "overdue" if now > due else "waiting")] += 1
        else:
            counts[(contact.rag, "in_time" if triaged_at <= due else "late")] += 1
    panel = Panel(
        key="triage",
        title="Triage timeliness by RAG rating",
        description="Contacts received in the period, triaged within their RAG timescale "
        f"(red {timescales.red_hours}, amber {timescales.amber_hours}, green "
        f"{timescales.green_hours} working hours) or not.",
        columns=["RAG rating", "In time", "Late", "Not yet, overdue", "Not yet, in time"],
    )
    for rag, label in Rag.choices:
        row = [counts[(rag, k)] for k in ("in_time", "late", "overdue", "waiting")]
        panel.rows.append([label, *row])
    return panel


def decisions_within_a_day(*, partnership_id: int, period: Period) -> Panel:
    """Threshold decisions made within 1 working day of the contact arriving."""
    week = working_week(timescales=_timescales(partnership_id))
    counts: Counter[str] = Counter()
    now = timezone.now()
    for contact in _contacts(partnership_id, period):
        due = add_working_days(contact.received_at, 1, week)
        decision = getattr(contact, "decision", None)
        if decision is None:
            counts["overdue" if now > due else "waiting"] += 1
        else:
            counts["in_time" if decision.decided_at <= due else "late"] += 1
    panel = Panel(
        key="decisions",
        title="Threshold decisions made within 1 working day",
        description="Contacts received in the period: decided within one working day, later, "
        "or not yet decided.",
        columns=["Decision", "Contacts"],
    )
    for key, label in (
        ("in_time", "Within 1 working day"),
        ("late", "Later than 1 working day"),
        ("overdue", "Not yet decided: overdue"),
        ("waiting", "Not yet decided: in time"),
    ):
        panel.rows.append([label, counts[key]])
    return panel


def feedback_by_agency(*, partnership_id: int, period: Period) -> Panel:
    """Feedback to referrers who asked for it, by referring agency: sent, late, overdue."""
    timescales = _timescales(partnership_id)
    week = working_week(timescales=timescales)
    agencies = agencies_of(partnership_id)
    now = timezone.now()
    counts: Counter[tuple[str, str]] = Counter()
    for contact in _contacts(partnership_id, period):
        decision = getattr(contact, "decision", None)
        if not contact.wants_feedback or decision is None:
            continue
        due = add_working_days(decision.decided_at, timescales.feedback_due_days, week)
        feedback = getattr(contact, "feedback", None)
        code = contact.referrer_agency.code
        if feedback is None:
            counts[(code, "overdue" if now > due else "owed")] += 1
        else:
            counts[(code, "sent" if feedback.sent_at <= due else "late")] += 1
    panel = Panel(
        key="feedback",
        title="Feedback to referrers, by referring agency",
        description="After each threshold decision, the referrer is told whether the "
        "information was relevant, where it is recorded, what was done and what is needed "
        f"(due {timescales.feedback_due_days} working day(s) after the decision).",
        columns=["Referring agency", "Sent in time", "Sent late", "Overdue", "Not yet due"],
    )
    for code, name in agencies.items():
        row = [counts[(code, k)] for k in ("sent", "late", "overdue", "owed")]
        if any(row):
            panel.rows.append([name, *row])
    return panel


def threshold_consistency(*, partnership_id: int, period: Period) -> Panel:
    """Levels of need decided for each referring agency's contacts, and re-referrals."""
    agencies = agencies_of(partnership_id)
    counts: Counter[tuple[str, int | str]] = Counter()
    for contact in _contacts(partnership_id, period):
        code = contact.referrer_agency.code
        decision = getattr(contact, "decision", None)
        if decision is not None:
            counts[(code, decision.level)] += 1
        if contact.is_re_referral:
            counts[(code, "re")] += 1
    panel = Panel(
        key="thresholds",
        title="Threshold consistency: levels decided per referring agency",
        description="The level of need decided for contacts from each agency, and how many "
        f"were re-referrals within {_timescales(partnership_id).rereferral_months} months.",
        columns=[
            "Referring agency",
            *(label.split(":")[0] for _, label in NeedLevel.choices),
            "Re-referrals",
        ],
    )
    for code, name in agencies.items():
        row = [counts[(code, level)] for level, _ in NeedLevel.choices] + [counts[(code, "re")]]
        if any(row):
            panel.rows.append([name, *row])
    return panel


FRONT_DOOR_PANELS = (
    triage_timeliness,
    decisions_within_a_day,
    feedback_by_agency,
    threshold_consistency,
)
