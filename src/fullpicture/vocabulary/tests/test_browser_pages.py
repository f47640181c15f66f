"""Browser: an administrator works through the shared-language pages with the keyboard
and axe-core finds nothing on any of them."""

import pytest

from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.vocabulary.models import CodeMapping
from fullpicture.vocabulary.selectors import category_resolve
from fullpicture.vocabulary.services import threshold_descriptor_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_maps_an_unmapped_code_and_compares_thresholds(
    live_server, page, assert_accessible
):
    home = PartnershipFactory(code="E06000951", name="Sharetown")
    away = PartnershipFactory(code="E06000952", name="Northvale")
    police = AgencyFactory(code="BPOL", name="Sharetown Police", partnership=home, police=True)
    body = AgencyFactory(code="BSCP", name="Sharetown Partnership", partnership=home)
    PractitionerFactory(username="b.admin", agency=body, roles=["administrator"])
    category_resolve(agency=police, code="CONCERN-CHILD")
    threshold_descriptor_update(
        partnership=away, level=2, domain="summary", text="Northvale's own words.", actor=None
    )

    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill("b.admin")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.keyboard.press("Enter")
    # Wait until signed in: the sign-in page has a heading too.
    page.wait_for_url(lambda url: "/sign-in/" not in url)

    page.goto(live_server.url + "/vocabulary/")
    page.get_by_role("heading", name="Shared language").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Codes not yet mapped").click()
    page.get_by_role("heading", name="Codes not yet mapped").wait_for()
    assert "CONCERN-CHILD" in page.locator("table").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Map Sharetown Police's code CONCERN-CHILD").click()
    page.get_by_role("heading", name="Agencies' local codes").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Save mapping").click()
    page.locator(".govuk-error-summary").wait_for()
    assert (
        "Choose the shared category this code means"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    page.get_by_label("Neglect", exact=True).check()
    page.get_by_role("button", name="Save mapping").click()
    page.get_by_text("now means 'Neglect'").wait_for()
    assert_accessible(page)
    assert CodeMapping.objects.get(code="CONCERN-CHILD").category.slug == "neglect"

    page.goto(live_server.url + "/vocabulary/thresholds/")
    page.get_by_role("heading", name="Sharetown's thresholds").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Change the descriptors").click()
    page.get_by_role("heading", name="Change Sharetown's thresholds").wait_for()
    assert_accessible(page)
    page.goto(live_server.url + "/vocabulary/thresholds/compare/?left=E06000951&right=E06000952")
    page.get_by_role("heading", name="Compare thresholds").wait_for()
    assert "1 of 16 descriptors are worded differently" in page.get_by_role("status").inner_text()
    assert page.locator("mark.fp-diff").count() > 0
    assert_accessible(page)
    page.goto(live_server.url + "/vocabulary/categories/neglect/")
    page.get_by_role("heading", name="History").wait_for()
    assert_accessible(page)
