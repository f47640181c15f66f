from django.apps import AppConfig


class VocabularyConfig(AppConfig):
    name = "fullpicture.vocabulary"
    label = "vocabulary"
    verbose_name = "Shared language"
