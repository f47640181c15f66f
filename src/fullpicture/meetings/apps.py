from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "fullpicture.meetings"
    label = "meetings"
    verbose_name = "Multi-agency meetings"

    def ready(self) -> None:
        from fullpicture.meetings.contexts import register

        register()  # the work context this app owns (docs/decisions/0056)
