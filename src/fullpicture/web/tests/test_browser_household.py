"""Browser: the household view lists its members with how each is tied, and since when,
from households formed from the agencies' own data (no hand-made household)."""

from __future__ import annotations

import datetime as dt

import pytest

from fullpicture.people.households import households_update
from fullpicture.people.models import Household, HouseholdStatus, SourceRecord
from fullpicture.sharing.contexts import context_of
from fullpicture.sharing.tests.chronology_town import make_town

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def test_the_household_view_shows_members_and_their_ties(live_server, page, assert_accessible):
    town = make_town()
    # The town's hand-made household is replaced by evidence: both at one address.
    for record in SourceRecord.objects.filter(person__in=[town["child"], town["mother"]]):
        record.address, record.postcode = "3 Clock Lane, Chrontown", "TS1 3CL"
        record.recorded_at = dt.date(2021, 4, 1)
        record.save()
    Household.objects.filter(pk=town["household"].pk).delete()  # made by hand: gone
    households_update()
    household = Household.objects.get(status=HouseholdStatus.ACTIVE)

    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill(town["mash"].username)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1).wait_for()
    # read in the town's work context (a purpose is a relationship: decision 0056)
    context = context_of(town["se"])
    page.goto(f"{live_server.url}/people/{town['child'].pk}/?context={context}")
    page.get_by_role("link", name=f"Household {household.pk} chronology").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="How they are tied").wait_for()
    ties = page.locator("#ties")
    text = ties.inner_text()
    assert "Ivy Chronos" in text
    assert "Dora Chronos" in text
    assert "Same address at the same time with Dora Chronos since 1 April 2021" in text
    assert "Named together in one agency's record of an event with Dora Chronos" in text
    assert "Member since" in text
    assert "Clock Lane" not in text  # ties never show an address
    assert_accessible(page)
