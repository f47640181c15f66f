import factory
from factory.django import DjangoModelFactory

from fullpicture.partnerships.tests.factories import AgencyFactory
from fullpicture.vocabulary.models import CodeMapping, ConcernCategory


def category(slug: str) -> ConcernCategory:
    return ConcernCategory.objects.get(slug=slug)


class CodeMappingFactory(DjangoModelFactory):
    """A mapping written straight to the table; tests of history use ``mapping_save``."""

    class Meta:
        model = CodeMapping

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"LOCAL-{n}")
    label = "A local code"
    category = factory.LazyFunction(lambda: category("domestic_abuse"))

    class Params:
        off = factory.Trait(active=False)


def item_recorded_as(category: ConcernCategory, *, agency=None, **fields):
    """An information item recorded with a category. Items live a floor above vocabulary,
    so the model is looked up at run time rather than imported."""
    import datetime as dt

    from django.apps import apps

    item_model = apps.get_model("sharing", "InformationItem")
    defaults = {
        "summary": "A concern",
        "occurred_at": dt.datetime(2025, 5, 1, 10, 0, tzinfo=dt.UTC),
        "recorded_at": dt.datetime(2025, 5, 1, 12, 0, tzinfo=dt.UTC),
    }
    return item_model._default_manager.create(
        source_agency=agency or AgencyFactory(), category=category, **{**defaults, **fields}
    )
