"""The front door's pages: forms, refusals shown plainly, and who may open what."""

import pytest

from fullpicture.frontdoor.models import Contact, Feedback
from fullpicture.frontdoor.services import FeedbackParts, contact_create, decision_record
from fullpicture.frontdoor.tests.factories import category_ids, contact_input

pytestmark = pytest.mark.django_db

FORM = {
    "people_count": "2",
    "p0_role": "child",
    "p0_given_name": "Poppy",
    "p0_family_name": "Testcase",
    "p0_dob_day": "2",
    "p0_dob_month": "4",
    "p0_dob_year": "2018",
    "p1_role": "adult",
    "p1_given_name": "Morgan",
    "p1_family_name": "Testcase",
    "what_happened": "Poppy said she was hungry.",
    "consent": "not_sought",
    "paragraph18_reason": "would_prejudice",
    "wants_feedback": "yes",
}


def test_a_teacher_records_a_concern_and_is_told_only_the_match(client, world):
    client.force_login(world.teacher)
    assert client.get("/front-door/contacts/new/").status_code == 200
    response = client.post(
        "/front-door/contacts/new/", {**FORM, "categories": category_ids("neglect")}
    )
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/front-door/contacts/{contact.pk}/"
    page = client.get(response["Location"]).content.decode()
    # the referrer is never told "new" (that would tell "known" by its absence): 0072
    assert "New to the hub" not in page
    assert "Recorded: the MASH checks whether they are known" in page
    assert "Triage" not in page  # the MASH's tools are not the teacher's


