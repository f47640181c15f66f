"""Protection flags, point-of-care checks, alerts to the MASH, and case transfers.

``ProtectionFlag`` is the national flag index: one row per plan, indexed by NHS
number and independent of partnership, so a point-of-care check anywhere in the
installation answers from one indexed lookup. Flags are read only through
``fullpicture.alerts.selectors``.
"""

from __future__ import annotations

from django.db import models

from fullpicture.partnerships.models import Agency, Partnership, Practitioner
from fullpicture.people.models import Household, Person, SourceRecord
from fullpicture.vocabulary.models import ConcernCategory


class FlagType(models.TextChoices):
    CHILD_PROTECTION_PLAN = "cpp", "Child protection plan"
    LOOKED_AFTER = "lac", "Looked after child"
    UNBORN = "unborn", "Unborn child subject to a child protection plan"


# NHS England's England-ChildProtectionPlan value set (UK SNOMED CT).
SNOMED_PLAN_TYPE: dict[str, tuple[str, str]] = {
    FlagType.CHILD_PROTECTION_PLAN: ("342191000000101", "Subject to child protection plan"),
    FlagType.LOOKED_AFTER: ("764841000000100", "Looked after child"),
    FlagType.UNBORN: ("818901000000100", "Unborn child subject to child protection plan"),
}


class FlagSource(models.TextChoices):
    RECORD = "record", "Children's social care record"
    SSDA903 = "ssda903", "SSDA903 return (looked-after children)"
    CIN = "cin", "Children in need census"


class ProtectionFlag(models.Model):
    """One plan for one child (or unborn child, held against the expected mother)."""

    flag_type = models.CharField(max_length=8, choices=FlagType.choices)
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="protection_flags",
        help_text="The responsible local authority.",
    )
    nhs_number = models.CharField(
        "NHS number",
        max_length=10,
        blank=True,
        help_text="The child's (for an unborn child, the expected mother's) valid NHS number: "
        "the index the point-of-care check reads.",
    )
    record = models.ForeignKey(
        SourceRecord,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="protection_flags",
        help_text="The local authority's own record of the child (or expected mother).",
    )
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="protection_flags"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(
        "expected date of delivery", null=True, blank=True, help_text="Unborn child only."
    )
    source = models.CharField(max_length=8, choices=FlagSource.choices)
    source_key = models.CharField(
        max_length=120, help_text="What makes a re-import find this flag again."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "source", "source_key"], name="uniq_flag_source_key"
            )
        ]
        indexes = [models.Index(fields=["nhs_number", "end_date"], name="flag_nhs_end")]

    def __str__(self) -> str:
        return f"Flag {self.pk} ({self.flag_type})"

    @property
    def snomed(self) -> tuple[str, str]:
        return SNOMED_PLAN_TYPE[self.flag_type]


class CareSetting(models.TextChoices):
    EMERGENCY = "ae", "A&E"
    MATERNITY = "maternity", "maternity"
    WALK_IN = "walk_in", "walk-in centre"
    OUT_OF_HOURS_GP = "ooh_gp", "out-of-hours GP"
    SCHEDULED = "scheduled", "scheduled care"


UNSCHEDULED_SETTINGS = frozenset(
    {CareSetting.EMERGENCY, CareSetting.MATERNITY, CareSetting.WALK_IN, CareSetting.OUT_OF_HOURS_GP}
)


class Channel(models.TextChoices):
    PAGE = "page", "Web page"
    JSON = "json", "JSON API"
    FHIR = "fhir", "FHIR"


class PointOfCareAccess(models.Model):
    """One point-of-care check: who looked (agency, setting) at which NHS number, when."""

    nhs_number = models.CharField("NHS number", max_length=10)
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    setting = models.CharField(max_length=16, choices=CareSetting.choices)
    site = models.CharField(max_length=200, help_text="e.g. Sharetown General Hospital A&E")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    flag_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["nhs_number", "at"], name="poc_nhs_at")]

    def __str__(self) -> str:
        return f"Check {self.pk}"

    @property
    def scheduled(self) -> bool:
        return self.setting == CareSetting.SCHEDULED


