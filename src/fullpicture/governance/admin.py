from django.contrib import admin

from fullpicture.governance.models import (
    LearningReview,
    LegalHold,
    RetentionDisposal,
    RetentionSchedule,
)


@admin.register(RetentionSchedule)
class RetentionScheduleAdmin(admin.ModelAdmin):
    list_display = ("record_kind", "clock", "years", "disposal", "active")
    list_filter = ("active", "disposal")


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):
    """Read-only: a hold is placed and ended with ``fullpicture legal-hold`` (ending one
    takes two people), never by editing or deleting it here."""

    list_display = ("pk", "person", "record_type", "record_id", "reason", "placed_at", "lifted_at")
    raw_id_fields = ("person",)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(LearningReview)
class LearningReviewAdmin(admin.ModelAdmin):
    list_display = ("pk", "person", "household", "period_from", "period_to", "status", "grant")
    list_filter = ("status",)
    raw_id_fields = ("person", "household")
    readonly_fields = ("requested_at", "approved_by", "decided_at", "status", "grant", "closed_at")


@admin.register(RetentionDisposal)
class RetentionDisposalAdmin(admin.ModelAdmin):
    list_display = ("record_type", "record_id", "disposal", "ledger_seq", "done_at")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
