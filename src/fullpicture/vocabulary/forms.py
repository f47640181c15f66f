"""Forms for the shared-language pages: they parse input; services do the work."""

from __future__ import annotations

from typing import Any

from django import forms

from fullpicture.partnerships.models import Agency
from fullpicture.vocabulary.models import ConcernCategory


class MappingForm(forms.Form):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        error_messages={"required": "Choose the agency that uses this code"},
    )
    code = forms.CharField(
        max_length=64,
        error_messages={"required": "Enter the agency's code, exactly as its system sends it"},
    )
    label = forms.CharField(max_length=200, required=False)
    category = forms.ModelChoiceField(
        queryset=ConcernCategory.objects.filter(retired_at__isnull=True),
        error_messages={
            "required": "Choose the shared category this code means",
            "invalid_choice": "Choose one of the shared categories",
        },
    )

    def __init__(self, *args: Any, partnership_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.all()
        if partnership_id is not None:
            agencies = agencies.filter(partnership_id=partnership_id)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class CompareForm(forms.Form):
    left = forms.CharField(max_length=16)
    right = forms.CharField(max_length=16)