def test_add_another_person_keeps_what_was_typed(client, world):
    client.force_login(world.teacher)
    response = client.post("/front-door/contacts/new/", {**FORM, "add_person": "1"})
    page = response.content.decode()
    assert 'value="Poppy"' in page
    assert "Person 3: first name" in page
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"p0_role": "adult"}, "at least one child"),
        ({"p0_dob_month": "13"}, "enter a real date"),
        ({"what_happened": ""}, "Describe what was seen or heard"),
    ],
)
def test_bad_contacts_show_the_problem_and_store_nothing(client, world, change, message):
    client.force_login(world.teacher)
    response = client.post(
        "/front-door/contacts/new/", {**FORM, **change, "categories": category_ids("neglect")}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Contact.objects.count() == 0


def test_who_may_open_what(client, world):
    contact = contact_create(user=world.teacher, data=contact_input()).contact
    url = f"/front-door/contacts/{contact.pk}/"
    client.force_login(world.officer)
    assert client.get(url).status_code == 404
    assert client.get("/front-door/contacts/999999/").status_code == 404
    assert client.get("/front-door/queue/").status_code == 404
    client.force_login(world.mash_worker)
    page = client.get(url).content.decode()
    assert "Triage" in page
    assert "threshold-descriptors-heading" in page
    assert contact.reference in client.get("/front-door/queue/").content.decode()


def test_a_decision_without_rationale_is_shown_as_a_problem(client, world):
    contact = contact_create(user=world.teacher, data=contact_input()).contact
    client.force_login(world.mash_worker)
    response = client.post(
        f"/front-door/contacts/{contact.pk}/decide/",
        {"level": "3", "outcome": "assessment", "rationale": "", "send_feedback": "no"},
    )
    assert response.status_code == 400
    assert "Give the rationale" in response.content.decode()


def test_a_decision_that_fails_validation_keeps_what_was_typed(client, world):
    contact = contact_create(user=world.teacher, data=contact_input()).contact
    client.force_login(world.mash_worker)
    response = client.post(
        f"/front-door/contacts/{contact.pk}/decide/",
        {
            "level": "3",
            "outcome": "",
            "rationale": "Repeated neglect; school and GP both worried.",
            "send_feedback": "yes",
            "relevance": "relevant",
            "where_recorded": "MASH record 42",
            "actions_taken": "",
            "further_action_needed": "no",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    # the summary links each problem to its field, and the field says it inline
    assert '<a href="#id_outcome">Choose an outcome from the list.</a>' in page
    assert '<a href="#id_actions_taken">Feedback: say what actions were taken.</a>' in page
    assert 'id="outcome-error" class="govuk-error-message"' in page
    assert 'aria-describedby="outcome-error"' in page
    assert 'id="actions-taken-error"' in page
    # what was typed is still there
    assert ">Repeated neglect; school and GP both worried.</textarea>" in page
    assert 'id="id_level_3" name="level" type="radio" value="3" checked' in page
    assert 'value="relevant" checked' in page
    assert 'value="MASH record 42"' in page
    assert 'id="id_further_no" name="further_action_needed" type="radio" value="no" checked' in page


def test_the_same_manager_cannot_countersign(client, world):
    contact = contact_create(user=world.teacher, data=contact_input()).contact
    decision_record(
        user=world.manager, contact_id=contact.pk, level=2, outcome="early_help", rationale="L2"
    )
    client.force_login(world.manager)
    response = client.post(f"/front-door/contacts/{contact.pk}/countersign/")
    assert response.status_code == 400
    assert "another MASH manager must countersign" in response.content.decode()


def test_the_inbox_and_feedback_overdue_pages(client, world):
    contact = contact_create(user=world.teacher, data=contact_input()).contact
    decision_record(
        user=world.mash_worker,
        contact_id=contact.pk,
        level=2,
        outcome="early_help",
        rationale="L2",
    )
    client.force_login(world.teacher)
    assert contact.reference in client.get("/front-door/inbox/").content.decode()
    client.force_login(world.manager)
    page = client.get("/front-door/feedback/overdue/").content.decode()
    assert world.school.name in page
    response = client.post(
        f"/front-door/contacts/{contact.pk}/feedback/",
        {
            "relevance": "relevant",
            "where_recorded": "MASH record",
            "actions_taken": "Early help",
            "further_action_needed": "no",
        },
    )
    assert response.status_code == 302
    assert Feedback.objects.filter(contact=contact).exists()


def test_the_queue_names_each_child_with_age_concern_coloured_rag_and_time_left(client, world):
    import datetime as dt
    import re

    from django.utils import timezone

    from fullpicture.frontdoor.services import contact_triage

    contact = contact_create(user=world.teacher, data=contact_input()).contact
    contact_triage(user=world.mash_worker, contact_id=contact.pk, rag="red")
    other = contact_create(user=world.teacher, data=contact_input()).contact
    client.force_login(world.mash_worker)
    page = client.get("/front-door/queue/").content.decode()
    born = dt.date(2018, 4, 2)
    today = timezone.localdate()
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    assert f"Poppy Testcase</a>, {age}" in page
    assert "Morgan" not in page  # the adult is not listed as a child
    assert "Neglect" in page
    found = re.search(rf'data-reference="{contact.reference}".*?</tr>', page, re.S)
    assert found is not None
    row = found.group(0)
    assert 'class="govuk-tag govuk-tag--red">Red<' in row
    assert re.search(r'<rect width="\d+" height="8" fill="#', row)
    unrated = re.search(rf'data-reference="{other.reference}".*?</tr>', page, re.S)
    assert unrated is not None
    assert 'govuk-tag--grey">Not rated<' in unrated.group(0)


def test_the_contact_page_leads_back_where_each_reader_came_from(client, world):
    contact = contact_create(user=world.teacher, data=contact_input()).contact
    url = f"/front-door/contacts/{contact.pk}/"
    client.force_login(world.teacher)
    assert 'class="govuk-back-link">Back to your contacts</a>' in client.get(url).content.decode()
    client.force_login(world.mash_worker)
    page = client.get(url).content.decode()
    assert '<a href="/front-door/queue/" class="govuk-back-link">Back to the MASH queue</a>' in page


def test_opening_the_contact_does_not_mark_feedback_read_only_the_post_does(client, world):
    """A GET changes nothing (a link from another site carries the session cookie): the
    referrer marks the feedback read with the page's form, a POST with its CSRF token."""
    contact = contact_create(user=world.teacher, data=contact_input()).contact
    decision_record(
        user=world.mash_worker,
        contact_id=contact.pk,
        level=2,
        outcome="early_help",
        rationale="L2",
        feedback=FeedbackParts(
            relevance="relevant",
            where_recorded="MASH record",
            actions_taken="Early help",
            further_action_needed=False,
        ),
    )
    client.force_login(world.teacher)
    page = client.get(f"/front-door/contacts/{contact.pk}/").content.decode()
    assert "Mark feedback as read" in page
    feedback = Feedback.objects.get(contact=contact)
    assert feedback.read_at is None
    assert "New feedback" in client.get("/front-door/inbox/").content.decode()
    response = client.post(f"/front-door/contacts/{contact.pk}/feedback/read/")
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.read_at is not None
    assert "New feedback" not in client.get("/front-door/inbox/").content.decode()
