"""The administrator's screens for the shared language. Every edit goes through
``vocabulary.services`` so that history is kept; slugs never change; nothing is deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from fullpicture.partnerships.models import Practitioner
from fullpicture.vocabulary import services
from fullpicture.vocabulary.models import (
    CinFactor,
    CodeMapping,
    CodeMappingChange,
    ConcernCategory,
    ConcernCategoryVersion,
    ThresholdDescriptor,
    ThresholdDescriptorChange,
    UnmappedCode,
)


def _actor(request: HttpRequest) -> Practitioner | None:
    return request.user if isinstance(request.user, Practitioner) else None


class VersionInline(admin.TabularInline):
    model = ConcernCategoryVersion
    extra = 0
    can_delete = False
    fields = ["version", "kind", "name", "definition", "valid_from", "valid_to", "changed_by"]
    readonly_fields = [
        "version",
        "kind",
        "name",
        "definition",
        "valid_from",
        "valid_to",
        "changed_by",
    ]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ConcernCategory)
class ConcernCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "cin_factor_codes", "version", "retired_at"]
    list_filter = ["retired_at"]
    fields = ["slug", "name", "definition", "sort_order", "cin_factor_codes", "replaced_by"]
    readonly_fields = ["cin_factor_codes"]
    inlines = [VersionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A published slug never changes: once saved it is read-only.
        return [*self.readonly_fields, "slug"] if obj is not None else list(self.readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retire instead: items recorded with it must keep it

    def save_model(
        self, request: HttpRequest, obj: ConcernCategory, form: Any, change: bool
    ) -> None:
        actor = _actor(request)
        if not change:
            created = services.category_create(
                slug=obj.slug,
                name=obj.name,
                definition=obj.definition,
                actor=actor,
                sort_order=obj.sort_order,
            )
            obj.pk = created.pk
            return
        current = ConcernCategory.objects.get(pk=obj.pk)
        old_name, old_order, old_replaced = current.name, current.sort_order, current.replaced_by_id
        version = services.category_update(
            category=current, name=obj.name, definition=obj.definition, actor=actor
        )
        if obj.sort_order != old_order or obj.replaced_by_id != old_replaced:
            ConcernCategory.objects.filter(pk=obj.pk).update(
                sort_order=obj.sort_order, replaced_by=obj.replaced_by
            )
        if version is not None:
            messages.info(
                request,
                f"Saved as version {version.version}. Items recorded before now keep "
                f"'{old_name}' in their history; nothing was rewritten.",
            )
        obj.refresh_from_db()

    @admin.action(description="Retire the selected categories (kept for history)")
    def retire(self, request: HttpRequest, queryset: Any) -> None:
        for category in queryset:
            try:
                services.category_retire(category=category, actor=_actor(request))
            except services.VocabularyError as exc:
                messages.error(request, str(exc))

    actions = ["retire"]


@admin.register(CinFactor)
class CinFactorAdmin(admin.ModelAdmin):
    """The census codes are the Department for Education's: read-only here (a change to
    their mapping is a data migration, so it is reviewed and versioned with the code)."""

    list_display = ["code", "label", "category"]
    list_filter = ["category"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MappingChangeInline(admin.TabularInline):
    model = CodeMappingChange
    extra = 0
    can_delete = False
    fields = ["version", "kind", "code", "label", "category", "active", "changed_at", "changed_by"]
    readonly_fields = [
        "version",
        "kind",
        "code",
        "label",
        "category",
        "active",
        "changed_at",
        "changed_by",
    ]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CodeMapping)
class CodeMappingAdmin(admin.ModelAdmin):
    list_display = ["agency", "code", "label", "category", "active", "version"]
    list_filter = ["agency", "category", "active"]
    search_fields = ["code", "label"]
    fields = ["agency", "code", "label", "category", "active"]
    inlines = [MappingChangeInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["agency", "code"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # switch a mapping off (active) instead; its history stays

    def save_model(self, request: HttpRequest, obj: CodeMapping, form: Any, change: bool) -> None:
        try:
            saved = services.mapping_save(
                agency=obj.agency,
                code=obj.code,
                category=obj.category,
                label=obj.label,
                active=obj.active,
                actor=_actor(request),
            )
        except services.VocabularyError as exc:
            raise ValidationError(str(exc)) from exc
        obj.pk = saved.pk


@admin.register(UnmappedCode)
class UnmappedCodeAdmin(admin.ModelAdmin):
    list_display = ["agency", "code", "times_seen", "first_seen", "last_seen", "mapped_at"]
    list_filter = ["agency", "mapped_at"]
    readonly_fields = ["agency", "code", "times_seen", "first_seen", "last_seen", "mapped_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class DescriptorChangeInline(admin.TabularInline):
    model = ThresholdDescriptorChange
    extra = 0
    can_delete = False
    fields = ["version", "text", "changed_at", "changed_by"]
    readonly_fields = ["version", "text", "changed_at", "changed_by"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ThresholdDescriptor)
class ThresholdDescriptorAdmin(admin.ModelAdmin):
    list_display = ["partnership", "level", "domain", "version", "updated_at"]
    list_filter = ["partnership", "level", "domain"]
    fields = ["partnership", "level", "domain", "text"]
    inlines = [DescriptorChangeInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["partnership", "level", "domain"] if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: ThresholdDescriptor, form: Any, change: bool
    ) -> None:
        saved = services.threshold_descriptor_update(
            partnership=obj.partnership,
            level=obj.level,
            domain=obj.domain,
            text=obj.text,
            actor=_actor(request),
        )
        obj.pk = saved.pk
