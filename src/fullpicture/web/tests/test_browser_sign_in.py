"""Browser: signing in with the keyboard, the GOV.UK error summary, axe-core clean."""

import pytest

from fullpicture.partnerships.tests.factories import PractitionerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_with_the_keyboard_and_see_errors(live_server, page, assert_accessible):
    PractitionerFactory(username="keyboard.user")
    page.goto(live_server.url + "/")
    assert page.url.startswith(live_server.url + "/sign-in/")
    assert_accessible(page)

    page.get_by_label("Username").fill("keyboard.user")
    page.get_by_label("Password").fill("not-the-password")
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Enter a correct username and password." in summary.inner_text()
    assert page.title().startswith("Error:")
    assert_accessible(page)

    page.get_by_label("Password").fill("correct-horse-battery")
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1).wait_for()
    assert page.url == live_server.url + "/"
    assert_accessible(page)
    page.get_by_role("link", name="Find a person").first.focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Find a person").wait_for()
    assert_accessible(page)
