"""Early-help episodes: the work context that justifies reading for early help, with the
family's consent on record (docs/decisions/0056)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record
from fullpicture.partnerships.models import Agency, Practitioner
from fullpicture.sharing.errors import SharingRefused
from fullpicture.sharing.models import EarlyHelpEpisode
from fullpicture.sharing.services.common import _require_role


def early_help_episode_start(
    *,
    user: Practitioner,
    person_id: int,
    agency_ids: Sequence[int] = (),
    consent_given: bool,
    started_on: dt.date | None = None,
) -> EarlyHelpEpisode:
    """The user's agency leads an early-help episode for a person its own records hold,
    with the agencies taking part and whether the family consented to sharing."""
    from fullpicture.sharing.policy import READING_ROLES
    from fullpicture.sharing.selectors import records_visible_to

    agency_id = _require_role(user, *READING_ROLES, doing="start an early-help episode")
    started_on = started_on or timezone.localdate()
    errors: list[str] = []
    own = records_visible_to(viewer=user, purpose="direct_care").filter(agency_id=agency_id)
    if not own.filter(person_id=person_id).exists():
        errors.append("That person was not found in your agency's records.")
    others = list(Agency.objects.filter(pk__in=set(agency_ids)).exclude(pk=agency_id))
    if len(others) != len(set(agency_ids) - {agency_id}):
        errors.append("Choose the agencies taking part from the list.")
    if started_on > timezone.localdate():
        errors.append("An episode cannot start in the future.")
    if errors:
        raise SharingRefused(*errors)
    now = timezone.now()
    with transaction.atomic():
        episode = EarlyHelpEpisode.objects.create(
            person_id=person_id,
            lead_agency_id=agency_id,
            consent_given=consent_given,
            consent_recorded_at=now,
            consent_recorded_by=user,
            started_on=started_on,
        )
        episode.agencies.set(others)
        ledger_record(
            actor=user.actor,
            action=Action.CREATE,
            object_type="early_help_episode",
            object_id=episode.pk,
            purpose="early_help",
            details={
                "person_id": str(person_id),
                "agency_ids": [str(a.pk) for a in others],
                "consent_given": consent_given,
            },
        )
    return episode
