"""Seed the household rules from people/data/household_rules.json, and give the members
of households formed before households had a history a spell each."""

import json
from pathlib import Path

from django.db import migrations
from django.utils import timezone

RULES = Path(__file__).resolve().parent.parent / "data" / "household_rules.json"


def seed(apps, schema_editor):
    HouseholdRule = apps.get_model("people", "HouseholdRule")
    for row in json.loads(RULES.read_text(encoding="utf-8")):
        HouseholdRule.objects.get_or_create(slug=row["slug"], defaults=row)
    Household = apps.get_model("people", "Household")
    # Households formed before had been formed from recorded relationships: evidence.
    Household.objects.update(from_evidence=True)
    Membership = apps.get_model("people", "HouseholdMembership")
    now = timezone.now()
    spells = [
        Membership(
            household_id=link.household_id,
            person_id=link.person_id,
            basis="relationship",
            joined_at=now,
        )
        for link in Household.members.through.objects.all()
    ]
    Membership.objects.bulk_create(spells, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("people", "0002_households_with_history")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
