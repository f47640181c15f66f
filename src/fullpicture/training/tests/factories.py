import datetime as dt

import factory
from factory.django import DjangoModelFactory

from fullpicture.partnerships.models import Role
from fullpicture.partnerships.tests.factories import AgencyFactory, PractitionerFactory
from fullpicture.training.models import Scenario, ScenarioAgency, ScenarioCard
from fullpicture.training.services import exercise_create, scenarios_sync
from fullpicture.vocabulary.models import ConcernCategory


class TrainerFactory(PractitionerFactory):
    """A trainer in the partnership's own body (the SSCP in the demo)."""

    username = factory.Sequence(lambda n: f"trainer{n}")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create:
            return
        self.save()
        self.roles.set(Role.objects.filter(code__in=extracted or ["trainer"]))
        if hasattr(self, "_role_codes"):
            del self._role_codes


class ScenarioFactory(DjangoModelFactory):
    class Meta:
        model = Scenario
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"scenario-{n}")
    title = factory.Sequence(lambda n: f"Scenario {n}")
    introduction = "A fictional family."
    outcome = "What happened next."
    meeting_on = dt.date(2026, 7, 13)


class ScenarioAgencyFactory(DjangoModelFactory):
    class Meta:
        model = ScenarioAgency

    scenario = factory.SubFactory(ScenarioFactory)
    code = factory.Sequence(lambda n: f"AG{n}")
    name = factory.Sequence(lambda n: f"Agency {n}")


class ScenarioCardFactory(DjangoModelFactory):
    class Meta:
        model = ScenarioCard

    agency = factory.SubFactory(ScenarioAgencyFactory)
    scenario = factory.SelfAttribute("agency.scenario")
    ref = factory.Sequence(lambda n: f"C-{n}")
    occurred_on = dt.date(2026, 1, 1)
    category = factory.LazyFunction(lambda: ConcernCategory.objects.get(slug="neglect"))
    title = "A concern"
    text = "What the agency recorded."

    class Params:
        not_a_concern = factory.Trait(is_concern=False)


def walsh_exercise(trainer=None):
    """An exercise of the Walsh family scenario, as a trainer would create it."""
    if trainer is None:
        trainer = TrainerFactory(agency=AgencyFactory())
    scenario = next(s for s in scenarios_sync() if s.slug == "walsh-family")
    return exercise_create(scenario=scenario, trainer=trainer)
