"""Browser: a MASH manager works through the review queue with the keyboard, axe-core clean."""

from __future__ import annotations

import datetime as dt

import pytest

from fullpicture.linkage.models import NotSamePerson, Outcome, RecordLink
from fullpicture.linkage.tests.factories import RecordLinkFactory
from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.people.tests.factories import PersonFactory, SourceRecordFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def test_a_manager_decides_a_possible_match_and_a_second_decision_is_refused(
    live_server, page, browser, assert_accessible
):
    partnership = PartnershipFactory()
    gp = AgencyFactory(code="GP", name="Riverside GP", type="gp", partnership=partnership)
    police = AgencyFactory(
        code="POL", name="Testshire Police", type="police", partnership=partnership
    )
    born = dt.date(2016, 5, 9)
    x = PersonFactory()
    a1 = SourceRecordFactory(
        agency=gp,
        person=x,
        given_name="Amelia",
        family_name="Brown",
        date_of_birth=born,
        source_id="G-1",
        postcode="TS1 2AB",
        address="12 Acacia Avenue",
    )
    RecordLinkFactory(record=a1, by_nhs_number=True)
    r = SourceRecordFactory(
        agency=police,
        given_name="Emilia",
        family_name="Brown",
        date_of_birth=born,
        source_id="P-2",
        postcode="TS1 2AB",
        address="12 Acacia Avenue",
    )
    RecordLinkFactory(record=r, review=True, review_with=a1)
    PractitionerFactory(username="mash.boss", agency=gp, roles=["mash_manager"])

    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill("mash.boss")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1).wait_for()

    page.get_by_role("link", name="Possible matches").first.focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Possible matches to review").wait_for()
    assert "1 case waiting" in page.locator("#queue-count").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Review Testshire Police P-2").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Review a possible match").wait_for()
    assert "Emilia" in page.locator("#record").inner_text()
    assert "Amelia" in page.locator("#candidate").inner_text()
    assert page.locator("#waterfall tbody tr").count() >= 6
    assert_accessible(page)

    # while the pair waits for review, the reviewer may open the person's records
    case_url = page.url
    page.goto(f"{live_server.url}/linkage/persons/{x.pk}/")
    page.get_by_role("heading", name=f"Person {x.pk}: records and links").wait_for()
    assert_accessible(page)
    page.goto(case_url)
    page.get_by_role("heading", name="Review a possible match").wait_for()

    # a second reviewer opens the same case in another window
    other = browser.new_context()
    try:
        second = other.new_page()
        second.context.add_cookies(page.context.cookies())
        second.goto(page.url)
        second.get_by_role("heading", name="Review a possible match").wait_for()

        # submitting with nothing chosen: the GOV.UK error summary, then fix it by keyboard
        page.get_by_role("button", name="Record decision").click()
        page.locator(".govuk-error-summary").wait_for()
        assert page.title().startswith("Error:")
        assert_accessible(page)
        page.get_by_label("Not the same person").check()
        page.get_by_label("Reason").fill("Different first name; mother says twins")
        page.get_by_role("button", name="Record decision").focus()
        page.keyboard.press("Enter")
        page.locator(".govuk-notification-banner").wait_for()
        assert "kept apart" in page.locator(".govuk-notification-banner").inner_text()
        assert "0 cases waiting" in page.locator("#queue-count").inner_text()
        assert_accessible(page)

        second.get_by_label("Same person", exact=False).first.check()
        second.get_by_label("Reason").fill("Looks the same")
        second.get_by_role("button", name="Record decision").click()
        second.locator(".govuk-notification-banner").wait_for()
        assert "already been decided" in second.locator(".govuk-notification-banner").inner_text()
    finally:
        other.close()
    assert RecordLink.objects.get(record_id=r.pk).outcome == Outcome.NEW_PERSON
    assert NotSamePerson.objects.count() == 1

    # decided: nothing about the person waits for review, so no standing access remains
    response = page.goto(f"{live_server.url}/linkage/persons/{x.pk}/")
    assert response is not None
    assert response.status == 404
    page.goto(f"{live_server.url}/linkage/quality/")
    page.get_by_role("heading", name="Match quality by agency").wait_for()
    assert_accessible(page)
