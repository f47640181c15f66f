"""The person page opens with who else is involved (through the policy point), says per
agency found / none found / not covered and how current, and carries the challenge forms;
a challenge goes to the owning agency and its answer comes back."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.services import Actor
from fullpicture.sharing.contexts import context_of
from fullpicture.sharing.feeds import (
    Coverage,
    feed_status_record,
    involvements_import,
    items_import,
)
from fullpicture.sharing.models import Challenge, FeedKind, Notification
from fullpicture.sharing.selectors import items_visible_to
from fullpicture.sharing.templatetags.sharing_tags import read_query
from fullpicture.sharing.tests.factories import work_context_for
from fullpicture.sharing.tests.feeds_town import involvement_row, item_row, make_town

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")
PURPOSE = "safeguarding_enquiry"


@pytest.fixture
def town():
    town = make_town()
    items_import(agency=town.police, rows=[(2, item_row("INC-1"))], file="p.csv", actor=ACTOR)
    involvements_import(
        agency=town.police, rows=[(2, involvement_row())], file="pi.csv", actor=ACTOR
    )
    involvements_import(
        agency=town.housing,
        rows=[(2, involvement_row("H-child", practitioner_name="Hana Housingworker"))],
        file="hi.csv",
        actor=ACTOR,
    )
    return town


def in_enquiry(viewer, person) -> str:
    """``?purpose=...&context=request:N``: an enquiry of the viewer's agency about the person."""
    return read_query(work_context_for(viewer=viewer, person=person))


