import datetime as dt

import factory
from factory.django import DjangoModelFactory

from fullpicture.alerts.models import FlagSource, FlagType, ProtectionFlag
from fullpicture.partnerships.tests.factories import PartnershipFactory


class ProtectionFlagFactory(DjangoModelFactory):
    class Meta:
        model = ProtectionFlag

    flag_type = FlagType.CHILD_PROTECTION_PLAN
    partnership = factory.SubFactory(PartnershipFactory)
    nhs_number = "9996431274"
    start_date = dt.date(2026, 6, 1)
    source = FlagSource.RECORD
    source_key = factory.Sequence(lambda n: f"test:{n}")

    class Params:
        looked_after = factory.Trait(flag_type=FlagType.LOOKED_AFTER)
        unborn = factory.Trait(flag_type=FlagType.UNBORN, due_date=dt.date(2027, 1, 20))
