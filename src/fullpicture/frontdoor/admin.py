"""Administrators edit each partnership's working hours and timescales here."""

from django.contrib import admin

from fullpicture.frontdoor.models import ClosedCase, Timescales


@admin.register(Timescales)
class TimescalesAdmin(admin.ModelAdmin):
    list_display = (
        "partnership",
        "day_starts",
        "day_ends",
        "red_hours",
        "amber_hours",
        "green_hours",
        "decision_due_days",
        "feedback_due_days",
    )
    fieldsets = (
        (None, {"fields": ("partnership",)}),
        (
            "Working hours",
            {
                "fields": (
                    ("day_starts", "day_ends"),
                    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
                    "bank_holidays",
                )
            },
        ),
        ("RAG timescales", {"fields": ("red_hours", "amber_hours", "green_hours")}),
        (
            "Decisions, feedback and routing",
            {
                "fields": (
                    "decision_due_days",
                    "feedback_due_days",
                    "rereferral_months",
                    "closed_case_months",
                )
            },
        ),
    )


@admin.register(ClosedCase)
class ClosedCaseAdmin(admin.ModelAdmin):
    list_display = ("id", "person", "agency", "team", "closed_on")
    list_filter = ("agency",)
    raw_id_fields = ("person",)
