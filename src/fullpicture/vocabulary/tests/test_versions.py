"""Versioned vocabulary: editing a category that items use keeps history, loses nothing, and
says so clearly; slugs never change; categories are retired, never deleted."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from fullpicture.partnerships.tests.factories import PractitionerFactory
from fullpicture.vocabulary import seed
from fullpicture.vocabulary.models import CinFactor, ConcernCategory, ConcernCategoryVersion
from fullpicture.vocabulary.selectors import (
    categories_offered,
    category_history,
    category_label_at,
)
from fullpicture.vocabulary.services import category_retire, category_update
from fullpicture.vocabulary.tests.factories import category, item_recorded_as

pytestmark = pytest.mark.django_db

PUBLISHED = [
    "domestic_abuse", "mental_health", "drugs_alcohol", "offending", "debt", "neglect",
    "physical_injury", "sexual_abuse", "emotional_abuse", "sexual_exploitation", "missing",
    "self_harm", "school_attendance", "missed_appointment", "housing", "other",
]  # fmt: skip


def test_the_published_slugs_are_all_there_with_a_first_version():
    slugs = set(ConcernCategory.objects.values_list("slug", flat=True))
    assert set(PUBLISHED) <= slugs
    assert {"radicalisation", "criminal_exploitation"} <= slugs
    for c in ConcernCategory.objects.all():
        assert category_history(category=c).count() >= 1


def test_the_census_factors_are_the_official_codes():
    codes = list(CinFactor.objects.values_list("code", flat=True))
    assert codes == [code for code, *_ in seed.CIN_FACTORS]
    assert codes == [
        "1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C",
        "5A", "5B", "5C", "6A", "6B", "6C", "7A", "8B", "8C", "8D", "8E", "8F",
        "9A", "10A", "11A", "12A", "13A", "14A", "15A", "16A", "17A", "18B",
        "18C", "19B", "19C", "20", "21", "22A", "23A", "24A",
    ]  # fmt: skip
    assert category("neglect").cin_factor_codes == "16A"


def test_editing_a_category_items_use_keeps_what_they_were_recorded_as():
    admin = PractitionerFactory(roles=["administrator"])
    neglect = category("neglect")
    recorded = dt.datetime(2025, 5, 1, 12, 0, tzinfo=dt.UTC)
    item = item_recorded_as(neglect)
    with time_machine.travel(dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        version = category_update(
            category=neglect,
            name="Neglect of basic needs",
            definition="New wording.",
            actor=admin,
            note="Board agreed new wording",
        )
    assert version is not None
    assert version.version == 2
    item.refresh_from_db()
    assert item.category_id == neglect.pk  # the item still points at the same category
    assert category_label_at(neglect, recorded) == "Neglect"
    assert category_label_at(neglect, dt.datetime(2026, 2, 1, tzinfo=dt.UTC)) == (
        "Neglect of basic needs"
    )
    history = list(category_history(category=neglect))
    assert [(v.version, v.name, v.kind) for v in history] == [
        (1, "Neglect", "created"),
        (2, "Neglect of basic needs", "edited"),
    ]
    assert history[0].valid_to == dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)
    assert history[1].changed_by == admin


def test_saving_without_a_change_makes_no_version():
    neglect = category("neglect")
    assert (
        category_update(
            category=neglect, name=neglect.name, definition=neglect.definition, actor=None
        )
        is None
    )
    assert ConcernCategoryVersion.objects.filter(category=neglect).count() == 1


def test_a_published_slug_cannot_change():
    neglect = category("neglect")
    neglect.slug = "neglect_renamed"
    with pytest.raises(ValidationError, match="is published and cannot change"):
        neglect.save()
    assert ConcernCategory.objects.filter(slug="neglect").exists()


def test_a_category_items_use_cannot_be_deleted_only_retired():
    neglect = category("neglect")
    item_recorded_as(neglect)
    with pytest.raises(ProtectedError):
        neglect.delete()
    category_retire(category=neglect, actor=None)
    neglect.refresh_from_db()
    assert neglect.is_retired
    assert neglect not in categories_offered()
    assert category_label_at(neglect, dt.datetime(2025, 5, 1, tzinfo=dt.UTC)) == "Neglect"
