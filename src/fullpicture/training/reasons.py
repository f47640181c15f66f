"""The reasons a card may be withheld: the sharing app's withhold-reason list, one source.

The exercise uses exactly the reasons a practitioner records when withholding a live
item (``fullpicture.sharing.models.WithholdReason``), so that practice in the exercise is
practice for the real thing.
"""

from __future__ import annotations

from fullpicture.sharing import models as sharing_models

# Used only if the sharing app's list were ever missing; it mirrors sharing's list.
_MIRROR: list[tuple[str, str]] = [
    ("risk_to_source", "Risk to the source"),
    ("prejudice_investigation", "Would prejudice an investigation"),
    ("not_relevant", "Not relevant or not proportionate"),
    ("consent_refused", "Consent refused and no paragraph 18 condition"),
    ("third_party", "Third-party information"),
    ("legal_privilege", "Legal privilege"),
    ("advice_sought", "Unsure: advice sought"),
]


def withhold_reasons() -> list[tuple[str, str]]:
    """(value, label) pairs, from the sharing app's ``WithholdReason`` when it exists."""
    choices = getattr(getattr(sharing_models, "WithholdReason", None), "choices", None)
    return [(str(v), str(label)) for v, label in (choices or _MIRROR) if v]


def withhold_reason_label(value: str) -> str:
    return dict(withhold_reasons()).get(value, value)
