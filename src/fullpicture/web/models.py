"""The one session each practitioner may have open (docs/decisions/0005-sign-in.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ActiveSession(models.Model):
    """The session key of a practitioner's current sign-in; any other session is ended."""

    practitioner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="active_session"
    )
    session_key = models.CharField(max_length=40)
    started_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Active session of practitioner {self.practitioner_id}"


class WorkerHeartbeat(models.Model):
    """When each background task worker last said it was alive (``/readyz`` reads it)."""

    worker_id = models.CharField(max_length=64, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"worker {self.worker_id} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
