"""Browser: an IG lead downloads a subject access PDF with the keyboard; axe-core clean."""

import pytest
from pypdf import PdfReader

from fullpicture.audit.models import LedgerEvent
from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.people.tests.factories import SourceRecordFactory
from fullpicture.sharing.tests.factories import InformationItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ig_lead_downloads_a_subject_access_pdf(live_server, page, assert_accessible, tmp_path):
    council = AgencyFactory(
        code="CSC6", name="Pagetown CSC", partnership=PartnershipFactory(code="E06000601")
    )
    PractitionerFactory(username="p.ig", agency=council, roles=["ig_lead"])
    person = SourceRecordFactory(agency=council, given_name="Pia", family_name="Page").person
    other = SourceRecordFactory(agency=council, given_name="Quentin", family_name="Other").person
    InformationItemFactory(
        source_agency=council, persons=[person, other], summary="Pia seen with Quentin Other"
    )

    page.goto(live_server.url + "/")
    page.get_by_label("Username").fill("p.ig")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Subject access").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Answer a subject access request").wait_for()
    assert_accessible(page)

    page.get_by_role("button", name="Download").click()  # nothing entered yet
    page.locator(".govuk-error-summary").wait_for()
    assert page.title().startswith("Error:")
    assert_accessible(page)

    page.get_by_label("Person id").fill(str(person.pk))
    page.get_by_label("PDF document, to send to the person").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.suffix == ".pdf"
    text = " ".join((p.extract_text() or "") for p in PdfReader(str(saved)).pages)
    assert "Pia Page" in text
    assert "Quentin" not in text
    assert LedgerEvent.objects.filter(action="export", object_id=str(person.pk)).count() == 1
