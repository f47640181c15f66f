"""Forms for the linkage pages: they parse input; services make the decisions."""

from __future__ import annotations

from django import forms

REASON_HELP = "Say what you compared. It is kept with the decision."


class ReasonField(forms.CharField):
    def __init__(self) -> None:
        super().__init__(
            max_length=1000,
            label="Reason",
            help_text=REASON_HELP,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={
                "required": "Enter the reason for your decision",
                "max_length": "Enter a reason of 1000 characters or fewer",
            },
        )


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("same", "Same person: join this record to the candidate's person"),
            ("not_same", "Not the same person: keep them apart, now and in later runs"),
        ],
        widget=forms.RadioSelect,
        label="Are these records the same person?",
        error_messages={"required": "Select whether these records are the same person"},
    )
    reason = ReasonField()
    version = forms.IntegerField(widget=forms.HiddenInput)


class UnlinkForm(forms.Form):
    record = forms.RegexField(
        regex=r"^\d+:\d+$",
        widget=forms.RadioSelect,
        label="Record whose link to undo",
        error_messages={
            "required": "Select the record whose link to undo",
            "invalid": "Select the record whose link to undo",
        },
    )
    reason = ReasonField()

    def record_and_version(self) -> tuple[int, int]:
        pk, version = self.cleaned_data["record"].split(":")
        return int(pk), int(version)


class SplitForm(forms.Form):
    records = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Records to move to a new person",
        error_messages={"required": "Select the records that belong to someone else"},
    )
    token = forms.CharField(widget=forms.HiddenInput)
    reason = ReasonField()

    def __init__(self, *args: object, record_ids: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["records"].choices = [(pk, str(pk)) for pk in record_ids]  # type: ignore[attr-defined]


class MergeForm(forms.Form):
    other = forms.IntegerField(
        label="Person to merge into this one",
        help_text="The person id, for example 42. Every record of that person moves here.",
        min_value=1,
        error_messages={
            "required": "Enter the id of the person to merge into this one",
            "invalid": "Enter the person id as a number, for example 42",
            "min_value": "Enter the person id as a number, for example 42",
        },
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    other_token = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = ReasonField()


class ProposalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "Make the move"), ("reject", "Keep the records as they are")],
        error_messages={"required": "Choose whether to make the move"},
    )
    reason = forms.CharField(
        max_length=1000,
        error_messages={
            "required": "Enter the reason for your decision",
            "max_length": "Enter a reason of 1000 characters or fewer",
        },
    )
