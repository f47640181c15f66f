"""The front door's services: the journey, and bad input refused with nothing stored."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from fullpicture.audit.models import LedgerEvent
from fullpicture.frontdoor import selectors, services
from fullpicture.frontdoor.models import (
    Contact,
    ContactEvent,
    Feedback,
    Match,
    ReferralState,
    ReferrerMatch,
    Status,
    ThresholdDecision,
)
from fullpicture.frontdoor.services import FeedbackParts, FrontDoorRefused, PersonEntry
from fullpicture.frontdoor.tests.factories import contact_input
from fullpicture.people.models import SourceRecord
from fullpicture.sharing.contexts import purpose_in
from fullpicture.sharing.selectors import items_visible_to

# A Monday morning in term time (no bank holiday), London time.
MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
FEEDBACK = FeedbackParts(
    relevance="relevant",
    where_recorded="Test Children's Social Care case record",
    actions_taken="A child and family assessment has started.",
    further_action_needed=True,
    further_action="Please attend the team around the family meeting.",
)

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Contact.objects.count(),
        SourceRecord.objects.count(),
        ThresholdDecision.objects.count(),
        Feedback.objects.count(),
        LedgerEvent.objects.count(),
    )


@time_machine.travel(MONDAY, tick=False)
def test_contact_matches_people_and_stores_an_item(world):
    created = services.contact_create(user=world.teacher, data=contact_input())
    contact = created.contact
    assert contact.reference.startswith("FD-2026-")
    # the referrer is told "recorded"; the MASH sees the engine's answer (0072)
    assert [m.match for m in created.matches] == [ReferrerMatch.RECORDED] * 2
    assert [p.match for p in contact.people.order_by("pk")] == [Match.NEW, Match.NEW]
    assert contact.mash_agency == world.mash
    # decision due one working day after receipt: Tuesday 10:00
    assert contact.decision_due_at == dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)
    # the concern is an item of the school's, shared with the MASH by decision
    # (read in the contact's work context: the MASH holding it, the persons it names)
    in_contact = purpose_in("safeguarding_enquiry", f"contact:{contact.pk}")
    seen = items_visible_to(viewer=world.mash_worker, purpose=in_contact)
    assert seen.filter(pk=contact.item_id or 0).exists()
    bare = items_visible_to(viewer=world.mash_worker, purpose="safeguarding_enquiry")
    assert not bare.filter(pk=contact.item_id or 0).exists()
    # a second contact about the same child: matched, and a re-referral
    again = services.contact_create(user=world.teacher, data=contact_input())
    assert again.matches[0].match == Match.MATCHED
    assert again.contact.is_re_referral
    assert selectors.earlier_contacts(contact=again.contact) == [contact]


@time_machine.travel(MONDAY, tick=False)
def test_the_whole_mash_journey(world):
    contact = services.contact_create(user=world.teacher, data=contact_input()).contact
    services.contact_triage(user=world.mash_worker, contact_id=contact.pk, rag="amber")
    contact.refresh_from_db()
    # amber: 24 working hours of 09:00-17:00 from Monday 10:00 is Thursday 10:00 London
    assert contact.rag_due_at == dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.UTC)
    assert contact.status == Status.TRIAGED
    queue = selectors.mash_queue(viewer=world.mash_worker)
    assert [r.contact for r in queue] == [contact]
    services.contact_assign(
        user=world.mash_worker, contact_id=contact.pk, assignee_id=world.manager.pk
    )
    decision = services.decision_record(
        user=world.mash_worker,
        contact_id=contact.pk,
        level=3,
        outcome="assessment",
        rationale="Level 3 descriptors: persistent hunger; parenting capacity in doubt.",
        feedback=FEEDBACK,
    )
    assert decision.on_time
    feedback = Feedback.objects.get(contact=contact)
    assert feedback.further_action_needed
    services.decision_countersign(user=world.manager, contact_id=contact.pk)
    contact.refresh_from_db()
    assert contact.status == Status.COUNTERSIGNED
    steps = [s.event.step for s in selectors.contact_steps(contact=contact)]
    assert steps == ["received", "triaged", "assigned", "decided", "feedback_sent", "countersigned"]
    assert [c.reference for c in selectors.inbox(viewer=world.teacher)] == [contact.reference]
    referral = services.onward_referral_send(
        user=world.mash_worker, contact_id=contact.pk, service_id=world.family_support.pk
    )
    from fullpicture.partnerships.tests.factories import PractitionerFactory

    worker = PractitionerFactory(username="t.vcs", agency=world.family_support)
    services.onward_referral_respond(
        user=worker, referral_id=referral.pk, accepted=False, reason="Family moved out of area"
    )
    referral.refresh_from_db()
    assert referral.state == ReferralState.DECLINED
    assert referral.decline_reason == "Family moved out of area"
    escalation = services.escalation_raise(
        user=world.teacher, contact_id=contact.pk, reason="We think this is level 4."
    )
    contact.refresh_from_db()
    assert contact.status == Status.ESCALATED
    services.escalation_resolve(
        user=world.manager2, escalation_id=escalation.pk, resolution="Reviewed: level 3 stands."
    )
    contact.refresh_from_db()
    assert contact.status == Status.COUNTERSIGNED


def test_feedback_is_emailed_without_personal_data(world, settings):
    world.teacher.email = "teacher@example.org"
    world.teacher.save()
    with time_machine.travel(MONDAY, tick=False):
        contact = services.contact_create(user=world.teacher, data=contact_input()).contact
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.decision_record(
            user=world.mash_worker,
            contact_id=contact.pk,
            level=2,
            outcome="early_help",
            rationale="Level 2",
            feedback=FEEDBACK,
        )
    assert len(mail.outbox) == 1
    assert "Poppy" not in mail.outbox[0].body
    assert contact.reference in mail.outbox[0].subject


def test_a_contact_with_no_child_is_refused_and_nothing_stored(world):
    before = _counts()
    data = contact_input(people=(PersonEntry(role="adult", given_name="Morgan"),))
    with pytest.raises(FrontDoorRefused, match="at least one child"):
        services.contact_create(user=world.teacher, data=data)
    assert _counts() == before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"what_happened": "  "}, "what was seen or heard"),
        ({"category_ids": ()}, "at least one category"),
        ({"paragraph18_reason": ""}, "paragraph 18"),
        ({"people": (PersonEntry(role="child", given_name="A", nhs_number="12"),)}, "nhs number"),
        (
            {
                "people": (
                    PersonEntry(role="child", family_name="A", date_of_birth=dt.date(2000, 1, 1)),
                )
            },
            "adult",
        ),
        ({"referrer_kind": "public"}, "members of the public"),
    ],
)
def test_bad_contacts_are_refused_with_a_clear_message(world, overrides, message):
    before = _counts()
    with pytest.raises(FrontDoorRefused, match=message):
        services.contact_create(user=world.teacher, data=contact_input(**overrides))
    assert _counts() == before


def test_a_decision_without_rationale_is_refused(world):
    contact = services.contact_create(user=world.teacher, data=contact_input()).contact
    before = _counts()
    with pytest.raises(FrontDoorRefused, match="rationale"):
        services.decision_record(
            user=world.mash_worker,
            contact_id=contact.pk,
            level=3,
            outcome="assessment",
            rationale=" ",
            feedback=FEEDBACK,
        )
    assert _counts() == before


def test_the_decider_cannot_countersign(world):
    contact = services.contact_create(user=world.teacher, data=contact_input()).contact
    services.decision_record(
        user=world.manager,
        contact_id=contact.pk,
        level=1,
        outcome="nfa_advice",
        rationale="Level 1: universal services meet the need.",
    )
    before = _counts()
    with pytest.raises(FrontDoorRefused, match="another MASH manager"):
        services.decision_countersign(user=world.manager, contact_id=contact.pk)
    with pytest.raises(FrontDoorRefused, match="Only a MASH manager"):
        services.decision_countersign(user=world.mash_worker, contact_id=contact.pk)
    assert _counts() == before
    assert ThresholdDecision.objects.get(contact=contact).countersigned_at is None


def test_feedback_to_a_referrer_who_opted_out_is_refused(world):
    contact = services.contact_create(
        user=world.teacher, data=contact_input(wants_feedback=False)
    ).contact
    before = _counts()
    with pytest.raises(FrontDoorRefused, match="asked not to receive feedback"):
        services.decision_record(
            user=world.mash_worker,
            contact_id=contact.pk,
            level=2,
            outcome="early_help",
            rationale="Level 2",
            feedback=FEEDBACK,
        )
    assert _counts() == before
    services.decision_record(
        user=world.mash_worker,
        contact_id=contact.pk,
        level=2,
        outcome="early_help",
        rationale="Level 2",
    )
    before = _counts()
    with pytest.raises(FrontDoorRefused, match="asked not to receive feedback"):
        services.feedback_send(user=world.mash_worker, contact_id=contact.pk, parts=FEEDBACK)
    assert _counts() == before


def test_only_the_mash_and_the_referrer_see_a_contact(world):
    contact = services.contact_create(user=world.teacher, data=contact_input()).contact
    assert selectors.access_contact_by_id(viewer=world.teacher, contact_id=contact.pk)
    assert selectors.access_contact_by_id(viewer=world.mash_worker, contact_id=contact.pk)
    with pytest.raises(services.ContactNotFound):
        selectors.access_contact_by_id(viewer=world.officer, contact_id=contact.pk)
    with pytest.raises(FrontDoorRefused, match="role does not allow"):
        services.contact_triage(user=world.teacher, contact_id=contact.pk, rag="red")
    assert ContactEvent.objects.filter(contact=contact).count() == 1


def test_overdue_feedback_is_counted_per_agency(world):
    with time_machine.travel(MONDAY, tick=False):
        contact = services.contact_create(user=world.teacher, data=contact_input()).contact
        services.decision_record(
            user=world.mash_worker,
            contact_id=contact.pk,
            level=2,
            outcome="early_help",
            rationale="Level 2",
        )
    rows = selectors.feedback_overdue_by_agency(
        viewer=world.manager, now=MONDAY + dt.timedelta(hours=2)
    )
    assert [(r.agency, r.due, r.overdue) for r in rows] == [(world.school, 1, 0)]
    rows = selectors.feedback_overdue_by_agency(
        viewer=world.manager, now=MONDAY + dt.timedelta(days=2)
    )
    assert [(r.agency, r.due, r.overdue) for r in rows] == [(world.school, 1, 1)]
