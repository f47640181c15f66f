import factory
from factory.django import DjangoModelFactory

from fullpicture.partnerships.models import Agency, AgencyType, Partnership, Practitioner, Role


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"E0690{n:04d}")
    name = factory.Sequence(lambda n: f"Testshire {n}")
    postcode_districts = factory.LazyFunction(lambda: ["TS1", "TS2"])


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"AG{n:03d}")
    name = factory.Sequence(lambda n: f"Test agency {n}")
    type = AgencyType.SCHOOL
    partnership = factory.SubFactory(PartnershipFactory)

    class Params:
        police = factory.Trait(type=AgencyType.POLICE)
        social_care = factory.Trait(type=AgencyType.CHILDRENS_SOCIAL_CARE)


class PractitionerFactory(DjangoModelFactory):
    class Meta:
        model = Practitioner
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"practitioner{n}")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    agency = factory.SubFactory(AgencyFactory)
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create:
            return
        self.save()
        codes = extracted if extracted is not None else ["agency_practitioner"]
        self.roles.set(Role.objects.filter(code__in=codes))
        if hasattr(self, "_role_codes"):
            del self._role_codes
