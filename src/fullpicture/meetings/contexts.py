"""The meeting as a work context: it justifies reading for a multi-agency meeting the
persons on its agenda (and their households), for the agencies invited to it (its host
and its chair's agency too). Registered with the policy point when Django starts."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from fullpicture.meetings.models import AgendaEntry, Meeting
from fullpicture.partnerships.models import Practitioner
from fullpicture.sharing.contexts import WorkContext, register_work_context, with_households
from fullpicture.sharing.policy import Purpose


def meeting_context(viewer: Practitioner, meeting_id: int, at: dt.datetime) -> WorkContext | None:
    agency_id = viewer.agency_id
    if agency_id is None:
        return None
    taking_part = (
        Q(invitations__agency_id=agency_id) | Q(host_agency_id=agency_id) | Q(chair_id=viewer.pk)
    )
    if not Meeting.objects.filter(taking_part, pk=meeting_id).exists():
        return None
    persons: set[int] = set()
    for entry in AgendaEntry.objects.filter(meeting_id=meeting_id).select_related("household"):
        persons.update(entry.person_ids())
    return WorkContext(
        kind="meeting",
        object_id=meeting_id,
        purposes=frozenset({Purpose.MULTI_AGENCY_MEETING.value}),
        person_ids=with_households(persons),
    )


def register() -> None:
    register_work_context(
        "meeting", meeting_context, default_purpose=Purpose.MULTI_AGENCY_MEETING.value
    )
