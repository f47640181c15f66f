"""Information items: the events, facts and concerns each agency holds."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fullpicture.partnerships.models import Agency
from fullpicture.people.models import Person, SourceRecord
from fullpicture.vocabulary.models import ConcernCategory


class Sensitivity(models.TextChoices):
    STANDARD = "standard", "Standard"
    SPECIAL = "special", "Special category"
    RESTRICTED = "restricted", "Restricted"


class Consent(models.TextChoices):
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    NOT_SOUGHT = "not_sought", "Not sought"


class Paragraph18Reason(models.TextChoices):
    """DPA 2018 Schedule 1 paragraph 18(2): why processing goes ahead without consent."""

    NONE = "", "None recorded"
    CANNOT_BE_GIVEN = "cannot_be_given", "Consent cannot be given by the data subject"
    NOT_REASONABLY_OBTAINABLE = (
        "not_reasonably_obtainable",
        "The controller cannot reasonably be expected to obtain consent",
    )
    WOULD_PREJUDICE = (
        "would_prejudice",
        "Obtaining consent would prejudice the protection of the child or individual at risk",
    )


class InformationItem(models.Model):
    """An event, fact or concern held by one agency, with its provenance.

    Read it only through ``fullpicture.sharing.selectors`` (the policy point):
    a test walks the code and fails if anything else queries it for display.
    """

    # Set by the selectors when protect-the-source hides where it came from.
    source_redacted: bool = False

    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="items")
    source_id = models.CharField(
        max_length=64, blank=True, help_text="The agency's own id for the item, if it has one."
    )
    persons = models.ManyToManyField(Person, related_name="items", blank=True)
    subject_records = models.ManyToManyField(
        SourceRecord,
        related_name="items",
        blank=True,
        help_text="The agency's records of the people the item is about; persons follow them.",
    )
    category = models.ForeignKey(ConcernCategory, on_delete=models.PROTECT, related_name="items")
    summary = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recorded_items",
    )
    recorded_by_name = models.CharField(
        max_length=120, blank=True, help_text="Who recorded it, where it came from a feed."
    )
    sensitivity = models.CharField(
        max_length=16, choices=Sensitivity.choices, default=Sensitivity.STANDARD
    )
    consent = models.CharField(max_length=16, choices=Consent.choices, default=Consent.NOT_SOUGHT)
    paragraph18_reason = models.CharField(
        "paragraph 18 reason",
        max_length=32,
        choices=Paragraph18Reason.choices,
        blank=True,
        default="",
        help_text="Where consent is refused or not sought: which DPA 2018 Sch 1 para 18 "
        "reason applies.",
    )
    protect_source = models.BooleanField(
        "protect the source",
        default=False,
        help_text="Redact who the information came from for everyone outside the owning agency.",
    )
    source_description = models.CharField(
        "where the information came from",
        max_length=200,
        blank=True,
        help_text="e.g. 'anonymous neighbour'. Redacted outside the agency when protected.",
    )
    # Facts the policy point filters on, kept by the services so every read stays one
    # indexed SQL filter (docs/decisions/0003-policy-rules.md).
    subject_min_age = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="Age in whole years, at the item's occurrence, of its youngest subject.",
    )
    subject_max_age = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="Age in whole years, at the item's occurrence, of its oldest subject.",
    )
    recency_rank = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="1 = the agency's most recent item of this category about one of its persons.",
    )
    content_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_agency", "source_id"],
                condition=~models.Q(source_id=""),
                name="uniq_item_source_id_per_agency",
            )
        ]
        indexes = [models.Index(fields=["source_agency", "occurred_at"])]

    def __str__(self) -> str:
        return f"Item {self.pk} ({self.source_agency_id})"

    @property
    def recorded_by_label(self) -> str:
        if self.recorded_by_id is not None and self.recorded_by is not None:
            return str(self.recorded_by)
        return self.recorded_by_name or "Agency system"


# --------------------------------------------------------------------------------------
# Information sharing agreements
# --------------------------------------------------------------------------------------


class Article6(models.TextChoices):
    """UK GDPR Article 6(1): the lawful basis."""

    CONSENT = "6_1_a", "6(1)(a) consent"
    CONTRACT = "6_1_b", "6(1)(b) contract"
    LEGAL_OBLIGATION = "6_1_c", "6(1)(c) legal obligation"
    VITAL_INTERESTS = "6_1_d", "6(1)(d) vital interests"
    PUBLIC_TASK = "6_1_e", "6(1)(e) public task"
    LEGITIMATE_INTERESTS = "6_1_f", "6(1)(f) legitimate interests"


class Article9(models.TextChoices):
    """UK GDPR Article 9(2): the condition for special category data (blank = none)."""

    NONE = "", "None: no special category data"
    EXPLICIT_CONSENT = "9_2_a", "9(2)(a) explicit consent"
    SOCIAL_PROTECTION = "9_2_b", "9(2)(b) employment, social security and social protection"
    VITAL_INTERESTS = "9_2_c", "9(2)(c) vital interests"
    SUBSTANTIAL_PUBLIC_INTEREST = "9_2_g", "9(2)(g) substantial public interest"
    HEALTH_SOCIAL_CARE = "9_2_h", "9(2)(h) health or social care"


class Schedule1(models.TextChoices):
    """DPA 2018 Schedule 1 condition that goes with Article 9(2)(b), (g) or (h)."""

    NONE = "", "None"
    PARA_2 = "para_2", "Paragraph 2: health or social care purposes"
    PARA_6 = "para_6", "Paragraph 6: statutory and government purposes"
    PARA_10 = "para_10", "Paragraph 10: preventing or detecting unlawful acts"
    PARA_18 = "para_18", "Paragraph 18: safeguarding of children and individuals at risk"


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_FORCE = "in_force", "In force"
    EXPIRED = "expired", "Expired"
    SUSPENDED = "suspended", "Suspended"


class Agreement(models.Model):
    """An information sharing agreement (ISA) between agencies, kept by the IG lead.

    Shares only while ``status`` is in force and today lies between ``starts_on``
    and ``ends_on`` (inclusive): suspending or passing the end date stops sharing
    on the very next read.
    """

    reference = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=200)
    parties: models.ManyToManyField[Agency, AgreementParty] = models.ManyToManyField(
        Agency, through="AgreementParty", related_name="agreements"
    )
    purposes = models.JSONField(
        default=list, help_text="Purposes (sharing.policy.Purpose values) it covers."
    )
    categories = models.ManyToManyField(
        ConcernCategory,
        blank=True,
        related_name="agreements",
        help_text="Categories of information it covers; none chosen means every category.",
    )
    article6 = models.CharField("UK GDPR Article 6 basis", max_length=8, choices=Article6.choices)
    article9 = models.CharField(
        "UK GDPR Article 9 condition",
        max_length=8,
        choices=Article9.choices,
        blank=True,
        default="",
        help_text="Needed before special category items are shared.",
    )
    schedule1 = models.CharField(
        "DPA 2018 Schedule 1 condition",
        max_length=8,
        choices=Schedule1.choices,
        blank=True,
        default="",
    )
    rests_on_consent = models.BooleanField(
        default=False, help_text="Items are shared only where consent is given (e.g. early help)."
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    document = models.FileField(upload_to="agreements/", blank=True)
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    accepted_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The version every party partnership's IG lead accepted (one of them not its "
        "last editor). In force only while this equals the version: any edit needs accepting.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["reference"]
        indexes = [models.Index(fields=["status", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def legal_basis(self) -> str:
        parts = [f"UK GDPR Art {self.get_article6_display()}"]
        if self.article9:
            parts.append(f"Art {self.get_article9_display()}")
        if self.schedule1:
            parts.append(f"DPA 2018 Sch 1 {self.get_schedule1_display().split(':')[0].lower()}")
        return "; ".join(parts)


class AgreementParty(models.Model):
    """An agency's place in an agreement, with optional limits on what it provides."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="party_rows")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="agreement_rows")
    min_subject_age = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Share this agency's items only where every subject was at least this age "
        "when it happened (e.g. 18: adults only).",
    )
    max_subject_age = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Share this agency's items only where every subject was at most this age.",
    )
    most_recent_limit = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Share only the N most recent items of each category per person.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "agency"], name="uniq_agreement_party")
        ]
        ordering = ["agreement_id", "agency_id"]

    def __str__(self) -> str:
        return f"{self.agreement_id}:{self.agency_id}"

    @property
    def has_limits(self) -> bool:
        return (
            self.min_subject_age is not None
            or self.max_subject_age is not None
            or self.most_recent_limit is not None
        )


