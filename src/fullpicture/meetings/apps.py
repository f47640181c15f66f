from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "fullpicture.meetings"
    label = "meetings"
    verbose_name = "Multi-agency meetings"
