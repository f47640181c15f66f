"""Meetings through their services: invitation, contributions, minutes, versions, actions."""

import datetime as dt

import pytest
from django.utils import timezone

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.selectors import ledger_verify
from fullpicture.meetings.models import (
    ActionStatus,
    DiscussionNote,
    MeetingAction,
    MinutesStatus,
    MinutesVersion,
)
from fullpicture.meetings.selectors import (
    MeetingNotFound,
    minutes_for,
    overdue_actions_for_owner,
    overdue_actions_for_person,
)
from fullpicture.meetings.services import (
    ActionPlan,
    ContributionPlan,
    MeetingPlan,
    MeetingRefused,
    action_add,
    action_set_status,
    attendance_record,
    contribution_prepare,
    meeting_create,
    minutes_sign_off,
    note_add,
    note_edit,
)
from fullpicture.partnerships.tests.factories import PractitionerFactory
from fullpicture.sharing.models import ItemDecision, Outcome

pytestmark = pytest.mark.django_db


def _meeting(world):
    return meeting_create(
        user=world.chair,
        plan=MeetingPlan(
            kind="strategy_discussion",
            title="Strategy discussion: Robin",
            starts_at=timezone.now(),
            chair_id=world.chair.pk,
            agency_ids=(world.police.pk, world.school.pk),
            person_ids=(world.child.pk,),
        ),
    )


def _held(world):
    meeting = _meeting(world)
    contribution_prepare(
        user=world.officer,
        meeting_id=meeting.pk,
        plan=ContributionPlan(
            share_item_ids=(world.police_items[0].pk,),
            withhold=((world.police_items[1].pk, "prejudice_investigation"),),
            share_reason="Relevant to the child's safety",
            withhold_reason="An investigation is live",
        ),
    )
    contribution_prepare(
        user=world.teacher,
        meeting_id=meeting.pk,
        plan=ContributionPlan(
            share_item_ids=(world.school_items[0].pk,), share_reason="Attendance matters"
        ),
    )
    attendance_record(
        user=world.chair,
        meeting_id=meeting.pk,
        entries=[
            (world.chair.pk, "present"),
            (world.officer.pk, "present"),
            (world.teacher.pk, "apologies"),
        ],
    )
    entry = meeting.agenda.get()
    note_add(
        user=world.chair,
        meeting_id=meeting.pk,
        agenda_entry_id=entry.pk,
        text="Agencies agree the picture is worrying.",
    )
    return meeting, entry


def test_contributions_are_share_and_withhold_decisions_of_the_sharing_app(world):
    meeting, _ = _held(world)
    decisions = ItemDecision.objects.filter(purpose="multi_agency_meeting")
    shared = decisions.filter(item=world.police_items[0], outcome=Outcome.SHARE)
    assert set(shared.values_list("to_agency_id", flat=True)) == {world.mash.pk, world.school.pk}
    withheld = decisions.get(
        item=world.police_items[1], to_agency=world.school, outcome=Outcome.WITHHOLD
    )
    assert withheld.withhold_reason == "prejudice_investigation"
    assert withheld.reason == "An investigation is live"
    assert meeting.invitations.exclude(contribution_ready_at=None).count() == 2


def test_each_attendee_sees_in_the_minutes_only_items_the_policy_point_allows(world):
    meeting, _ = _held(world)
    officer_view = minutes_for(viewer=world.officer, meeting_id=meeting.pk)
    entry = officer_view.agenda[0]
    summaries = {i.summary for i in entry.items}
    # the officer sees both agencies' shared items (their own, and the school's shared one)
    assert summaries == {"Police called to a domestic incident", "School attendance fell to 70%"}
    assert entry.notes == ["Agencies agree the picture is worrying."]
    teacher_view = minutes_for(viewer=world.teacher, meeting_id=meeting.pk).agenda[0]
    assert {i.summary for i in teacher_view.items} == {
        "Police called to a domestic incident",
        "School attendance fell to 70%",
    }
    assert ("T Police", "Would prejudice an investigation", 1) in teacher_view.withheld
    assert "Police intelligence about a visitor" not in str(teacher_view)
    assert LedgerEvent.objects.filter(object_type="meeting_minutes", action="view").count() == 2


def test_someone_not_at_the_meeting_cannot_read_the_minutes(world):
    meeting, _ = _held(world)
    stranger = PractitionerFactory(agency=world.police)
    with pytest.raises(MeetingNotFound):
        minutes_for(viewer=stranger, meeting_id=meeting.pk)
    with pytest.raises(MeetingNotFound):
        minutes_for(viewer=world.officer, meeting_id=meeting.pk + 999)


