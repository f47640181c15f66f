"""Agencies' records of people, the resolved persons they belong to, and families.

A ``SourceRecord`` is one agency's record of a person, exactly as the agency
holds it. A ``Person`` is who the linkage engine decided those records are;
a person holds no personal data of its own (names, dates of birth and
addresses are always read from the records, with their provenance).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from fullpicture.partnerships.models import Agency
from fullpicture.people.family import address_key


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
    uprn = models.CharField(
        "UPRN",
        max_length=16,
        blank=True,
        help_text="The Unique Property Reference Number where the agency gives one (12 digits); "
        "a malformed value is kept as sent and never used to form a household.",
    )
    # DJ001: null means "not yet worked out", distinct from blank ("nothing to compare").
    address_key = models.CharField(  # noqa: DJ001
        max_length=340,
        null=True,
        blank=True,
        editable=False,
        help_text="The normalised address line, flat and postcode households compare "
        "(blank: too little to compare; null: not yet worked out).",
    )
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
            models.Index(fields=["uprn"]),
            models.Index(fields=["address_key"]),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}:{self.source_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The address key follows the address (bulk inserts leave it null: households
        # work it out on their next update).
        self.address_key = address_key(self.address, self.postcode)
        super().save(*args, **kwargs)

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


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    MERGED = "merged", "Merged into another household"
    ENDED = "ended", "Ended (no member left)"


class Household(models.Model):
    """A family as the hub sees it ("Think Family"), formed from the agencies' own data.

    Updated, never rebuilt: members join and leave with a date and the evidence
    (``HouseholdMembership``); two households found to be one are merged and the
    merged one redirects to the survivor (``merged_into``); a split keeps both,
    the new one remembering where it came from (``split_from``). ``members`` are
    the current members; ``version`` is raised by every change and a merge or split
    that names an older version is refused (optimistic locking).
    """

    members = models.ManyToManyField(Person, related_name="households", blank=True)
    status = models.CharField(
        max_length=8, choices=HouseholdStatus.choices, default=HouseholdStatus.ACTIVE
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    split_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="split_into"
    )
    version = models.PositiveIntegerField(default=1)
    from_evidence = models.BooleanField(
        default=False,
        help_text="Formed (and kept up to date) from the agencies' evidence; a household "
        "made by hand is left as it is by updates.",
    )
    digest = models.CharField(
        max_length=32,
        blank=True,
        editable=False,
        help_text="A digest of the members and ties last formed: an update that finds it "
        "unchanged leaves the household alone.",
    )
    created_at = models.DateTimeField(auto_now_add=True, null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Household {self.pk}"

    @property
    def active(self) -> bool:
        return self.status == HouseholdStatus.ACTIVE

    def resolved(self) -> Household:
        """The household this one now is: itself, or the one it was merged into."""
        household = self
        seen = {household.pk}
        while household.merged_into_id is not None and household.merged_into_id not in seen:
            seen.add(household.merged_into_id)
            household = Household.objects.get(pk=household.merged_into_id)
        return household


class TieBasis(models.TextChoices):
    RELATIONSHIP = "relationship", "Recorded relationship"
    UPRN = "uprn", "Same property (UPRN)"
    ADDRESS = "address", "Same address at the same time"
    ITEM = "item", "Named together in one agency's record of an event"
    MANUAL = "manual", "Joined by a practitioner"


class HouseholdMembership(models.Model):
    """One spell of a person in a household: when it began and ended, and why.

    ``since``/``until`` are the dates the evidence gives (the day the family lived
    together, as far as the records show); ``joined_at``/``left_at`` when the hub
    learnt it. A person who left keeps their spell, so a family is judged with
    everyone who was part of it, and a person in two households over time with each.
    """

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="spells")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="household_spells")
    basis = models.CharField(max_length=16, choices=TieBasis.choices)
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=32, blank=True, help_text="Why the spell ended.")

    class Meta:
        ordering = ["household_id", "person_id", "joined_at"]
        indexes = [
            models.Index(fields=["person", "household"]),
            models.Index(fields=["household", "left_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.household_id}"

    @property
    def current(self) -> bool:
        return self.left_at is None


class HouseholdTie(models.Model):
    """One piece of evidence that two members live as a family: its basis, strength
    and source (ids and kinds only: never an address, never an item's content)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="ties")
    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    basis = models.CharField(max_length=16, choices=TieBasis.choices)
    rule = models.CharField(max_length=64, help_text="The household rule that made the tie.")
    strength = models.PositiveSmallIntegerField(help_text="1 weak, 2 moderate, 3 strong.")
    source = models.CharField(
        max_length=64, help_text="Where it came from: an agency code, a relationship or item id."
    )
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["household_id", "person_a_id", "person_b_id", "basis"]

    def __str__(self) -> str:
        return f"{self.person_a_id}-{self.person_b_id} ({self.basis})"


class HouseholdDecision(models.Model):
    """A practitioner's decision that two persons do (or do not) live as one family,
    from a merge or a split: the formation honours it from then on."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    together = models.BooleanField()
    decided_by = models.CharField(max_length=64)
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="uniq_household_decision")
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id}-{self.person_b_id} {'together' if self.together else 'apart'}"


class HouseholdRule(models.Model):
    """One rule that turns the agencies' data into household ties, kept as data.

    ``basis`` says which evidence it reads; ``params`` its settings (documented in
    docs/households.md): the relationship kinds, the item categories, how many
    unrelated surnames make an address a shared one, the largest plausible household.
    """

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    basis = models.CharField(max_length=16, choices=TieBasis.choices)
    strength = models.PositiveSmallIntegerField(
        default=2, help_text="1 weak, 2 moderate, 3 strong."
    )
    params = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class SharedAddress(models.Model):
    """A location where too many unrelated persons lived to be one family (a hostel, a
    refuge, a care home, student halls): never used to form a household, and shown as a
    shared address. ``key`` is the address key (``a:``) or UPRN (``u:``) it was found at."""

    key = models.CharField(max_length=345, unique=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"Shared address {self.pk}"
