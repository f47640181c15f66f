"""Alerts per family: households formed from the agencies' data, one alert per rule and
family naming every member; a person in two households over time judged with each; an
alert met by agencies of no partnership raised to the hub's administrators, never dropped."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.core.management import call_command

from fullpicture.alerts.models import Alert, Notice
from fullpicture.alerts.selectors import families_of
from fullpicture.alerts.services import concern_rules_run
from fullpicture.alerts.tests.test_rules import _feed
from fullpicture.partnerships.models import Agency, Partnership
from fullpicture.partnerships.tests.factories import AgencyFactory, PractitionerFactory
from fullpicture.people.households import households_update
from fullpicture.people.models import Household, HouseholdStatus, Person
from fullpicture.people.tests.factories import SourceRecordFactory

D = dt.date
HOME = {"address": "27 Marsh Lane, Hometown", "postcode": "HT1 8HD"}


def _known(person, agency, source_id, **where):
    return SourceRecordFactory(
        agency=agency, source_id=source_id, person=person, recorded_at=D(2023, 1, 1), **where
    )


def _family_at_home(world, codes, partnership="home"):
    """Mother, her partner and a child, each known to some agencies, all at one address."""
    owner = getattr(world, partnership) if partnership else None
    agencies = {c: AgencyFactory(code=c, partnership=owner) for c in codes}
    people = {k: Person.objects.create() for k in ("mum", "partner", "child")}
    for code, agency in agencies.items():
        for who, person in people.items():
            _known(person, agency, f"{code}-{who}", family_name="Marsh", **HOME)
    households_update()
    return people


def test_one_alert_names_mother_partner_and_child_with_the_family_id(world, tmp_path):
    people = _family_at_home(world, ["POLF", "GPF", "DASF", "PROF"])
    _feed("POLF", [("P1", "POLF-mum;POLF-partner", "domestic_abuse", "2024-01-10")])
    _feed("GPF", [("G1", "GPF-mum", "mental_health", "2024-03-02")])
    _feed("PROF", [("R1", "PROF-partner", "offending", "2024-04-02")])
    _feed("DASF", [("D1", "DASF-partner", "drugs_alcohol", "2024-06-30")])
    summary = concern_rules_run()
    household = Household.objects.get(status=HouseholdStatus.ACTIVE)
    halcon = Alert.objects.get(rule__slug="halcon-one-team")
    assert summary.raised == 2  # Halcon and three agencies: one each, for the family
    assert halcon.household_id == household.pk
    assert set(halcon.persons.values_list("pk", flat=True)) == {p.pk for p in people.values()}
    assert halcon.evidence_date == D(2024, 4, 2)
    out = tmp_path / "alerts.csv"
    call_command("alerts", "export", str(out))
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    row = next(r for r in rows if r["rule"] == "halcon-one-team")
    assert (row["family_id"], row["evidence_date"]) == (str(household.pk), "2024-04-02")


def test_a_person_in_two_households_over_time_is_judged_with_each(world):
    gp = AgencyFactory(code="GPT", partnership=world.home)
    ann, bob, cat, dan = (Person.objects.create() for _ in range(4))
    _known(ann, gp, "A1", family_name="Ames", address="2 Mill Lane", postcode="HT1 2BB")
    _known(bob, gp, "B1", family_name="Burr", address="2 Mill Lane", postcode="HT1 2BB")
    _known(cat, gp, "C1", family_name="Burr", address="2 Mill Lane", postcode="HT1 2BB")
    SourceRecordFactory(
        agency=gp,
        source_id="A2",
        person=ann,
        family_name="Ames",
        address="9 Dock Road",
        postcode="HT2 3CC",
        recorded_at=D(2025, 1, 1),
    )
    _known(dan, gp, "D1", family_name="Cole", address="9 Dock Road", postcode="HT2 3CC")
    households_update()
    first = Household.objects.get(members=bob)
    second = Household.objects.get(members=dan)
    assert first.pk != second.pk
    families = families_of([ann.pk])
    assert {(key, members) for key, members in families} == {
        (first.pk, tuple(sorted((ann.pk, bob.pk, cat.pk)))),
        (second.pk, tuple(sorted((ann.pk, dan.pk)))),
    }


def test_alerts_of_agencies_in_no_partnership_go_to_the_administrators(world, capsys):
    admin = PractitionerFactory(username="hub.admin", roles=["administrator"])
    _family_at_home(world, ["POLN", "GPN", "DASN"], partnership=None)
    _feed("POLN", [("P1", "POLN-mum", "domestic_abuse", "2024-01-10")])
    _feed("GPN", [("G1", "GPN-mum", "mental_health", "2024-03-02")])
    _feed("DASN", [("D1", "DASN-partner", "drugs_alcohol", "2024-06-30")])
    call_command("alerts", "sweep")
    captured = capsys.readouterr()
    assert "were raised to the hub's administrators" in captured.err
    halcon = Alert.objects.get(rule__slug="halcon-one-team")
    assert halcon.routed_to_administrators
    assert halcon.partnership.code == "DEFAULT"
    assert Notice.objects.filter(alert=halcon, recipient=admin).exists()
    assert not Notice.objects.filter(alert=halcon, recipient=world.mash).exists()


@pytest.mark.django_db
def test_agency_create_without_a_partnership_uses_the_hubs_default(capsys):
    call_command("agency", "create", "--code", "GP7", "--name", "Riverside GP", "--type", "gp")
    out = capsys.readouterr().out
    assert "in the hub's default partnership, Default partnership (DEFAULT)" in out
    assert Agency.objects.get(code="GP7").partnership == Partnership.objects.get(code="DEFAULT")
