import datetime as dt

import factory
from factory.django import DjangoModelFactory

from fullpicture.partnerships.tests.factories import AgencyFactory
from fullpicture.people.models import Person, SourceRecord


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person


class SourceRecordFactory(DjangoModelFactory):
    class Meta:
        model = SourceRecord

    agency = factory.SubFactory(AgencyFactory)
    source_id = factory.Sequence(lambda n: f"R{n:05d}")
    given_name = "Sam"
    family_name = factory.Sequence(lambda n: f"Fictional{n}")
    date_of_birth = dt.date(2015, 3, 14)
    sex = "F"
    person = factory.SubFactory(PersonFactory)
