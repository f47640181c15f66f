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


class InformationItem(models.Model):
    """An event, fact or concern held by one agency, with its provenance.

    Read it only through ``fullpicture.sharing.selectors`` (the policy point):
    a test walks the code and fails if anything else queries it for display.
    """

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
