from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed(sender: Any, **kwargs: Any) -> None:
    from fullpicture.alerts.models import ConcernRule
    from fullpicture.alerts.seed import rules_seed
    from fullpicture.vocabulary.models import ConcernCategory

    rules_seed(ConcernRule, ConcernCategory)


class AlertsConfig(AppConfig):
    name = "fullpicture.alerts"
    label = "alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        from fullpicture.alerts import contexts, receivers  # noqa: F401  (connects the receivers)

        contexts.register()

        post_migrate.connect(_seed, sender=self, dispatch_uid="alerts_seed_rules")
