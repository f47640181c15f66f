"""Break-glass: access for immediate risk, reviewed by the IG lead."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record
from fullpicture.partnerships.four_eyes import refusal_record
from fullpicture.partnerships.models import Agency, Practitioner
from fullpicture.sharing.errors import SharingRefused

# The item feed lives in sharing.feeds; its names stay importable from here (__all__).
from fullpicture.sharing.models import (
    BreakGlassGrant,
    BreakGlassReason,
    BreakGlassReview,
)
from fullpicture.sharing.services.common import StaleEdit, _notify, _require_role

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------
# Break-glass
# --------------------------------------------------------------------------------------

BREAK_GLASS_PURPOSES = ("safeguarding_enquiry", "strategy_discussion", "direct_care")


_WORD = re.compile(r"[^\W\d_]{2,}")


def break_glass_reason_problem(text: str) -> str | None:
    """Why ``text`` is not a sentence describing the risk (None when it is one).

    At least ``FULLPICTURE_BREAK_GLASS_MIN_WORDS`` (default 4) words of two or more
    letters, at least three different ones, and no word that is one letter repeated
    ("aaaaaaaaaa", "zzz zzz zzz zzz" are refused)."""
    minimum = int(getattr(settings, "FULLPICTURE_BREAK_GLASS_MIN_WORDS", 4))
    words = [w.lower() for w in _WORD.findall(text)]
    if (
        len(words) < minimum
        or len(set(words)) < min(3, minimum)
        or any(len(set(w)) == 1 for w in words)
    ):
        return (
            "Describe the immediate risk in at least a sentence: "
            f"{minimum} or more real words, not repeated letters."
        )
    return None


def break_glass_start(
    *, user: Practitioner, person_id: int, purpose: str, reason_code: str, reason: str
) -> BreakGlassGrant:
    """Immediate risk: time-limited access to one person beyond the agreements.

    The person must already be known to the user (a record or item they may see for
    some purpose), so break-glass cannot be used to find out whether a child is known.
    The reason is one from the list (``BreakGlassReason``) plus at least a sentence.
    One grant per practitioner and person is open at a time: starting again while one
    is live renews it (its expiry moves on, ``renewals`` counts it, its review is asked
    for again). The IG leads are told at once, in the app and by email.
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
    if reason_code not in BreakGlassReason.values:
        errors.append("Choose the reason for breaking glass from the list.")
    problem = break_glass_reason_problem(reason)
    if problem:
        errors.append(problem)
    if errors:
        _refusal_event(user=user, person_id=person_id, purpose=purpose, rule="reason")
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
        grant = (
            BreakGlassGrant.objects.select_for_update()
            .filter(practitioner=user, person_id=person_id, ended_at__isnull=True)
            .first()
        )
        if grant is not None and grant.expires_at <= now:  # expired: close it, start anew
            grant.ended_at = grant.expires_at
            grant.version += 1
            grant.save(update_fields=["ended_at", "version"])
            grant = None
        step = "start"
        if grant is not None and grant.purpose != purpose:
            step = "refused"
        elif grant is None:
            grant = BreakGlassGrant.objects.create(
                practitioner=user,
                agency_id=user.agency_id,
                person_id=person_id,
                purpose=purpose,
                reason_code=reason_code,
                reason=reason.strip(),
                started_at=now,
                expires_at=now + dt.timedelta(hours=hours),
            )
        else:
            step = "renew"
            grant.renewals += 1
            grant.renewed_at = now
            grant.expires_at = now + dt.timedelta(hours=hours)
            grant.reason_code = reason_code
            grant.reason = (
                f"{grant.reason}\n\nRenewal {grant.renewals} "
                f"({timezone.localtime(now):%d %b %Y %H:%M}): {reason.strip()}"
            )
            grant.review = BreakGlassReview.PENDING  # the renewed use is reviewed again
            grant.version += 1
            grant.save()
        if step != "refused":
            ledger_record(
                actor=user.actor,
                action=Action.BREAK_GLASS,
                object_type="person",
                object_id=person_id,
                purpose=purpose,
                legal_basis=BREAK_GLASS_BASIS,
                reason_code=step,
                details={
                    "grant_id": str(grant.pk),
                    "hours": hours,
                    "reason": reason_code,
                    "renewals": grant.renewals,
                },
            )
            leads = list(ig_leads_for(agency_id=user.agency_id))
            renewed = f" (renewal {grant.renewals})" if grant.renewals else ""
            _notify(
                recipients=leads,
                kind="break_glass",
                obj="break_glass_grant",
                oid=grant.pk,
                msg=f"Break-glass used by {user} ({user.agency.name if user.agency else ''}) "
                f"for {Purpose(purpose).label.lower()}{renewed}: review grant {grant.pk}.",
            )
    if step == "refused":
        _refusal_event(user=user, person_id=person_id, purpose=purpose, rule="one_live_grant")
        raise SharingRefused(
            f"You already have live break-glass access to this person for "
            f"{Purpose(grant.purpose).label.lower()} (grant {grant.pk}). One grant per person "
            "is open at a time: renew it for the same purpose, or end it first."
        )
    _email_ig_leads(grant=grant, user=user, leads=leads)
    return grant


def _refusal_event(*, user: Practitioner, person_id: int, purpose: str, rule: str) -> None:
    """A refused break-glass is an event too (ids and the rule only)."""
    refusal_record(
        actor=user.actor,
        object_type="break_glass",
        object_id=person_id or "",
        purpose=purpose if purpose in BREAK_GLASS_PURPOSES else "",
        rule=f"break_glass_{rule}",
    )


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
