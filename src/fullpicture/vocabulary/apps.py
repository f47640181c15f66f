from importlib import import_module
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed_categories(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Run the published seeds again (idempotent) with the live models."""
    from django.apps import apps

    first = import_module("fullpicture.vocabulary.migrations.0002_seed_categories")
    ConcernCategory = apps.get_model("vocabulary", "ConcernCategory")
    if not ConcernCategory.objects.using(using).exists():
        first.seed(apps, None)
    census = import_module("fullpicture.vocabulary.migrations.0004_cin_codes_and_new_categories")
    census.forwards(apps, None)


class VocabularyConfig(AppConfig):
    name = "fullpicture.vocabulary"
    label = "vocabulary"
    verbose_name = "Shared language"

    def ready(self) -> None:
        # The published categories and census codes exist after every migrate (and after
        # a test flush, which empties the tables the seed migrations filled).
        post_migrate.connect(_seed_categories, sender=self, dispatch_uid="seed-categories")
