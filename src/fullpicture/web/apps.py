from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "fullpicture.web"
    label = "web"
    verbose_name = "Web pages"

    def ready(self) -> None:
        from fullpicture.web import (  # noqa: F401  (connects the receivers, registers the checks)
            checks,
            receivers,
        )
