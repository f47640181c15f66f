"""The shared-language pages through the test client: glossary, admin pages, thresholds."""

import pytest

from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.vocabulary.models import CodeMapping, ConcernCategoryVersion, ThresholdDescriptor
from fullpicture.vocabulary.selectors import category_resolve, threshold_descriptors_for
from fullpicture.vocabulary.services import threshold_descriptor_update
from fullpicture.vocabulary.tests.factories import category, item_recorded_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    home = PartnershipFactory(code="E06000501", name="Hometown")
    away = PartnershipFactory(code="E06000502", name="Awayshire")
    police = AgencyFactory(code="HPOL", name="Hometown Police", partnership=home, police=True)
    hq = AgencyFactory(code="HSCP", name="Hometown Partnership", partnership=home)
    return {
        "home": home,
        "away": away,
        "police": police,
        "admin": PractitionerFactory(username="v.admin", agency=hq, roles=["administrator"]),
        "officer": PractitionerFactory(username="v.officer", agency=police),
    }


def test_the_glossary_shows_definitions_and_census_codes(client, world):
    client.force_login(world["officer"])
    body = client.get("/vocabulary/").content.decode()
    assert "Child criminal exploitation and gangs" in body
    assert "Persistent failure to meet a child" in body
    assert "24A" in body
    assert "Female genital mutilation" in body
    assert "/vocabulary/mappings/" not in body  # not an administrator


def test_only_an_administrator_sees_the_mapping_pages(client, world):
    client.force_login(world["officer"])
    assert client.get("/vocabulary/mappings/").status_code == 404
    assert client.get("/vocabulary/unmapped/").status_code == 404
    assert client.get("/vocabulary/thresholds/edit/").status_code == 404


def test_mapping_a_code_from_the_unmapped_list(client, world):
    category_resolve(agency=world["police"], code="VULN-ADULT")
    client.force_login(world["admin"])
    listing = client.get("/vocabulary/unmapped/").content.decode()
    assert "VULN-ADULT" in listing
    assert "Hometown Police" in listing
    page = client.get(f"/vocabulary/mappings/?agency={world['police'].pk}&code=VULN-ADULT")
    body = page.content.decode()
    assert 'value="VULN-ADULT"' in body
    # Each category choice carries its definition as GOV.UK hint text.
    assert 'class="govuk-hint govuk-radios__hint"' in body
    missing = client.post(
        "/vocabulary/mappings/", {"agency": world["police"].pk, "code": "VULN-ADULT"}
    )
    assert "Choose the shared category this code means" in missing.content.decode()
    assert 'href="#id_category_0"' in missing.content.decode()
    done = client.post(
        "/vocabulary/mappings/",
        {"agency": world["police"].pk, "code": "VULN-ADULT", "category": category("other").pk},
        follow=True,
    )
    assert "now means" in done.content.decode()
    assert CodeMapping.objects.get(code="VULN-ADULT").category.slug == "other"
    assert "Every code agencies have sent is mapped" in (
        client.get("/vocabulary/unmapped/").content.decode()
    )


def test_editing_a_used_category_in_the_admin_keeps_history_with_a_clear_message(client, world):
    admin = world["admin"]
    admin.is_staff = True
    admin.is_superuser = True
    admin.save()
    neglect = category("neglect")
    item = item_recorded_as(neglect, agency=world["police"])
    client.force_login(admin)
    url = f"/admin/vocabulary/concerncategory/{neglect.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="slug"' not in page  # a published slug is read-only
    response = client.post(
        url,
        {
            "name": "Neglect (basic needs)",
            "definition": "Updated wording.",
            "sort_order": 5,
            "replaced_by": "",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
            "slug": "hacked",
        },
        follow=True,
    )
    body = response.content.decode()
    assert "Saved as version 2" in body
    assert "keep &#x27;Neglect&#x27; in their history; nothing was rewritten" in body
    neglect.refresh_from_db()
    assert neglect.slug == "neglect"
    assert neglect.name == "Neglect (basic needs)"
    assert ConcernCategoryVersion.objects.filter(category=neglect).count() == 2
    item.refresh_from_db()
    assert item.category_id == neglect.pk
    # Nothing is deleted: the admin offers no delete.
    assert client.get(f"/admin/vocabulary/concerncategory/{neglect.pk}/delete/").status_code in {
        302,
        403,
    }


def test_every_partnership_gets_default_thresholds(world):
    levels = threshold_descriptors_for(world["away"])
    assert [lv.level for lv in levels] == [1, 2, 3, 4]
    assert all(len(lv.domains) == 3 and lv.summary for lv in levels)
    assert ThresholdDescriptor.objects.filter(partnership=world["away"]).count() == 16


def test_changing_a_threshold_keeps_the_old_words(world):
    threshold_descriptors_for(world["home"])
    d = threshold_descriptor_update(
        partnership=world["home"], level=2, domain="summary", text="New words.", actor=None
    )
    assert d.version == 2
    assert d.changes.get().text.startswith("Children with additional needs")


def test_the_comparison_highlights_different_wording(client, world):
    threshold_descriptor_update(
        partnership=world["away"],
        level=3,
        domain="parenting_capacity",
        text="Awayshire wording about parents entirely.",
        actor=None,
    )
    client.force_login(world["officer"])
    body = client.get(
        "/vocabulary/thresholds/compare/?left=E06000501&right=E06000502"
    ).content.decode()
    assert "1</strong> of 16 descriptors are worded differently" in body
    assert '<mark class="fp-diff">Awayshire</mark>' in body


def test_the_threshold_editor_refuses_an_empty_descriptor(client, world):
    client.force_login(world["admin"])
    page = client.get("/vocabulary/thresholds/edit/")
    assert page.status_code == 200
    form = {
        f"l{level}_{domain}": "Words."
        for level in (1, 2, 3, 4)
        for domain in ("summary", "child_development", "parenting_capacity", "family_environment")
    }
    form["l3_summary"] = "  "
    response = client.post("/vocabulary/thresholds/edit/", form)
    assert "Enter the descriptor: it cannot be left empty" in response.content.decode()
    assert 'href="#id_l3_summary"' in response.content.decode()
    form["l3_summary"] = "Children in need, in our words."
    client.post("/vocabulary/thresholds/edit/", form)
    levels = threshold_descriptors_for(world["home"])
    assert levels[2].summary == "Children in need, in our words."


def test_the_threshold_include_renders_beside_a_decision(world):
    from django.template import Context, Template

    html = Template("{% load vocabulary %}{% threshold_descriptors partnership 3 %}").render(
        Context({"partnership": world["home"]})
    )
    assert "Hometown's thresholds" in html
    assert "Level 3: child in need (section 17)" in html
    assert '<details class="govuk-details" open>' in html
