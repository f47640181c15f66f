"""``fullpicture agency create`` and ``fullpicture import-records`` through the CLI."""

import csv
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fullpicture.audit.models import LedgerEvent
from fullpicture.linkage.models import RecordLink
from fullpicture.people.models import SourceRecord

pytestmark = pytest.mark.django_db

COLUMNS = [
    "source_id",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "sex",
    "address",
    "postcode",
    "nhs_number",
    "upn",
    "pnc_id",
    "recorded_at",
]


def write_csv(path: Path, rows: list[dict[str, str]], columns=COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


@pytest.fixture
def agencies():
    call_command(
        "agency",
        "create",
        "--code",
        "GP1",
        "--name",
        "Riverside GP",
        "--type",
        "gp",
        "--partnership",
        "Testtown",
    )
    call_command(
        "agency",
        "create",
        "--code",
        "AE1",
        "--name",
        "Testtown A&E",
        "--type",
        "acute_hospital",
        "--partnership",
        "Testtown",
    )


def test_agency_create_refuses_bad_input(agencies):
    with pytest.raises(CommandError, match="already exists"):
        call_command("agency", "create", "--code", "GP1", "--name", "Again", "--type", "gp")
    with pytest.raises(CommandError):
        call_command("agency", "create", "--code", "X", "--name", "Bad", "--type", "spaceship")


def test_import_links_records_sharing_a_valid_nhs_number(tmp_path, agencies):
    gp = write_csv(
        tmp_path / "gp.csv",
        [
            {
                "source_id": "G1",
                "given_name": "Ada",
                "family_name": "Nettle",
                "date_of_birth": "2019-04-02",
                "nhs_number": "9990000018",
            },
        ],
    )
    ae = write_csv(
        tmp_path / "ae.csv",
        [
            {
                "source_id": "A1",
                "given_name": "Ada",
                "family_name": "Nettle",
                "date_of_birth": "2019-04-02",
                "nhs_number": "999 000 0018",
            },
            {
                "source_id": "A2",
                "given_name": "Ada",
                "family_name": "Nettle",
                "date_of_birth": "2019-04-02",
            },
            {
                "source_id": "A3",
                "given_name": "Ada",
                "family_name": "Nettle",
                "date_of_birth": "1961-09-17",
            },
        ],
    )
    call_command("import-records", str(gp), "--agency", "GP1")
    call_command("import-records", str(ae), "--agency", "AE1")
    g1 = SourceRecord.objects.get(source_id="G1")
    a1 = SourceRecord.objects.get(source_id="A1")
    a2 = SourceRecord.objects.get(source_id="A2")
    a3 = SourceRecord.objects.get(source_id="A3")
    assert g1.person_id == a1.person_id
    assert RecordLink.objects.get(record=a1).method == "nhs_number"
    # same name and date of birth: the model links it, with its score
    assert a2.person_id == a1.person_id
    assert RecordLink.objects.get(record=a2).method == "splink"
    score = RecordLink.objects.get(record=a2).score
    assert score is not None
    assert score > 0.99
    # same name, a generation apart: a different person
    assert a3.person_id != a1.person_id
    assert LedgerEvent.objects.filter(action="link").count() == 4
    assert LedgerEvent.objects.filter(action="import").count() == 2


def test_one_bad_row_refuses_the_whole_file(tmp_path, agencies):
    path = write_csv(
        tmp_path / "bad.csv",
        [
            {"source_id": "G1", "given_name": "Ok"},
            {"source_id": "G2", "date_of_birth": "2019-02-30"},
            {"source_id": "", "nhs_number": "12345"},
        ],
    )
    with pytest.raises(CommandError) as excinfo:
        call_command("import-records", str(path), "--agency", "GP1")
    message = str(excinfo.value)
    assert "bad.csv, row 3, column date_of_birth" in message
    assert "bad.csv, row 4, column source_id" in message
    # a malformed NHS number is a warning in an extract, never a reason to refuse
    assert "column nhs_number" not in message
    assert SourceRecord.objects.count() == 0


def test_skip_bad_rows_stores_the_good_and_writes_the_rejects(tmp_path, agencies):
    path = write_csv(
        tmp_path / "mixed.csv",
        [
            {"source_id": "G1", "given_name": "Ok"},
            {"source_id": "G2", "sex": "Q"},
        ],
    )
    call_command("import-records", str(path), "--agency", "GP1", "--skip-bad-rows")
    assert list(SourceRecord.objects.values_list("source_id", flat=True)) == ["G1"]
    rejects = (tmp_path / "mixed.rejects.csv").read_text()
    assert "3,sex," in rejects


def test_wrong_columns_unknown_agency_and_unreadable_file(tmp_path, agencies):
    extra = write_csv(tmp_path / "extra.csv", [{"source_id": "G1"}], columns=[*COLUMNS, "shoe"])
    with pytest.raises(CommandError, match="unexpected column"):
        call_command("import-records", str(extra), "--agency", "GP1")
    missing = write_csv(tmp_path / "missing.csv", [{"source_id": "G1"}], columns=COLUMNS[:-1])
    with pytest.raises(CommandError, match="missing column"):
        call_command("import-records", str(missing), "--agency", "GP1")
    with pytest.raises(CommandError, match="unknown agency"):
        call_command("import-records", str(missing), "--agency", "NOPE")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import-records", str(tmp_path / "absent.csv"), "--agency", "GP1")
    assert SourceRecord.objects.count() == 0


def test_reimport_changes_nothing_and_a_changed_row_is_updated_and_relinked(tmp_path, agencies):
    rows = [{"source_id": "G1", "given_name": "Ada", "nhs_number": "9990000018"}]
    path = write_csv(tmp_path / "gp.csv", rows)
    call_command("import-records", str(path), "--agency", "GP1")
    first = SourceRecord.objects.get()
    call_command("import-records", str(path), "--agency", "GP1")
    assert SourceRecord.objects.get().updated_at == first.updated_at
    assert LedgerEvent.objects.filter(action="link").count() == 1
    rows[0]["given_name"] = "Adah"
    call_command("import-records", str(write_csv(path, rows)), "--agency", "GP1")
    record = SourceRecord.objects.get()
    assert record.given_name == "Adah"
    assert LedgerEvent.objects.filter(action="link").count() == 2


def test_invalid_check_digit_is_kept_but_never_links(tmp_path, agencies, capsys):
    path = write_csv(
        tmp_path / "gp.csv",
        [
            {"source_id": "G1", "given_name": "Ada", "nhs_number": "9990000019"},
            {"source_id": "G2", "given_name": "Ada", "nhs_number": "9990000019"},
        ],
    )
    call_command("import-records", str(path), "--agency", "GP1")
    assert "gp.csv, row 2, column nhs_number" in capsys.readouterr().err
    g1, g2 = SourceRecord.objects.order_by("source_id")
    assert g1.nhs_number == "9990000019"
    assert g1.person_id != g2.person_id
