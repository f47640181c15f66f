import factory
from factory.django import DjangoModelFactory

from fullpicture.linkage.models import Method, Outcome, RecordLink
from fullpicture.people.tests.factories import SourceRecordFactory


class RecordLinkFactory(DjangoModelFactory):
    class Meta:
        model = RecordLink

    record = factory.SubFactory(SourceRecordFactory)
    outcome = Outcome.LINKED
    method = Method.SPLINK
    score = 0.999

    class Params:
        review = factory.Trait(outcome=Outcome.REVIEW, method=Method.REVIEW, score=0.8)
        by_nhs_number = factory.Trait(method=Method.NHS_NUMBER, score=1.0)
        new_person = factory.Trait(outcome=Outcome.NEW_PERSON, method=Method.NEW_PERSON, score=None)
