"""Browser: filter a child's chronology with the keyboard, open the household's, axe-core clean."""

from __future__ import annotations

import pytest

from fullpicture.sharing.templatetags.sharing_tags import read_query
from fullpicture.sharing.tests.chronology_town import make_town

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def _sign_in(page, live_server, username):
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1).wait_for()


def test_filter_the_childs_chronology_and_open_the_household(live_server, page, assert_accessible):
    town = make_town()
    _sign_in(page, live_server, town["mash"].username)
    page.goto(f"{live_server.url}/people/{town['child'].pk}/?{read_query(town['se'])}")
    rows = page.locator("#chronology tbody tr")
    assert rows.count() == 4
    assert "Reported by 2 agencies" in rows.first.inner_text()
    assert_accessible(page)

    # keyboard only: tick police, choose a category, apply
    page.get_by_label("Chrontown Police", exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_label("Category", exact=True).select_option("domestic_abuse")
    page.get_by_role("button", name="Apply filters").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**agency=CPOL**")
    assert rows.count() == 3
    assert {rows.nth(n).get_attribute("data-agency") for n in range(3)} == {"CPOL"}
    assert page.get_by_label("Chrontown Police", exact=True).is_checked()
    assert_accessible(page)

    # a bad period: the error summary, still accessible
    page.get_by_label("From", exact=True).fill("2025-06-01")
    page.get_by_label("To", exact=True).fill("2025-05-01")
    page.get_by_role("button", name="Apply filters").press("Enter")
    page.locator(".govuk-error-summary").wait_for()
    assert page.title().startswith("Error:")
    assert_accessible(page)

    # the household's chronology, from the person page
    page.get_by_role("link", name=f"Household {town['household'].pk} chronology").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Household chronology").wait_for()
    assert "Reported by 3 agencies" in page.locator("#chronology tbody tr").first.inner_text()
    assert "Neighbour reported shouting" not in page.content()
    assert_accessible(page)

    page.get_by_role("link", name="Print this chronology").click()
    page.get_by_role("heading", name=f"Chronology: Household {town['household'].pk}").wait_for()
    assert page.get_by_role("button", name="Print this page").is_visible()
    assert_accessible(page)
