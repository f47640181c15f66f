"""Browser: the self-assessment pages, chart and table, axe-core clean."""

import pytest

from fullpicture.partnerships.tests.factories import AgencyFactory, PartnershipFactory
from fullpicture.training import services
from fullpicture.training.tests.factories import TrainerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_trainer_reads_the_trend_and_scores_an_assessment(live_server, page, assert_accessible):
    partnership = PartnershipFactory(code="E06000961", name="Sharetown")
    body = AgencyFactory(code="ASCP", name="Sharetown Partnership", partnership=partnership)
    trainer = TrainerFactory(username="a.trainer", agency=body)
    services._demo_assessments(partnership=partnership, actor=trainer)

    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill("a.trainer")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.keyboard.press("Enter")
    # Wait until signed in: the sign-in page has a heading too.
    page.wait_for_url(lambda url: "/sign-in/" not in url)
    page.goto(live_server.url + "/training/self-assessment/")
    page.get_by_role("heading", name="Scores over time").wait_for()
    chart = page.get_by_role("img", name="Score for each of the three factors")
    assert chart.count() == 1
    assert page.locator("#scores tbody tr").count() == 2
    assert_accessible(page)
    page.get_by_role("link", name="Autumn 2025").click()
    page.get_by_role("heading", name="Action plan").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Back to all assessments").click()
    page.get_by_label("Name").fill("Spring 2026")
    page.get_by_label("Date of the assessment").fill("2026-04-30")
    page.get_by_role("button", name="Start the assessment").click()
    page.get_by_role("heading", name="Spring 2026").wait_for()
    page.get_by_label("Mark the assessment complete").check()
    page.get_by_role("button", name="Save answers").click()
    page.locator(".govuk-error-summary").wait_for()
    assert (
        "Score every question before completing"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
