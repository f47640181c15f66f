"""Browser journey: a MASH practitioner finds the youngest Walsh child, sees the whole picture."""

import re

import pytest

from fullpicture.demo.services import DEMO_PASSWORD, sharetown_load
from fullpicture.frontdoor.models import Contact
from fullpicture.people.models import SourceRecord

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

    # A purpose is read in a work context (decision 0056): the nursery's contact about her,
    # from the MASH queue, as the README's tour goes.
    lily = SourceRecord.objects.get(
        agency__code="RMP", given_name="Lily-Mae", date_of_birth="2024-05-18"
    ).person_id
    contact = (
        Contact.objects.filter(referrer__username="nursery.manager", people__person_id=lily)
        .order_by("pk")
        .first()
    )
    page.locator("[data-menu=queue]").click()
    page.locator("#queue").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name=contact.reference).click()
    page.locator(f'a[href="/people/{lily}/?context=contact:{contact.pk}"]').first.click()
    page.locator("#chronology").wait_for()
    assert_accessible(page)

    heading = page.get_by_role("heading", level=1).inner_text()
    assert re.search(r"Lily", heading)
    agencies = set(
        page.locator("#chronology tbody tr").evaluate_all("rows => rows.map(r => r.dataset.agency)")
    )
    assert len(agencies) >= 5, agencies
    # every row says where it came from and who recorded it
    first_row = page.locator("#chronology tbody tr").first.inner_text()
    assert first_row.strip()
    records = page.locator("#records tbody tr").count()
    assert records >= 5  # each agency's own record of her, with its spelling
