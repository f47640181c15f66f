"""Board scrutiny panels read from the front door's records."""

import datetime as dt

import pytest
from django.utils import timezone

from fullpicture.frontdoor.services import (
    FeedbackParts,
    contact_create,
    contact_triage,
    decision_record,
)
from fullpicture.frontdoor.tests.factories import contact_input, make_world
from fullpicture.governance.scrutiny import Period, dashboard

pytestmark = pytest.mark.django_db


def test_front_door_panels_count_triage_decisions_feedback_and_levels():
    world = make_world()
    decided = contact_create(user=world.teacher, data=contact_input()).contact
    contact_triage(user=world.mash_worker, contact_id=decided.pk, rag="red")
    decision_record(
        user=world.manager,
        contact_id=decided.pk,
        level=3,
        outcome="assessment",
        rationale="Meets level 3 on the descriptors",
        feedback=FeedbackParts(
            relevance="relevant",
            where_recorded="Children's social care record",
            actions_taken="Assessment opened",
            further_action_needed=False,
        ),
    )
    waiting = contact_create(user=world.officer, data=contact_input()).contact
    contact_triage(user=world.mash_worker, contact_id=waiting.pk, rag="amber")

    today = timezone.localdate()
    panels = {
        p.key: p
        for p in dashboard(
            partnership_id=world.partnership.pk,
            period=Period(today - dt.timedelta(days=1), today),
        )
    }
    triage = {r[0]: r[1:] for r in panels["triage"].rows}
    assert triage["Red"] == [1, 0, 0, 0]
    assert triage["Amber"] == [1, 0, 0, 0]
    decisions: dict = dict(panels["decisions"].rows)
    assert decisions["Within 1 working day"] == 1
    assert decisions["Not yet decided: in time"] + decisions["Not yet decided: overdue"] == 1
    assert panels["feedback"].rows == [["Test Primary", 1, 0, 0, 0]]
    levels = {r[0]: r[1:] for r in panels["thresholds"].rows}
    assert levels["Test Primary"] == [0, 0, 1, 0, 0]
    assert levels["Test Police"] == [0, 0, 0, 0, 1]  # the same family again: a re-referral
    for panel in panels.values():
        assert "Poppy" not in panel.csv_text()
