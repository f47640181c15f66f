"""The shared professional language: concern categories every agency maps to.

Versioned: a category's slug never changes once published, and every change to its name,
definition or mapping leaves the earlier version behind, so nothing rewrites what an item
was recorded as (docs/decisions/0011-vocabulary-versions.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from fullpicture.partnerships.models import Agency, Partnership


class ConcernCategory(models.Model):
    """A shared concern category. Its slug never changes once published."""

    slug = models.SlugField(max_length=48, unique=True)
    name = models.CharField(max_length=120)
    definition = models.TextField(
        blank=True, help_text="Plain-English definition shown as hint text."
    )
    cin_factor_codes = models.CharField(
        "children in need census factor codes",
        max_length=64,
        blank=True,
        help_text="Comma-separated DfE CIN census 'factors identified at the end of assessment'.",
    )
    sort_order = models.PositiveSmallIntegerField(default=100)
    version = models.PositiveIntegerField(default=1, editable=False)
    retired_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Retired: kept for history, not offered."
    )
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        help_text="Where a retired category's codes now go.",
    )

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name_plural = "concern categories"

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            published = (
                ConcernCategory.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
            )
            if published is not None and published != self.slug:
                raise ValidationError(
                    {
                        "slug": f"The code '{published}' is published and cannot change. "
                        "Retire the category and add a new one instead."
                    }
                )
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class ChangeKind(models.TextChoices):
    CREATED = "created", "Created"
    EDITED = "edited", "Edited"
    RETIRED = "retired", "Retired"
    RESTORED = "restored", "Restored"


class ConcernCategoryVersion(models.Model):
    """What a category said from ``valid_from`` until ``valid_to`` (open: still current)."""

    category = models.ForeignKey(ConcernCategory, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    slug = models.SlugField(max_length=48)
    name = models.CharField(max_length=120)
    definition = models.TextField(blank=True)
    cin_factor_codes = models.CharField(max_length=64, blank=True)
    kind = models.CharField(max_length=16, choices=ChangeKind.choices)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["category_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["category", "version"], name="uniq_category_version")
        ]

    def __str__(self) -> str:
        return f"{self.slug} v{self.version}"


class CinFactor(models.Model):
    """A DfE children in need census 'factor identified at the end of assessment'."""

    code = models.CharField(max_length=4, unique=True)
    label = models.CharField(max_length=120)
    definition = models.TextField(blank=True)
    category = models.ForeignKey(
        ConcernCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cin_factors",
        help_text="The shared category it maps to; none where no shared category fits.",
    )
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "CIN census factor"

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class CodeMapping(models.Model):
    """One agency's local code (a police incident type, a school category, a health code)
    and the shared category it means. Edited by an administrator; every change is kept."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="code_mappings")
    code = models.CharField(max_length=64, help_text="Exactly as the agency's system sends it.")
    label = models.CharField(
        "what the agency calls it", max_length=200, blank=True, help_text="e.g. 'DA - verbal'"
    )
    category = models.ForeignKey(
        ConcernCategory, on_delete=models.PROTECT, related_name="code_mappings"
    )
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="uniq_agency_local_code")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}:{self.code}"


class CodeMappingChange(models.Model):
    """What a mapping was at each version."""

    mapping = models.ForeignKey(CodeMapping, on_delete=models.PROTECT, related_name="changes")
    version = models.PositiveIntegerField()
    code = models.CharField(max_length=64)
    label = models.CharField(max_length=200, blank=True)
    category = models.ForeignKey(ConcernCategory, on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField()
    kind = models.CharField(max_length=16, choices=ChangeKind.choices)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["mapping_id", "version"]

    def __str__(self) -> str:
        return f"{self.mapping_id} v{self.version}"


class UnmappedCode(models.Model):
    """A code an agency sent that resolved to no shared category: listed, never dropped."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="unmapped_codes")
    code = models.CharField(max_length=64)
    times_seen = models.PositiveIntegerField(default=0)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    mapped_at = models.DateTimeField(
        null=True, blank=True, help_text="When an administrator mapped it."
    )

    class Meta:
        ordering = ["-last_seen", "agency_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="uniq_unmapped_code")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}:{self.code}"


# --------------------------------------------------------------------------------------
# Thresholds: the continuum of need
# --------------------------------------------------------------------------------------


class NeedLevel(models.IntegerChoices):
    UNIVERSAL = 1, "Level 1: universal"
    EARLY_HELP = 2, "Level 2: early help"
    CHILD_IN_NEED = 3, "Level 3: child in need (section 17)"
    PROTECTION = 4, "Level 4: child protection (section 47) or immediate protection"


class Domain(models.TextChoices):
    SUMMARY = "summary", "What this level means"
    CHILD_DEVELOPMENT = "child_development", "Child's development"
    PARENTING_CAPACITY = "parenting_capacity", "Parenting capacity"
    FAMILY_ENVIRONMENT = "family_environment", "Family and environment"


class ThresholdDescriptor(models.Model):
    """A partnership's words for one level of need in one domain."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="threshold_descriptors"
    )
    level = models.PositiveSmallIntegerField(choices=NeedLevel.choices)
    domain = models.CharField(max_length=24, choices=Domain.choices)
    text = models.TextField()
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["partnership_id", "level", "domain"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "level", "domain"], name="uniq_threshold_descriptor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partnership_id} L{self.level} {self.domain}"


class ThresholdDescriptorChange(models.Model):
    """The words a descriptor had before each edit."""

    descriptor = models.ForeignKey(
        ThresholdDescriptor, on_delete=models.CASCADE, related_name="changes"
    )
    version = models.PositiveIntegerField()
    text = models.TextField()
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["descriptor_id", "version"]

    def __str__(self) -> str:
        return f"{self.descriptor_id} v{self.version}"
