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


def test_reading_for_a_meeting_needs_the_meeting_and_covers_only_its_agenda(world):
    """The teacher reads the police's tabled item only in the meeting's work context (from the
    link on the meeting page), about the child on the agenda; the purpose word alone, a
    meeting their agency is not invited to, or a child not on the agenda gives nothing more
    than the school's own (docs/decisions/0056)."""
    from fullpicture.audit.models import LedgerEvent

    meeting, _ = _held(world)
    teacher = _client(world.teacher)
    detail = teacher.get(f"/meetings/{meeting.pk}/").content.decode()
    link = f"/people/{world.child.pk}/?context=meeting:{meeting.pk}"
    assert f'href="{link}"' in detail
    opened = teacher.get(link).content.decode()
    assert "Police called to a domestic incident" in opened
    assert "Police intelligence about a visitor" not in opened  # withheld at the meeting
    view = LedgerEvent.objects.filter(object_type="person_chronology").latest("seq")
    assert view.details["context"] == f"meeting:{meeting.pk}"
    bare = teacher.get(f"/people/{world.child.pk}/", {"purpose": "multi_agency_meeting"})
    assert "Police called to a domestic incident" not in bare.content.decode()
    # the other child is not on the agenda: known to the police only, so the same 404
    other = teacher.get(f"/people/{world.other_child.pk}/?context=meeting:{meeting.pk}")
    assert other.status_code == 404
    # an agency not invited cannot borrow the meeting
    outsider = PractitionerFactory(agency=world.mash.__class__.objects.create(code="TX", name="X"))
    assert _client(outsider).get(link).status_code == 404
