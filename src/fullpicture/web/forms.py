"""Forms: they parse input; the services and selectors do the work."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from fullpicture.sharing.policy import Purpose


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password.",
        "inactive": "This account is not active.",
    }


class PersonSearchForm(forms.Form):
    name = forms.CharField(required=False, max_length=100, label="Name")
    dob_day = forms.IntegerField(required=False, min_value=1, max_value=31, label="Day")
    dob_month = forms.IntegerField(required=False, min_value=1, max_value=12, label="Month")
    dob_year = forms.IntegerField(required=False, min_value=1900, max_value=2100, label="Year")
    identifier = forms.CharField(required=False, max_length=20, label="NHS number, UPN or PNC id")
    purpose = forms.ChoiceField(
        choices=Purpose.choices, required=False, initial=Purpose.SAFEGUARDING_ENQUIRY
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        parts = [data.get("dob_day"), data.get("dob_month"), data.get("dob_year")]
        data["date_of_birth"] = None
        if any(p is not None for p in parts):
            if not all(p is not None for p in parts):
                raise forms.ValidationError("Enter a full date of birth.")
            try:
                data["date_of_birth"] = dt.date(
                    int(parts[2]),  # type: ignore[arg-type]
                    int(parts[1]),  # type: ignore[arg-type]
                    int(parts[0]),  # type: ignore[arg-type]
                )
            except ValueError as exc:
                raise forms.ValidationError("Enter a real date of birth.") from exc
        data["purpose"] = data.get("purpose") or Purpose.SAFEGUARDING_ENQUIRY
        return data
