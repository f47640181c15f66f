"""Seed the fixed list of roles."""

from django.db import migrations

ROLES = [
    "agency_practitioner",
    "mash_practitioner",
    "mash_manager",
    "unscheduled_care_clinician",
    "ig_lead",
    "board_scrutineer",
    "trainer",
    "administrator",
]


def seed(apps, schema_editor):
    Role = apps.get_model("partnerships", "Role")
    for code in ROLES:
        Role.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