# --------------------------------------------------------------------------------------
# Decisions to share and to withhold
# --------------------------------------------------------------------------------------


class AgreementAcceptance(models.Model):
    """One party partnership's IG lead accepting one version of an agreement. An agreement
    is in force only when every partnership whose agencies it names has accepted its
    current version and one acceptor is not its last editor (docs/decisions/0064)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="acceptances")
    version = models.PositiveIntegerField()
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField()

    class Meta:
        ordering = ["agreement_id", "version", "accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "version", "accepted_by"], name="uniq_agreement_acceptance"
            )
        ]

    def __str__(self) -> str:
        return f"Agreement {self.agreement_id} v{self.version} accepted by {self.accepted_by_id}"


class Outcome(models.TextChoices):
    SHARE = "share", "Shared"
    WITHHOLD = "withhold", "Withheld"
    WITHDRAWN = "withdrawn", "Withdrawn"


class WithholdReason(models.TextChoices):
    RISK_TO_SOURCE = "risk_to_source", "Risk to the source"
    PREJUDICE_INVESTIGATION = "prejudice_investigation", "Would prejudice an investigation"
    NOT_RELEVANT = "not_relevant", "Not relevant or not proportionate"
    CONSENT_REFUSED = "consent_refused", "Consent refused and no paragraph 18 condition"
    THIRD_PARTY = "third_party", "Third-party information"
    LEGAL_PRIVILEGE = "legal_privilege", "Legal privilege"
    ADVICE_SOUGHT = "advice_sought", "Unsure: advice sought"


class RiskJudgement(models.TextChoices):
    """The balance of risk (the report's Diagram 3)."""

    NOT_SHARING_GREATER = "not_sharing_greater", "The risk of not sharing is greater"
    SHARING_GREATER = "sharing_greater", "The risk of sharing is greater"
    BALANCED = "balanced", "Finely balanced: advice sought"


class ItemDecision(models.Model):
    """The owning agency's decision to share one item with one agency for one purpose,
    or to withhold it. One row per (item, agency, purpose); a change bumps ``version``
    (optimistic locking) and leaves an ``ItemDecisionChange`` behind."""

    item = models.ForeignKey(InformationItem, on_delete=models.CASCADE, related_name="decisions")
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=32)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    paragraph18_reason = models.CharField(
        max_length=32, choices=Paragraph18Reason.choices, blank=True, default=""
    )
    withhold_reason = models.CharField(
        max_length=32, choices=WithholdReason.choices, blank=True, default=""
    )
    golden_rules = models.JSONField(default=list, blank=True)
    risk_of_sharing = models.TextField(blank=True)
    risk_of_not_sharing = models.TextField(blank=True)
    risk_judgement = models.CharField(
        max_length=32, choices=RiskJudgement.choices, blank=True, default=""
    )
    reason = models.TextField()
    request = models.ForeignKey(
        "InformationRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)
    # A withhold binds the item for every purpose (docs/decisions/0057): only the purposes
    # listed here, which the withholding agency expressly allowed, read around it. Stored
    # as ",code,code," so that one SQL ``LIKE`` answers "is this purpose allowed?".
    allowed_purposes = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "to_agency", "purpose"], name="uniq_item_decision"
            )
        ]
        indexes = [
            models.Index(fields=["to_agency", "purpose", "outcome"]),
            models.Index(fields=["to_agency", "outcome"], name="item_decision_to_outcome"),
        ]

    def __str__(self) -> str:
        return f"Decision {self.pk}: {self.outcome} item {self.item_id} to {self.to_agency_id}"

    @property
    def allowed_purpose_list(self) -> list[str]:
        return [p for p in self.allowed_purposes.split(",") if p]

    @staticmethod
    def allowed_purposes_text(purposes: list[str] | tuple[str, ...] | set[str]) -> str:
        """The stored form of a withhold's expressly allowed purposes."""
        codes = sorted({p for p in purposes if p})
        return f",{','.join(codes)}," if codes else ""


