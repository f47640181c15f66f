"""Seed the shared concern categories (slugs are published and never change)."""

from django.db import migrations

CATEGORIES = [
    ("domestic_abuse", "Domestic abuse", "3A,3B,3C",
     "Controlling, coercive, threatening, violent or abusive behaviour between people aged 16 or"
     " over who are, or have been, partners or family members, including where a child sees,"
     " hears or is affected by it."),
    ("mental_health", "Mental health", "4A,4B,4C",
     "Mental ill health of the child, a parent or carer, or another person in the household that"
     " affects the child's care or safety."),
    ("drugs_alcohol", "Drug and alcohol misuse", "1A,1B,1C,2A,2B,2C",
     "Misuse of drugs or alcohol by the child, a parent or carer, or another person in the"
     " household."),
    ("offending", "Offending", "",
     "Offending by a parent, carer or household member, or by the child, and its impact on the"
     " family."),
    ("debt", "Debt and financial exclusion", "",
     "Rent arrears, unmanageable debt, loss of income or benefits, or financial exclusion."),
    ("neglect", "Neglect", "14A",
     "Persistent failure to meet a child's basic physical or emotional needs: food, clothing,"
     " shelter, supervision, medical care or education."),
    ("physical_injury", "Physical abuse or injury", "16A",
     "An injury to a child that is unexplained, or whose explanation does not fit, or any"
     " deliberate physical harm."),
    ("sexual_abuse", "Sexual abuse", "17A",
     "Forcing or enticing a child to take part in sexual activities, whether or not the child is"
     " aware of what is happening."),
    ("emotional_abuse", "Emotional abuse", "15A",
     "Persistent emotional maltreatment that severely affects a child's emotional development."),
    ("sexual_exploitation", "Child sexual exploitation", "9A",
     "A child under 18 coerced, manipulated or deceived into sexual activity in exchange for"
     " something the child needs or wants, or for the gain of the perpetrator."),
    ("missing", "Going or being missing", "8F",
     "A child whose whereabouts cannot be established, including missing from home, care or"
     " education."),
    ("self_harm", "Self-harm", "13A",
     "A child deliberately hurting themselves, or at risk of doing so."),
    ("school_attendance", "School attendance", "",
     "Persistent absence, lateness or a child missing from education."),
    ("missed_appointment", "Missed appointment", "",
     "A health or other appointment not kept, or a visit where nobody answered ('no access')."),
    ("housing", "Housing", "",
     "Homelessness, unsuitable or overcrowded housing, eviction, or a change of address."),
    ("other", "Other", "",
     "A concern that fits no other category; describe it in the summary."),
]


def seed(apps, schema_editor):
    ConcernCategory = apps.get_model("vocabulary", "ConcernCategory")
    for order, (slug, name, codes, definition) in enumerate(CATEGORIES):
        ConcernCategory.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "cin_factor_codes": codes,
                "definition": definition,
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("vocabulary", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
