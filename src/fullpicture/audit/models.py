"""The append-only, hash-chained audit ledger.

One row per event: who, their agency, what (type and id), when, purpose, legal
basis and reason code. The ledger holds ids and kinds, never personal data, so
retention never has to touch it and the chain keeps verifying. Each hash is
keyed with a key kept outside the database (docs/decisions/0080). Database
triggers refuse UPDATE, DELETE and TRUNCATE (the 0002 migration) and any insert
that does not extend the head, ``INSERT OR REPLACE`` included (0003).
"""

from __future__ import annotations

from django.db import models


class Action(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched (saw that persons are known)"
    SHARE = "share", "Shared"
    WITHHOLD = "withhold", "Withheld"
    REQUEST = "request", "Requested information"
    ANSWER = "answer", "Answered a request"
    LINK = "link", "Linked records"
    UNLINK = "unlink", "Unlinked records"
    MERGE = "merge", "Merged persons"
    SPLIT = "split", "Split a person"
    REVIEW = "review", "Decided a possible match"
    BREAK_GLASS = "break_glass", "Break-glass access"
    EXPORT = "export", "Exported"
    IMPORT = "import", "Imported"
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed to sign in"
    SIGN_OUT = "sign_out", "Signed out"
    DENIED = "denied", "Access denied"
    KEY_EPOCH = "key_epoch", "Ledger keyed (events before it were hashed without a key)"


class LedgerEvent(models.Model):
    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField()
    action = models.CharField(max_length=32, choices=Action.choices)
    actor_id = models.CharField(max_length=64)
    actor_agency = models.CharField(max_length=32, blank=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=48, blank=True)
    legal_basis = models.CharField(max_length=128, blank=True)
    reason_code = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor_id", "at"]),
            models.Index(fields=["action", "at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"
