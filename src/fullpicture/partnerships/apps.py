from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "fullpicture.partnerships"
    label = "partnerships"
    verbose_name = "Partnerships and agencies"
