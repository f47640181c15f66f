"""The Sharetown demo's multi-agency meeting: a held strategy discussion about the Walsh family.

Written through the meetings services, as the chair and the agencies would: police and
probation share some items and withhold others (with reasons), housing shares; the chair
records attendance, the discussion, decisions and actions (one already overdue) and signs
the minutes off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from fullpicture.meetings.models import Meeting
from fullpicture.meetings.selectors import contribution_items
from fullpicture.meetings.services import (
    ActionPlan,
    ContributionPlan,
    MeetingPlan,
    action_add,
    attendance_record,
    contribution_prepare,
    decision_add,
    meeting_create,
    minutes_sign_off,
    note_add,
)
from fullpicture.partnerships.models import Practitioner
from fullpicture.people.models import Household, SourceRecord
from fullpicture.sharing.models import Sensitivity

TITLE = "Strategy discussion: the Walsh family"


def walsh_household() -> Household | None:
    """The household of the youngest Walsh child, Lily-Mae (born 18 May 2024)."""
    record = (
        SourceRecord.objects.filter(
            given_name="Lily-Mae", family_name="Walsh", date_of_birth=dt.date(2024, 5, 18)
        )
        .exclude(person=None)
        .first()
    )
    if record is None:
        return None
    return Household.objects.filter(members=record.person_id).order_by("pk").first()


def meetings_demo_load(*, say: Callable[[str], None] = lambda _m: None) -> Meeting | None:
    if Meeting.objects.filter(title=TITLE).exists():
        return None
    household = walsh_household()
    users = {
        u.username: u
        for u in Practitioner.objects.filter(
            username__in=[
                "mash.manager",
                "mash.practitioner",
                "police.officer",
                "housing.officer",
                "probation.officer",
            ]
        )
    }
    if household is None or len(users) < 5:
        say("Meetings: the Walsh family or the demo users are missing; no meeting loaded.")
        return None
    chair, officer = users["mash.manager"], users["police.officer"]
    housing, probation = users["housing.officer"], users["probation.officer"]
    meeting = meeting_create(
        user=chair,
        plan=MeetingPlan(
            kind="strategy_discussion",
            title=TITLE,
            starts_at=timezone.now() - dt.timedelta(days=21),
            chair_id=chair.pk,
            agency_ids=tuple(u.agency_id or 0 for u in (officer, housing, probation)),
            household_ids=(household.pk,),
        ),
    )
    for user, withhold_code in (
        (officer, "prejudice_investigation"),
        (probation, "third_party"),
        (housing, ""),
    ):
        items = [
            i
            for i in contribution_items(user=user, meeting=meeting)
            if i.sensitivity == Sensitivity.STANDARD
        ]
        held = items[-1:] if withhold_code else []
        shared = [i for i in items if i not in held][:6]
        if not shared and not held:
            continue
        contribution_prepare(
            user=user,
            meeting_id=meeting.pk,
            plan=ContributionPlan(
                share_item_ids=tuple(i.pk for i in shared),
                withhold=tuple((i.pk, withhold_code) for i in held),
                share_reason="Relevant to the children's safety at home.",
                withhold_reason="Discussed with our safeguarding lead: not shared at this stage.",
            ),
        )
    attendance_record(
        user=chair,
        meeting_id=meeting.pk,
        entries=[
            (chair.pk, "present"),
            (users["mash.practitioner"].pk, "present"),
            (officer.pk, "present"),
            (probation.pk, "present"),
            (housing.pk, "apologies"),
        ],
    )
    entry = meeting.agenda.get()
    note_add(
        user=chair,
        meeting_id=meeting.pk,
        agenda_entry_id=entry.pk,
        text="Police described repeated domestic incidents at the family's new address; "
        "probation confirmed Dean Carter's order and missed appointments. Together the "
        "agencies' pieces show escalating risk to the three children.",
    )
    decision_add(
        user=chair,
        meeting_id=meeting.pk,
        agenda_entry_id=entry.pk,
        text="Section 47 enquiries to begin for Jayden, Ruby and Lily-Mae.",
    )
    action_add(
        user=chair,
        meeting_id=meeting.pk,
        plan=ActionPlan(
            agenda_entry_id=entry.pk,
            description="Send the incident log for 27 Marsh Lane to the MASH.",
            owner_id=officer.pk,
            due_on=timezone.localdate() - dt.timedelta(days=7),
        ),
    )
    action_add(
        user=chair,
        meeting_id=meeting.pk,
        plan=ActionPlan(
            agenda_entry_id=entry.pk,
            description="Joint home visit with the health visitor.",
            owner_id=users["mash.practitioner"].pk,
            due_on=timezone.localdate() + dt.timedelta(days=7),
        ),
    )
    minutes_sign_off(user=chair, meeting_id=meeting.pk)
    say(f"Meetings: held strategy discussion {meeting.pk} with signed-off minutes.")
    return meeting
