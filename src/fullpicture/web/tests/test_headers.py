"""Headers: a strict Content-Security-Policy with a nonce, ``Cache-Control: no-store`` on
everything but static assets, and the API docs behind sign-in with no CDN."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from fullpicture.partnerships.tests.factories import AgencyFactory, PractitionerFactory
from fullpicture.people.tests.factories import SourceRecordFactory
from fullpicture.sharing.tests.factories import InformationItemFactory

pytestmark = pytest.mark.django_db
SRC = Path(__file__).resolve().parents[2]


def _directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.fixture
def teacher(db):
    school = AgencyFactory(code="SCH", name="Testtown School")
    return PractitionerFactory(agency=school)


def test_a_page_has_a_strict_policy_and_its_one_inline_script_the_nonce(client, teacher):
    client.force_login(teacher)
    response = client.get("/people/search/")
    assert response.status_code == 200
    policy = _directives(response)
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]
    nonce = next(s for s in policy["script-src"] if s.startswith("'nonce-"))[7:-1]
    body = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", body)
    assert inline == [f' nonce="{nonce}"']  # the "js-enabled" line, and it carries the nonce
    other = client.get("/people/search/")
    assert nonce not in other["Content-Security-Policy"]  # a fresh nonce per response


def test_no_template_has_inline_handlers_styles_or_unnonced_scripts():
    """Every template under src: scripts are files (or carry the nonce), no style
    attributes or <style> blocks, no on*= handlers, no javascript: URLs."""
    problems = []
    for template in SRC.glob("*/templates/**/*.html"):
        text = template.read_text()
        for match in re.finditer(r"<script\b([^>]*)>", text):
            attrs = match.group(1)
            if "src=" not in attrs and "CSP_NONCE" not in attrs:
                problems.append(f"{template}: inline script without the nonce")
        if re.search(r"<style\b|\sstyle=|\son[a-z]+=|javascript:", text, re.IGNORECASE):
            problems.append(f"{template}: inline style, handler or javascript: URL")
    assert problems == []


def test_pages_files_sign_in_and_api_answers_are_never_stored(client, teacher):
    sign_in = client.get("/sign-in/")
    assert sign_in["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in sign_in
    client.force_login(teacher)
    record = SourceRecordFactory(agency=teacher.agency, given_name="Rosie", family_name="Quill")
    InformationItemFactory(
        source_agency=teacher.agency, persons=[record.person], summary="Late four days"
    )
    page = client.get("/people/search/?name=quill")
    assert page["Cache-Control"] == "no-store"
    pdf = client.get(reverse("web:person_chronology_pdf", args=[record.person.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Cache-Control"] == "no-store"
    missing = client.get("/no-such-page/")
    assert missing["Cache-Control"] == "no-store"
    api = client.get("/api/v1/contacts")  # no token: 401, and still not stored
    assert api.status_code == 401
    assert api["Cache-Control"] == "no-store"


def test_static_assets_keep_their_caching(client):
    response = client.get("/static/web/init.js")
    assert response.status_code == 200
    assert b"initAll" in b"".join(response.streaming_content)
    response.close()
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_api_docs_need_sign_in_and_load_no_script_from_elsewhere(client, teacher):
    for url in ("/api/v1/docs", "/api/v1/openapi.json"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")
    client.force_login(teacher)
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert docs["Cache-Control"] == "no-store"
    body = docs.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', body)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    assert all(s.startswith("/static/") for s in sources), sources
    assert "cdn" not in body.lower()
    for src in sources:
        served = client.get(src)  # served by the hub itself
        assert served.status_code == 200, src
        served.close()
