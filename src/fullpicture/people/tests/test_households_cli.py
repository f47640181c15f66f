"""The household commands: import-relationships, households, export-households."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from fullpicture.audit.models import LedgerEvent
from fullpicture.partnerships.tests.factories import AgencyFactory
from fullpicture.people.models import Household, HouseholdStatus, Relationship
from fullpicture.people.tests.factories import SourceRecordFactory

pytestmark = pytest.mark.django_db


def test_import_relationships_refuses_a_bad_file_naming_row_and_column(tmp_path, capsys):
    agency = AgencyFactory(code="POL", police=True)
    SourceRecordFactory(agency=agency, source_id="P1")
    SourceRecordFactory(agency=agency, source_id="P2")
    path = tmp_path / "rels.csv"
    path.write_text(
        "agency,from_source_id,to_source_id,relationship\n"
        "POL,P1,P2,parent\n"
        "XXX,P1,P2,parent\n"
        "POL,P1,P7,sibling\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as refused:
        call_command("import-relationships", str(path))
    message = str(refused.value)
    assert "rels.csv: nothing was stored; 2 problem(s)" in message
    assert "rels.csv, row 3, column agency: unknown agency 'XXX'" in message
    assert "rels.csv, row 4, column to_source_id: no record 'P7' for POL" in message
    assert not Relationship.objects.exists()
    path.write_text(
        "agency,from_source_id,to_source_id,relationship\nPOL,P1,P2,parent\n", encoding="utf-8"
    )
    call_command("import-relationships", str(path))
    assert "1 rows read, 1 new relationships stored." in capsys.readouterr().out
    assert Household.objects.filter(status=HouseholdStatus.ACTIVE).count() == 1


def _two_at(address, postcode, surname="Ames"):
    people = [
        SourceRecordFactory(
            family_name=surname, address=address, postcode=postcode, recorded_at=dt.date(2020, 1, 1)
        )
        for _ in range(2)
    ]
    return [r.person for r in people]


def test_households_update_merge_conflict_and_export(tmp_path, capsys):
    first = _two_at("2 Mill Lane", "ST1 2BB")
    second = _two_at("5 Elm Close", "ST5 5EE", "Bell")
    call_command("households", "update")
    assert "2 households: 2 formed" in capsys.readouterr().out
    a, b = Household.objects.order_by("pk")
    with pytest.raises(CommandError, match="changed since you opened it"):
        call_command(
            "households",
            "merge",
            str(a.pk),
            str(b.pk),
            "--keep-version",
            "99",
            "--other-version",
            str(b.version),
            "--reason",
            "one family",
        )
    call_command(
        "households",
        "merge",
        str(a.pk),
        str(b.pk),
        "--keep-version",
        str(a.version),
        "--other-version",
        str(b.version),
        "--reason",
        "one family",
    )
    assert f"Household {b.pk} merged into {a.pk}" in capsys.readouterr().out
    out = tmp_path / "households.csv"
    call_command("export-households", str(out))
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert set(rows[0]) == {"household_id", "person_id", "basis", "from", "to"}
    assert {int(r["person_id"]) for r in rows if r["to"] == ""} == {p.pk for p in (*first, *second)}
    assert {r["household_id"] for r in rows} == {str(a.pk)}
    assert LedgerEvent.objects.filter(action="export", object_type="households").exists()


def test_households_rebuild_needs_a_reason():
    with pytest.raises(CommandError):
        call_command("households", "rebuild", "--reason", "  ")
