"""The front door: contacts, MASH triage against a clock, threshold decisions, feedback.

A contact is a concern about one or more children and adults, raised once by a
practitioner (or by a member of the public, taken by phone). It is triaged (RAG,
with a clock in the partnership's working hours), information is gathered from
agencies (``sharing``'s information requests), a decision is made on the continuum
of need and countersigned by a MASH manager, and the referrer is told what happened
(footnote 38's four parts). Local rules (hours, timescales) are data.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from fullpicture.partnerships.models import Agency, Partnership
from fullpicture.people.models import Person, SourceRecord
from fullpicture.sharing.models import (
    Consent,
    InformationItem,
    InformationRequest,
    Paragraph18Reason,
)
from fullpicture.vocabulary.models import ConcernCategory, NeedLevel


class Division(models.TextChoices):
    ENGLAND_AND_WALES = "england-and-wales", "England and Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class Timescales(models.Model):
    """A partnership's working hours and front-door timescales (seeded with defaults)."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="frontdoor_timescales"
    )
    day_starts = models.TimeField(default=dt.time(9, 0))
    day_ends = models.TimeField(default=dt.time(17, 0))
    monday = models.BooleanField(default=True)
    tuesday = models.BooleanField(default=True)
    wednesday = models.BooleanField(default=True)
    thursday = models.BooleanField(default=True)
    friday = models.BooleanField(default=True)
    saturday = models.BooleanField(default=False)
    sunday = models.BooleanField(default=False)
    bank_holidays = models.CharField(
        "bank holidays of",
        max_length=24,
        choices=Division.choices,
        default=Division.ENGLAND_AND_WALES,
    )
    red_hours = models.PositiveSmallIntegerField("red (working hours)", default=4)
    amber_hours = models.PositiveSmallIntegerField("amber (working hours)", default=24)
    green_hours = models.PositiveSmallIntegerField("green (working hours)", default=72)
    decision_due_days = models.PositiveSmallIntegerField(
        "decision due (working days after receipt)", default=1
    )
    feedback_due_days = models.PositiveSmallIntegerField(
        "feedback due (working days after the decision)", default=1
    )
    rereferral_months = models.PositiveSmallIntegerField("re-referral window (months)", default=12)
    closed_case_months = models.PositiveSmallIntegerField(
        "route to the team that closed a case within (months)", default=6
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "front-door timescales"
        verbose_name_plural = "front-door timescales"

    def __str__(self) -> str:
        return f"Timescales for {self.partnership}"

    def clean(self) -> None:
        if self.day_starts >= self.day_ends:
            raise ValidationError({"day_ends": "The working day must end after it starts."})
        if not self.weekday_numbers:
            raise ValidationError("Choose at least one working day.")
        if not (self.red_hours and self.amber_hours and self.green_hours):
            raise ValidationError("Each RAG timescale must be at least one working hour.")

    @property
    def weekday_numbers(self) -> frozenset[int]:
        days = (
            self.monday,
            self.tuesday,
            self.wednesday,
            self.thursday,
            self.friday,
            self.saturday,
            self.sunday,
        )
        return frozenset(n for n, works in enumerate(days) if works)

    def hours_for(self, rag: str) -> int:
        return {Rag.RED: self.red_hours, Rag.AMBER: self.amber_hours, Rag.GREEN: self.green_hours}[
            Rag(rag)
        ]


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class Status(models.TextChoices):
    NEW = "new", "New"
    TRIAGED = "triaged", "Triaged"
    INFORMATION_REQUESTED = "information_requested", "Information requested"
    DECIDED = "decided", "Decided: awaiting countersignature"
    COUNTERSIGNED = "countersigned", "Decision countersigned"
    ESCALATED = "escalated", "Decision escalated"


class ReferrerKind(models.TextChoices):
    PRACTITIONER = "practitioner", "A practitioner"
    PUBLIC = "public", "A member of the public (by phone)"


class Contact(models.Model):
    """A concern about one or more people, as it reached the front door."""

    reference = models.CharField(max_length=24, unique=True)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    mash_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", help_text="The MASH it went to."
    )
    referrer_kind = models.CharField(
        max_length=16, choices=ReferrerKind.choices, default=ReferrerKind.PRACTITIONER
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts_referred",
        help_text="The practitioner who raised it (empty for a member of the public).",
    )
    referrer_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="contacts_referred"
    )
    caller_name = models.CharField("caller's name", max_length=120, blank=True)
    caller_phone = models.CharField("caller's phone", max_length=32, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contacts_taken",
        help_text="Who recorded it: the referrer, or the MASH worker who took the call.",
    )
    what_happened = models.TextField("what was seen or heard")
    categories = models.ManyToManyField(ConcernCategory, related_name="+")
    consent = models.CharField(max_length=16, choices=Consent.choices)
    paragraph18_reason = models.CharField(
        max_length=32, choices=Paragraph18Reason.choices, blank=True, default=""
    )
    wants_feedback = models.BooleanField(default=True)
    received_at = models.DateTimeField()
    item = models.ForeignKey(
        InformationItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.NEW)
    rag = models.CharField(max_length=8, choices=Rag.choices, blank=True, default="")
    rag_due_at = models.DateTimeField(null=True, blank=True)
    decision_due_at = models.DateTimeField()
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts_assigned",
    )
    is_re_referral = models.BooleanField(default=False)
    routed_team = models.CharField(max_length=120, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["partnership", "status"]),
            models.Index(fields=["referrer_agency", "received_at"]),
        ]

    def __str__(self) -> str:
        return self.reference


