import datetime as dt

import factory
from factory.django import DjangoModelFactory

from fullpicture.partnerships.tests.factories import AgencyFactory
from fullpicture.sharing.models import InformationItem
from fullpicture.vocabulary.models import ConcernCategory


class InformationItemFactory(DjangoModelFactory):
    class Meta:
        model = InformationItem
        skip_postgeneration_save = True

    source_agency = factory.SubFactory(AgencyFactory)
    category = factory.LazyFunction(lambda: ConcernCategory.objects.get(slug="neglect"))
    summary = factory.Sequence(lambda n: f"Concern number {n}")
    occurred_at = factory.LazyFunction(lambda: dt.datetime(2025, 5, 1, 10, 0, tzinfo=dt.UTC))
    recorded_at = factory.LazyFunction(lambda: dt.datetime(2025, 5, 1, 12, 0, tzinfo=dt.UTC))

    @factory.post_generation
    def persons(self, create, extracted, **kwargs):
        if create and extracted:
            self.persons.set(extracted)

    class Params:
        restricted = factory.Trait(sensitivity="restricted")
