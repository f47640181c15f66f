"""A small fictional town for the feed tests: police, school, social care (joined by an
agreement for safeguarding enquiries) and housing (not joined)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from fullpicture.partnerships.models import Agency, Practitioner
from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.people.models import Person, SourceRecord
from fullpicture.people.tests.factories import PersonFactory, SourceRecordFactory
from fullpicture.sharing.feeds import INVOLVEMENT_COLUMNS, ITEM_COLUMNS
from fullpicture.sharing.tests.factories import AgreementFactory


@dataclass
class Town:
    police: Agency
    school: Agency
    mash: Agency
    housing: Agency
    child: Person
    mother: Person
    records: dict[str, SourceRecord]
    officer: Practitioner
    teacher: Practitioner
    mash_worker: Practitioner
    housing_officer: Practitioner


def make_town() -> Town:
    partnership = PartnershipFactory(code="E06000766", name="Feedtown")
    police = AgencyFactory(
        code="FPOL", name="Feedtown Police", police=True, partnership=partnership
    )
    school = AgencyFactory(code="FSCH", name="Feedtown Primary", partnership=partnership)
    mash = AgencyFactory(
        code="FCSC", name="Feedtown Social Care", social_care=True, partnership=partnership
    )
    housing = AgencyFactory(
        code="FHOU", name="Feedtown Homes", type="housing", partnership=partnership
    )
    AgreementFactory(parties=[police, school, mash])
    child, mother = PersonFactory(), PersonFactory()
    born = {"child": dt.date(2016, 5, 1), "mother": dt.date(1990, 2, 2)}
    records = {}
    for agency, prefix in ((police, "P"), (school, "S"), (housing, "H")):
        for who, person in (("child", child), ("mother", mother)):
            if agency is school and who == "mother":
                continue
            source_id = f"{prefix}-{who}"
            records[source_id] = SourceRecordFactory(
                agency=agency,
                source_id=source_id,
                given_name="Pat" if who == "child" else "Jo",
                family_name="Feedcase",
                date_of_birth=born[who],
                postcode="FT1 1AA",
                person=person,
            )
    return Town(
        police=police,
        school=school,
        mash=mash,
        housing=housing,
        child=child,
        mother=mother,
        records=records,
        officer=PractitionerFactory(username="f.officer", agency=police, email="o@police.test"),
        teacher=PractitionerFactory(username="f.teacher", agency=school),
        mash_worker=PractitionerFactory(
            username="f.mash", agency=mash, roles=["mash_practitioner"]
        ),
        housing_officer=PractitionerFactory(username="f.housing", agency=housing),
    )


def item_row(source_id: str, who: str = "P-child", **values: str) -> dict[str, str]:
    row = {
        "source_id": source_id,
        "person_source_ids": who,
        "category": "domestic_abuse",
        "occurred_at": "2025-03-01T21:00:00",
        "recorded_at": "2025-03-02T09:00:00",
        "summary": "Police attended a fictional domestic incident",
        "detail": "",
        "sensitivity": "",
        "consent": "",
    }
    row.update(values)
    return row


def write_csv(
    path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = ITEM_COLUMNS
) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)
    return path


def involvement_row(who: str = "P-child", **values: str) -> dict[str, str]:
    row = dict.fromkeys(INVOLVEMENT_COLUMNS, "")
    row.update(
        person_source_id=who,
        practitioner_name="PC Dana Fictional",
        role="Officer in charge",
        phone="01632 960 001",
        email="dana.fictional@police.test",
        started_on="2025-03-01",
        latest_contact_on="2025-04-01",
    )
    row.update(values)
    return row
