"""Browser: the clinician's point-of-care check with the keyboard, axe-core clean."""

import pytest

from fullpicture.alerts.tests.factories import ProtectionFlagFactory
from fullpicture.people.tests.factories import SourceRecordFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("fullpicture.alerts.tests.urls"),
]


def test_a_clinician_checks_a_child_and_sees_the_plan(live_server, page, assert_accessible, world):
    record = SourceRecordFactory(agency=world.csc, source_id="C1", nhs_number="9996431274")
    ProtectionFlagFactory(partnership=world.home, record=record, person=record.person)
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill("clinician")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1).wait_for()
    page.goto(live_server.url + "/alerts/point-of-care/")
    page.get_by_role("heading", name="Point-of-care check").wait_for()
    assert_accessible(page)

    page.get_by_label("NHS number").fill("123")
    page.get_by_role("button", name="Check").click()
    page.locator(".govuk-error-summary").wait_for()
    assert page.title().startswith("Error:")
    assert_accessible(page)

    page.get_by_label("NHS number").fill("999 643 1274")
    page.get_by_label("Where you are seeing the child").select_option("ae")
    page.get_by_role("button", name="Check").click()
    page.get_by_role("heading", name="Result").wait_for()
    text = page.locator("main").inner_text()
    assert "Child protection plan" in text
    assert "01632 960101" in text
    assert "Hometown General Hospital A&E" in text
    assert_accessible(page)
