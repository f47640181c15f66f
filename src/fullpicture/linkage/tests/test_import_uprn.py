"""The optional ``uprn`` column of import-records: a valid UPRN forms a household, a
malformed one is a warning (kept on the record, never used), like a bad check digit."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from fullpicture.linkage.tests.test_import_records_cli import COLUMNS, agencies, write_csv
from fullpicture.people.models import Household, HouseholdStatus, SourceRecord

pytestmark = pytest.mark.django_db
__all__ = ["agencies"]


def test_uprn_column_forms_households_and_a_malformed_one_is_a_warning(tmp_path, agencies, capsys):
    path = write_csv(
        tmp_path / "gp.csv",
        [
            {
                "source_id": "G1",
                "given_name": "Ada",
                "family_name": "Ames",
                "date_of_birth": "1990-01-01",
                "uprn": "100012345678",
                "recorded_at": "2024-01-01",
            },
            {
                "source_id": "G2",
                "given_name": "Bo",
                "family_name": "Ames",
                "date_of_birth": "2019-05-05",
                "uprn": "1000 1234 5678",
                "recorded_at": "2024-02-01",
            },
            {
                "source_id": "G3",
                "given_name": "Cy",
                "family_name": "Cole",
                "date_of_birth": "1970-07-07",
                "uprn": "12-AB",
                "recorded_at": "2024-02-01",
            },
        ],
        columns=[*COLUMNS, "uprn"],
    )
    call_command("import-records", str(path), "--agency", "GP1")
    err = capsys.readouterr().err
    assert "gp.csv, row 4, column uprn: is not 12 digits: kept, never used for households" in err
    records = {r.source_id: r for r in SourceRecord.objects.all()}
    assert records["G2"].uprn == "100012345678"
    assert records["G3"].uprn == "12-AB"
    household = Household.objects.get(status=HouseholdStatus.ACTIVE)
    assert set(household.members.values_list("pk", flat=True)) == {
        records["G1"].person_id,
        records["G2"].person_id,
    }
    assert household.ties.get().basis == "uprn"


def test_a_file_without_the_uprn_column_still_imports(tmp_path, agencies):
    path = write_csv(tmp_path / "gp.csv", [{"source_id": "G1", "given_name": "Ada"}])
    call_command("import-records", str(path), "--agency", "GP1")
    assert SourceRecord.objects.get().uprn == ""
