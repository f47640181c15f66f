from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "fullpicture.alerts"
    label = "alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        from fullpicture.alerts import receivers  # noqa: F401  (connects the receivers)
