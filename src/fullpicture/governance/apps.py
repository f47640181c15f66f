from importlib import import_module
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed_retention(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from fullpicture.governance.models import RetentionSchedule

    migrations = "fullpicture.governance.migrations."
    seed = import_module(migrations + "0002_seed_retention_schedules")
    items = import_module(migrations + "0004_review_grant_closed_item_schedule")
    for row in [*seed.SCHEDULES, *items.ITEM_SCHEDULES]:
        RetentionSchedule.objects.using(using).get_or_create(
            record_kind=row["record_kind"], defaults=row
        )


class GovernanceConfig(AppConfig):
    name = "fullpicture.governance"
    label = "governance"
    verbose_name = "Governance: audit pages and subject access"

    def ready(self) -> None:
        # The published retention defaults exist after every migrate (and a test flush).
        post_migrate.connect(_seed_retention, sender=self, dispatch_uid="seed-retention")
        # Legal holds stop a challenge's removal of an item (sharing asks by a signal).
        import_module("fullpicture.governance.receivers")
