"""Per-agency API tokens, stored hashed, and the principal a token acts as."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fullpicture.audit.services import Actor
from fullpicture.partnerships.models import Agency, Practitioner


class ApiToken(models.Model):
    """A token an agency's system uses. Only its SHA-256 is kept; the prefix identifies it.

    Each token acts as its own service account (a practitioner that cannot sign in) with
    the agency and one role, so every call goes through the same services, selectors and
    policy point as a person would, and the ledger names the token.
    """

    name = models.CharField(max_length=120, help_text="What uses it, e.g. 'school MIS'.")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="api_tokens")
    principal = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_token"
    )
    prefix = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency_id", "name"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiPrincipal(Practitioner):
    """The practitioner-like principal of a token: the ledger names the token, not a person."""

    class Meta:
        proxy = True

    @property
    def actor(self) -> Actor:
        token = (
            ApiToken.objects.filter(principal_id=self.pk).values_list("prefix", flat=True).first()
        )
        return Actor(
            id=f"system:api-token:{token or self.pk}",
            agency=self.agency.code if self.agency else "",
            roles=self.role_codes,
        )


class ApiTokenRequest(models.Model):
    """A request for a token whose role goes beyond what its agency's type allows (a
    school's system with the MASH role): issued only when a second person, an
    administrator or IG lead of the agency's partnership, approves it. The secret is shown
    once, to the approver (docs/decisions/0064-four-eyes.md)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested: awaiting a second person"
        ISSUED = "issued", "Approved and issued"
        REFUSED = "refused", "Refused"

    name = models.CharField(max_length=120)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=32)
    reason = models.CharField(max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    token = models.OneToOneField(
        ApiToken, on_delete=models.PROTECT, null=True, blank=True, related_name="request"
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = "API token request"

    def __str__(self) -> str:
        return f"API token request {self.pk}"
