"""Who is who: the current link of every source record, and the history of decisions."""

from __future__ import annotations

from django.db import models

from fullpicture.people.models import Person, SourceRecord


class Method(models.TextChoices):
    NHS_NUMBER = "nhs_number", "NHS number"
    UPN = "upn", "Unique pupil number"
    PNC_ID = "pnc_id", "PNC id"
    SPLINK = "splink", "Probabilistic model"
    MANUAL = "manual", "Reviewer's decision"
    NEW_PERSON = "new_person", "New person"
    REVIEW = "review", "Awaiting review"


class Outcome(models.TextChoices):
    LINKED = "linked", "Linked"
    REVIEW = "review", "Possible match: awaiting review"
    NEW_PERSON = "new_person", "New person"


class RecordLink(models.Model):
    """The current decision for one source record: which person, how, how sure."""

    record = models.OneToOneField(SourceRecord, on_delete=models.CASCADE, related_name="link")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    method = models.CharField(max_length=16, choices=Method.choices)
    score = models.FloatField(null=True, blank=True)
    manual = models.BooleanField(
        default=False, help_text="Set by a reviewer: batch linking never overturns it."
    )
    review_with = models.ForeignKey(
        SourceRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    model_version = models.CharField(max_length=64, blank=True)
    decided_at = models.DateTimeField(auto_now=True)
    decided_by = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Bumped on every change: two reviewers cannot both decide a case."
    )

    def __str__(self) -> str:
        return f"{self.record} {self.outcome} ({self.method})"


class LinkHistory(models.Model):
    """Every link, unlink, merge, split and review decision, in order."""

    record = models.ForeignKey(
        SourceRecord, on_delete=models.CASCADE, related_name="link_history", null=True
    )
    action = models.CharField(max_length=16)
    from_person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    method = models.CharField(max_length=16, blank=True)
    score = models.FloatField(null=True, blank=True)
    actor_id = models.CharField(max_length=64)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)
    link_version = models.BigIntegerField(
        null=True,
        blank=True,
        db_index=True,
        help_text="The link-state version this change committed as (real-time indexes "
        "catch up from it).",
    )

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "link history"

    def __str__(self) -> str:
        return f"{self.action} record {self.record_id} by {self.actor_id}"


class NotSamePerson(models.Model):
    """A reviewer's decision that two records are different people: never linked again."""

    record_a = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    decided_by = models.CharField(max_length=64)
    reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record_a", "record_b"], name="uniq_not_same_person")
        ]

    def __str__(self) -> str:
        return f"{self.record_a_id} is not {self.record_b_id}"


class LinkState(models.Model):
    """One row whose counter every change to who-is-who bumps, in the same transaction.

    Each process keeps an in-memory index of records for real-time matching; it
    compares this counter with the one it was built at and rebuilds when they
    differ, so several web workers never match against a stale picture.
    """

    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"link state {self.version}"


class LinkerLock(models.Model):
    """The lock row that lets one linker at a time assign records to persons on SQLite.

    PostgreSQL uses an advisory lock instead (``linkage.locks``); this row is then unused.
    ``holder`` is empty when nobody holds it, else ``host:pid:token`` of the holder, so a
    process killed while holding it is seen to be gone and its lock is taken over.
    """

    holder = models.CharField(max_length=200, blank=True, default="")
    purpose = models.CharField(max_length=40, blank=True, default="")
    acquired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"linker lock held by {self.holder or 'nobody'}"


class RelinkRun(models.Model):
    """One pass scoring every existing link again after the model changed.

    Planned first (every proposed move written as a :class:`RelinkProposal`), then
    worked through in order; a run stopped at any moment resumes where it stopped,
    and a proposal's status changes in the same transaction as its move, so nothing
    is applied twice.
    """

    from_model = models.CharField(max_length=64)
    to_model = models.CharField(max_length=64)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    planned = models.BooleanField(default=False)
    records = models.PositiveIntegerField(default=0, help_text="Records scored again.")
    confirmed = models.PositiveIntegerField(default=0, help_text="Links the new model confirms.")
    proposals = models.PositiveIntegerField(default=0)
    auto_above = models.FloatField(
        null=True, blank=True, help_text="The confidence above which moves applied themselves."
    )

    def __str__(self) -> str:
        return f"relink {self.from_model} -> {self.to_model}"


class ProposalKind(models.TextChoices):
    JOIN = "join", "The new model would join these records"
    BREAK = "break", "The new model would break this link"


class ProposalStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    REVIEW = "review", "Awaiting review"
    APPLIED = "applied", "Applied automatically"
    ACCEPTED = "accepted", "Accepted by a reviewer"
    REJECTED = "rejected", "Rejected by a reviewer"
    UNDONE = "undone", "Applied, then undone"
    STALE = "stale", "Overtaken: the records moved since"


class RelinkProposal(models.Model):
    """A move the new model would make: ``record`` joins ``other``'s person, or leaves it."""

    run = models.ForeignKey(RelinkRun, on_delete=models.CASCADE, related_name="proposal_set")
    kind = models.CharField(max_length=8, choices=ProposalKind.choices)
    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    old_score = models.FloatField(null=True, blank=True)
    new_score = models.FloatField(null=True, blank=True)
    from_person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.PLANNED
    )
    decided_by = models.CharField(max_length=64, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "record"], name="uniq_relink_proposal")
        ]

    def __str__(self) -> str:
        return f"{self.kind} record {self.record_id} ({self.status})"


class AutoRelink(models.Model):
    """A partnership's choice to let moves above a stated confidence apply themselves.

    Without a row, every move the new model would make waits for a reviewer.
    """

    partnership = models.OneToOneField(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="auto_relink"
    )
    above = models.FloatField(help_text="Match probability a join needs (a break: 1 - this).")
    set_by = models.CharField(max_length=64)
    set_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"auto relink above {self.above}"
