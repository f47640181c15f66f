"""Forms for the training pages: they parse input; services do the work."""

from __future__ import annotations

from django import forms


class JoinForm(forms.Form):
    code = forms.CharField(
        max_length=20,
        strip=True,
        required=False,
        label="Join code",
    )


class AssessmentForm(forms.Form):
    title = forms.CharField(
        max_length=120,
        error_messages={"required": "Enter a name for the assessment, for example Spring 2026"},
    )
    assessed_on = forms.DateField(
        error_messages={
            "required": "Enter the date of the assessment",
            "invalid": "Enter the date of the assessment as a real date, for example 2026-04-30",
        }
    )


class ActionForm(forms.Form):
    factor = forms.CharField(
        max_length=16, error_messages={"required": "Choose the factor the action improves"}
    )
    description = forms.CharField(error_messages={"required": "Describe the action"})
    owner = forms.CharField(max_length=120, error_messages={"required": "Enter who owns it"})
    due_on = forms.DateField(
        error_messages={
            "required": "Enter the date the action is due",
            "invalid": "Enter the due date as a real date, for example 2026-09-30",
        }
    )
