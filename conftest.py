"""Shared test fixtures: a real browser (Debian's chromium through Playwright) and axe-core."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM work the
    # tests do around it is synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (from npm) on the page; return its violations (WCAG 2.x A/AA rules)."""
    # Evaluated by the browser's DevTools protocol, not as a <script> the page's strict
    # Content-Security-Policy would refuse (add_script_tag inserts an inline script).
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text())
    result: dict[str, Any] = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'wcag22aa', 'best-practice']}
        })"""
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@pytest.fixture
def assert_accessible() -> Any:
    def check(page: Any) -> None:
        violations = axe_violations(page)
        assert violations == [], f"axe-core on {page.url}: {violations}"

    return check


@pytest.fixture(autouse=True)
def _ledger_flushable(request: pytest.FixtureRequest) -> Iterator[None]:
    """Transactional tests end with a flush, which the ledger's triggers refuse.

    Drop the triggers just before the flush; the flush's post_migrate signal
    puts them back (fullpicture.audit.triggers.ensure_ledger_triggers).
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    from fullpicture.audit.triggers import drop_ledger_triggers

    drop_ledger_triggers()


@pytest.fixture(autouse=True)
def _no_followups_from_an_earlier_test() -> None:
    """The alert receivers gather ids per thread until the transaction commits; a test's
    transaction is rolled back, never committed, so what it gathered must not ride along
    with the next test's (in a running hub a rolled-back transaction's ids only cost the
    rules an extra, harmless look)."""
    from fullpicture.alerts import receivers

    receivers._pending.__dict__.pop("state", None)
