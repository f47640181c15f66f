from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "fullpicture.demo"
    label = "demo"
    verbose_name = "Sharetown demo"