class ItemDecisionChange(models.Model):
    """What a decision was before each change (its free text stays here, not in the ledger)."""

    decision = models.ForeignKey(ItemDecision, on_delete=models.CASCADE, related_name="changes")
    version = models.PositiveIntegerField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    withhold_reason = models.CharField(max_length=32, blank=True)
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["decision_id", "version"]

    def __str__(self) -> str:
        return f"Decision {self.decision_id} v{self.version}"


# --------------------------------------------------------------------------------------
# Information requests
# --------------------------------------------------------------------------------------


class InformationRequest(models.Model):
    """A MASH enquiry asks agencies what they hold on a person (or family) for a purpose."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    include_household = models.BooleanField(default=False)
    purpose = models.CharField(max_length=32)
    question = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField()

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Request {self.pk}"


class RequestRecipient(models.Model):
    """One agency asked in one request; ``answered_at`` is set when it has answered."""

    request = models.ForeignKey(
        InformationRequest, on_delete=models.CASCADE, related_name="recipients"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["request_id", "agency_id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "agency"], name="uniq_request_recipient")
        ]

    def __str__(self) -> str:
        return f"Request {self.request_id} to {self.agency_id}"


# --------------------------------------------------------------------------------------
# Break-glass and notifications
# --------------------------------------------------------------------------------------


class BreakGlassReview(models.TextChoices):
    PENDING = "", "Not yet reviewed"
    APPROPRIATE = "appropriate", "Appropriate"
    NOT_APPROPRIATE = "not_appropriate", "Not appropriate"


class BreakGlassReason(models.TextChoices):
    """Why break-glass was used: one of these, plus at least a sentence of free text."""

    IMMEDIATE_RISK = "immediate_risk", "A child or adult is at immediate risk of significant harm"
    MISSING = "missing", "A child or adult is missing"
    EMERGENCY_CARE = "emergency_care", "Emergency medical treatment needs the history now"
    POLICE_PROTECTION = "police_protection", "Police protection or an emergency protection order"
    OUT_OF_HOURS = "out_of_hours", "Out of hours: the agencies holding it cannot be reached"


class BreakGlassGrant(models.Model):
    """Time-limited access to one person beyond the agreements, for immediate risk.

    One live grant per practitioner and person: starting again while one is open renews
    it (``renewals`` counts them, the IG lead sees the count)."""

    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=32)
    reason_code = models.CharField(
        max_length=32, choices=BreakGlassReason.choices, blank=True, default=""
    )
    reason = models.TextField()
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    renewals = models.PositiveIntegerField(
        default=0, help_text="How many times it was started again while open."
    )
    renewed_at = models.DateTimeField(null=True, blank=True)
    review = models.CharField(
        max_length=16, choices=BreakGlassReview.choices, blank=True, default=""
    )
    review_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["practitioner", "expires_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["practitioner", "person"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_break_glass_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"Break-glass {self.pk}"


class ReviewGrant(models.Model):
    """A learning review's access: a named system actor may read every item and record
    about the persons in scope (restricted items too) for the purpose ``learning_review``,
    up to the end of the review's period, while the grant is active. Created when an IG
    lead approves a review and ended when it closes (docs/decisions/0054-review-grants.md).
    The review it serves is named by a plain reference, so sharing never imports the app
    that holds reviews."""

    persons = models.ManyToManyField(Person, related_name="+")
    purpose = models.CharField(max_length=32, default="learning_review")
    period_from = models.DateField()
    period_to = models.DateField(
        help_text="Nothing recorded or occurring after this day is read through the grant."
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The information-governance lead who approved the review; the grant stops "
        "if they stop being an active IG lead.",
    )
    granted_to = models.CharField(
        max_length=64, help_text="The named system actor that reads, e.g. system:learning-review."
    )
    review_ref = models.CharField(
        max_length=64, help_text="The review it serves, e.g. learning_review:12."
    )
    legal_basis = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_from__lte=models.F("period_to")),
                name="review_grant_period_in_order",
            )
        ]
        indexes = [models.Index(fields=["granted_to", "expires_at"])]

    def __str__(self) -> str:
        return f"Review grant {self.pk}"


class EarlyHelpEpisode(models.Model):
    """An early-help episode for a person, led by one agency, with the family's consent to
    share recorded (or not): the piece of work that justifies reading for the purpose
    ``early_help`` (docs/decisions/0056). Agencies taking part are the lead and those named
    in ``agencies``; the episode covers its person and their household."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    agencies = models.ManyToManyField(Agency, related_name="+", blank=True)
    consent_given = models.BooleanField(default=False)
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="early_help_episode_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"Early-help episode {self.pk}"


