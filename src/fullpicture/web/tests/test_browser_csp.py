"""Browser: the main pages load under the strict Content-Security-Policy with no violation,
and GOV.UK Frontend's JavaScript still starts (its components are initialised)."""

import pytest

from fullpicture.partnerships.tests.factories import AgencyFactory, PractitionerFactory
from fullpicture.people.tests.factories import SourceRecordFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation the page reports, collected before any of the page's own scripts run
# (an init script is the browser's, not the page's: the policy does not apply to it).
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.effectiveDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def test_main_pages_load_with_no_csp_violation_and_govuk_frontend_starts(live_server, page):
    csc = AgencyFactory(code="CSC", name="Testtown CSC", social_care=True)
    PractitionerFactory(username="csp.user", agency=csc, roles=["mash_practitioner"])
    record = SourceRecordFactory(agency=csc, given_name="Rosie", family_name="Quill")
    console = []
    page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.add_init_script(WATCH)

    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill("csp.user")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1).wait_for()

    pages = [
        "/",
        "/people/search/",
        "/people/search/?name=quill",
        f"/people/{record.person.pk}/",
        "/front-door/contacts/new/",
        "/alerts/notifications/",
        "/account/two-factor/",  # the QR code is a data: image
    ]
    for path in pages:
        response = page.goto(live_server.url + path)
        assert response is not None
        assert response.status == 200, path
        assert "Content-Security-Policy" in {k.title() for k in response.headers}, path
        assert page.evaluate("window.__csp") == [], path  # after "load": every script ran
        # the nonced inline script ran, and initAll() initialised the skip link (every page)
        page.locator("body.govuk-frontend-supported").wait_for(state="attached")
        page.locator("[data-module='govuk-skip-link'][data-govuk-skip-link-init]").wait_for(
            state="attached"
        )
    assert console == []

    # The API docs: Swagger UI from the hub's own static files, under the same policy.
    page.goto(live_server.url + "/api/v1/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Full Picture API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.evaluate("window.__csp") == []
    assert console == []