def page(client, viewer, person, purpose=PURPOSE) -> str:
    client.force_login(viewer)
    query = in_enquiry(viewer, person) if purpose == PURPOSE else f"purpose={purpose}"
    response = client.get(reverse("web:person", args=[person.pk]) + f"?{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_opens_with_who_else_is_involved_and_how_to_reach_them(client, town):
    html = page(client, town.mash_worker, town.child)
    opening = html.index("Who else is involved and how to reach them")
    assert opening < html.index("What each agency holds")
    assert "PC Dana Fictional" in html
    assert 'href="tel:01632960001"' in html
    assert "mailto:dana.fictional@police.test" in html


def test_an_involvement_is_seen_only_by_a_viewer_who_may_see_that_agencys_records(client, town):
    # Housing is in no agreement with social care: its involvement stays hidden.
    assert "Hana Housingworker" not in page(client, town.mash_worker, town.child)
    # The housing officer sees their own agency's involvement, and not the police's.
    own = page(client, town.housing_officer, town.child, purpose="direct_care")
    assert "Hana Housingworker" in own
    assert "PC Dana Fictional" not in own


def test_coverage_says_found_none_found_not_covered_and_no_feed(client, town):
    feed_status_record(agency=town.school, kind=FeedKind.ITEMS, current_to=None, rows=0)
    html = page(client, town.mash_worker, town.mother)
    # police: the mother's record and the child's item are not hers; her police record is found
    assert 'data-agency="FPOL" data-state="found"' in html
    # the school feeds, covers everyone, and holds nothing about her
    assert 'data-agency="FSCH" data-state="none_found"' in html
    # social care has sent no feed at all
    assert 'data-agency="FCSC" data-state="no_feed"' in html
    feed_status_record(
        agency=town.school,
        kind=FeedKind.ITEMS,
        current_to=None,
        rows=0,
        coverage=Coverage(min_age=0, max_age=18),
    )
    html = page(client, town.mash_worker, town.mother)
    assert 'data-agency="FSCH" data-state="not_covered"' in html
    assert "Up to <time" in html  # the police feed: current to its latest recorded_at
    assert ">2 Mar 2025</time>" in html
    assert "Its feed covers ages 0 to 18" in html
    # Housing is not visible to the MASH: nothing at all is said about it.
    assert 'data-agency="FHOU"' not in html


def test_a_challenge_goes_to_the_owning_agency_and_its_answer_comes_back(client, town):
    item = items_visible_to(viewer=town.officer, purpose=PURPOSE).get(source_id="INC-1")
    html = page(client, town.mash_worker, town.child)
    assert f'id="challenge-item-{item.pk}"' in html
    response = client.post(
        reverse("sharing:challenge_new"),
        {
            "person": town.child.pk,
            "purpose": PURPOSE,
            "context": context_of(work_context_for(viewer=town.mash_worker, person=town.child)),
            "about": "item",
            "object": item.pk,
            "reason": "The date is a week out: it happened on 22 February.",
        },
    )
    assert response.status_code == 302
    challenge = Challenge.objects.get()
    assert (challenge.agency, challenge.object_id, challenge.answer) == (town.police, item.pk, "")
    assert Notification.objects.filter(recipient=town.officer, object_type="challenge").exists()
    (email,) = mail.outbox
    assert email.to == ["o@police.test"]
    assert "22 February" not in email.body  # ids only
    raised = LedgerEvent.objects.get(object_type="challenge", action="create")
    assert raised.details["object_id"] == str(item.pk)
    assert "22 February" not in str(raised.details)

    client.force_login(town.officer)
    listing = client.get(reverse("sharing:challenges")).content.decode()
    assert "The date is a week out" in listing
    response = client.post(
        reverse("sharing:challenge_answer", args=[challenge.pk]),
        {"answer": "corrected", "note": "Corrected in our system; sent again."},
    )
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.answer == "corrected"
    answered = LedgerEvent.objects.get(object_type="challenge", action="update")
    assert answered.reason_code == "corrected"
    assert Notification.objects.filter(recipient=town.mash_worker, object_type="challenge").exists()
    assert "Corrected" in page(client, town.mash_worker, town.child)
    # answered once only
    client.force_login(town.officer)
    again = client.post(
        reverse("sharing:challenge_answer", args=[challenge.pk]), {"answer": "confirmed"}
    )
    assert again.status_code == 400


def test_a_challenge_needs_a_reason_and_only_the_owning_agency_answers(client, town):
    item = items_visible_to(viewer=town.officer, purpose=PURPOSE).get(source_id="INC-1")
    client.force_login(town.mash_worker)
    enquiry = context_of(work_context_for(viewer=town.mash_worker, person=town.child))
    form = {
        "person": town.child.pk,
        "purpose": PURPOSE,
        "context": enquiry,
        "about": "item",
        "object": item.pk,
    }
    response = client.post(reverse("sharing:challenge_new"), {**form, "reason": " "})
    assert response.status_code == 400
    assert "Say what is wrong with it." in response.content.decode()
    client.post(reverse("sharing:challenge_new"), {**form, "reason": "Wrong person."})
    challenge = Challenge.objects.get()
    client.force_login(town.teacher)
    response = client.post(
        reverse("sharing:challenge_answer", args=[challenge.pk]), {"answer": "removed"}
    )
    assert response.status_code == 404


def test_a_viewer_cannot_challenge_what_they_may_not_see(client, town):
    item = items_visible_to(viewer=town.officer, purpose=PURPOSE).get(source_id="INC-1")
    client.force_login(town.housing_officer)
    response = client.post(
        reverse("sharing:challenge_new"),
        {
            "person": town.child.pk,
            "purpose": "direct_care",
            "about": "item",
            "object": item.pk,
            "reason": "x",
        },
    )
    assert response.status_code == 404
    assert not Challenge.objects.exists()


def test_removed_takes_the_item_out_and_a_record_challenge_is_answered(client, town):
    item = items_visible_to(viewer=town.officer, purpose=PURPOSE).get(source_id="INC-1")
    client.force_login(town.mash_worker)
    enquiry = work_context_for(viewer=town.mash_worker, person=town.child)
    base = {"person": town.child.pk, "purpose": PURPOSE, "context": context_of(enquiry)}
    client.post(
        reverse("sharing:challenge_new"),
        {**base, "about": "item", "object": item.pk, "reason": "Not this child."},
    )
    record = town.records["P-child"]
    client.post(
        reverse("sharing:challenge_new"),
        {**base, "about": "record", "object": record.pk, "reason": "Wrong date of birth."},
    )
    about_item, about_record = Challenge.objects.order_by("pk")
    client.force_login(town.officer)
    client.post(reverse("sharing:challenge_answer", args=[about_item.pk]), {"answer": "removed"})
    client.post(
        reverse("sharing:challenge_answer", args=[about_record.pk]), {"answer": "confirmed"}
    )
    assert items_visible_to(viewer=town.officer, purpose=PURPOSE).exists()  # proposed only
    from fullpicture.partnerships.tests.factories import PractitionerFactory

    client.force_login(PractitionerFactory(agency=town.police, roles=["agency_practitioner"]))
    client.post(reverse("sharing:challenge_answer", args=[about_item.pk]), {"answer": "removed"})
    assert not items_visible_to(viewer=town.officer, purpose=PURPOSE).exists()
    about_item.refresh_from_db()
    about_record.refresh_from_db()
    assert (about_item.answer, about_item.item_id) == ("removed", None)
    assert about_record.answer == "confirmed"


def test_the_family_page_opens_with_each_members_involvements(client, town):
    from fullpicture.people.models import Household

    household = Household.objects.create()
    household.members.set([town.child, town.mother])
    client.force_login(town.mash_worker)
    html = client.get(
        reverse("web:household", args=[household.pk])
        + f"?{in_enquiry(town.mash_worker, town.child)}"
    ).content.decode()
    assert html.index("Who else is involved") < html.index("Chronology")
    assert "PC Dana Fictional" in html
    assert "Hana Housingworker" not in html
