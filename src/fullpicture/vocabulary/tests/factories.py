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
