"""Django admin for agreements (the IG lead's pages are the everyday way in).

Items themselves are deliberately not in the admin: every read of an item goes
through the policy point. Decisions, break-glass grants and review grants are read-only
here (a review grant is made and ended only by approving and closing a learning review).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fullpicture.sharing.models import (
    Agreement,
    AgreementParty,
    BreakGlassGrant,
    ItemDecision,
    ReviewGrant,
)


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "status", "starts_on", "ends_on", "review_on", "version"]
    list_filter = ["status", "rests_on_consent", "article6", "article9"]
    search_fields = ["reference", "title"]
    filter_horizontal = ["categories"]
    inlines = [AgreementPartyInline]
    # accepted_version only through agreement_accept (four eyes): an admin save bumps the
    # version, so an agreement changed here is out of force until its parties accept it.
    readonly_fields = ["version", "accepted_version", "updated_by", "created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Optimistic locking applies here too: a save bumps the version the pages check.
        if change:
            obj.version += 1
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ItemDecision)
class ItemDecisionAdmin(ReadOnlyAdmin):
    list_display = ["id", "item_id", "from_agency", "to_agency", "purpose", "outcome", "decided_at"]
    list_filter = ["outcome", "purpose", "withhold_reason"]
    exclude = ["reason", "risk_of_sharing", "risk_of_not_sharing"]


@admin.register(BreakGlassGrant)
class BreakGlassGrantAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "practitioner",
        "agency",
        "person_id",
        "started_at",
        "expires_at",
        "review",
    ]
    list_filter = ["review", "purpose"]


@admin.register(ReviewGrant)
class ReviewGrantAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "review_ref",
        "granted_to",
        "approved_by",
        "period_from",
        "period_to",
        "created_at",
        "expires_at",
        "ended_at",
    ]
    list_filter = ["granted_to", "end_reason"]
    exclude = ["persons"]  # ids only in lists; the review names its scope
