"""Correct the CIN census codes on the published categories, add the categories the census
needs, and record a first version of every category (docs/decisions/0010-shared-vocabulary.md).
"""

import datetime as dt

from django.db import migrations

PUBLISHED_AT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def forwards(apps, schema_editor):
    from fullpicture.vocabulary import seed

    ConcernCategory = apps.get_model("vocabulary", "ConcernCategory")
    Version = apps.get_model("vocabulary", "ConcernCategoryVersion")
    CinFactor = apps.get_model("vocabulary", "CinFactor")
    categories = {}
    for slug, name, definition, order in seed.CATEGORIES:
        category, created = ConcernCategory.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "definition": definition, "sort_order": order},
        )
        category.cin_factor_codes = seed.cin_codes_for(slug)
        category.sort_order = order
        category.save(update_fields=["cin_factor_codes", "sort_order"])
        categories[slug] = category
    for category in ConcernCategory.objects.all():
        if not Version.objects.filter(category=category).exists():
            Version.objects.create(
                category=category,
                version=1,
                slug=category.slug,
                name=category.name,
                definition=category.definition,
                cin_factor_codes=category.cin_factor_codes,
                kind="created",
                valid_from=PUBLISHED_AT,
            )
    for order, (code, label, slug, definition) in enumerate(seed.CIN_FACTORS):
        CinFactor.objects.update_or_create(
            code=code,
            defaults={
                "label": label,
                "definition": definition,
                "category": categories.get(slug),
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("vocabulary", "0003_versions_mappings_thresholds")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
