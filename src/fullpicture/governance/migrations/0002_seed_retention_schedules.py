"""Seed the retention schedules with published defaults (an administrator may change them).

Sources (checked 2026):
* Looked-after children: Care Planning, Placement and Case Review (England) Regulations
  2010, reg 50 (case records kept until the 75th anniversary of the child's birth, or 15
  years from death if the child dies before 18); restated in local authority schedules
  built on the IRMS Retention Guidelines for Local Authorities (e.g. Merton Children's
  Services, Blackpool Children's Services retention schedules).
* Children's health records and child protection: Records Management Code of Practice for
  Health and Social Care 2021 (NHS England Transformation Directorate), Appendix II:
  children's records until the 25th birthday, or the 26th if the young person was 17 when
  care ended. Local authority schedules keep child protection case files longer (Blackpool:
  35 years after last contact); a partnership sets its own figure here.
* Adults: the same Code, Appendix II: adult health records 8 years after the last contact.
* Child protection conference minutes: Blackpool Children's Services retention schedule
  (IRMS-based), 35 years after last contact.
"""

from django.db import migrations

CODE = (
    "Records Management Code of Practice for Health and Social Care 2021, Appendix II "
    "(NHS England Transformation Directorate)"
)
CODE_URL = (
    "https://transform.england.nhs.uk/information-governance/guidance/records-management-code/"
    "records-management-code-of-practice/"
)
SCHEDULES = [
    {
        "record_kind": "looked_after",
        "clock": "birthday",
        "years": 75,
        "disposal": "anonymise",
        "citation": "Care Planning, Placement and Case Review (England) Regulations 2010, reg 50: "
        "until the 75th anniversary of the child's birth (15 years from death if the child dies "
        "before 18). IRMS Retention Guidelines for Local Authorities, children's social care.",
        "source_url": "https://mertoncs.proceduresonline.com/t_retention_records.html",
    },
    {
        "record_kind": "child_protection",
        "clock": "birthday",
        "years": 26,
        "disposal": "anonymise",
        "citation": CODE + ": children's records until the 25th birthday, or the 26th if 17 "
        "when care ended (the later date is used). Local authority schedules may set longer "
        "(e.g. Blackpool: 35 years after last contact).",
        "source_url": CODE_URL,
    },
    {
        "record_kind": "child",
        "clock": "birthday",
        "years": 25,
        "disposal": "anonymise",
        "citation": CODE + ": children's records until the 25th birthday.",
        "source_url": CODE_URL,
    },
    {
        "record_kind": "adult",
        "clock": "after_record",
        "years": 8,
        "disposal": "anonymise",
        "citation": CODE + ": adult health records 8 years after the last contact.",
        "source_url": CODE_URL,
    },
    {
        "record_kind": "meeting",
        "clock": "after_record",
        "years": 35,
        "disposal": "erase",
        "citation": "Child protection conference minutes and reports: 35 years after last "
        "contact (Blackpool Council Children's Services retention schedule, IRMS-based).",
        "source_url": "https://www.blackpool.gov.uk/Your-Council/Transparency-and-open-data/"
        "Data-protection/Retention-schedules/Childrens-services-directorate-retention-schedule.aspx",
    },
]


def seed(apps, schema_editor):
    RetentionSchedule = apps.get_model("governance", "RetentionSchedule")
    for row in SCHEDULES:
        RetentionSchedule.objects.get_or_create(record_kind=row["record_kind"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
