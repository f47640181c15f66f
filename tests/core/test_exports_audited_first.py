"""Exports audited first, and CSV cells that a spreadsheet would run (issue #18).

A file the hub writes appears only after its ledger event has committed: with the
database read-only the command fails and no file (nor a temporary one) is left. Cells
starting with =, +, -, @, tab or return are written with an apostrophe in front, and an
import names the row and column of each such cell.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.services import Actor
from fullpicture.core.csvfile import csv_writer, safe_cell
from fullpicture.linkage.services import records_import_file
from fullpicture.partnerships.tests.factories import AgencyFactory
from fullpicture.people.models import SourceRecord

HEADER = (
    "source_id,given_name,family_name,other_names,date_of_birth,sex,address,postcode,"
    "nhs_number,upn,pnc_id,recorded_at\n"
)


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Amelia", "Amelia"),
        ("", ""),
    ],
)
def test_the_writer_neutralises_formula_cells(cell: str, written: str) -> None:
    out = io.StringIO()
    csv_writer(out).writerow([cell, 7, -0.5])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == [written, "7", "-0.5"]
    assert safe_cell(-3) == -3


@pytest.mark.django_db
def test_formula_cells_are_warned_about_on_import_and_neutralised_on_export(tmp_path):
    agency = AgencyFactory(code="SCHF")
    path = tmp_path / "school.csv"
    path.write_text(
        HEADER
        + "=1+1,Amelia,Stone,,2015-03-02,F,,,,,,2024-01-01\n"
        + "S2,@SUM(A1),Stone,,2015-03-02,F,,,,,,2024-01-01\n",
        encoding="utf-8",
    )
    result = records_import_file(agency=agency, path=path, actor=Actor.system("t"))
    where = {(w.row, w.column) for w in result.warnings}
    assert {(2, "source_id"), (3, "given_name")} <= where
    assert all("spreadsheet formula" in str(w) for w in result.warnings)
    out = tmp_path / "links.csv"
    call_command("export-links", str(out), stdout=io.StringIO())
    with out.open(encoding="utf-8") as handle:
        cells = {r["source_id"] for r in csv.DictReader(handle)}
    assert cells == {"'=1+1", "S2"}
    assert SourceRecord.objects.filter(source_id="=1+1").exists()  # stored as sent


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("command", ["export-links", "alerts export"])
def test_no_ledger_event_no_file(command: str, tmp_path: Path, read_only_database: None):
    path = tmp_path / "out.csv"
    with pytest.raises(DatabaseError):
        call_command(*command.split(), str(path), stdout=io.StringIO())
    assert _files(tmp_path) == []  # neither the file nor a temporary one
    assert not LedgerEvent.objects.filter(action="export").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("command", ["export-links", "alerts export"])
def test_the_file_appears_with_its_event(command: str, tmp_path: Path):
    path = tmp_path / "out.csv"
    call_command(*command.split(), str(path), stdout=io.StringIO())
    assert _files(tmp_path) == ["out.csv"]
    assert LedgerEvent.objects.filter(action="export").count() == 1


def test_a_file_written_whole_or_not_at_all(tmp_path: Path) -> None:
    from fullpicture.core.csvfile import write_bytes_whole

    path = tmp_path / "sar.pdf"
    write_bytes_whole(path, b"%PDF-1.7 fictional")
    assert path.read_bytes() == b"%PDF-1.7 fictional"
    with pytest.raises(TypeError):
        write_bytes_whole(tmp_path / "broken.pdf", "not bytes")  # type: ignore[arg-type]
    assert _files(tmp_path) == ["sar.pdf"]