class ConcernRule(models.Model):
    """A cumulative-concern ("jigsaw") rule, kept by an administrator as data.

    Over each household (a person with no household is a family of one), items
    that occurred within ``window_days`` of each other meet the rule when they
    come from at least ``min_agencies`` agencies and cover at least
    ``min_criteria`` of the rule's categories (all categories when none chosen).
    """

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    categories = models.ManyToManyField(
        ConcernCategory,
        blank=True,
        related_name="+",
        help_text="The criteria (categories) the rule counts; none chosen means every category.",
    )
    min_criteria = models.PositiveSmallIntegerField(
        default=1, help_text="How many different criteria must be present."
    )
    min_agencies = models.PositiveSmallIntegerField(
        default=3, help_text="How many different agencies the items must come from."
    )
    window_days = models.PositiveSmallIntegerField(default=365)
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Only this partnership's families; blank means every partnership.",
    )
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class AlertKind(models.TextChoices):
    CUMULATIVE = "cumulative", "Cumulative concern"
    REPEAT_ATTENDANCE = "repeat_attendance", "Repeat unscheduled-care attendance"
    MOVE = "move", "Moved into another partnership"


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Alert(models.Model):
    """An alert to a partnership's MASH, with its explanation (never items' content).

    Raised once and updated: a later run that sees the same family meet the same
    rule updates this row instead of raising another.
    """

    kind = models.CharField(max_length=24, choices=AlertKind.choices)
    rule = models.ForeignKey(
        ConcernRule, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    persons = models.ManyToManyField(Person, related_name="+", blank=True)
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The family (household) a cumulative alert is about; blank for one person.",
    )
    routed_to_administrators = models.BooleanField(
        default=False,
        help_text="Met by agencies of no partnership: raised to the hub's administrators.",
    )
    nhs_number = models.CharField(max_length=10, blank=True, help_text="Repeat attendance only.")
    criteria = models.JSONField(default=list, blank=True)
    agencies = models.JSONField(default=list, blank=True)
    item_count = models.PositiveIntegerField(default=0)
    evidence_from = models.DateField(null=True, blank=True)
    evidence_to = models.DateField(null=True, blank=True)
    evidence_date = models.DateField(
        null=True, blank=True, help_text="When the picture first became complete."
    )
    explanation = models.TextField()
    fingerprint = models.CharField(
        max_length=32,
        blank=True,
        editable=False,
        help_text="A digest of the rule, the family and its counted items' metadata when the "
        "alert was last computed: a sweep that finds it unchanged leaves the alert alone.",
    )
    outcome = models.CharField(
        max_length=32,
        blank=True,
        editable=False,
        help_text="A digest of what the alert says (the rule, the family, the evidence date and "
        "the counted items' metadata): a sweep that judges the family again and finds the "
        "same outcome neither reads the alert back nor rewrites it.",
    )
    status = models.CharField(max_length=8, choices=AlertStatus.choices, default="open")
    raised_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "status"]),
            models.Index(fields=["nhs_number"]),
        ]

    def __str__(self) -> str:
        return f"Alert {self.pk} ({self.kind})"


class NoticeKind(models.TextChoices):
    ACCESS = "access", "Seen in unscheduled care"
    ALERT = "alert", "Alert"
    MOVE = "move", "Family moved"
    TRANSFER = "transfer", "Case transfer"


class Notice(models.Model):
    """One in-app notification to one practitioner (the alerts app's own list)."""

    recipient = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=NoticeKind.choices)
    message = models.CharField(max_length=400)
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    access = models.ForeignKey(
        PointOfCareAccess, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    transfer = models.ForeignKey(
        "CaseTransfer", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"Notice {self.pk} to {self.recipient_id}"


class TransferStatus(models.TextChoices):
    SENT = "sent", "Sent, awaiting acknowledgement"
    ACKNOWLEDGED = "acknowledged", "Acknowledged by the receiving authority"


HANDOVER_ITEMS = ("chronology", "plan", "open_actions", "key_contacts", "risk_summary")


class CaseTransfer(models.Model):
    """A family's case handed from one local authority to another when they move."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    from_partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    to_partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200)
    checklist = models.JSONField(
        default=dict,
        help_text="Handover checklist: chronology, plan, open actions, key contacts, risk "
        "summary; each true once handed over.",
    )
    status = models.CharField(max_length=16, choices=TransferStatus.choices, default="sent")
    created_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        Practitioner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "from_partnership", "to_partnership"],
                condition=models.Q(status="sent"),
                name="uniq_open_transfer",
            )
        ]

    def __str__(self) -> str:
        return f"Transfer {self.pk}"

    @property
    def checklist_complete(self) -> bool:
        return all(self.checklist.get(k) for k in HANDOVER_ITEMS)


class OpenEnquiry(models.Model):
    """A family with an open enquiry in a partnership, until frontdoor owns enquiries.

    The move rule notifies both partnerships when such a person's address moves
    into another partnership. (frontdoor, a sibling app, may later send a signal
    instead; see docs/decisions/0044-families-that-move.md.)
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"Enquiry {self.pk}"


class PersonArea(models.Model):
    """Where a person last lived, by partnership, from their most recent record: the
    move rule compares a new record's partnership with this."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="+")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    district = models.CharField(max_length=8)
    since = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.person_id} in {self.partnership_id}"
