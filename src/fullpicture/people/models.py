"""Agencies' records of people, the resolved persons they belong to, and families.

A ``SourceRecord`` is one agency's record of a person, exactly as the agency
holds it. A ``Person`` is who the linkage engine decided those records are;
a person holds no personal data of its own (names, dates of birth and
addresses are always read from the records, with their provenance).
"""

from __future__ import annotations

from django.db import models

from fullpicture.partnerships.models import Agency


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    UNKNOWN = "U", "Unknown"
    NOT_RECORDED = "", "Not recorded"


class Person(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Person {self.pk}"


class SourceRecord(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="source_records")
    source_id = models.CharField(max_length=64)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    other_names = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    nhs_number = models.CharField("NHS number", max_length=16, blank=True)
    upn = models.CharField("unique pupil number", max_length=16, blank=True)
    pnc_id = models.CharField("PNC id", max_length=16, blank=True)
    recorded_at = models.DateField(null=True, blank=True)
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        related_name="source_records",
        null=True,
        blank=True,
    )
    content_hash = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency_id", "source_id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "source_id"], name="uniq_record_per_agency")
        ]
        indexes = [
            models.Index(fields=["nhs_number"]),
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["upn"]),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}:{self.source_id}"

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part) or "(no name)"


class RelationshipKind(models.TextChoices):
    PARENT = "parent", "Parent of"
    PARTNER = "partner", "Partner of"
    SIBLING = "sibling", "Sibling of"
    CARER = "carer", "Carer of"
    OTHER = "other", "Other relationship to"


class Relationship(models.Model):
    """A typed relationship an agency recorded between two of its records.

    It is held between records, so when linkage moves a record to another
    person the relationship moves with it; read at person level through the
    records' persons.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="relationships")
    from_record = models.ForeignKey(
        SourceRecord, on_delete=models.CASCADE, related_name="relationships_from"
    )
    to_record = models.ForeignKey(
        SourceRecord, on_delete=models.CASCADE, related_name="relationships_to"
    )
    kind = models.CharField(max_length=16, choices=RelationshipKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_record", "to_record", "kind"], name="uniq_relationship"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_record} {self.kind} {self.to_record}"


class Household(models.Model):
    """A family as the hub sees it ("Think Family"): persons joined by family ties."""

    members = models.ManyToManyField(Person, related_name="households", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Household {self.pk}"
