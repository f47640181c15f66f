from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from fullpicture.audit.triggers import ensure_ledger_triggers

    ensure_ledger_triggers(using=using)


class AuditConfig(AppConfig):
    name = "fullpicture.audit"
    label = "audit"
    verbose_name = "Audit ledger"

    def ready(self) -> None:
        post_migrate.connect(_ensure_triggers, sender=self, dispatch_uid="audit-triggers")
