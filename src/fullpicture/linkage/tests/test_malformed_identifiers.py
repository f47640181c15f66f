"""Malformed identifiers in an agency's extract: kept as held, never linked, reported;
the file is refused only when a whole column looks like the wrong one."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fullpicture.linkage.engine.identifiers import identifier_malformed
from fullpicture.linkage.selectors import match_quality, record_in
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
VALID_NHS = ["9990000018", "9990000026", "9990000034", "9990000042", "9990000050"]


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return path


@pytest.fixture
def agencies():
    for code, name, kind in (("CSC", "Children's services", "childrens_social_care"),):
        call_command(
            "agency",
            "create",
            "--code",
            code,
            "--name",
            name,
            "--type",
            kind,
            "--partnership",
            "Testtown",
        )


def people(n: int) -> list[dict[str, str]]:
    return [
        {
            "source_id": f"C{k}",
            "given_name": f"Child{k}",
            "family_name": f"Family{k}",
            "date_of_birth": f"2015-01-{k % 28 + 1:02d}",
        }
        for k in range(n)
    ]


def test_malformed_values_are_kept_warned_and_never_linked(tmp_path, agencies, capsys):
    rows = people(12)
    rows[0]["nhs_number"] = "99900000181"  # 11 digits
    rows[1]["nhs_number"] = "NHS9990000018"  # letters around a valid number
    rows[2]["nhs_number"] = "9990000018"  # the valid number itself
    rows[3]["upn"] = "A12345"  # too short
    rows[4]["pnc_id"] = "0512345Z"  # no slash
    path = write_csv(tmp_path / "csc.csv", rows)
    call_command("import-records", str(path), "--agency", "CSC")
    err = capsys.readouterr().err
    assert "csc.csv, row 2, column nhs_number: is not 10 digits" in err
    assert "csc.csv, row 3, column nhs_number: is not 10 digits" in err
    assert "csc.csv, row 5, column upn: is not a letter followed by 12" in err
    assert "csc.csv, row 6, column pnc_id: does not look like" in err
    assert SourceRecord.objects.count() == 12  # nothing refused
    by_id = {r.source_id: r for r in SourceRecord.objects.all()}
    assert by_id["C0"].nhs_number == "99900000181"  # as the agency holds it
    assert by_id["C1"].nhs_number == "NHS9990000018"
    assert by_id["C4"].pnc_id == "0512345Z"
    # the engine never sees them: not linked on the number inside the letters
    assert record_in(by_id["C1"]).nhs_number == ""
    assert record_in(by_id["C4"]).pnc_id == ""
    assert by_id["C1"].person_id != by_id["C2"].person_id
    # the match-quality report counts them for the agency
    (quality,) = match_quality()
    assert quality.malformed_ids == 4
    out = StringIO()
    call_command("linkage", "report", stdout=out)
    assert "malformed" in out.getvalue()


def test_a_value_too_long_to_store_is_kept_cut_and_warned(tmp_path, agencies, capsys):
    rows = people(3)
    rows[0]["nhs_number"] = "+44 (0)113 496 0000"
    call_command("import-records", str(write_csv(tmp_path / "c.csv", rows)), "--agency", "CSC")
    assert "first 16 characters" in capsys.readouterr().err
    assert SourceRecord.objects.get(source_id="C0").nhs_number == "+44 (0)113 496 0"


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("nhs_number", [f"A8010{k:07d}Z" for k in range(20)]),  # UPNs in the NHS column
        ("nhs_number", [f"07700 900{k:03d}" for k in range(20)]),  # phone numbers
        ("upn", VALID_NHS * 4),  # NHS numbers in the UPN column
    ],
)
def test_a_swapped_column_refuses_the_file_naming_column_and_share(
    tmp_path, agencies, column, values
):
    rows = people(20)
    for row, value in zip(rows, values, strict=True):
        row[column] = value
    path = write_csv(tmp_path / "swap.csv", rows)
    with pytest.raises(CommandError) as excinfo:
        call_command("import-records", str(path), "--agency", "CSC")
    message = str(excinfo.value)
    assert f"column {column}" in message
    assert "20 of 20 values (100%)" in message
    assert SourceRecord.objects.count() == 0


def test_the_share_threshold_is_a_limit_not_a_hair_trigger(tmp_path, agencies):
    rows = people(10)
    for k, row in enumerate(rows):
        row["nhs_number"] = VALID_NHS[k % 5]
    rows[0]["nhs_number"] = "123"
    rows[1]["nhs_number"] = "1234"
    path = write_csv(tmp_path / "ok.csv", rows)
    call_command("import-records", str(path), "--agency", "CSC", "--no-link")  # 20 %: kept
    assert SourceRecord.objects.count() == 10
    rows[2]["nhs_number"] = "12345"
    worse = write_csv(
        tmp_path / "worse.csv", [{**r, "source_id": "X" + r["source_id"]} for r in rows]
    )
    with pytest.raises(CommandError, match=r"3 of 10 values \(30%\).*more than the 20%"):
        call_command("import-records", str(worse), "--agency", "CSC", "--no-link")
    assert SourceRecord.objects.count() == 10
    call_command(
        "import-records", str(worse), "--agency", "CSC", "--no-link", "--malformed-limit", "50"
    )
    assert SourceRecord.objects.count() == 20


def test_shape_rules():
    assert not identifier_malformed("nhs_number", "999 000 0018")
    assert not identifier_malformed("nhs_number", "9990000019")  # shape ok, check fails
    assert identifier_malformed("nhs_number", "999000001")
    assert identifier_malformed("nhs_number", "99900000I8")
    assert not identifier_malformed("upn", "a801200001001")
    assert identifier_malformed("upn", "A80120000100")
    assert not identifier_malformed("pnc_id", "05/12345Z")
    assert identifier_malformed("pnc_id", "05-12345Z")
    assert not identifier_malformed("upn", "")
