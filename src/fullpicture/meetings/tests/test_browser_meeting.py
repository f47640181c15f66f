"""Browser journey: a meeting from invitation to minutes, with two agencies, one withholding."""

import pytest

from fullpicture.meetings.tests.factories import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def _sign_in(browser, live_server, username):
    context = browser.new_context()
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1).wait_for()
    return page


def _open_meeting(page):
    page.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("link", name="Strategy discussion: Robin").click()
    page.get_by_role("heading", name="Strategy discussion: Robin").wait_for()


def test_a_meeting_from_invitation_to_minutes(live_server, browser, assert_accessible):
    world = build_world()

    # the chair convenes the meeting and invites the police and the school
    chair = _sign_in(browser, live_server, "t.chair")
    chair.get_by_role("link", name="Meetings", exact=True).click()
    chair.get_by_role("link", name="Convene a meeting").click()
    assert_accessible(chair)
    chair.get_by_label("Kind of meeting").select_option("strategy_discussion")
    chair.get_by_label("Title").fill("Strategy discussion: Robin")
    chair.get_by_label("Starts at").fill("2026-12-01T10:00")
    chair.get_by_label("T Police").check()
    chair.get_by_label("T School").check()
    chair.get_by_label("Children on the agenda (person ids)").fill(str(world.child.pk))
    chair.get_by_role("button", name="Convene the meeting").click()
    chair.get_by_role("heading", name="Strategy discussion: Robin").wait_for()
    assert "Robin Fiction" in chair.locator("#agenda").inner_text()
    assert_accessible(chair)

    # the police share one item and withhold another, with a reason
    officer = _sign_in(browser, live_server, "t.officer")
    _open_meeting(officer)
    officer.get_by_role("link", name="Prepare your agency's contribution").click()
    assert_accessible(officer)
    officer.get_by_label("Decision for: Police called to a domestic incident").select_option(
        "share"
    )
    officer.get_by_label("Decision for: Police intelligence about a visitor").select_option(
        "prejudice_investigation"
    )
    officer.get_by_label("Why you are sharing").fill("Relevant to the child's safety")
    officer.get_by_role("button", name="Record your contribution").click()
    summary = officer.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Explain why you are withholding." in summary.inner_text()
    assert_accessible(officer)
    officer.get_by_label("Why you are withholding").fill("A police investigation is live")
    officer.get_by_role("button", name="Record your contribution").click()
    officer.locator("#invitations").wait_for()
    assert "T Police: contribution ready" in officer.locator("#invitations").inner_text()

    # the school shares its item
    teacher = _sign_in(browser, live_server, "t.teacher")
    _open_meeting(teacher)
    teacher.get_by_role("link", name="Prepare your agency's contribution").click()
    teacher.get_by_label("Decision for: School attendance fell to 70%").select_option("share")
    teacher.get_by_label("Why you are sharing").fill("Attendance is falling")
    teacher.get_by_role("button", name="Record your contribution").click()
    teacher.locator("#invitations").wait_for()

    # the chair records the meeting; an action without an owner is refused
    chair.reload()
    chair.get_by_label(f"Attendance of {world.officer}").select_option("present")
    chair.get_by_label(f"Attendance of {world.teacher}").select_option("present")
    chair.get_by_label(f"Attendance of {world.chair}").select_option("present")
    chair.get_by_role("button", name="Save attendance").click()
    chair.get_by_label("Note", exact=True).fill("The picture is worrying.")
    chair.get_by_role("button", name="Add the note").click()
    chair.get_by_label("Action", exact=True).fill("Share the incident log")
    chair.get_by_label("Due").fill("2026-12-08")
    chair.get_by_role("button", name="Agree the action").click()
    error = chair.locator(".govuk-error-summary")
    error.wait_for()
    assert "An action needs an owner: choose who will do it." in error.inner_text()
    assert_accessible(chair)
    chair.get_by_label("Action", exact=True).fill("Share the incident log")
    chair.get_by_label("Owner").select_option(label=f"{world.officer} (T Police)")
    chair.get_by_label("Due").fill("2026-12-08")
    chair.get_by_role("button", name="Agree the action").click()
    chair.locator("#actions").wait_for()
    chair.get_by_role("button", name="Sign off version 1").click()
    chair.get_by_text("Minutes version 1: signed off.").wait_for()

    # an attendee reads the minutes through the policy point
    _open_meeting(teacher)
    teacher.get_by_role("link", name="Read the minutes").click()
    teacher.locator("#minutes-state").wait_for()
    assert_accessible(teacher)
    text = teacher.locator("main").inner_text()
    assert "Police called to a domestic incident" in text
    assert "School attendance fell to 70%" in text
    assert "Police intelligence about a visitor" not in text
    assert "T Police withheld 1 item: Would prejudice an investigation." in text
    assert "The picture is worrying." in text
    assert "Share the incident log" in text
    with teacher.expect_download() as download:
        teacher.get_by_role("link", name="Download these minutes as a PDF").click()
    assert download.value.suggested_filename.endswith("-v1.pdf")
