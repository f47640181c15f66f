from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed(sender: Any, **kwargs: Any) -> None:
    from fullpicture.people.models import HouseholdRule
    from fullpicture.people.seed import household_rules_seed

    household_rules_seed(HouseholdRule)


class PeopleConfig(AppConfig):
    name = "fullpicture.people"
    label = "people"
    verbose_name = "People and households"

    def ready(self) -> None:
        post_migrate.connect(_seed, sender=self, dispatch_uid="people_seed_household_rules")
