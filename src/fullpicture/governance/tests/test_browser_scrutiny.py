"""Browser: a board scrutineer reads the dashboard; axe-core clean; the tables match the charts."""

import pytest

from fullpicture.audit.services import Actor, ledger_record
from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _history(agencies):
    for n, (agency, action, reason) in enumerate(
        [
            (agencies[0], "share", ""),
            (agencies[0], "share", ""),
            (agencies[0], "withhold", "third_party"),
            (agencies[1], "withhold", "risk_to_source"),
            (agencies[1], "share", ""),
        ]
    ):
        ledger_record(
            actor=Actor(id=f"user:{n}", agency=agency.code),
            action=action,
            object_type="information_item",
            object_id=1000 + n,
            reason_code=reason,
            details={"person_id": "8675309"},
        )
    ledger_record(
        actor=Actor(id="user:9", agency=agencies[1].code),
        action="break_glass",
        object_type="person",
        object_id="8675309",
        reason_code="start",
        details={"grant_id": "5"},
    )


def test_a_scrutineer_reads_the_dashboard(live_server, page, assert_accessible):
    partnership = PartnershipFactory(code="E06009002")
    agencies = [
        AgencyFactory(code="BRA", name="Browser Police", partnership=partnership),
        AgencyFactory(code="BRB", name="Browser School", partnership=partnership),
    ]
    PractitionerFactory(username="scrutineer", agency=agencies[0], roles=["board_scrutineer"])
    _history(agencies)

    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill("scrutineer")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1).wait_for()
    page.get_by_role("link", name="Scrutiny").click()
    page.get_by_role("heading", name="Scrutiny dashboard").wait_for()
    assert_accessible(page)

    html = page.content()
    assert "8675309" not in html  # counts only: never a person

    panels = page.locator("section.fp-panel")
    checked = 0
    for i in range(panels.count()):
        panel = panels.nth(i)
        if panel.locator("table").count() == 0:
            continue
        bars = panel.locator("rect.fp-bar").evaluate_all(
            "bars => bars.map(b => [b.dataset.label, b.dataset.series, Number(b.dataset.value)])"
        )
        headers = panel.locator("thead th").all_inner_texts()
        table: list[list] = []
        for row in panel.locator("tbody tr").all():
            label = row.locator("th").inner_text()
            values = row.locator("td").all_inner_texts()
            table.extend(
                [label, series, int(v)] for series, v in zip(headers[1:], values, strict=True)
            )
        assert sorted(bars) == sorted(table), panel.get_attribute("data-panel")
        checked += 1
    assert checked >= 3

    shares = page.locator("#table-shares tbody").inner_text()
    assert "Browser Police\t2\t1" in shares
    assert "Browser School\t1\t1" in shares

    page.get_by_label("From", exact=True).fill("2001-01-01")
    page.get_by_label("To", exact=True).fill("2001-12-31")
    page.get_by_role("button", name="Show this period").click()
    page.locator("#panel-shares").get_by_text("Nothing recorded in this period.").wait_for()
    assert_accessible(page)
