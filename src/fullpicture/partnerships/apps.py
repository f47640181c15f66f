from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed_roles(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from fullpicture.partnerships.models import Role, RoleCode

    for code in RoleCode.values:
        Role.objects.using(using).get_or_create(code=code)


class PartnershipsConfig(AppConfig):
    name = "fullpicture.partnerships"
    label = "partnerships"
    verbose_name = "Partnerships and agencies"

    def ready(self) -> None:
        # The fixed roles exist after every migrate (and after a test flush).
        post_migrate.connect(_seed_roles, sender=self, dispatch_uid="seed-roles")
        # Role, permission and membership changes go into the ledger, by any path.
        from fullpicture.partnerships import receivers  # noqa: F401
