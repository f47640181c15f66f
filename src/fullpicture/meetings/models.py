"""Multi-agency meetings: invitations, agenda, contributions, notes, decisions, actions, minutes.

What an agency contributes is an information item shared (or withheld) through the
sharing app's decisions for the purpose ``multi_agency_meeting``; a ``Contribution``
only remembers that the item was tabled at this meeting. Items are always read
back through the policy point. Minutes are versioned: a signed-off version is a
frozen snapshot that is never changed; editing afterwards opens the next version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from fullpicture.partnerships.models import Agency, Partnership
from fullpicture.people.models import Household, Person


class MeetingKind(models.TextChoices):
    MASH_DAILY = "mash_daily", "MASH daily meeting"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
    CHILD_PROTECTION_CONFERENCE = "cp_conference", "Child protection conference"
    RISK_ASSESSMENT_CONFERENCE = "marac", "Risk-assessment conference (MARAC)"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    kind = models.CharField(max_length=24, choices=MeetingKind.choices)
    title = models.CharField(max_length=200)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    host_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    invited_agencies: models.ManyToManyField[Agency, Invitation] = models.ManyToManyField(
        Agency, through="Invitation", related_name="meetings"
    )
    status = models.CharField(
        max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return f"Meeting {self.pk}"


class Invitation(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField()
    contribution_ready_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting_id", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "agency"], name="uniq_meeting_invitation")
        ]

    def __str__(self) -> str:
        return f"Meeting {self.meeting_id} invites {self.agency_id}"


class AgendaEntry(models.Model):
    """One child or one family on the agenda."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(default=1)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["meeting_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(household__isnull=True))
                | (Q(person__isnull=True) & Q(household__isnull=False)),
                name="agenda_person_xor_household",
            )
        ]

    def __str__(self) -> str:
        return f"Agenda {self.meeting_id}.{self.position}"

    def person_ids(self) -> list[int]:
        if self.person_id is not None:
            return [self.person_id]
        if self.household is not None:
            # A household merged since the agenda was set redirects to the one it became.
            return sorted(self.household.resolved().members.values_list("pk", flat=True))
        return []


class Contribution(models.Model):
    """An item an invited agency tabled (shared) or held back (withheld) for the meeting.

    The decision itself is the sharing app's ``ItemDecision`` for the purpose
    ``multi_agency_meeting``; this row ties it to the meeting and agenda entry.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="contributions")
    agenda_entry = models.ForeignKey(
        AgendaEntry, on_delete=models.CASCADE, related_name="contributions"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    item_id = models.PositiveBigIntegerField()
    shared = models.BooleanField()
    withhold_reason = models.CharField(max_length=32, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField()

    class Meta:
        ordering = ["meeting_id", "agency_id", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "item_id"], name="uniq_meeting_item")
        ]

    def __str__(self) -> str:
        return f"Meeting {self.meeting_id} item {self.item_id}"


class Attendance(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Sent apologies"
    ABSENT = "absent", "Did not attend"


class Attendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    attendance = models.CharField(max_length=16, choices=Attendance.choices)

    class Meta:
        ordering = ["meeting_id", "agency__name", "practitioner__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "practitioner"], name="uniq_attendee")
        ]

    def __str__(self) -> str:
        return f"Meeting {self.meeting_id} attendee {self.practitioner_id}"


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED_OFF = "signed_off", "Signed off"


class MinutesVersion(models.Model):
    """One version of the minutes. Notes, decisions and actions are written to the current
    draft; signing off freezes the version and its snapshot for good."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=16, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    amendment_reason = models.TextField(blank=True)
    snapshot = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="uniq_minutes_version")
        ]

    def __str__(self) -> str:
        return f"Minutes {self.meeting_id} v{self.number}"


class DiscussionNote(models.Model):
    """Free-text discussion of one agenda entry, as it stands in one version of the minutes."""

    minutes = models.ForeignKey(MinutesVersion, on_delete=models.CASCADE, related_name="notes")
    agenda_entry = models.ForeignKey(AgendaEntry, on_delete=models.CASCADE, related_name="+")
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["minutes_id", "agenda_entry_id", "id"]

    def __str__(self) -> str:
        return f"Note {self.pk}"


class MeetingDecision(models.Model):
    minutes = models.ForeignKey(MinutesVersion, on_delete=models.CASCADE, related_name="decisions")
    agenda_entry = models.ForeignKey(AgendaEntry, on_delete=models.CASCADE, related_name="+")
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["minutes_id", "agenda_entry_id", "id"]

    def __str__(self) -> str:
        return f"Decision {self.pk}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class MeetingAction(models.Model):
    """An action agreed at the meeting: always has an owner, an agency and a due date.

    The action lives across minutes versions (its status moves on after sign-off
    without reopening the minutes); what it said at each sign-off is in the snapshot.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    agenda_entry = models.ForeignKey(AgendaEntry, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_actions"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(
        max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "status", "due_on"])]

    def __str__(self) -> str:
        return f"Action {self.pk}"
