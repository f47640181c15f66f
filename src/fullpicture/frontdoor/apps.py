from django.apps import AppConfig


class FrontdoorConfig(AppConfig):
    name = "fullpicture.frontdoor"
    label = "frontdoor"
    verbose_name = "Front door"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from fullpicture.frontdoor.contexts import register

        register()  # the work context this app owns (docs/decisions/0056)
