"""Forms for the sharing pages: they parse input; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from fullpicture.sharing.models import (
    AgreementStatus,
    Article6,
    Article9,
    BreakGlassReason,
    Paragraph18Reason,
    RiskJudgement,
    Schedule1,
    WithholdReason,
)
from fullpicture.sharing.policy import Purpose
from fullpicture.sharing.services import (
    BREAK_GLASS_PURPOSES,
    GOLDEN_RULES,
    AgreementTerms,
    PartyTerms,
    ShareReason,
)


def form_errors(form: forms.Form, extra: list[str] | None = None) -> list[tuple[str, str]]:
    """(href, message) pairs for the GOV.UK error summary."""
    pairs = [
        (f"#id_{name}" if name != "__all__" else "#main-content", str(message))
        for name, messages in form.errors.items()
        for message in messages
    ]
    return pairs + [("#main-content", m) for m in extra or []]


class AgreementForm(forms.Form):
    reference = forms.CharField(max_length=32, error_messages={"required": "Enter a reference."})
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title."})
    purposes = forms.MultipleChoiceField(
        choices=Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one purpose."},
    )
    categories = forms.MultipleChoiceField(
        choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    article6 = forms.ChoiceField(
        choices=Article6.choices, error_messages={"required": "Choose the Article 6 basis."}
    )
    article9 = forms.ChoiceField(choices=Article9.choices, required=False)
    schedule1 = forms.ChoiceField(choices=Schedule1.choices, required=False)
    rests_on_consent = forms.BooleanField(required=False)
    starts_on = forms.DateField(error_messages={"required": "Enter the start date."})
    ends_on = forms.DateField(required=False)
    review_on = forms.DateField(required=False)
    status = forms.ChoiceField(choices=AgreementStatus.choices)
    document = forms.FileField(required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = categories  # type: ignore[attr-defined]

    def terms(self, *, agency_ids: list[int]) -> tuple[AgreementTerms, list[str]]:
        """The terms, and any party-limit input that is not a whole number."""
        data = self.cleaned_data
        errors: list[str] = []
        parties = []

        def number(name: str) -> int | None:
            raw = (self.data.get(name) or "").strip()
            if not raw:
                return None
            if not raw.isdigit():
                errors.append("Party limits must be whole numbers.")
                return None
            return int(raw)

        for agency_id in agency_ids:
            if self.data.get(f"party_{agency_id}"):
                parties.append(
                    PartyTerms(
                        agency_id=agency_id,
                        min_subject_age=number(f"min_{agency_id}"),
                        max_subject_age=number(f"max_{agency_id}"),
                        most_recent_limit=number(f"recent_{agency_id}"),
                    )
                )
        terms = AgreementTerms(
            reference=data["reference"],
            title=data["title"],
            purposes=tuple(data["purposes"]),
            parties=tuple(parties),
            category_ids=tuple(int(c) for c in data.get("categories") or ()),
            article6=data["article6"],
            article9=data.get("article9") or "",
            schedule1=data.get("schedule1") or "",
            rests_on_consent=bool(data.get("rests_on_consent")),
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
            review_on=data.get("review_on"),
            status=data["status"],
            notes=data.get("notes") or "",
        )
        return terms, sorted(set(errors))


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("share", "Share"), ("withhold", "Withhold")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to share or to withhold."},
    )
    agencies = forms.MultipleChoiceField(
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one agency."},
    )
    purpose = forms.ChoiceField(choices=Purpose.choices)
    golden_rules = forms.MultipleChoiceField(
        choices=GOLDEN_RULES, required=False, widget=forms.CheckboxSelectMultiple
    )
    risk_of_sharing = forms.CharField(required=False, widget=forms.Textarea)
    risk_of_not_sharing = forms.CharField(required=False, widget=forms.Textarea)
    risk_judgement = forms.ChoiceField(
        choices=RiskJudgement.choices, required=False, widget=forms.RadioSelect
    )
    paragraph18_reason = forms.ChoiceField(choices=Paragraph18Reason.choices, required=False)
    withhold_reason = forms.ChoiceField(
        choices=[("", "Choose a reason"), *WithholdReason.choices], required=False
    )
    allowed_purposes = forms.MultipleChoiceField(
        choices=Purpose.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(required=False, widget=forms.Textarea)
    versions = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"].choices = agencies  # type: ignore[attr-defined]

    def share_reason(self) -> ShareReason:
        data = self.cleaned_data
        return ShareReason(
            reason=data.get("reason") or "",
            golden_rules=tuple(data.get("golden_rules") or ()),
            risk_of_sharing=data.get("risk_of_sharing") or "",
            risk_of_not_sharing=data.get("risk_of_not_sharing") or "",
            risk_judgement=data.get("risk_judgement") or "",
            paragraph18_reason=data.get("paragraph18_reason") or "",
        )

    def expected_versions(self) -> dict[tuple[int, int], int]:
        """``item:agency:version`` triples the form was drawn with (0: no decision yet)."""
        versions: dict[tuple[int, int], int] = {}
        for part in (self.cleaned_data.get("versions") or "").split(","):
            bits = part.split(":")
            if len(bits) == 3 and all(b.isdigit() for b in bits):
                versions[(int(bits[0]), int(bits[1]))] = int(bits[2])
        return versions


class RequestForm(forms.Form):
    agencies = forms.MultipleChoiceField(
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one agency to ask."},
    )
    purpose = forms.ChoiceField(choices=Purpose.choices)
    due_date = forms.DateField(error_messages={"required": "Enter the date it is due."})
    due_time = forms.TimeField(error_messages={"required": "Enter the time it is due."})
    question = forms.CharField(required=False, widget=forms.Textarea)
    include_household = forms.BooleanField(required=False)

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"].choices = agencies  # type: ignore[attr-defined]

    def due_at(self) -> dt.datetime:
        return timezone.make_aware(
            dt.datetime.combine(self.cleaned_data["due_date"], self.cleaned_data["due_time"])
        )


class BreakGlassForm(forms.Form):
    purpose = forms.ChoiceField(
        choices=[(p, Purpose(p).label) for p in BREAK_GLASS_PURPOSES], widget=forms.RadioSelect
    )
    reason_code = forms.ChoiceField(
        choices=BreakGlassReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the reason for breaking glass from the list.",
            "invalid_choice": "Choose the reason for breaking glass from the list.",
        },
    )
    reason = forms.CharField(
        widget=forms.Textarea,
        error_messages={"required": "Describe the immediate risk."},
    )


class ReviewForm(forms.Form):
    appropriate = forms.ChoiceField(
        choices=[("yes", "Appropriate"), ("no", "Not appropriate")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the use was appropriate."},
    )
    note = forms.CharField(required=False, widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput)
