from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "fullpicture.audit"
    label = "audit"
    verbose_name = "Audit ledger"
