"""Import mapping: shared slugs, CIN census codes and agencies' own codes, and unmapped codes
listed rather than dropped."""

import datetime as dt

import pytest
import time_machine

from fullpicture.partnerships.tests.factories import AgencyFactory, PractitionerFactory
from fullpicture.vocabulary.models import CodeMappingChange, UnmappedCode
from fullpicture.vocabulary.selectors import category_resolve, unmapped_codes
from fullpicture.vocabulary.services import VocabularyError, category_retire, mapping_save
from fullpicture.vocabulary.tests.factories import CodeMappingFactory, category

pytestmark = pytest.mark.django_db


@pytest.fixture
def police():
    return AgencyFactory(code="POL9", name="Testshire Police", police=True)


@pytest.mark.parametrize(
    ("code", "slug"),
    [
        ("domestic_abuse", "domestic_abuse"),
        ("  Neglect ", "neglect"),
        ("3A", "domestic_abuse"),
        ("3c", "domestic_abuse"),
        ("2B", "drugs_alcohol"),
        ("10A", "missing"),
        ("11A", "sexual_exploitation"),
        ("16A", "neglect"),
        ("18C", "physical_injury"),
        ("19B", "sexual_abuse"),
        ("22A", "harmful_practices"),
        ("24A", "criminal_exploitation"),
        ("20", "other"),
    ],
)
def test_shared_slugs_and_census_codes_resolve(police, code, slug):
    assert category_resolve(agency=police, code=code) == category(slug)
    assert not UnmappedCode.objects.exists()


def test_an_agencys_own_code_resolves_through_its_mapping_only(police):
    school = AgencyFactory(code="SCH9")
    mapping_save(agency=police, code="da-verbal", category=category("domestic_abuse"), actor=None)
    assert category_resolve(agency=police, code="DA-VERBAL") == category("domestic_abuse")
    assert category_resolve(agency=police, code=" da-verbal ") == category("domestic_abuse")
    # Another agency's code means nothing here: it is listed as unmapped for the school.
    assert category_resolve(agency=school, code="DA-VERBAL") is None
    assert list(unmapped_codes(partnership_id=None).values_list("agency__code", "code")) == [
        ("SCH9", "DA-VERBAL")
    ]


def test_unmapped_codes_are_counted_with_first_and_last_seen(police):
    first = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(first, tick=False):
        assert category_resolve(agency=police, code="ASB-YOUTH") is None
    with time_machine.travel(first + dt.timedelta(days=2), tick=False):
        assert category_resolve(agency=police, code="asb-youth") is None
        assert category_resolve(agency=police, code="CONCERN-X") is None
    rows = {r.code: r for r in unmapped_codes(partnership_id=police.partnership_id)}
    assert set(rows) == {"ASB-YOUTH", "CONCERN-X"}
    assert rows["ASB-YOUTH"].times_seen == 2
    assert rows["ASB-YOUTH"].first_seen == first
    assert rows["ASB-YOUTH"].last_seen == first + dt.timedelta(days=2)
    assert rows["CONCERN-X"].times_seen == 1


def test_mapping_an_unmapped_code_clears_it_from_the_list_and_keeps_the_row(police):
    category_resolve(agency=police, code="ASB-YOUTH")
    mapping_save(agency=police, code="ASB-YOUTH", category=category("offending"), actor=None)
    assert not unmapped_codes(partnership_id=None).exists()
    assert UnmappedCode.objects.get(code="ASB-YOUTH").mapped_at is not None
    assert category_resolve(agency=police, code="ASB-YOUTH") == category("offending")


def test_a_switched_off_mapping_no_longer_resolves(police):
    CodeMappingFactory(agency=police, code="OLD-CODE", off=True)
    assert category_resolve(agency=police, code="OLD-CODE") is None
    assert unmapped_codes(partnership_id=None).get().code == "OLD-CODE"


def test_a_mapping_change_keeps_every_version(police):
    admin = PractitionerFactory(agency=police, roles=["administrator"])
    mapping_save(agency=police, code="CP-1", category=category("neglect"), actor=admin)
    mapping = mapping_save(
        agency=police, code="CP-1", category=category("emotional_abuse"), actor=admin, label="CP"
    )
    assert mapping.version == 2
    history = list(CodeMappingChange.objects.filter(mapping=mapping).order_by("version"))
    assert [(h.version, h.category.slug, h.kind) for h in history] == [
        (1, "neglect", "created"),
        (2, "emotional_abuse", "edited"),
    ]
    assert category_resolve(agency=police, code="CP-1") == category("emotional_abuse")


def test_a_retired_category_resolves_to_its_replacement(police):
    mapping_save(agency=police, code="DEBT", category=category("debt"), actor=None)
    category_retire(category=category("debt"), actor=None, replaced_by=category("housing"))
    assert category_resolve(agency=police, code="debt") == category("housing")
    assert category_resolve(agency=police, code="DEBT") == category("housing")
    with pytest.raises(VocabularyError, match="retired"):
        mapping_save(agency=police, code="NEW", category=category("debt"), actor=None)


def test_no_code_resolves_to_nothing_and_records_nothing(police):
    assert category_resolve(agency=police, code="") is None
    assert category_resolve(agency=police, code="   ") is None
    assert not UnmappedCode.objects.exists()


def test_census_code_21_means_no_factors_and_is_listed_not_guessed(police):
    assert category_resolve(agency=police, code="21") is None
    assert unmapped_codes(partnership_id=None).get().code == "21"


def test_record_false_resolves_without_listing(police):
    assert category_resolve(agency=police, code="NOPE", record=False) is None
    assert not UnmappedCode.objects.exists()