MESSAGE_LENGTH = 300  # a notification's message: a sentence, the page shows the detail


class Notification(models.Model):
    """An in-app notice to one practitioner (ids and kinds; the page shows the detail)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32)
    object_type = models.CharField(max_length=32)
    object_id = models.CharField(max_length=32)
    message = models.CharField(max_length=MESSAGE_LENGTH)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Notification {self.pk} to {self.recipient_id}"

    @classmethod
    def fit(cls, message: str) -> str:
        """The message cut to the column's length (PostgreSQL refuses a longer one)."""
        limit = MESSAGE_LENGTH
        return message if len(message) <= limit else message[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------------------
# Agency feeds: item history, involvements, freshness and coverage, challenges
# (sharing/feeds.py; docs/feeds.md; docs/decisions/0060-0063)
# --------------------------------------------------------------------------------------


class ItemVersion(models.Model):
    """What a fed item said before a change: the previous values, kept when a feed updates
    it (the ledger holds who changed it and when, ids only)."""

    item = models.ForeignKey(InformationItem, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    category = models.ForeignKey(ConcernCategory, on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    sensitivity = models.CharField(max_length=16, choices=Sensitivity.choices)
    consent = models.CharField(max_length=16, choices=Consent.choices)
    record_ids = models.JSONField(default=list, help_text="Subject record ids then.")
    content_hash = models.CharField(max_length=64, blank=True)
    replaced_at = models.DateTimeField()

    class Meta:
        ordering = ["item_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="uniq_item_version")
        ]

    def __str__(self) -> str:
        return f"Item {self.item_id} v{self.version}"


class Involvement(models.Model):
    """An agency working with a person, now (no end) or before, with its lead practitioner
    and how to reach them. Keyed by (record, role, started_on); fed like items."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="involvements")
    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="involvements")
    practitioner_name = models.CharField(max_length=120)
    role = models.CharField(max_length=120)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    started_on = models.DateField()
    latest_contact_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["ended_on", "-latest_contact_on", "agency_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "role", "started_on"], name="uniq_involvement"
            )
        ]

    def __str__(self) -> str:
        return f"Involvement {self.pk} ({self.agency_id})"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class FeedKind(models.TextChoices):
    ITEMS = "items", "Events and concerns"
    INVOLVEMENTS = "involvements", "Involvements"


class FeedStatus(models.Model):
    """How current an agency's feed is and what it covers, so that 'nothing found' is never
    taken for 'nothing known'. Updated on every import."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="feed_statuses")
    kind = models.CharField(max_length=16, choices=FeedKind.choices, default=FeedKind.ITEMS)
    current_to = models.DateTimeField(
        null=True, blank=True, help_text="The data is complete up to this moment."
    )
    last_import_at = models.DateTimeField(null=True, blank=True)
    last_import_rows = models.PositiveIntegerField(default=0)
    covers_from = models.DateField(
        null=True, blank=True, help_text="The earliest date the feed holds data for."
    )
    area = models.CharField(
        max_length=200,
        blank=True,
        help_text="Postcode districts covered, space-separated (e.g. 'ST1 ST2'); blank: all.",
    )
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["agency_id", "kind"]
        verbose_name_plural = "feed statuses"
        constraints = [models.UniqueConstraint(fields=["agency", "kind"], name="uniq_feed_status")]

    def __str__(self) -> str:
        return f"{self.agency_id}:{self.kind}"


class ChallengeAnswer(models.TextChoices):
    PENDING = "", "Awaiting an answer"
    CORRECTED = "corrected", "Corrected"
    CONFIRMED = "confirmed", "Confirmed as right"
    REMOVED = "removed", "Removed"


class Challenge(models.Model):
    """A viewer's report that an item or a record is wrong; the owning agency must answer."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="challenges")
    about = models.CharField(max_length=8, choices=[("item", "Item"), ("record", "Record")])
    object_id = models.PositiveBigIntegerField(help_text="The item's or record's id.")
    item = models.ForeignKey(
        InformationItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    record = models.ForeignKey(
        SourceRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=32)
    reason = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()
    answer = models.CharField(
        max_length=16, choices=ChallengeAnswer.choices, blank=True, default=""
    )
    answer_note = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    removal_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The first person of the owning agency who answered 'removed': a second "
        "one (not the raiser, not this one) must confirm before anything is removed.",
    )
    removal_proposed_at = models.DateTimeField(null=True, blank=True)
    removal_note = models.TextField(blank=True)

    class Meta:
        ordering = ["answered_at", "-raised_at", "-id"]
        indexes = [models.Index(fields=["agency", "answered_at"])]

    def __str__(self) -> str:
        return f"Challenge {self.pk}"


class ItemRemoval(models.Model):
    """The tombstone of an item removed through a challenge: who proposed and who confirmed
    the removal, why and when, and what the item was (agency, category, dates, persons),
    never its words: removal is the point, so only a keyed hash of its content is kept
    (HMAC-SHA256 with the site's key), enough to prove a copy was the removed item."""

    item_id = models.PositiveBigIntegerField(help_text="The removed item's id (no longer held).")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(ConcernCategory, on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1)
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    sensitivity = models.CharField(max_length=16)
    person_ids = models.JSONField(default=list)
    record_ids = models.JSONField(default=list)
    content_hmac = models.CharField(max_length=64)
    challenge = models.OneToOneField(
        "Challenge", on_delete=models.PROTECT, related_name="removal", null=True, blank=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(help_text="Why: the challenge's reason and the answers' notes.")
    removed_at = models.DateTimeField()

    class Meta:
        ordering = ["-removed_at", "-id"]

    def __str__(self) -> str:
        return f"Item {self.item_id} removed"


class RecordConsent(models.Model):
    """The consent an agency holds for sharing its record of a person (docs/decisions/0072).

    One row per record, kept from the consent the agency records on its items about the
    record (the latest given or refused wins; "not sought" changes nothing). It hangs off
    the record, so it follows linkage as involvements and items do. Under an agreement that
    rests on consent (early help) another agency's record, its involvements and the fact
    that it is known to that agency are visible only where this says "given"."""

    record = models.OneToOneField(
        SourceRecord, on_delete=models.CASCADE, primary_key=True, related_name="consent"
    )
    state = models.CharField(max_length=16, choices=Consent.choices)
    recorded_at = models.DateTimeField(help_text="When the consent it follows was recorded.")
    item = models.ForeignKey(
        InformationItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The item whose consent this is.",
    )

    class Meta:
        indexes = [models.Index(fields=["state"], name="record_consent_state")]

    def __str__(self) -> str:
        return f"Consent {self.state} for record {self.record_id}"
