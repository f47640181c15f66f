from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "fullpicture.sharing"
    label = "sharing"
    verbose_name = "Information sharing"

    def ready(self) -> None:
        from fullpicture.sharing import receivers  # noqa: F401  (connects the receivers)
        from fullpicture.sharing.context_kinds import register

        register()  # the work contexts sharing owns (docs/decisions/0056)
