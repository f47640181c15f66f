"""The work contexts the sharing app owns: information requests, early-help episodes and
review grants (the front door registers contacts, meetings register meetings)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from fullpicture.partnerships.models import Practitioner, RoleCode
from fullpicture.sharing.contexts import WorkContext, register_work_context, with_households
from fullpicture.sharing.models import (
    EarlyHelpEpisode,
    InformationRequest,
    RequestRecipient,
    ReviewGrant,
)
from fullpicture.sharing.policy import Purpose, review_grant_active

REQUEST_PURPOSES = frozenset(
    {Purpose.SAFEGUARDING_ENQUIRY.value, Purpose.STRATEGY_DISCUSSION.value}
)


def request_context(viewer: Practitioner, request_id: int, at: dt.datetime) -> WorkContext | None:
    """A request the viewer's agency sent or was sent, for the request's own purpose."""
    request = InformationRequest.objects.filter(pk=request_id).first()
    if request is None or viewer.agency_id is None or request.purpose not in REQUEST_PURPOSES:
        return None
    asked = RequestRecipient.objects.filter(request_id=request_id, agency_id=viewer.agency_id)
    if request.from_agency_id != viewer.agency_id and not asked.exists():
        return None
    persons = [request.person_id]
    return WorkContext(
        kind="request",
        object_id=request.pk,
        purposes=frozenset({request.purpose}),
        person_ids=with_households(persons) if request.include_household else frozenset(persons),
    )


def episode_context(viewer: Practitioner, episode_id: int, at: dt.datetime) -> WorkContext | None:
    """An early-help episode with consent on record, open today, that the viewer's agency
    leads or takes part in: its person and their household."""
    if viewer.agency_id is None:
        return None
    today = timezone.localdate(at)
    episode = (
        EarlyHelpEpisode.objects.filter(pk=episode_id, consent_given=True, started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .filter(Q(lead_agency_id=viewer.agency_id) | Q(agencies=viewer.agency_id))
        .first()
    )
    if episode is None:
        return None
    return WorkContext(
        kind="episode",
        object_id=episode.pk,
        purposes=frozenset({Purpose.EARLY_HELP.value}),
        person_ids=with_households([episode.person_id]),
    )


def review_grant_work(viewer: Practitioner, grant_id: int, at: dt.datetime) -> WorkContext | None:
    """An active review grant, for an IG lead of the approver's partnership: its persons."""
    grant = ReviewGrant.objects.select_related("approved_by__agency").filter(pk=grant_id).first()
    if grant is None or not viewer.has_role(RoleCode.IG_LEAD.value):
        return None
    if not review_grant_active(grant, at=at):
        return None
    partnership = grant.approved_by.partnership_id
    if partnership is None or viewer.partnership_id != partnership:
        return None
    return WorkContext(
        kind="review-grant",
        object_id=grant.pk,
        purposes=frozenset({Purpose.AUDIT.value, Purpose.LEARNING_REVIEW.value}),
        person_ids=frozenset(grant.persons.values_list("pk", flat=True)),
    )


def register() -> None:
    register_work_context(
        "request", request_context, default_purpose=Purpose.SAFEGUARDING_ENQUIRY.value
    )
    register_work_context("episode", episode_context, default_purpose=Purpose.EARLY_HELP.value)
    register_work_context("review-grant", review_grant_work, default_purpose=Purpose.AUDIT.value)
