"""Read-only admin views of who-is-who: every change goes through the linkage services
(the review pages), so that it is versioned, in the link history and in the ledger."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fullpicture.linkage.models import LinkHistory, NotSamePerson, RecordLink


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RecordLink)
class RecordLinkAdmin(ReadOnlyAdmin):
    list_display = ("record", "outcome", "method", "score", "manual", "model_version", "decided_at")
    list_filter = ("outcome", "method", "manual", "model_version")
    raw_id_fields = ("record", "review_with")


@admin.register(LinkHistory)
class LinkHistoryAdmin(ReadOnlyAdmin):
    list_display = ("at", "record", "action", "from_person", "to_person", "method", "actor_id")
    list_filter = ("action", "method")
    raw_id_fields = ("record", "from_person", "to_person")


@admin.register(NotSamePerson)
class NotSamePersonAdmin(ReadOnlyAdmin):
    list_display = ("record_a", "record_b", "decided_by", "decided_at")
    raw_id_fields = ("record_a", "record_b")
