from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "fullpicture.governance"
    label = "governance"
    verbose_name = "Governance: audit pages and subject access"
