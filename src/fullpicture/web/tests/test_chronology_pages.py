"""Chronology pages: filters, the household page, print views and PDFs, the same-404 rule."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from fullpicture.audit.models import LedgerEvent
from fullpicture.sharing.contexts import context_of
from fullpicture.sharing.tests.chronology_town import make_town

pytestmark = pytest.mark.django_db
SE = {"purpose": "safeguarding_enquiry"}


def _se(town) -> dict[str, str]:
    """Read in the enquiry the MASH sent about the family (a work context, decision 0056)."""
    return {**SE, "context": context_of(town["se"])}


@pytest.fixture
def town():
    return make_town()


def _rows(body: str) -> list[str]:
    table = body.split('id="chronology"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'data-agency="([^"]*)"', table)


def test_person_page_shows_one_event_with_every_source(client, town):
    client.force_login(town["mash"])
    body = client.get(reverse("web:person", args=[town["child"].pk]), _se(town)).content.decode()
    assert _rows(body) == ["CPOL CSCH", "CPOL", "CSCH", "CPOL"]
    assert "Reported by 2 agencies" in body
    assert "5 items from 2 agencies" in body
    assert "shown as 4 events" in body
    for hidden in ("Neighbour reported shouting", "Covert intelligence", "private note"):
        assert hidden not in body
    assert f"/households/{town['household'].pk}/" in body


def test_person_page_filters(client, town):
    client.force_login(town["mash"])
    url = reverse("web:person", args=[town["child"].pk])
    police = client.get(url, {**_se(town), "agency": "CPOL"}).content.decode()
    assert _rows(police) == ["CPOL", "CPOL", "CPOL"]
    assert 'value="CPOL" checked' in police
    neglect = client.get(url, {**_se(town), "category": "neglect"}).content.decode()
    assert _rows(neglect) == ["CSCH"]
    period = client.get(url, {**_se(town), "date_from": "2025-05-03", "date_to": "2025-05-31"})
    assert _rows(period.content.decode()) == ["CPOL"]
    event = LedgerEvent.objects.filter(object_type="person_chronology").order_by("seq").last()
    assert event is not None
    assert event.details["filters"]["from"] == "2025-05-03"


def test_bad_dates_show_the_error_summary_and_everything(client, town):
    client.force_login(town["mash"])
    url = reverse("web:person", args=[town["child"].pk])
    response = client.get(url, {**_se(town), "date_from": "2025-05-31", "date_to": "2025-05-01"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert "must be the same as or after" in body
    assert "<title>Error:" in body
    assert len(_rows(body)) == 4


def test_household_page_is_audited_and_merges_across_members(client, town):
    client.force_login(town["mash"])
    household = town["household"]
    response = client.get(reverse("web:household", args=[household.pk]), _se(town))
    body = response.content.decode()
    assert response.status_code == 200
    assert _rows(body)[0] == "CPOL CHLT CSCH"
    assert "Reported by 3 agencies" in body
    assert "Ivy Chronos" in body
    assert "Dora Chronos" in body
    view = LedgerEvent.objects.get(action="view", object_type="household")
    assert view.object_id == str(household.pk)
    assert view.purpose == "safeguarding_enquiry"
    assert LedgerEvent.objects.filter(action="view", object_type="household_chronology").exists()


def test_household_denied_missing_and_malformed_are_the_same_404(client, town):
    client.force_login(town["outsider"])
    denied = client.get(reverse("web:household", args=[town["household"].pk]), SE)
    missing = client.get(reverse("web:household", args=[999_999]), SE)
    bad_purpose = client.get(
        reverse("web:household", args=[town["household"].pk]), {"purpose": "curiosity"}
    )
    pdf = client.get(reverse("web:household_pdf", args=[town["household"].pk]), SE)
    printed = client.get(reverse("web:household_print", args=[town["household"].pk]), SE)
    assert {r.status_code for r in (denied, missing, bad_purpose, pdf, printed)} == {404}
    assert _without_csrf(denied.content) == _without_csrf(missing.content)
    # Nothing was read; each refusal is in the ledger as one, ids only (the denied and the
    # missing alike: the reason code tells them apart for the auditor, never the page).
    assert not LedgerEvent.objects.filter(
        object_type__startswith="household", action__in=["view", "export"]
    ).exists()
    refused = LedgerEvent.objects.filter(action="denied", object_type="household")
    assert {(e.object_id, e.reason_code) for e in refused} >= {
        (str(town["household"].pk), "policy"),
        ("999999", "missing"),
    }


def _without_csrf(content: bytes) -> bytes:
    """The page without what differs on every response: the CSRF token and the CSP nonce."""
    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
    return re.sub(rb' nonce="[^"]+"', b"", content)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_household_pdf_has_what_the_page_has_and_is_an_audited_export(client, town):
    client.force_login(town["mash"])
    response = client.get(reverse("web:household_pdf", args=[town["household"].pk]), _se(town))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Chronology: Household" in text
    assert "Police called to a domestic incident" in text
    assert "Mother seen at A&E with bruising" in text
    assert "same event" in text
    for hidden in ("Neighbour reported", "Covert intelligence", "private note"):
        assert hidden not in text
    export = LedgerEvent.objects.get(action="export", object_type="household_chronology")
    assert export.details["format"] == "pdf"
    assert set(export.details) <= {
        "item_ids",
        "person_ids",
        "format",
        "filters",
        "break_glass_grants",
        "context",
    }
    assert export.details["context"] == context_of(town["se"])
    assert "Police" not in repr(export.details)


def test_person_pdf_keeps_the_filters(client, town):
    client.force_login(town["mash"])
    url = reverse("web:person_chronology_pdf", args=[town["child"].pk])
    response = client.get(url, {**_se(town), "category": "neglect"})
    text = _pdf_text(response.content)
    assert "Ivy arrived hungry" in text
    assert "Police called" not in text
    assert "category: Neglect" in text
    export = LedgerEvent.objects.get(action="export", object_type="person_chronology")
    assert export.details["filters"]["category"] == "neglect"


def test_print_views_carry_the_print_stylesheet(client, town):
    client.force_login(town["mash"])
    person = client.get(reverse("web:person", args=[town["child"].pk]), _se(town)).content.decode()
    assert "chronology/print/?purpose=safeguarding_enquiry&amp;context=request%3A" in person
    printed = client.get(
        reverse("web:person_chronology_print", args=[town["child"].pk]), _se(town)
    ).content.decode()
    assert "web/chronology.css" in printed
    assert "Filter the chronology" not in printed
    assert "Police called to a domestic incident" in printed
    assert LedgerEvent.objects.filter(action="export", details__format="print").exists()
