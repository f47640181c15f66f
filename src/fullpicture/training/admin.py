"""Scenarios can be written in the admin as well as dropped in as files."""

from __future__ import annotations

from django.contrib import admin

from fullpicture.training.models import (
    AssessmentQuestion,
    Exercise,
    Scenario,
    ScenarioAgency,
    ScenarioCard,
    SelfAssessment,
)


class ScenarioAgencyInline(admin.TabularInline):
    model = ScenarioAgency
    extra = 1


class ScenarioCardInline(admin.StackedInline):
    model = ScenarioCard
    extra = 1


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "partnership", "source", "active"]
    list_filter = ["partnership", "source", "active"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ScenarioAgencyInline, ScenarioCardInline]


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["title", "partnership", "state", "join_code", "created_at"]
    list_filter = ["partnership", "state"]
    readonly_fields = ["join_code", "code_expires_at", "created_at", "version"]


@admin.register(AssessmentQuestion)
class AssessmentQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "factor", "sort_order", "active"]
    list_filter = ["factor", "active"]


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(admin.ModelAdmin):
    list_display = ["title", "partnership", "assessed_on", "completed_at"]
    list_filter = ["partnership"]
