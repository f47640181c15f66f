"""Partnerships (local authority areas), agencies, practitioners and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from fullpicture.audit.services import Actor


class Partnership(models.Model):
    """A local safeguarding partnership: one local authority area."""

    code = models.CharField("ONS/DfE code", max_length=16, unique=True)
    name = models.CharField(max_length=120)
    postcode_districts = models.JSONField(
        default=list, blank=True, help_text="Outward codes the partnership covers, e.g. ST1."
    )
    office_phone = models.CharField(max_length=32, blank=True)
    out_of_hours_phone = models.CharField("emergency duty team phone", max_length=32, blank=True)
    linkage_minimum_percent = models.DecimalField(
        "minimum match rate (%)",
        max_digits=5,
        decimal_places=2,
        default=95,
        help_text="An agency's feed is marked not ready while fewer of its records are matched.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgencyType(models.TextChoices):
    POLICE = "police", "Police"
    GP = "gp", "GP practice"
    HEALTH_VISITING = "health_visiting", "Health visiting and school nursing"
    ACUTE_HOSPITAL = "acute_hospital", "Acute hospital"
    MENTAL_HEALTH = "mental_health", "Mental health"
    SCHOOL = "school", "School"
    EARLY_YEARS = "early_years", "Early years"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    HOUSING = "housing", "Housing"
    PROBATION = "probation", "Probation"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    VOLUNTARY = "voluntary", "Voluntary and community"
    OTHER = "other", "Other"


class Agency(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=32, choices=AgencyType.choices)
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="agencies", null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class RoleCode(models.TextChoices):
    AGENCY_PRACTITIONER = "agency_practitioner", "Agency practitioner"
    MASH_PRACTITIONER = "mash_practitioner", "MASH practitioner"
    MASH_MANAGER = "mash_manager", "MASH manager"
    UNSCHEDULED_CARE_CLINICIAN = "unscheduled_care_clinician", "Unscheduled-care clinician"
    IG_LEAD = "ig_lead", "Information-governance lead"
    BOARD_SCRUTINEER = "board_scrutineer", "Board scrutineer"
    TRAINER = "trainer", "Trainer"
    ADMINISTRATOR = "administrator", "Administrator"


MASH_ROLES = frozenset({RoleCode.MASH_PRACTITIONER.value, RoleCode.MASH_MANAGER.value})


class Role(models.Model):
    code = models.CharField(max_length=32, unique=True, choices=RoleCode.choices)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.get_code_display()


class Practitioner(AbstractUser):
    """A person who signs in: belongs to an agency and holds roles."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="practitioners", null=True, blank=True
    )
    roles = models.ManyToManyField(Role, related_name="practitioners", blank=True)
    job_title = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_codes(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.roles.values_list("code", flat=True))
            self._role_codes = cached
        return cached

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes.intersection(codes))

    @property
    def partnership_id(self) -> int | None:
        return self.agency.partnership_id if self.agency else None

    @property
    def actor(self) -> Actor:
        return Actor(
            id=f"user:{self.pk}",
            agency=self.agency.code if self.agency else "",
            roles=self.role_codes,
        )


class RoleRequestStatus(models.TextChoices):
    REQUESTED = "requested", "Requested: awaiting a second person"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class RoleRequest(models.Model):
    """A request to give a practitioner a role. Whoever asks never approves, nor does the
    practitioner who would hold it; the approver belongs to the practitioner's partnership
    (docs/decisions/0064-four-eyes.md)."""

    practitioner = models.ForeignKey(
        "Practitioner", on_delete=models.PROTECT, related_name="role_requests"
    )
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200)
    requested_by = models.ForeignKey("Practitioner", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=RoleRequestStatus.choices, default=RoleRequestStatus.REQUESTED
    )
    decided_by = models.ForeignKey(
        "Practitioner", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Role request {self.pk}"
