"""The Sharetown demo's governance: a learning review of the Walsh family requested by the
IG lead and approved by the deputy IG lead (whoever asks never approves), and a legal
hold on the family's records while the review runs. (The scrutiny dashboard reads
the other apps' demo data: shares, withholds, contacts, decisions.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from fullpicture.audit.services import Actor
from fullpicture.governance.learning import (
    learning_review_decide,
    learning_review_max_days,
    learning_review_request,
)
from fullpicture.governance.models import LearningReview, LegalHold
from fullpicture.governance.retention import legal_hold_place
from fullpicture.meetings.demo import walsh_household
from fullpicture.partnerships.models import Practitioner

LILY_MAE_DIED = dt.date(2026, 8, 14)
TERMS = (
    "Rapid review after the death of Lily-Mae Walsh (born 18 May 2024, died 14 August 2026): "
    "who knew what about the family, and when; what was shared, withheld and why."
)


def governance_demo_load(*, say: Callable[[str], None] = lambda _m: None) -> LearningReview | None:
    household = walsh_household()
    lead = Practitioner.objects.filter(username="ig.lead", is_active=True).first()
    deputy = Practitioner.objects.filter(username="ig.deputy", is_active=True).first()
    if household is None or lead is None or deputy is None:
        say("Governance: the Walsh family or an IG lead is missing; no review loaded.")
        return None
    if LearningReview.objects.filter(household=household).exists():
        return None
    today = timezone.localdate()
    review = learning_review_request(
        requested_by=lead,
        household_id=household.pk,
        period_from=max(
            dt.date(2023, 12, 1), today - dt.timedelta(days=learning_review_max_days() - 1)
        ),
        period_to=today,
        key_date=LILY_MAE_DIED,
        terms_of_reference=TERMS,
    )
    review = learning_review_decide(
        approver=deputy, review_id=review.pk, approve=True, note="Approved for the rapid review."
    )
    if not LegalHold.objects.filter(reason__startswith="Learning review").exists():
        for person_id in household.members.values_list("pk", flat=True):
            legal_hold_place(
                actor=Actor.system("demo"),
                reason=f"Learning review {review.pk} (Walsh family)",
                person_id=person_id,
                placed_by_id=lead.pk,
            )
    say(
        f"Governance: learning review {review.pk} of the Walsh family requested by the IG lead "
        "and approved by the deputy IG lead; "
        f"it reads every item about the family through review grant {review.grant_id}."
    )
    return review
