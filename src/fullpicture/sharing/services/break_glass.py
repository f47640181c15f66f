"""Break-glass: access for immediate risk, reviewed by the IG lead."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record
from fullpicture.partnerships.models import Agency, Practitioner
from fullpicture.sharing.errors import SharingRefused

# The item feed lives in sharing.feeds; its names stay importable from here (__all__).
from fullpicture.sharing.models import (
    BreakGlassGrant,
    BreakGlassReview,
)
from fullpicture.sharing.services.common import StaleEdit, _notify, _require_role

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------
# Break-glass
# --------------------------------------------------------------------------------------

BREAK_GLASS_PURPOSES = ("safeguarding_enquiry", "strategy_discussion", "direct_care")


def break_glass_start(
    *, user: Practitioner, person_id: int, purpose: str, reason: str
) -> BreakGlassGrant:
    """Immediate risk: time-limited access to one person beyond the agreements.

    The person must already be known to the user (a record or item they may see for
    some purpose), so break-glass cannot be used to find out whether a child is known.
    The IG leads are told at once, in the app and by email.
    """
    from fullpicture.sharing.policy import BREAK_GLASS_BASIS, Purpose, may_break_glass
    from fullpicture.sharing.selectors import persons_visible_to

    if user.agency_id is None or not may_break_glass(viewer=user):
        raise SharingRefused(
            "Your role cannot use break-glass. Ask a MASH manager, or call the emergency duty team."
        )
    errors = []
    if purpose not in BREAK_GLASS_PURPOSES:
        errors.append("Choose a purpose from the list.")
    if len(reason.strip()) < 10:
        errors.append("Describe the immediate risk (at least a sentence).")
    if errors:
        raise SharingRefused(*errors)
    known = any(
        persons_visible_to(viewer=user, purpose=p).filter(pk=person_id).exists()
        for p in Purpose.values
    )
    if not known:
        raise SharingRefused("That person was not found.")
    hours = int(getattr(settings, "FULLPICTURE_BREAK_GLASS_HOURS", 24))
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            practitioner=user,
            agency_id=user.agency_id,
            person_id=person_id,
            purpose=purpose,
            reason=reason.strip(),
            started_at=now,
            expires_at=now + dt.timedelta(hours=hours),
        )
        ledger_record(
            actor=user.actor,
            action=Action.BREAK_GLASS,
            object_type="person",
            object_id=person_id,
            purpose=purpose,
            legal_basis=BREAK_GLASS_BASIS,
            reason_code="start",
            details={"grant_id": str(grant.pk), "hours": hours},
        )
        leads = list(ig_leads_for(agency_id=user.agency_id))
        _notify(
            recipients=leads,
            kind="break_glass",
            obj="break_glass_grant",
            oid=grant.pk,
            msg=f"Break-glass used by {user} ({user.agency.name if user.agency else ''}) "
            f"for {Purpose(purpose).label.lower()}: review grant {grant.pk}.",
        )
    _email_ig_leads(grant=grant, user=user, leads=leads)
    return grant


def ig_leads_for(*, agency_id: int | None) -> Any:
    """IG leads of the agency's partnership (every IG lead if it has none)."""
    leads = Practitioner.objects.filter(roles__code="ig_lead", is_active=True)
    agency = Agency.objects.filter(pk=agency_id or 0).first()
    if agency is not None and agency.partnership_id is not None:
        leads = leads.filter(agency__partnership_id=agency.partnership_id)
    return leads.distinct()


def _email_ig_leads(*, grant: BreakGlassGrant, user: Practitioner, leads: list[Any]) -> None:
    addresses = sorted({lead.email for lead in leads if lead.email})
    if not addresses:
        return
    try:
        send_mail(
            subject=f"Full Picture: break-glass used (grant {grant.pk})",
            message=(
                f"{user} of {user.agency.name if user.agency else 'an agency'} used break-glass "
                f"at {timezone.localtime(grant.started_at):%d %b %Y %H:%M} "
                f"(grant {grant.pk}, expires {timezone.localtime(grant.expires_at):%H:%M}).\n"
                "Review it in Full Picture: Break-glass reviews.\n"
                "This email carries no details of the person concerned."
            ),
            from_email=None,
            recipient_list=addresses,
        )
    except Exception:  # the in-app alert is already committed; the mail must not block care
        logger.exception("break-glass email failed for grant %s", grant.pk)


def break_glass_end(*, user: Practitioner, grant_id: int) -> BreakGlassGrant:
    with transaction.atomic():
        grant = BreakGlassGrant.objects.filter(
            pk=grant_id, practitioner=user, ended_at__isnull=True
        ).first()
        if grant is None:
            raise SharingRefused("That break-glass access is not active.")
        grant.ended_at = timezone.now()
        grant.version += 1
        grant.save(update_fields=["ended_at", "version"])
        ledger_record(
            actor=user.actor,
            action=Action.BREAK_GLASS,
            object_type="break_glass_grant",
            object_id=grant.pk,
            purpose=grant.purpose,
            reason_code="end",
            details={"person_id": str(grant.person_id)},
        )
    return grant


def break_glass_review(
    *, user: Practitioner, grant_id: int, version: int, appropriate: bool | None, note: str
) -> BreakGlassGrant:
    """The IG lead marks a use appropriate or not, with a note."""
    _require_role(user, "ig_lead", doing="review break-glass use")
    if appropriate is None:
        raise SharingRefused("Choose whether the use was appropriate.")
    if not appropriate and not note.strip():
        raise SharingRefused("Say why the use was not appropriate.")
    review = BreakGlassReview.APPROPRIATE if appropriate else BreakGlassReview.NOT_APPROPRIATE
    with transaction.atomic():
        updated = BreakGlassGrant.objects.filter(pk=grant_id, version=version).update(
            review=review,
            review_note=note.strip(),
            reviewed_by=user,
            reviewed_at=timezone.now(),
            version=version + 1,
        )
        if not updated:
            if not BreakGlassGrant.objects.filter(pk=grant_id).exists():
                raise SharingRefused("That break-glass use does not exist.")
            raise StaleEdit("Someone else reviewed this use while you were; nothing was saved.")
        grant = BreakGlassGrant.objects.get(pk=grant_id)
        ledger_record(
            actor=user.actor,
            action=Action.BREAK_GLASS,
            object_type="break_glass_grant",
            object_id=grant.pk,
            purpose=grant.purpose,
            reason_code=review,
            details={"person_id": str(grant.person_id), "review": review},
        )
    return grant
