from importlib import import_module
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed_categories(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from fullpicture.vocabulary.models import ConcernCategory

    seed = import_module("fullpicture.vocabulary.migrations.0002_seed_categories")
    for order, (slug, name, codes, definition) in enumerate(seed.CATEGORIES):
        ConcernCategory.objects.using(using).get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "cin_factor_codes": codes,
                "definition": definition,
                "sort_order": order,
            },
        )


class VocabularyConfig(AppConfig):
    name = "fullpicture.vocabulary"
    label = "vocabulary"
    verbose_name = "Shared language"

    def ready(self) -> None:
        # The published categories exist after every migrate (and after a test flush).
        post_migrate.connect(_seed_categories, sender=self, dispatch_uid="seed-categories")
