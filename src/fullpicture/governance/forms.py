"""Forms for the governance pages: they parse input; selectors and services do the work."""

from __future__ import annotations

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"


class AccessLogFilterForm(forms.Form):
    person = forms.CharField(
        required=False,
        max_length=12,
        label="Person id",
        error_messages={"max_length": "Enter a person id of 12 digits or fewer"},
    )
    practitioner = forms.CharField(required=False, max_length=150, label="Practitioner's username")
    date_from = forms.DateField(
        required=False,
        label="From",
        widget=DateInput,
        error_messages={"invalid": "Enter the from date as a real date"},
    )
    date_to = forms.DateField(
        required=False,
        label="To",
        widget=DateInput,
        error_messages={"invalid": "Enter the to date as a real date"},
    )

    def clean_person(self) -> str:
        value = str(self.cleaned_data.get("person") or "").strip()
        if value and not value.isdigit():
            raise forms.ValidationError("Enter the person id as a number, for example 42")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The to date must be the same as or after the from date")
        return data


class SubjectAccessForm(forms.Form):
    person = forms.IntegerField(
        label="Person id",
        min_value=1,
        error_messages={
            "required": "Enter the id of the person who asked for their information",
            "invalid": "Enter the person id as a number, for example 42",
            "min_value": "Enter the person id as a number, for example 42",
        },
    )
    format = forms.ChoiceField(
        label="Format",
        choices=[("pdf", "PDF document, to send to the person"), ("json", "JSON file")],
        initial="pdf",
        error_messages={"required": "Choose a format", "invalid_choice": "Choose a format"},
    )
