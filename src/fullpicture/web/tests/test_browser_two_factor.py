"""Browser: set up an authenticator at first sign-in, sign in with a code, then read who
looked at whom; keyboard only, axe-core clean on every page."""

import base64

import pytest
from django.test import Client

from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.people.tests.factories import SourceRecordFactory
from fullpicture.web.tests.factories import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def _key_from(setup_key: str) -> bytes:
    secret = "".join(setup_key.split())
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


def _password_step(page, live_server, username):
    page.goto(live_server.url + "/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")


def test_two_factor_sign_in_and_the_audit_page(live_server, page, assert_accessible, settings):
    partnership = PartnershipFactory(code="E06000501")
    school = AgencyFactory(code="SCH5", name="Browserton School", partnership=partnership)
    csc = AgencyFactory(code="CSC5", name="Browserton CSC", partnership=partnership)
    child = SourceRecordFactory(agency=school, given_name="Bea", family_name="Browse").person
    teacher = PractitionerFactory(
        username="b.teacher", first_name="Bo", last_name="Teacher", agency=school
    )
    PractitionerFactory(username="b.manager", agency=csc, roles=["mash_manager"])
    looker = Client()
    looker.force_login(teacher)
    assert looker.get("/people/search/?name=browse").status_code == 200
    assert looker.get(f"/people/{child.pk}/").status_code == 200
    settings.FULLPICTURE_REQUIRE_2FA = True

    # First sign-in: the password, then setting up the authenticator app.
    _password_step(page, live_server, "b.manager")
    page.get_by_role("heading", name="Set up your authenticator app").wait_for()
    assert_accessible(page)
    key = _key_from(page.locator("#setup-key").inner_text())
    first_code = totp_code(key)
    page.get_by_label("Code from your authenticator app").fill(first_code)
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name="Browserton CSC").wait_for()
    assert page.url == live_server.url + "/"

    # Sign out, and in again: now the code step (the next code: a code is used once).
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in to Full Picture").wait_for()
    _password_step(page, live_server, "b.manager")
    code_box = page.get_by_label("Enter the code from your authenticator app")
    code_box.wait_for()
    assert_accessible(page)
    code_box.fill("12")
    page.keyboard.press("Enter")
    page.locator(".govuk-error-summary").wait_for()
    assert "Enter the code as 6 digits" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Enter the code from your authenticator app").fill(
        totp_code(key, steps_ahead=1)
    )
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name="Browserton CSC").wait_for()

    # The audit page, one level down the menu, reached with the keyboard.
    page.locator("[data-menu=more]").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name="More").wait_for()
    page.get_by_role("link", name="Who looked at whom").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name="Who looked at whom").wait_for()
    table = page.locator("#access-log")
    assert "Bo Teacher" in table.inner_text()
    assert "Opened the record" in table.inner_text()
    assert_accessible(page)
    page.get_by_label("Person id").fill(str(child.pk))
    page.keyboard.press("Enter")
    page.locator("#results-count", has_text="match the filters").wait_for()
    # the search, the record and its chronology
    assert "3 events match the filters." in page.locator("#results-count").inner_text()
    assert_accessible(page)
    page.get_by_label("Person id").fill("not-a-number")
    page.keyboard.press("Enter")
    page.locator(".govuk-error-summary").wait_for()
    assert page.title().startswith("Error:")
    assert_accessible(page)
