from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed_categories(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from fullpicture.vocabulary.services import vocabulary_seed

    vocabulary_seed(using=using)


class VocabularyConfig(AppConfig):
    name = "fullpicture.vocabulary"
    label = "vocabulary"
    verbose_name = "Shared language"

    def ready(self) -> None:
        # The published categories exist after every migrate (and after a test flush).
        post_migrate.connect(_seed_categories, sender=self, dispatch_uid="seed-categories")
