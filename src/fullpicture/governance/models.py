"""Governance records: learning-review approvals, retention schedules and legal holds.

Nothing here holds personal data beyond ids: a learning review names its scope by
person or household id, a legal hold by person or record id.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from fullpicture.partnerships.models import Partnership
from fullpicture.people.models import Household, Person


class ReviewStatus(models.TextChoices):
    REQUESTED = "requested", "Requested: awaiting the IG lead"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    CLOSED = "closed", "Closed"


class LearningReview(models.Model):
    """A request to read "who knew what, when" about a person or a family over a period.

    Nothing is read until an information-governance lead approves it; the review's
    reads carry the purpose ``learning_review`` and its id.
    """

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_from = models.DateField()
    period_to = models.DateField()
    key_date = models.DateField(
        null=True,
        blank=True,
        help_text="The date the review turns on (e.g. a child's death): the review counts "
        "which agencies held pieces before it.",
    )
    terms_of_reference = models.TextField(
        help_text="Why the review is held (e.g. a rapid review after a child's death)."
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty where a named system actor requested it (the learning-review command).",
    )
    requested_by_actor = models.CharField(max_length=64)
    requested_at = models.DateTimeField()
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The requester's partnership: only its IG leads (another one than the "
        "requester) approve, read and close the review; its persons are known to its agencies.",
    )
    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.REQUESTED
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    grant = models.OneToOneField(
        "sharing.ReviewGrant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The review grant the approval created: the review reads items through it.",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    agencies_told = models.JSONField(
        default=list,
        blank=True,
        help_text="Ids of the agencies whose items the review reads, told at approval.",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(household__isnull=True))
                | (Q(person__isnull=True) & Q(household__isnull=False)),
                name="learning_review_person_xor_household",
            ),
            models.CheckConstraint(
                condition=Q(period_from__lte=models.F("period_to")),
                name="learning_review_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Learning review {self.pk}"

    @property
    def scope_label(self) -> str:
        if self.person_id is not None:
            return f"person {self.person_id}"
        return f"household {self.household_id}"


class RecordKind(models.TextChoices):
    """What a retention schedule applies to (see governance.retention for how each is found)."""

    LOOKED_AFTER = "looked_after", "Records of a looked-after child"
    CHILD_PROTECTION = "child_protection", "Records of a child subject to a child protection plan"
    CHILD = "child", "Other agency records of a child"
    ADULT = "adult", "Agency records of an adult"
    MEETING = "meeting", "Multi-agency meeting records (minutes, notes, actions)"
    INFORMATION_ITEM = "information_item", "Information items (events and concerns)"


class Clock(models.TextChoices):
    BIRTHDAY = "birthday", "Until a birthday of the person"
    AFTER_RECORD = "after_record", "Years after the record was last recorded or met"
    WITH_SUBJECTS = (
        "with_subjects",
        "As long as the agency's records of the persons it is about (plus years)",
    )


class Disposal(models.TextChoices):
    ANONYMISE = "anonymise", "Anonymise (remove names, dates of birth, addresses, identifiers)"
    ERASE = "erase", "Erase"


class RetentionSchedule(models.Model):
    """How long one kind of record is kept, and what happens then: data, not code."""

    record_kind = models.CharField(max_length=24, choices=RecordKind.choices, unique=True)
    clock = models.CharField(max_length=16, choices=Clock.choices)
    years = models.PositiveSmallIntegerField(
        help_text="The birthday (for 'until a birthday') or the number of years after."
    )
    disposal = models.CharField(max_length=16, choices=Disposal.choices)
    citation = models.TextField(help_text="The published guidance the period comes from.")
    source_url = models.URLField(blank=True)
    active = models.BooleanField(
        default=True, help_text="An inactive schedule is reported but never applied."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["record_kind"]

    def __str__(self) -> str:
        return self.get_record_kind_display()


class LegalHold(models.Model):
    """Stops retention disposing of a person's records, or of one record, until lifted."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    record_type = models.CharField(
        max_length=32, blank=True, help_text="e.g. source_record or meeting; blank for a person."
    )
    record_id = models.CharField(max_length=32, blank=True)
    reason = models.CharField(
        max_length=200, help_text="e.g. 'Serious case review', 'Court proceedings'."
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    placed_at = models.DateTimeField()
    lift_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who asked to end the hold; a second person (not them, not who placed it) "
        "ends it.",
    )
    lift_requested_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.CharField(max_length=200, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(record_id=""),
                name="legal_hold_names_something",
            )
        ]

    def __str__(self) -> str:
        return f"Legal hold {self.pk}"


class RetentionDisposal(models.Model):
    """What a sweep did to one record (ids only), so it is done once and can be shown."""

    record_kind = models.CharField(max_length=24, choices=RecordKind.choices)
    record_type = models.CharField(max_length=32)
    record_id = models.CharField(max_length=32)
    disposal = models.CharField(max_length=16, choices=Disposal.choices)
    ledger_seq = models.BigIntegerField()
    done_at = models.DateTimeField()

    class Meta:
        ordering = ["-done_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["record_type", "record_id"], name="uniq_disposal")
        ]

    def __str__(self) -> str:
        return f"{self.disposal} {self.record_type}:{self.record_id}"