def test_an_action_without_an_owner_is_refused_and_nothing_is_saved(world):
    meeting, entry = _held(world)
    with pytest.raises(MeetingRefused) as refused:
        action_add(
            user=world.chair,
            meeting_id=meeting.pk,
            plan=ActionPlan(
                agenda_entry_id=entry.pk,
                description="Visit the family",
                owner_id=None,
                due_on=dt.date(2026, 6, 1),
            ),
        )
    assert "An action needs an owner: choose who will do it." in refused.value.messages
    assert not MeetingAction.objects.exists()


def test_editing_after_sign_off_makes_a_new_version_and_keeps_the_signed_one(world):
    meeting, _entry = _held(world)
    signed = minutes_sign_off(user=world.chair, meeting_id=meeting.pk)
    assert signed.status == MinutesStatus.SIGNED_OFF
    note = signed.notes.get()
    with pytest.raises(MeetingRefused, match="already signed off"):
        minutes_sign_off(user=world.chair, meeting_id=meeting.pk)

    edited = note_edit(
        user=world.chair,
        note_id=note.pk,
        text="Agencies agree the picture is very worrying.",
        amendment_reason="Chair's correction",
    )
    assert edited.pk != note.pk
    assert edited.minutes.number == 2
    assert edited.minutes.status == MinutesStatus.DRAFT
    assert edited.minutes.amendment_reason == "Chair's correction"
    note.refresh_from_db()
    signed.refresh_from_db()
    assert note.text == "Agencies agree the picture is worrying."  # nothing lost
    assert signed.snapshot is not None
    assert signed.snapshot["agenda"][0]["notes"] == ["Agencies agree the picture is worrying."]

    v1 = minutes_for(viewer=world.officer, meeting_id=meeting.pk, number=1)
    v2 = minutes_for(viewer=world.officer, meeting_id=meeting.pk)
    assert v1.agenda[0].notes == ["Agencies agree the picture is worrying."]
    assert v2.agenda[0].notes == ["Agencies agree the picture is very worrying."]
    assert [v.number for v in v2.versions] == [1, 2]
    minutes_sign_off(user=world.chair, meeting_id=meeting.pk)
    assert MinutesVersion.objects.filter(meeting=meeting, status="signed_off").count() == 2
    assert DiscussionNote.objects.filter(minutes__meeting=meeting).count() == 2
    assert ledger_verify().ok


def test_only_the_chair_signs_off_and_others_cannot_write_notes(world):
    meeting, entry = _held(world)
    with pytest.raises(MeetingRefused, match="Only the chair"):
        minutes_sign_off(user=world.officer, meeting_id=meeting.pk)
    with pytest.raises(MeetingRefused):
        note_add(user=world.officer, meeting_id=meeting.pk, agenda_entry_id=entry.pk, text="x")


def test_overdue_actions_reach_the_owner_and_the_family_chronology(world):
    meeting, entry = _held(world)
    overdue = action_add(
        user=world.chair,
        meeting_id=meeting.pk,
        plan=ActionPlan(
            agenda_entry_id=entry.pk,
            description="Share the incident log",
            owner_id=world.officer.pk,
            due_on=timezone.localdate() - dt.timedelta(days=3),
        ),
    )
    action_add(
        user=world.chair,
        meeting_id=meeting.pk,
        plan=ActionPlan(
            agenda_entry_id=entry.pk,
            description="Review in a month",
            owner_id=world.chair.pk,
            due_on=timezone.localdate() + dt.timedelta(days=30),
        ),
    )
    assert overdue_actions_for_owner(owner=world.officer) == [overdue]
    assert overdue_actions_for_owner(owner=world.chair) == []
    assert overdue_actions_for_person(viewer=world.chair, person_id=world.child.pk) == [overdue]
    assert overdue_actions_for_person(viewer=world.chair, person_id=world.other_child.pk) == []
    stranger = PractitionerFactory(agency=world.police)
    assert overdue_actions_for_person(viewer=stranger, person_id=world.child.pk) == []
    action_set_status(
        user=world.officer, action_id=overdue.pk, version=overdue.version, status=ActionStatus.DONE
    )
    assert overdue_actions_for_owner(owner=world.officer) == []


def test_a_contribution_the_sharing_app_refuses_saves_nothing(world):
    meeting = _meeting(world)
    with pytest.raises(MeetingRefused):
        contribution_prepare(
            user=world.officer,
            meeting_id=meeting.pk,
            plan=ContributionPlan(
                share_item_ids=(world.secret_item.pk,), share_reason="Not on the agenda"
            ),
        )
    with pytest.raises(MeetingRefused, match="Explain why"):
        contribution_prepare(
            user=world.officer,
            meeting_id=meeting.pk,
            plan=ContributionPlan(withhold=((world.police_items[1].pk, "third_party"),)),
        )
    assert not ItemDecision.objects.exists()
    assert not meeting.contributions.exists()
