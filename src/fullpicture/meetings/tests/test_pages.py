"""Meeting pages through HTTP: access, the minutes PDF, overdue actions on home and person pages."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from fullpicture.meetings.services import ActionPlan, action_add, minutes_sign_off
from fullpicture.meetings.tests.test_services import _held
from fullpicture.partnerships.tests.factories import PractitionerFactory

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_minutes_page_and_pdf_show_what_the_reader_may_see(world):
    meeting, _ = _held(world)
    minutes_sign_off(user=world.chair, meeting_id=meeting.pk)
    teacher = _client(world.teacher)
    page = teacher.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert "Police called to a domestic incident" in page
    assert "Police intelligence about a visitor" not in page
    pdf = teacher.get(f"/meetings/{meeting.pk}/minutes.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Police called to a domestic incident" in text
    assert "Police intelligence about a visitor" not in text
    assert "withheld 1 item" in text


def test_a_stranger_gets_the_same_404_for_a_meeting_and_its_minutes(world):
    meeting, _ = _held(world)
    stranger = _client(PractitionerFactory())
    for url in (
        f"/meetings/{meeting.pk}/",
        f"/meetings/{meeting.pk}/minutes/",
        f"/meetings/{meeting.pk}/minutes.pdf",
        f"/meetings/{meeting.pk}/prepare/",
        f"/meetings/{meeting.pk + 100}/",
    ):
        assert stranger.get(url).status_code == 404, url
    assert stranger.post(f"/meetings/{meeting.pk}/record/", {"what": "sign_off"}).status_code == 404


def test_overdue_actions_show_on_the_owners_home_page_and_the_childs_page(world):
    meeting, entry = _held(world)
    action_add(
        user=world.chair,
        meeting_id=meeting.pk,
        plan=ActionPlan(
            agenda_entry_id=entry.pk,
            description="Send the incident log",
            owner_id=world.officer.pk,
            due_on=timezone.localdate() - dt.timedelta(days=2),
        ),
    )
    home = _client(world.officer).get("/").content.decode()
    assert "Your overdue meeting actions" in home
    assert "Send the incident log" in home
    assert "Send the incident log" not in _client(world.teacher).get("/").content.decode()
    person = (
        _client(world.chair)
        .get(f"/people/{world.child.pk}/?purpose=strategy_discussion")
        .content.decode()
    )
    assert "Overdue actions from meetings about this family" in person
    assert "Send the incident log" in person
