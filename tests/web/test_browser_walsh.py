"""Browser journey: a MASH practitioner finds the youngest Walsh child, sees the whole picture."""

import re

import pytest

from fullpicture.demo.services import DEMO_PASSWORD, sharetown_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mash_practitioner_finds_the_walsh_child_across_seven_agencies(
    live_server, page, assert_accessible
):
    sharetown_load()
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill("mash.practitioner")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1).wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Find a person").first.click()
    page.get_by_label("Name").fill("Lily Walsh")
    page.get_by_label("Purpose").select_option("safeguarding_enquiry")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name="Results").wait_for()
    assert_accessible(page)

    card = page.locator(".govuk-summary-card").filter(has_text="18 May 2024")
    assert card.count() == 1
    card.get_by_role("link").click()
    page.locator("#chronology").wait_for()
    assert_accessible(page)

    heading = page.get_by_role("heading", level=1).inner_text()
    assert re.search(r"Lily", heading)
    agencies = set(
        page.locator("#chronology tbody tr").evaluate_all("rows => rows.map(r => r.dataset.agency)")
    )
    assert len(agencies) >= 7, agencies
    # every row says where it came from and who recorded it
    first_row = page.locator("#chronology tbody tr").first.inner_text()
    assert first_row.strip()
    records = page.locator("#records tbody tr").count()
    assert records >= 7  # each agency's own record of her, with its spelling
