"""Browser: the clinician's point-of-care check with the keyboard, axe-core clean."""

import pytest

from fullpicture.alerts.tests.factories import ProtectionFlagFactory
from fullpicture.people.tests.factories import SourceRecordFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("fullpicture.alerts.tests.urls"),
]


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_a_clinician_checks_a_child_and_sees_the_plan(
    live_server, page, assert_accessible, world, width, height, tmp_path
):
    page.set_viewport_size({"width": width, "height": height})
    record = SourceRecordFactory(
        agency=world.csc,
        source_id="C1",
        nhs_number="9996431274",
        given_name="Amber",
        family_name="Jones",
    )
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
    result = page.get_by_role("heading", name="Result for NHS number 999 643 1274")
    result.wait_for()
    # the answer is in the first screen and has the focus, without scrolling
    assert page.evaluate("document.activeElement.id") == "result"
    assert page.evaluate("window.scrollY") == 0
    for selector in ("#result", "#flag-summary", "#call-now", "#council-told"):
        box = page.locator(selector).bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= height, selector
    assert "Amber Jones" in page.locator("#flag-summary").inner_text()
    call = page.locator("#call-now").get_by_role("link", name="01632 960101")
    assert call.get_attribute("href") == "tel:01632960101"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    text = page.locator("main").inner_text()
    assert "Child protection plan" in text
    assert "Hometown General Hospital A&E" in text
    page.screenshot(path=str(tmp_path / f"point-of-care-{width}.png"), full_page=False)
    assert_accessible(page)
