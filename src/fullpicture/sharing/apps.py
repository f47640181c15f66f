from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "fullpicture.sharing"
    label = "sharing"
    verbose_name = "Information sharing"

    def ready(self) -> None:
        from fullpicture.sharing import receivers  # noqa: F401  (connects the receivers)
