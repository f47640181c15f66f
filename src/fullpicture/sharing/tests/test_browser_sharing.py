"""Browser: a police officer shares one item and withholds another with the keyboard and
mouse; the MASH sees the shared item and the withheld count; a MASH manager breaks glass
and sees the banner; the IG lead reviews it. axe-core is clean on every page visited."""

import pytest

from fullpicture.partnerships.models import Practitioner
from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.people.tests.factories import SourceRecordFactory
from fullpicture.sharing.contexts import context_of
from fullpicture.sharing.models import BreakGlassGrant, ItemDecision
from fullpicture.sharing.tests.factories import (
    AgreementFactory,
    InformationItemFactory,
    work_context_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def _sign_in(page, base, username):
    page.context.clear_cookies()
    page.goto(base + "/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1).wait_for()


def test_share_withhold_and_break_glass(live_server, page, assert_accessible):
    partnership = PartnershipFactory(code="E06000701")
    police = AgencyFactory(code="BPOL", name="Browsertown Police", partnership=partnership)
    csc = AgencyFactory(code="BCSC", name="Browsertown CSC", partnership=partnership)
    hospital = AgencyFactory(
        code="BHOS", name="Browsertown Hospital", partnership=partnership, type="acute_hospital"
    )
    AgreementFactory(parties=[police, csc], purposes=["safeguarding_enquiry"])
    record = SourceRecordFactory(agency=csc, given_name="Bea", family_name="Browser")
    child = record.person
    SourceRecordFactory(agency=police, person=child, given_name="Bea", family_name="Browser")
    SourceRecordFactory(agency=hospital, person=child, given_name="Bea", family_name="Browser")
    call_out = InformationItemFactory(
        source_agency=police, persons=[child], summary="Domestic call-out", restricted=True
    )
    InformationItemFactory(source_agency=police, persons=[child], summary="Live investigation")
    InformationItemFactory(source_agency=hospital, persons=[child], summary="Head injury")
    PractitionerFactory(username="b.officer", agency=police, roles=["agency_practitioner"])
    PractitionerFactory(username="b.mash", agency=csc, roles=["mash_practitioner"])
    PractitionerFactory(username="b.manager", agency=csc, roles=["mash_manager"])
    PractitionerFactory(username="b.ig", agency=csc, roles=["ig_lead"], email="ig@example.org")
    base = live_server.url
    person_url = f"{base}/people/{child.pk}/?purpose=safeguarding_enquiry"

    # the police officer shares the restricted call-out with the MASH
    _sign_in(page, base, "b.officer")
    page.goto(person_url)
    assert_accessible(page)
    page.get_by_label("Domestic call-out", exact=False).check()
    page.get_by_role("button", name="Share or withhold the chosen items").click()
    page.get_by_role("heading", name="Share or withhold").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Record the decision").click()  # nothing chosen
    page.locator(".govuk-error-summary").wait_for()
    assert page.title().startswith("Error:")
    assert_accessible(page)
    page.get_by_label("Share", exact=True).check()
    page.get_by_label("Browsertown CSC").check()
    page.get_by_label("Every child has a right to be protected", exact=False).check()
    page.get_by_label("I am recording the decision", exact=False).check()
    page.get_by_label("The risk of not sharing is greater").check()
    page.get_by_label("Explain your decision").fill("A pattern of domestic abuse at home")
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_role("heading", name="Shared").wait_for()
    assert_accessible(page)
    assert ItemDecision.objects.get(item=call_out).outcome == "share"

    # and withholds the live investigation, with a reason, using the keyboard
    page.goto(person_url)
    page.get_by_label("Live investigation", exact=False).check()
    page.get_by_role("button", name="Share or withhold the chosen items").press("Enter")
    page.get_by_role("heading", name="Share or withhold").wait_for()
    page.get_by_label("Withhold", exact=True).check()
    page.get_by_label("Browsertown CSC").check()
    page.get_by_label("Why are you withholding?").select_option("prejudice_investigation")
    page.get_by_label("Explain your decision").fill("Suspect not yet interviewed")
    page.get_by_role("button", name="Record the decision").press("Enter")
    page.get_by_role("heading", name="Withheld").wait_for()
    assert_accessible(page)

    # the MASH opens the child from its information request (the work context the read
    # rests on): the shared item, and that one item was withheld, and why
    mash = Practitioner.objects.get(username="b.mash")
    read = work_context_for(viewer=mash, person=child)
    _sign_in(page, base, "b.mash")
    page.goto(f"{base}/sharing/requests/{context_of(read).removeprefix('request:')}/")
    page.get_by_role("link", name="chronology").click()
    page.get_by_role("heading", name="Sharing").wait_for()
    assert f"context={context_of(read)}" in page.url
    body = page.locator("main").inner_text()
    assert "Domestic call-out" in body
    assert "Live investigation" not in body
    assert "Browsertown Police withheld 1 item: Would prejudice an investigation" in body
    assert "Head injury" not in body  # no agreement with the hospital
    assert_accessible(page)

    # the MASH manager breaks glass: the hospital's item shows, with a banner throughout
    _sign_in(page, base, "b.manager")
    page.goto(person_url)
    page.get_by_role("link", name="Break glass: immediate risk").click()
    page.get_by_role("heading", name="Break glass: immediate risk").wait_for()
    assert_accessible(page)
    page.get_by_label("Safeguarding enquiry").check()
    page.get_by_label("A child or adult is missing").check()
    page.get_by_label("What is the immediate risk?").fill(
        "Child reported missing overnight with an adult known to police"
    )
    page.get_by_role("button", name="Break glass").click()
    page.get_by_role("heading", name="Break-glass access is on").wait_for()
    assert "Head injury" in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto(base + "/")
    page.get_by_role("heading", name="Break-glass access is on").wait_for()
    assert_accessible(page)

    # the IG lead was told, and reviews the use
    grant = BreakGlassGrant.objects.get()
    _sign_in(page, base, "b.ig")
    page.get_by_role("link", name="Break-glass reviews").click()
    page.get_by_role("heading", name="Break-glass reviews").wait_for()
    assert_accessible(page)
    page.get_by_label("Appropriate", exact=True).check()
    page.get_by_label("Note").fill("Child found; use justified")
    page.get_by_role("button", name=f"Record review of grant {grant.pk}").click()
    page.get_by_text("Review recorded.").wait_for()
    assert_accessible(page)
    grant.refresh_from_db()
    assert grant.review == "appropriate"
    page.locator("[data-menu=inbox]").click()
    page.get_by_role("heading", name="Inbox").wait_for()
    assert "Break-glass used by" in page.locator("main").inner_text()
    assert_accessible(page)