class PersonRole(models.TextChoices):
    CHILD = "child", "Child"
    ADULT = "adult", "Adult"


class Match(models.TextChoices):
    MATCHED = "matched", "Matched to a known person"
    POSSIBLE = "possible", "Possible match: sent for review"
    NEW = "new", "New to the hub"


class ReferrerMatch(models.TextChoices):
    """What a referrer is told about a person they named: never more than their own search
    for that person would show (docs/decisions/0072). The MASH sees ``Match``."""

    MATCHED = "matched", "Matched to a person your agency already holds"
    RECORDED = "recorded", "Recorded: the MASH checks whether they are known"


class ContactPerson(models.Model):
    """One person a contact is about, as the referrer described them."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(max_length=8, choices=PersonRole.choices)
    record = models.OneToOneField(SourceRecord, on_delete=models.PROTECT, related_name="+")
    match = models.CharField(max_length=12, choices=Match.choices)
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["contact_id", "id"]

    def __str__(self) -> str:
        return f"{self.contact_id}:{self.role}:{self.pk}"


class Step(models.TextChoices):
    RECEIVED = "received", "Received"
    TRIAGED = "triaged", "Triaged"
    ASSIGNED = "assigned", "Assigned"
    INFORMATION_REQUESTED = "information_requested", "Information requested"
    DECIDED = "decided", "Decision made"
    COUNTERSIGNED = "countersigned", "Decision countersigned"
    FEEDBACK_SENT = "feedback_sent", "Feedback sent"
    ESCALATED = "escalated", "Escalated"
    ESCALATION_RESOLVED = "escalation_resolved", "Escalation resolved"
    ONWARD_REFERRAL = "onward_referral", "Onward referral sent"
    ONWARD_RESPONSE = "onward_response", "Onward referral answered"


class ContactEvent(models.Model):
    """One step in a contact's journey, timed (the time each step took is read from these)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(max_length=24, choices=Step.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["contact_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.contact_id}:{self.step}"


class ContactRequest(models.Model):
    """An information request (the sharing app's) sent for this contact's enquiry."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="requests")
    request = models.OneToOneField(InformationRequest, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["contact_id", "request_id"]

    def __str__(self) -> str:
        return f"{self.contact_id}:{self.request_id}"


class Outcome(models.TextChoices):
    NFA_ADVICE = "nfa_advice", "No further action, with advice"
    UNIVERSAL = "universal", "Universal services"
    EARLY_HELP = "early_help", "Early help assessment"
    ASSESSMENT = "assessment", "Child and family assessment"
    STRATEGY = "strategy", "Strategy discussion"
    EMERGENCY = "emergency", "Police or emergency action"


class ThresholdDecision(models.Model):
    """The MASH's decision on the continuum of need, countersigned by a manager."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="decision")
    level = models.PositiveSmallIntegerField(choices=NeedLevel.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    rationale = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    due_at = models.DateTimeField()
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)
    countersign_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"Decision on {self.contact_id}"

    @property
    def on_time(self) -> bool:
        return self.decided_at <= self.due_at


class Escalation(models.Model):
    """A recorded disagreement with a decision, and how it was resolved."""

    decision = models.ForeignKey(
        ThresholdDecision, on_delete=models.CASCADE, related_name="escalations"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    reason = models.TextField()
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["raised_at", "id"]

    def __str__(self) -> str:
        return f"Escalation {self.pk}"


class Relevance(models.TextChoices):
    RELEVANT = "relevant", "Yes: the information was relevant"
    PARTLY = "partly", "Partly relevant"
    NOT_RELEVANT = "not_relevant", "No: it did not meet the need for a referral"


class Feedback(models.Model):
    """What the referrer is told, in footnote 38's four parts."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="feedback")
    relevance = models.CharField(max_length=16, choices=Relevance.choices)
    where_recorded = models.TextField()
    actions_taken = models.TextField()
    further_action_needed = models.BooleanField()
    further_action = models.TextField(blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"Feedback on {self.contact_id}"


class ReferralState(models.TextChoices):
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class OnwardReferral(models.Model):
    """A referral on to a service (early help, a voluntary or community service)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="onward_referrals")
    service = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    state = models.CharField(
        max_length=12, choices=ReferralState.choices, default=ReferralState.SENT
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField()
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"Onward referral {self.pk}"


class ClosedCase(models.Model):
    """A children's social care case and the team that held it (for routing re-referrals)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    team = models.CharField(max_length=120)
    closed_on = models.DateField()

    class Meta:
        ordering = ["-closed_on"]

    def __str__(self) -> str:
        return f"Case closed {self.closed_on} ({self.team})"
