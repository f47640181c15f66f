"""Browser: the person page opens with who else is involved; a practitioner reports an item
as wrong and the owning agency answers; axe-core clean on every page visited."""

from __future__ import annotations

import pytest

from fullpicture.audit.services import Actor
from fullpicture.sharing.feeds import involvements_import, items_import
from fullpicture.sharing.models import Challenge
from fullpicture.sharing.templatetags.sharing_tags import read_query
from fullpicture.sharing.tests.factories import work_context_for
from fullpicture.sharing.tests.feeds_town import involvement_row, item_row, make_town

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ACTOR = Actor.system("test")


def sign_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1).wait_for()


def test_involvements_then_a_challenge_and_its_answer(live_server, page, assert_accessible):
    town = make_town()
    items_import(agency=town.police, rows=[(2, item_row("INC-1"))], file="p.csv", actor=ACTOR)
    involvements_import(
        agency=town.police, rows=[(2, involvement_row())], file="pi.csv", actor=ACTOR
    )
    read = work_context_for(viewer=town.mash_worker, person=town.child)
    person_url = f"{live_server.url}/people/{town.child.pk}/?{read_query(read)}"

    sign_in(page, live_server, "f.mash")
    page.goto(person_url)
    heading = page.get_by_role("heading", name="Who else is involved and how to reach them")
    heading.wait_for()
    assert "PC Dana Fictional" in page.locator("#involvements").inner_text()
    assert "Records found" in page.locator("#coverage").inner_text()
    assert_accessible(page)

    row = page.locator("#chronology")
    row.get_by_text("Report as wrong").first.click()
    row.get_by_label("What is wrong with this item?").first.fill("It happened a week earlier.")
    row.get_by_role("button", name="Send to the agency").first.click()
    page.locator("#challenges-raised").wait_for()
    assert "Awaiting an answer" in page.locator("#challenges-raised").inner_text()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, live_server, "f.officer")
    page.goto(live_server.url + "/sharing/challenges/")
    page.get_by_role("heading", name="Challenges to your agency").wait_for()
    assert "It happened a week earlier." in page.content()
    assert_accessible(page)
    page.get_by_label("Confirmed as right").check()
    page.get_by_role("button", name="Send answer to challenge").click()
    page.locator("#answered-challenges").wait_for()
    assert_accessible(page)
    assert Challenge.objects.get().answer == "confirmed"
