"""Review grants: a learning review's access (docs/decisions/0054-review-grants.md)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.partnerships.models import Agency, Practitioner
from fullpicture.people.models import Person
from fullpicture.sharing.errors import SharingRefused

# The item feed lives in sharing.feeds; its names stay importable from here (__all__).
from fullpicture.sharing.models import (
    ReviewGrant,
)

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------
# Review grants: a learning review's access (docs/decisions/0054-review-grants.md)
# --------------------------------------------------------------------------------------

REVIEW_GRANT_DAYS = 365  # FULLPICTURE_REVIEW_GRANT_DAYS overrides; closing ends it sooner


def review_grant_create(
    *,
    actor: Actor,
    approved_by: Practitioner,
    person_ids: Sequence[int],
    period_from: dt.date,
    period_to: dt.date,
    review_ref: str,
    granted_to: str = "system:learning-review",
) -> ReviewGrant:
    """Grant a named system actor every item and record about these persons, up to the
    end of the period, for the purpose ``learning_review``. Only an active IG lead's
    approval creates one; the creation is one ledger event (ids only)."""
    from fullpicture.sharing.policy import (
        REVIEW_GRANT_BASIS,
        REVIEW_GRANT_SCOPE,
        Purpose,
        system_access,
    )

    purpose = Purpose.LEARNING_REVIEW.value
    errors = []
    if not (approved_by.is_active and approved_by.has_role("ig_lead")):
        errors.append("Only an active information-governance lead can approve a review grant.")
    ids = sorted({int(p) for p in person_ids})
    if not ids:
        errors.append("Name at least one person.")
    elif Person.objects.filter(pk__in=ids).count() != len(ids):
        errors.append("Every person in the grant must exist.")
    if period_from > period_to:
        errors.append("The period must start on or before it ends.")
    if not review_ref.strip():
        errors.append("Name the review the grant serves.")
    if not system_access(actor=granted_to, purpose=purpose, scope=REVIEW_GRANT_SCOPE).allowed:
        errors.append(f"{granted_to} may not read through a review grant.")
    if errors:
        raise SharingRefused(*errors)
    days = int(getattr(settings, "FULLPICTURE_REVIEW_GRANT_DAYS", REVIEW_GRANT_DAYS))
    now = timezone.now()
    with transaction.atomic():
        grant = ReviewGrant.objects.create(
            purpose=purpose,
            period_from=period_from,
            period_to=period_to,
            approved_by=approved_by,
            granted_to=granted_to,
            review_ref=review_ref.strip()[:64],
            legal_basis=REVIEW_GRANT_BASIS,
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        grant.persons.set(ids)
        ledger_record(
            actor=actor,
            action=Action.CREATE,
            object_type="review_grant",
            object_id=grant.pk,
            purpose=purpose,
            legal_basis=REVIEW_GRANT_BASIS,
            details={
                "person_ids": [str(p) for p in ids],
                "granted_to": granted_to,
                "review": grant.review_ref,
                "approved_by": f"user:{approved_by.pk}",
                "days": days,
            },
        )
    return grant


def review_grant_end(*, actor: Actor, grant_id: int, reason_code: str = "closed") -> ReviewGrant:
    """End a review grant now (the review closed): nothing more is read through it."""
    with transaction.atomic():
        grant = (
            ReviewGrant.objects.select_for_update()
            .filter(pk=grant_id, ended_at__isnull=True)
            .first()
        )
        if grant is None:
            raise SharingRefused(f"Review grant {grant_id} is not active.")
        grant.ended_at = timezone.now()
        grant.end_reason = reason_code[:32]
        grant.save(update_fields=["ended_at", "end_reason"])
        ledger_record(
            actor=actor,
            action=Action.UPDATE,
            object_type="review_grant",
            object_id=grant.pk,
            purpose=grant.purpose,
            reason_code=f"end_{reason_code}"[:32],
            details={"review": grant.review_ref},
        )
    return grant


def review_grant_tell_agencies(*, actor: Actor, grant_id: int, requested_by: str) -> list[int]:
    """Tell each agency whose items the grant reads: its IG leads (or, if it has none,
    its partnership's) get a notice naming the review, its period and who asked and who
    approved. Returns the agencies' ids; one ledger event (ids only). Reads only the
    items' agency ids, never their content."""
    from fullpicture.sharing.selectors import agencies_holding_items_about
    from fullpicture.sharing.services.break_glass import ig_leads_for
    from fullpicture.sharing.services.common import _notify

    grant = ReviewGrant.objects.select_related("approved_by").get(pk=grant_id)
    agency_ids = agencies_holding_items_about(
        person_ids=list(grant.persons.values_list("pk", flat=True))
    )
    told: dict[int, tuple[Practitioner, list[str]]] = {}
    names = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "name"))
    for agency_id in agency_ids:
        leads = list(
            Practitioner.objects.filter(
                agency_id=agency_id, roles__code="ig_lead", is_active=True
            ).distinct()
        ) or list(ig_leads_for(agency_id=agency_id))
        for lead in leads:
            told.setdefault(lead.pk, (lead, []))[1].append(names.get(agency_id, str(agency_id)))
    for lead, agencies in told.values():
        _notify(
            recipients=[lead],
            kind="learning_review",
            obj="review_grant",
            oid=grant.pk,
            msg=f"A learning review ({grant.review_ref.replace('_', ' ')}) will read the items "
            f"of {', '.join(agencies)} about the people it covers, from "
            f"{grant.period_from:%d %b %Y} to {grant.period_to:%d %b %Y}. Requested by "
            f"{requested_by}, approved by {grant.approved_by}. Every read is in the ledger.",
        )
    ledger_record(
        actor=actor,
        action=Action.CREATE,
        object_type="review_grant_notice",
        object_id=grant.pk,
        purpose=grant.purpose,
        reason_code="agencies_told",
        details={"agency_ids": [str(a) for a in agency_ids]},
    )
    return agency_ids
