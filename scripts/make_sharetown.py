#!/usr/bin/env python3
"""Generate (and check) the Sharetown demo data: a fictional partnership, its agencies'
records of people, their information items, and the Walsh family.

Everything here is fiction. Every person is synthetic; every NHS number is in the
999 test range; every street, school, practice and service is made up.

    python scripts/make_sharetown.py           # (re)write src/fullpicture/demo/sharetown/
    python scripts/make_sharetown.py --check   # validate the committed files and check that
                                               # regenerating them gives the same bytes

The Walsh family (the case study in appendix v of the information-sharing report:
"the case of Katie Walsh and her family") is hand-written below. The background
population (a few hundred people in other families) is generated from a fixed seed,
so running this script reproduces the committed files byte for byte.

Deliberately invalid identifiers (kept in the data to exercise "an invalid identifier
is kept for display but never used to link"); exactly these two, nothing else:
  * SAA / SA13226: the UPN has two digits transposed (the pupil's Brookfield Primary
    record holds the correct UPN), so its check letter fails.
  * PROB / D595105: the PNC id has a mistyped check letter (the police record holds
    the correct one).
See DELIBERATELY_INVALID below; --check fails if any other identifier is invalid.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "fullpicture" / "demo" / "sharetown"
SEED = 20260814
TODAY = dt.date(2026, 11, 28)
DATA_END = dt.date(2026, 11, 25)  # no background event after this
STORY_START = dt.date(2024, 9, 1)

RECORD_COLUMNS = [
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
ITEM_COLUMNS = [
    "source_id",
    "person_source_ids",
    "category",
    "occurred_at",
    "recorded_at",
    "summary",
    "detail",
    "sensitivity",
    "consent",
]
RELATIONSHIP_COLUMNS = ["agency", "from_source_id", "to_source_id", "relationship"]
GROUND_TRUTH_COLUMNS = ["agency", "source_id", "person_key"]

CATEGORIES = {
    "domestic_abuse",
    "mental_health",
    "drugs_alcohol",
    "offending",
    "debt",
    "neglect",
    "physical_injury",
    "sexual_abuse",
    "emotional_abuse",
    "sexual_exploitation",
    "missing",
    "self_harm",
    "school_attendance",
    "missed_appointment",
    "housing",
    "other",
}
SENSITIVITIES = {"", "standard", "special", "restricted"}
CONSENTS = {"", "given", "refused", "not_sought"}
RELATIONSHIPS = {"parent", "partner", "sibling", "carer", "other"}
AGENCY_TYPES = {
    "police",
    "gp",
    "health_visiting",
    "acute_hospital",
    "mental_health",
    "school",
    "early_years",
    "childrens_social_care",
    "adult_social_care",
    "housing",
    "probation",
    "youth_justice",
    "substance_misuse",
    "voluntary",
    "other",
}
ROLES = [
    "agency_practitioner",
    "mash_practitioner",
    "mash_manager",
    "unscheduled_care_clinician",
    "ig_lead",
    "board_scrutineer",
    "trainer",
    "administrator",
]

# (agency, source_id) of the only records whose identifiers are meant to fail their check.
DELIBERATELY_INVALID = {("SAA", "SA13226"), ("PROB", "D595105")}

# --------------------------------------------------------------------------------------
# Identifiers
# --------------------------------------------------------------------------------------

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 0 -> A
PNC_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"  # 0 -> Z
UPN_RE = re.compile(r"^[A-Z]\d{12}$")
PNC_RE = re.compile(r"^(\d{2})/(\d{1,7})([A-Z])$")


def nhs_check_digit(nine: str) -> int:
    check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(nine)) % 11
    return 0 if check == 11 else check  # 10 means "never issued"


def nhs_from_stem(stem: str) -> str:
    """The first valid 999-range NHS number at or after the nine-digit stem."""
    n = int(stem)
    while True:
        nine = f"{n:09d}"
        check = nhs_check_digit(nine)
        if check != 10:
            return nine + str(check)
        n += 1


def spaced(nhs: str) -> str:
    return f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"


def upn_check_letter(twelve: str) -> str:
    return UPN_LETTERS[sum(int(d) * (i + 2) for i, d in enumerate(twelve)) % 23]


def make_upn(la: int, establishment: int, year: int, serial: int) -> str:
    digits = f"{la:03d}{establishment:04d}{year % 100:02d}{serial:03d}"
    return upn_check_letter(digits) + digits


def upn_is_valid(upn: str) -> bool:
    return bool(UPN_RE.match(upn)) and upn_check_letter(upn[1:]) == upn[0]


def pnc_check_letter(yy: int, serial: int) -> str:
    return PNC_LETTERS[int(f"{yy:02d}{serial:07d}") % 23]


def make_pnc(yy: int, serial: int, *, padded: bool = True) -> str:
    written = f"{serial:07d}" if padded else str(serial)
    return f"{yy:02d}/{written}{pnc_check_letter(yy, serial)}"


def pnc_is_valid(pnc: str) -> bool:
    m = PNC_RE.match(pnc)
    if not m:
        return False
    return pnc_check_letter(int(m.group(1)), int(m.group(2))) == m.group(3)


def nhs_is_valid(value: str) -> bool:
    import nhs_number  # the project's dependency; only needed for --check

    digits = value.replace(" ", "")
    return (
        len(digits) == 10
        and digits.isdigit()
        and 9990000000 <= int(digits) <= 9999999999
        and nhs_number.is_valid(value)
    )


# Sharetown's (fictional) local authority number in UPNs, and its schools.
LA_SHARETOWN = 989
LA_NORTHVALE = 988
EST_BROOKFIELD = 2041  # Brookfield Primary School
EST_ST_AIDANS = 4012  # St Aidan's Academy (secondary)

# --------------------------------------------------------------------------------------
# The partnership
# --------------------------------------------------------------------------------------

SHARETOWN_CODE = "E06000999"
NORTHVALE_CODE = "E06000998"

AGENCIES: list[dict[str, str]] = [
    {"code": "STPOL", "name": "Sharetown Police", "type": "police"},
    {
        "code": "STGH",
        "name": "Sharetown General Hospital (Emergency Department and Maternity)",
        "type": "acute_hospital",
    },
    {"code": "RMP", "name": "Riverside Medical Practice", "type": "gp"},
    {"code": "HSS", "name": "Hillside Surgery", "type": "gp"},
    {
        "code": "SCHS",
        "name": "Sharetown Community Health Services (Health Visiting and School Nursing)",
        "type": "health_visiting",
    },
    {"code": "BPS", "name": "Brookfield Primary School", "type": "school"},
    {"code": "SAA", "name": "St Aidan's Academy", "type": "school"},
    {"code": "LAN", "name": "Little Acorns Nursery", "type": "early_years"},
    {
        "code": "SCSC",
        "name": "Sharetown Children's Social Care (MASH)",
        "type": "childrens_social_care",
    },
    {"code": "STH", "name": "Sharetown Homes", "type": "housing"},
    {"code": "PROB", "name": "Probation Service, Sharetown", "type": "probation"},
    {"code": "SDAS", "name": "Sharetown Drug and Alcohol Service", "type": "substance_misuse"},
    {
        "code": "SMHT",
        "name": "Sharetown and District Mental Health NHS Trust",
        "type": "mental_health",
    },
    {"code": "FFS", "name": "Family First Sharetown", "type": "voluntary"},
    {"code": "SSCP", "name": "Sharetown Safeguarding Children Partnership", "type": "other"},
    {"code": "NVPOL", "name": "Northvale Police", "type": "police"},
    {"code": "NVCSC", "name": "Northvale Children's Social Care", "type": "childrens_social_care"},
]
AGENCY_PARTNERSHIP = {
    a["code"]: (NORTHVALE_CODE if a["code"].startswith("NV") else SHARETOWN_CODE) for a in AGENCIES
}
AGENCY_TYPE = {a["code"]: a["type"] for a in AGENCIES}

USERS: list[dict[str, Any]] = [
    {
        "username": "mash.practitioner",
        "full_name": "Priya Lal",
        "agency": "SCSC",
        "roles": ["mash_practitioner"],
        "job_title": "Social Worker, Multi-Agency Safeguarding Hub",
    },
    {
        "username": "mash.manager",
        "full_name": "Owen Ferreira",
        "agency": "SCSC",
        "roles": ["mash_manager"],
        "job_title": "MASH Team Manager",
    },
    {
        "username": "ae.nurse",
        "full_name": "Bronwen Ellis",
        "agency": "STGH",
        "roles": ["unscheduled_care_clinician"],
        "job_title": "Senior Staff Nurse, Emergency Department",
    },
    {
        "username": "teacher",
        "full_name": "Hannah Okoro",
        "agency": "BPS",
        "roles": ["agency_practitioner"],
        "job_title": "Year 4 Class Teacher",
    },
    {
        "username": "school.dsl",
        "full_name": "Martin Greaves",
        "agency": "BPS",
        "roles": ["agency_practitioner"],
        "job_title": "Deputy Headteacher and Designated Safeguarding Lead",
    },
    {
        "username": "police.officer",
        "full_name": "Gareth Pryce",
        "agency": "STPOL",
        "roles": ["agency_practitioner"],
        "job_title": "Police Constable, Safeguarding Hub",
    },
    {
        "username": "health.visitor",
        "full_name": "Rachel Adebayo",
        "agency": "SCHS",
        "roles": ["agency_practitioner"],
        "job_title": "Health Visitor, East Team",
    },
    {
        "username": "nursery.manager",
        "full_name": "Stacey Moorcroft",
        "agency": "LAN",
        "roles": ["agency_practitioner"],
        "job_title": "Nursery Manager and Safeguarding Lead",
    },
    {
        "username": "gp",
        "full_name": "Imran Siddiqui",
        "agency": "RMP",
        "roles": ["agency_practitioner"],
        "job_title": "GP Partner and Safeguarding Lead",
    },
    {
        "username": "probation.officer",
        "full_name": "Claire Dunmore",
        "agency": "PROB",
        "roles": ["agency_practitioner"],
        "job_title": "Probation Officer",
    },
    {
        "username": "housing.officer",
        "full_name": "Tomasz Reyes",
        "agency": "STH",
        "roles": ["agency_practitioner"],
        "job_title": "Tenancy Sustainment Officer",
    },
    {
        "username": "recovery.worker",
        "full_name": "Jo Kendrick",
        "agency": "SDAS",
        "roles": ["agency_practitioner"],
        "job_title": "Recovery Worker",
    },
    {
        "username": "mh.nurse",
        "full_name": "Aisha Bello",
        "agency": "SMHT",
        "roles": ["agency_practitioner"],
        "job_title": "Perinatal Community Psychiatric Nurse",
    },
    {
        "username": "family.support",
        "full_name": "Lorraine Tate",
        "agency": "FFS",
        "roles": ["agency_practitioner"],
        "job_title": "Family Support Worker",
    },
    {
        "username": "nv.police",
        "full_name": "Sam Whitlow",
        "agency": "NVPOL",
        "roles": ["agency_practitioner"],
        "job_title": "Detective Constable, Public Protection Unit",
    },
    {
        "username": "nv.social.worker",
        "full_name": "Kwabena Mensah-Boateng",
        "agency": "NVCSC",
        "roles": ["agency_practitioner"],
        "job_title": "Social Worker, Assessment Team",
    },
    {
        "username": "ig.lead",
        "full_name": "Helen Osei",
        "agency": "SSCP",
        "roles": ["ig_lead"],
        "job_title": "Information Governance Lead and Data Protection Officer",
    },
    {
        "username": "board.scrutineer",
        "full_name": "Margaret Lindqvist",
        "agency": "SSCP",
        "roles": ["board_scrutineer"],
        "job_title": "Independent Scrutineer",
    },
    {
        "username": "trainer",
        "full_name": "Daniel Pike",
        "agency": "SSCP",
        "roles": ["trainer"],
        "job_title": "Multi-Agency Safeguarding Trainer",
    },
    {
        "username": "hub.admin",
        "full_name": "Neil Sutton",
        "agency": "SSCP",
        "roles": ["administrator"],
        "job_title": "Full Picture System Administrator",
    },
]


def partnership_spec() -> dict[str, Any]:
    return {
        "partnerships": [
            {
                "code": SHARETOWN_CODE,
                "name": "Sharetown",
                "postcode_districts": ["ST1", "ST2", "ST3", "ST4"],
                "office_phone": "01632 960118",
                "out_of_hours_phone": "01632 960999",
            },
            {
                "code": NORTHVALE_CODE,
                "name": "Northvale",
                "postcode_districts": ["NV1", "NV2"],
                "office_phone": "01632 960240",
                "out_of_hours_phone": "01632 960241",
            },
        ],
        "agencies": [{**a, "partnership": AGENCY_PARTNERSHIP[a["code"]]} for a in AGENCIES],
        "users": USERS,
    }


# --------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------


@dataclass
class Rec:
    """One agency's record of a person, and (for ground_truth.csv) who it really is."""

    agency: str
    source_id: str
    person_key: str
    given: str = ""
    family: str = ""
    other: str = ""
    dob: str = ""
    sex: str = ""
    address: str = ""
    postcode: str = ""
    nhs: str = ""
    upn: str = ""
    pnc: str = ""
    recorded: str = ""

    def row(self) -> list[str]:
        return [
            self.source_id,
            self.given,
            self.family,
            self.other,
            self.dob,
            self.sex,
            self.address,
            self.postcode,
            self.nhs,
            self.upn,
            self.pnc,
            self.recorded,
        ]


@dataclass
class Item:
    agency: str
    source_id: str
    persons: list[str]
    category: str
    occurred: str
    recorded: str
    summary: str
    detail: str
    sensitivity: str = ""
    consent: str = ""

    def row(self) -> list[str]:
        return [
            self.source_id,
            ";".join(self.persons),
            self.category,
            self.occurred,
            self.recorded,
            self.summary,
            self.detail,
            self.sensitivity,
            self.consent,
        ]


@dataclass
class Rel:
    agency: str
    from_id: str
    to_id: str
    kind: str

    def row(self) -> list[str]:
        return [self.agency, self.from_id, self.to_id, self.kind]


# --------------------------------------------------------------------------------------
# The Walsh family (hand-written)
# --------------------------------------------------------------------------------------
#
# Katie Walsh (29) lives with her three children, Jayden (9), Ruby (5) and Lily-Mae (2),
# first at 14 Cobbler's Row (ST2) and, from 11 August 2025, at 27 Marsh Lane (ST3).
# The children's father, Ryan Doyle, left in July 2024 and lives in Northvale. Dean Carter
# (34) moved to Sharetown in October 2024 on a suspended sentence order for assaulting his
# former partner Chelsea Hart in Northvale; he meets Katie around Christmas 2024, is living
# with the family by spring 2025 and never tells probation. Katie's mother Sandra lives in
# ST4. On 14 August 2026 Lily-Mae dies of head injuries after a violent altercation between
# Katie and Dean. Each agency holds only its own cards.

KATIE_NHS = nhs_from_stem("999402118")
DEAN_NHS = nhs_from_stem("999317560")
JAYDEN_NHS = nhs_from_stem("999455021")
RUBY_NHS = nhs_from_stem("999466903")
LILY_NHS = nhs_from_stem("999481274")
CHELSEA_NHS = nhs_from_stem("999288413")
MASON_NHS = nhs_from_stem("999290675")
ELLIE_NHS = nhs_from_stem("999301148")
DEAN_PNC = (10, 483921)
RYAN_PNC = (25, 190447)
KATIE_PNC = (26, 713392)  # issued when she was arrested on the night of Lily-Mae's death
JAYDEN_UPN = make_upn(LA_SHARETOWN, EST_BROOKFIELD, 2021, 17)
RUBY_UPN = make_upn(LA_SHARETOWN, EST_BROOKFIELD, 2025, 9)

OLD = ("14 Cobbler's Row, Sharetown", "ST2 5QP")
NEW = ("27 Marsh Lane, Sharetown", "ST3 8HD")
FENWICK = ("32 Fenwick Close, Sharetown", "ST1 2JW")
ORCHARD = ("9 Orchard Way, Sharetown", "ST4 1LN")
KESTREL = ("Flat 6, Kestrel House, Tanner Street, Northvale", "NV1 3RL")
LINNET = ("58 Linnet Way, Northvale", "NV1 4DS")
HOLLINS = ("41 Hollins Road, Northvale", "NV2 6TE")
WALSH_ADDRESSES = [OLD, NEW, FENWICK, ORCHARD, KESTREL, LINNET, HOLLINS]


def _r(
    agency: str,
    sid: str,
    key: str,
    given: str,
    family: str,
    other: str,
    dob: str,
    sex: str,
    addr: tuple[str, str] | None,
    recorded: str,
    *,
    nhs: str = "",
    upn: str = "",
    pnc: str = "",
    address: str | None = None,
    postcode: str | None = None,
) -> Rec:
    a, p = addr if addr else ("", "")
    return Rec(
        agency,
        sid,
        key,
        given,
        family,
        other,
        dob,
        sex,
        a if address is None else address,
        p if postcode is None else postcode,
        nhs,
        upn,
        pnc,
        recorded,
    )


def walsh_records() -> list[Rec]:
    k, d, j, r, lm = "walsh-katie", "walsh-dean", "walsh-jayden", "walsh-ruby", "walsh-lilymae"
    ry, sa = "walsh-ryan", "walsh-sandra"
    dean_pnc = make_pnc(*DEAN_PNC)
    return [
        # Sharetown Police: two records for Katie (a call handler's, then an officer's), Dean
        # as he gave his details at the first call (name and date of birth, no address), the
        # children created as "present" at the first call.
        _r(
            "STPOL",
            "P-118204",
            k,
            "Katie",
            "Welsh",
            "",
            "",
            "F",
            OLD,
            "2025-02-14",
            address="14 Cobblers Row, Sharetown",
        ),
        _r("STPOL", "P-118205", d, "Dean", "CARTER", "", "1992-06-21", "M", None, "2025-02-14"),
        _r(
            "STPOL",
            "P-118206",
            j,
            "Jayden",
            "Walsh",
            "",
            "2017-01-14",
            "M",
            OLD,
            "2025-02-14",
            address="14 Cobblers Row, Sharetown",
        ),
        _r(
            "STPOL",
            "P-118207",
            r,
            "Ruby",
            "Walsh",
            "",
            "2020-11-03",
            "F",
            OLD,
            "2025-02-14",
            address="14 Cobblers Row, Sharetown",
        ),
        _r(
            "STPOL",
            "P-118208",
            lm,
            "Lilymae",
            "Walsh",
            "",
            "2024-05-18",
            "F",
            OLD,
            "2025-02-14",
            address="14 Cobblers Row, Sharetown",
        ),
        _r(
            "STPOL",
            "P-121977",
            k,
            "Katherine",
            "Walsh",
            "Katie",
            "1997-03-09",
            "F",
            OLD,
            "2025-06-07",
            pnc=make_pnc(*KATIE_PNC),
        ),
        _r(
            "STPOL",
            "P-121978",
            d,
            "Dean",
            "Carter",
            "Anthony;Deano",
            "1992-06-21",
            "M",
            FENWICK,
            "2025-06-07",
            pnc=dean_pnc,
        ),
        # Northvale Police: Dean's long-standing record, the Hart family, Ryan Doyle.
        _r(
            "NVPOL",
            "NVP0044187",
            d,
            "Dean",
            "Carter",
            "Anthony",
            "1992-06-21",
            "M",
            KESTREL,
            "2010-05-14",
            pnc=dean_pnc,
        ),
        _r(
            "NVPOL",
            "NVP0051130",
            "hart-chelsea",
            "Chelsea",
            "Hart",
            "",
            "1996-10-02",
            "F",
            LINNET,
            "2023-12-17",
        ),
        _r(
            "NVPOL",
            "NVP0051131",
            "hart-mason",
            "Mason",
            "Hart",
            "",
            "2016-04-22",
            "M",
            LINNET,
            "2023-12-17",
        ),
        _r(
            "NVPOL",
            "NVP0051132",
            "hart-ellie",
            "Ellie",
            "Hart",
            "",
            "2019-08-07",
            "F",
            LINNET,
            "2023-12-17",
        ),
        _r(
            "NVPOL",
            "NVP0055902",
            ry,
            "Ryan",
            "Doyle",
            "James",
            "1994-08-30",
            "M",
            HOLLINS,
            "2025-05-03",
            pnc=make_pnc(*RYAN_PNC),
        ),
        # Northvale Children's Social Care: the Hart children's case, Dean as the risk.
        _r(
            "NVCSC",
            "NVC300412",
            "hart-chelsea",
            "Chelsea",
            "Hart",
            "Louise",
            "1996-10-02",
            "F",
            LINNET,
            "2023-12-18",
            nhs=CHELSEA_NHS,
        ),
        _r(
            "NVCSC",
            "NVC300413",
            "hart-mason",
            "Mason",
            "Hart",
            "",
            "2016-04-22",
            "M",
            LINNET,
            "2023-12-18",
            nhs=MASON_NHS,
        ),
        _r(
            "NVCSC",
            "NVC300414",
            "hart-ellie",
            "Ellie",
            "Hart",
            "Rose",
            "2019-08-07",
            "F",
            LINNET,
            "2023-12-18",
            nhs=ELLIE_NHS,
        ),
        _r("NVCSC", "NVC300415", d, "Dean", "Carter", "", "1992-06-21", "M", KESTREL, "2023-12-18"),
        # Sharetown General Hospital: registered at births and attendances; the address is
        # updated at each attendance (Ruby has not attended since she was born).
        _r(
            "STGH",
            "STG204511",
            k,
            "Katherine",
            "Walsh",
            "Anne",
            "1997-03-09",
            "F",
            NEW,
            "2016-06-20",
            nhs=KATIE_NHS,
        ),
        _r(
            "STGH",
            "STG204977",
            j,
            "Jayden",
            "Walsh",
            "Lee",
            "2017-01-14",
            "M",
            NEW,
            "2017-01-14",
            nhs=JAYDEN_NHS,
        ),
        _r(
            "STGH",
            "STG261340",
            r,
            "Ruby",
            "Walsh",
            "Grace",
            "2020-11-03",
            "F",
            OLD,
            "2020-11-03",
            nhs=RUBY_NHS,
        ),
        _r(
            "STGH",
            "STG318877",
            lm,
            "Lily-Mae",
            "Walsh",
            "",
            "2024-05-18",
            "F",
            NEW,
            "2024-05-18",
            nhs=LILY_NHS,
        ),
        _r(
            "STGH",
            "STG352210",
            d,
            "Dean",
            "Carter",
            "Anthony",
            "1992-06-21",
            "M",
            FENWICK,
            "2025-12-06",
            nhs=DEAN_NHS,
        ),
        # Riverside Medical Practice (the family's GP) and Hillside Surgery (Dean's).
        _r(
            "RMP",
            "GP88231",
            k,
            "Katherine",
            "Walsh",
            "Anne",
            "1997-03-09",
            "F",
            NEW,
            "2015-09-01",
            nhs=KATIE_NHS,
        ),
        _r(
            "RMP",
            "GP90412",
            j,
            "Jayden",
            "Walsh",
            "Lee",
            "2017-01-14",
            "M",
            NEW,
            "2017-01-20",
            nhs=spaced(JAYDEN_NHS),
        ),
        _r(
            "RMP",
            "GP94520",
            r,
            "Ruby",
            "Walsh",
            "Grace",
            "2020-11-03",
            "F",
            NEW,
            "2020-11-10",
            nhs=RUBY_NHS,
        ),
        _r(
            "RMP",
            "GP98817",
            lm,
            "Lily-Mae",
            "Walsh",
            "",
            "2024-05-18",
            "F",
            NEW,
            "2024-05-24",
            nhs=LILY_NHS,
        ),
        _r(
            "HSS",
            "HSS40121",
            d,
            "Dean",
            "Carter",
            "Anthony",
            "1992-06-21",
            "M",
            FENWICK,
            "2024-10-09",
            nhs=DEAN_NHS,
        ),
        # Community health: the new address keyed with a transposed postcode; school nursing
        # still has the old address for the older two.
        _r(
            "SCHS",
            "CH1042877",
            k,
            "Katie",
            "Walsh",
            "",
            "1997-03-09",
            "F",
            NEW,
            "2017-01-20",
            nhs=KATIE_NHS,
            postcode="ST3 8DH",
        ),
        _r(
            "SCHS",
            "CH1042901",
            j,
            "Jayden",
            "Walsh",
            "",
            "2017-01-14",
            "M",
            OLD,
            "2017-01-26",
            nhs=spaced(JAYDEN_NHS),
        ),
        _r(
            "SCHS",
            "CH1187345",
            r,
            "Ruby",
            "Walsh",
            "Grace",
            "2020-11-03",
            "F",
            OLD,
            "2020-11-16",
            nhs=RUBY_NHS,
        ),
        _r(
            "SCHS",
            "CH1299610",
            lm,
            "Lily-Mae",
            "Walsh",
            "",
            "2024-05-18",
            "F",
            NEW,
            "2024-05-30",
            nhs=LILY_NHS,
            postcode="ST3 8DH",
        ),
        # Brookfield Primary: pupils with UPNs, parent contacts without dates of birth.
        _r(
            "BPS",
            "S0417",
            j,
            "Jayden",
            "Walsh",
            "Lee",
            "2017-01-14",
            "M",
            OLD,
            "2021-09-01",
            upn=JAYDEN_UPN,
        ),
        _r(
            "BPS",
            "S0588",
            r,
            "Ruby",
            "Walsh",
            "Grace",
            "2020-11-03",
            "F",
            NEW,
            "2025-09-03",
            upn=RUBY_UPN,
        ),
        _r("BPS", "C0311", k, "Kate", "Walsh", "", "", "F", NEW, "2021-09-01"),
        _r("BPS", "C0312", ry, "Ryan", "Doyle", "", "", "M", HOLLINS, "2021-09-01"),
        _r("BPS", "C0689", d, "Dean", "Carter", "", "", "M", NEW, "2025-09-03"),
        # Little Acorns Nursery: Ruby (2023-25) and Lily-Mae (2026), registered by Dean as his
        # daughter "Lily Mae Carter" (the funded-childcare form asks for his date of birth).
        _r("LAN", "LA-0142", r, "Ruby", "Walsh", "", "2020-11-03", "F", OLD, "2023-09-04"),
        _r("LAN", "LA-0143", sa, "Sandra", "Walsh", "", "", "F", ORCHARD, "2023-09-04"),
        _r("LAN", "LA-0204", k, "Katie", "Walsh", "", "1997-03-09", "F", NEW, "2023-09-04"),
        _r("LAN", "LA-0203", lm, "Lily Mae", "Carter", "", "2024-05-18", "F", NEW, "2026-01-06"),
        _r("LAN", "LA-0205", d, "Dean", "Carter", "", "1992-06-21", "M", NEW, "2026-01-06"),
        # Children's Social Care: the family from the first police notification; Lily-Mae
        # recorded a second time, as "Lily Mae Carter", from the nursery's referral.
        _r(
            "SCSC",
            "1048823",
            k,
            "Katie",
            "Walsh",
            "Katherine;Anne",
            "1997-03-09",
            "F",
            NEW,
            "2025-02-17",
        ),
        _r(
            "SCSC",
            "1048824",
            j,
            "Jayden",
            "Walsh",
            "Lee",
            "2017-01-14",
            "M",
            NEW,
            "2025-02-17",
            nhs=JAYDEN_NHS,
        ),
        _r(
            "SCSC",
            "1048825",
            r,
            "Ruby",
            "Walsh",
            "",
            "2020-11-03",
            "F",
            NEW,
            "2025-02-17",
            nhs=RUBY_NHS,
        ),
        _r(
            "SCSC",
            "1048826",
            lm,
            "Lily-Mae",
            "Walsh",
            "",
            "2024-05-18",
            "F",
            NEW,
            "2025-02-17",
            nhs=LILY_NHS,
        ),
        _r("SCSC", "1061390", d, "Dean", "Carter", "", "1992-06-21", "M", FENWICK, "2025-06-09"),
        _r("SCSC", "1079204", ry, "Ryan", "Doyle", "", "1994-08-30", "M", HOLLINS, "2026-03-05"),
        _r("SCSC", "1079205", sa, "Sandra", "Walsh", "", "1970-02-11", "F", ORCHARD, "2026-03-05"),
        _r("SCSC", "1103318", lm, "Lily Mae", "Carter", "", "2024-05-18", "F", NEW, "2026-06-11"),
        # Sharetown Homes: Katie's date of birth keyed day-for-month; "Dean Carter", an
        # occupant she reported in 2026, with no date of birth.
        _r("STH", "STH-20418", k, "Katherine", "Walsh", "", "1997-09-03", "F", NEW, "2015-11-02"),
        _r("STH", "STH-20419", j, "Jayden", "Walsh", "", "2017-01-14", "M", NEW, "2017-02-10"),
        _r("STH", "STH-20420", r, "Ruby", "Walsh", "", "2020-11-03", "F", NEW, "2020-12-01"),
        _r("STH", "STH-20421", lm, "Lilymae", "Walsh", "", "2024-05-18", "F", NEW, "2024-06-15"),
        _r("STH", "STH-31876", d, "Dean", "Carter", "", "", "M", NEW, "2026-06-03"),
        # Probation: Dean (PNC written without its leading zero) and, from February 2026,
        # a personal contact "Katie Welsh" with her date of birth (for the police domestic
        # abuse check) but no address: Dean never told probation where she lives.
        _r(
            "PROB",
            "X482193",
            d,
            "Dean",
            "Carter",
            "Anthony;Deano",
            "1992-06-21",
            "M",
            FENWICK,
            "2024-09-02",
            pnc=make_pnc(*DEAN_PNC, padded=False),
        ),
        _r("PROB", "PC-7731", k, "Katie", "Welsh", "", "1997-03-09", "F", None, "2026-02-18"),
        # Drug and alcohol service: Dean under his drug rehabilitation requirement; Kate later.
        _r(
            "SDAS",
            "DA-20931",
            d,
            "Dean",
            "Carter",
            "",
            "1992-06-21",
            "M",
            FENWICK,
            "2024-11-27",
            nhs=DEAN_NHS,
        ),
        _r(
            "SDAS",
            "DA-23118",
            k,
            "Kate",
            "Walsh",
            "",
            "1997-03-09",
            "F",
            NEW,
            "2026-02-03",
            nhs=spaced(KATIE_NHS),
        ),
        # Mental health trust: perinatal referral in 2024, old address never updated.
        _r(
            "SMHT",
            "MH0081274",
            k,
            "Katherine",
            "Walsh",
            "Anne",
            "1997-03-09",
            "F",
            OLD,
            "2024-10-21",
            nhs=KATIE_NHS,
        ),
        # Family First Sharetown: the referral form spelt the surname "Walshe".
        _r("FFS", "FF-0398", k, "Katie", "Walshe", "", "1997-03-09", "F", OLD, "2025-04-02"),
        _r("FFS", "FF-0399", j, "Jayden", "Walshe", "", "2017-01-14", "M", OLD, "2025-04-02"),
        _r("FFS", "FF-0400", r, "Ruby", "Walshe", "", "2020-11-03", "F", OLD, "2025-04-02"),
        _r("FFS", "FF-0401", lm, "Lily-Mae", "Walshe", "", "2024-05-18", "F", OLD, "2025-04-02"),
        _r("FFS", "FF-0402", sa, "Sandra", "Walsh", "", "", "F", ORCHARD, "2025-07-15"),
    ]


def walsh_relationships() -> list[Rel]:
    rels: list[Rel] = []

    def fam(agency: str, parents: list[str], children: list[str]) -> None:
        for p in parents:
            rels.extend(Rel(agency, p, c, "parent") for c in children)
        for i, a in enumerate(children):
            rels.extend(Rel(agency, a, b, "sibling") for b in children[i + 1 :])

    fam("SCSC", ["1048823", "1079204"], ["1048824", "1048825", "1048826"])
    rels += [
        Rel("SCSC", "1048823", "1061390", "partner"),
        Rel("SCSC", "1079205", "1048823", "parent"),
    ]
    fam("STH", ["STH-20418"], ["STH-20419", "STH-20420", "STH-20421"])
    rels += [Rel("STH", "STH-31876", "STH-20418", "other")]
    fam("STPOL", ["P-118204"], ["P-118206", "P-118207", "P-118208"])
    rels += [
        Rel("STPOL", "P-118204", "P-118205", "partner"),
        Rel("STPOL", "P-121977", "P-121978", "partner"),
    ]
    fam("BPS", ["C0311", "C0312"], ["S0417", "S0588"])
    rels += [Rel("BPS", "C0689", "S0417", "other"), Rel("BPS", "C0689", "S0588", "other")]
    # The nursery recorded Dean as Lily Mae's father: relationships are as each agency
    # recorded them, not the truth.
    rels += [
        Rel("LAN", "LA-0204", "LA-0142", "parent"),
        Rel("LAN", "LA-0204", "LA-0203", "parent"),
        Rel("LAN", "LA-0205", "LA-0203", "parent"),
        Rel("LAN", "LA-0143", "LA-0142", "carer"),
    ]
    fam("FFS", ["FF-0398"], ["FF-0399", "FF-0400", "FF-0401"])
    rels += [Rel("FFS", "FF-0402", "FF-0398", "parent")]
    fam("SCHS", ["CH1042877"], ["CH1042901", "CH1187345", "CH1299610"])
    fam("RMP", ["GP88231"], ["GP90412", "GP94520", "GP98817"])
    fam("STGH", ["STG204511"], ["STG204977", "STG261340", "STG318877"])
    fam("NVCSC", ["NVC300412"], ["NVC300413", "NVC300414"])
    rels += [Rel("NVCSC", "NVC300415", "NVC300412", "partner")]
    fam("NVPOL", ["NVP0051130"], ["NVP0051131", "NVP0051132"])
    rels += [
        Rel("NVPOL", "NVP0044187", "NVP0051130", "partner"),
        Rel("PROB", "X482193", "PC-7731", "partner"),
    ]
    return rels


def _i(
    agency: str,
    sid: str,
    persons: str,
    category: str,
    occurred: str,
    recorded: str,
    summary: str,
    detail: str,
    sensitivity: str = "",
    consent: str = "",
) -> Item:
    return Item(
        agency,
        sid,
        persons.split(";"),
        category,
        occurred,
        recorded,
        summary,
        detail,
        sensitivity,
        consent,
    )


def walsh_items() -> list[Item]:
    police_kids = "P-118206;P-118207;P-118208"
    csc_family = "1048823;1048824;1048825;1048826"
    sth_household = "STH-20418;STH-20419;STH-20420;STH-20421"
    ffs_family = "FF-0398;FF-0399;FF-0400;FF-0401"
    return [
        # ---------------- Northvale, before the story: Dean's history ----------------
        _i(
            "NVPOL",
            "NVI-231217-0112",
            "NVP0044187;NVP0051130;NVP0051131;NVP0051132",
            "domestic_abuse",
            "2023-12-17T01:20:00",
            "2023-12-17T04:05:00",
            "Domestic assault at 58 Linnet Way: Dean Carter arrested for ABH and non-fatal "
            "strangulation of partner Chelsea Hart; two children in the house.",
            "Chelsea Hart called 999 saying her partner had punched her and held her by the throat "
            "during an argument about her phone. Officers found a swollen left eye and red marks "
            "to her neck; Mason (7) and Ellie (4) were awake upstairs. Carter was arrested at the "
            "scene. DASH risk assessment: high; referred to MARAC.",
            "restricted",
            "not_sought",
        ),
        _i(
            "NVCSC",
            "NVCON-231218",
            "NVC300412;NVC300413;NVC300414;NVC300415",
            "domestic_abuse",
            "2023-12-18",
            "2023-12-18",
            "Strategy discussion after high-risk domestic abuse incident; section 47 enquiry for "
            "Mason and Ellie Hart.",
            "Police notified us that Dean Carter assaulted Chelsea Hart with the children at home. "
            "Carter is not the children's father but had lived in the household for about a year. "
            "Section 47 enquiry agreed; Chelsea engaged with the IDVA and agreed a safety plan.",
            "standard",
            "not_sought",
        ),
        _i(
            "NVPOL",
            "NVI-240302-0087",
            "NVP0044187;NVP0051130",
            "offending",
            "2024-03-02T22:10:00",
            "2024-03-03T09:30:00",
            "Carter at ex-partner's address in breach of bail; arrested with a wrap of cocaine.",
            "Chelsea Hart reported Carter banging on her door and shouting through the letterbox, "
            "contrary to his bail conditions. He was arrested nearby, intoxicated, with a small "
            "quantity of cocaine. Charged with breach of bail and possession of a Class A drug.",
            "restricted",
            "not_sought",
        ),
        _i(
            "NVCSC",
            "NVCON-240520",
            "NVC300412;NVC300413;NVC300414;NVC300415",
            "other",
            "2024-05-20",
            "2024-05-21",
            "Child in need plan closed: Carter no longer in contact, believed to have moved to "
            "Sharetown.",
            "Chelsea reports that Carter has gone to live with his mother in Sharetown and has not "
            "contacted her since his arrest in March. The children are settled and school has no "
            "concerns. Closed with advice to Chelsea to report any contact.",
            "standard",
            "given",
        ),
        _i(
            "STGH",
            "MAT-240520-0931",
            "STG204511;STG318877",
            "mental_health",
            "2024-05-20T11:00:00",
            "2024-05-20T14:20:00",
            "Postnatal discharge: Edinburgh score 14, tearful; handed over to health visiting.",
            "Katherine delivered a healthy girl (Lily-Mae) on 18/05/2024, her third child. On "
            "discharge she scored 14 on the Edinburgh postnatal depression scale and said she felt "
            "'overwhelmed'. Partner Ryan visited once. Health visitor informed of the score.",
            "special",
            "given",
        ),
        _i(
            "SCHS",
            "HVC-240530",
            "CH1042877;CH1299610",
            "housing",
            "2024-05-30",
            "2024-05-31",
            "New birth visit: baby feeding well; mother tired; five people in a two-bedroom flat.",
            "Lily-Mae gaining weight, breastfeeding with top-up bottles. Katie tired and said "
            "Ryan 'works away a lot'. Jayden and Ruby share a bedroom with the baby's cot; "
            "advised Katie to ask Sharetown Homes about a transfer.",
            "special",
            "given",
        ),
        # ---------------- Autumn 2024 ----------------
        _i(
            "NVPOL",
            "NVI-240902-0301",
            "NVP0044187",
            "offending",
            "2024-09-02",
            "2024-09-03",
            "Court result: Carter given a 24-month suspended sentence order for ABH (domestic); "
            "restraining order for 3 years.",
            "At Northvale Magistrates' Court Carter was sentenced for the December 2023 assault on "
            "Chelsea Hart. He received a suspended sentence order with supervision and a "
            "restraining order protecting Chelsea. The possession and bail offences were dealt "
            "with by a fine.",
            "standard",
            "not_sought",
        ),
        _i(
            "PROB",
            "PRC-2409021",
            "X482193",
            "offending",
            "2024-09-02",
            "2024-09-04",
            "New case: 24-month suspended sentence order for ABH against a former partner.",
            "Requirements: 25 rehabilitation activity days, Building Better Relationships, 120 "
            "hours unpaid work and a six-month drug rehabilitation requirement. OASys assessment: "
            "high risk of serious harm to intimate partners and medium to children in a "
            "partner's household. Restraining order protects the victim.",
            "standard",
            "not_sought",
        ),
        _i(
            "SCHS",
            "HVC-240910",
            "CH1042877;CH1299610",
            "mental_health",
            "2024-09-10",
            "2024-09-10",
            "Maternal mood review: PHQ-9 of 16; Katie says the children's father has left.",
            "Katie tearful throughout the visit. Ryan moved out in July and 'isn't bothered' about "
            "the children. She is sleeping badly and not eating. No thoughts of self-harm. Advised "
            "to see her GP this week; she agreed to a letter to the GP.",
            "special",
            "given",
        ),
        _i(
            "RMP",
            "E204417",
            "GP88231",
            "mental_health",
            "2024-09-26",
            "2024-09-26",
            "Postnatal depression: sertraline 50 mg started; referred to perinatal mental health.",
            "Low mood since the birth, worse since her partner left; PHQ-9 17. No suicidal "
            "thoughts; protective factors are her children and her mum. Sertraline started and "
            "referral made to the perinatal team.",
            "special",
            "given",
        ),
        _i(
            "BPS",
            "CPOMS-24091",
            "S0417",
            "school_attendance",
            "2024-09-27",
            "2024-09-27",
            "Jayden late six times in his first four weeks of Year 3.",
            "Jayden usually arrives 10-20 minutes after registration, often without breakfast. "
            "Mum says the baby keeps her up at night. Reminded of breakfast club.",
            "",
            "",
        ),
        _i(
            "PROB",
            "PRC-2410142",
            "X482193",
            "other",
            "2024-10-14",
            "2024-10-14",
            "Supervision transferred to Sharetown; living with his mother at 32 Fenwick Close.",
            "Dean has moved from Northvale to his mother's house and his case is now held by the "
            "Sharetown team. He says he is single and has no contact with any children. Reminded "
            "that he must tell us about any new intimate relationship.",
            "standard",
            "not_sought",
        ),
        _i(
            "HSS",
            "HSS-E81120",
            "HSS40121",
            "mental_health",
            "2024-10-09",
            "2024-10-09",
            "New patient check: on probation, smokes cannabis daily, 'problems with anger'.",
            "Registered after moving to his mother's address. Says he is on a court order for "
            "'a fight' and has to attend a drug programme. Smokes cannabis daily, drinks 20-30 "
            "units a week. Declined referral to talking therapies.",
            "special",
            "not_sought",
        ),
        _i(
            "RMP",
            "E204988",
            "GP98817",
            "missed_appointment",
            "2024-10-15",
            "2024-10-15",
            "Lily-Mae not brought for her 16-week immunisations; recall letter sent.",
            "Second of two appointments missed. Recall letter sent to Cobbler's Row.",
            "standard",
            "",
        ),
        _i(
            "SMHT",
            "MHE-241021",
            "MH0081274",
            "mental_health",
            "2024-10-21",
            "2024-10-22",
            "Perinatal assessment: moderate postnatal depression; six sessions offered.",
            "Katherine seen at home with her five-month-old. She describes low mood, poor sleep "
            "and feeling 'on her own' since her partner left. No thoughts of harming herself or "
            "the baby. Bonding appears good. Offered six sessions with the perinatal team.",
            "special",
            "given",
        ),
        _i(
            "LAN",
            "LAN-L0411",
            "LA-0142",
            "neglect",
            "2024-10-30",
            "2024-10-30",
            "Ruby collected late three times this month; same clothes several days running.",
            "Ruby (3) was collected 30-45 minutes late on three days. She has worn the same "
            "leggings all week and her hair is unbrushed. Mum apologised and said she is "
            "'struggling with the baby'.",
            "",
            "",
        ),
        _i(
            "SCHS",
            "HVC-241112",
            "CH1299610",
            "missed_appointment",
            "2024-11-12",
            "2024-11-12",
            "No access: planned home visit for Lily-Mae; card left.",
            "No answer at 14 Cobbler's Row at the arranged time; a television could be heard. "
            "Card left asking mum to ring to rebook.",
            "standard",
            "",
        ),
        _i(
            "SDAS",
            "SDA-24112",
            "DA-20931",
            "drugs_alcohol",
            "2024-11-27",
            "2024-11-27",
            "DRR assessment: daily cannabis and weekend cocaine, usually with alcohol.",
            "Dean assessed under his drug rehabilitation requirement. He smokes cannabis every day "
            "'to stay calm' and uses cocaine most weekends. Agreed to monthly testing and key work "
            "sessions.",
            "special",
            "given",
        ),
        _i(
            "RMP",
            "E207731",
            "GP98817;GP88231",
            "missed_appointment",
            "2024-12-05",
            "2024-12-05",
            "Second recall: Lily-Mae's immunisations still not given.",
            "Practice nurse left a voicemail for mum. Mum later rang and said she 'can't face "
            "the surgery with all three'; rebooked for January.",
            "standard",
            "",
        ),
        _i(
            "SMHT",
            "MHE-241219",
            "MH0081274",
            "missed_appointment",
            "2024-12-19",
            "2024-12-19",
            "Did not attend the third perinatal session; no answer by phone.",
            "Second missed session. Letter sent offering a final appointment in January.",
            "special",
            "",
        ),
        # ---------------- Winter and spring 2025 ----------------
        _i(
            "BPS",
            "ATT-25010",
            "S0417",
            "school_attendance",
            "2025-01-09",
            "2025-01-09",
            "Autumn term attendance 88%; first attendance letter sent.",
            "Jayden missed 9 days in the autumn term, mostly Mondays, and was late on 21 days. "
            "Attendance letter 1 sent to mum.",
            "",
            "",
        ),
        _i(
            "PROB",
            "PRC-2501221",
            "X482193",
            "missed_appointment",
            "2025-01-22",
            "2025-01-23",
            "Failed to attend supervision; first warning issued.",
            "Dean did not attend and rang the next day saying he had overslept at 'a mate's'. "
            "The absence was judged unacceptable and a first warning letter was sent.",
            "standard",
            "",
        ),
        _i(
            "SMHT",
            "MHE-250130",
            "MH0081274",
            "mental_health",
            "2025-01-30",
            "2025-01-31",
            "Discharged to GP after two missed perinatal sessions.",
            "Katherine did not attend her final appointment. Discharged with a letter to her GP "
            "saying she can be re-referred at any time.",
            "special",
            "",
        ),
        _i(
            "STPOL",
            "INC-250214-0381",
            "P-118204;P-118205;" + police_kids,
            "domestic_abuse",
            "2025-02-14T22:48:00",
            "2025-02-15T01:30:00",
            "Neighbour reports shouting at 14 Cobblers Row; verbal argument between Katie and a "
            "boyfriend 'Dean', who had left.",
            "Officers attended after a neighbour reported a man and a woman shouting. Katie Welsh "
            "said she had argued with her boyfriend Dean about money and that he had gone home; "
            "she would not give his surname. No injuries or damage seen. Three children asleep "
            "upstairs. DASH: standard risk. Notification sent to children's social care.",
            "standard",
            "not_sought",
        ),
        _i(
            "SCSC",
            "CON-250217",
            csc_family,
            "domestic_abuse",
            "2025-02-17",
            "2025-02-17",
            "Police notification (standard risk): verbal argument between mother and boyfriend "
            "'Dean'. No further action; information letter sent.",
            "First contact for this family. Verbal argument only, children asleep, no previous "
            "history known. Letter sent to mother with domestic abuse support information.",
            "standard",
            "not_sought",
        ),
        _i(
            "BPS",
            "CPOMS-25030",
            "S0417",
            "domestic_abuse",
            "2025-03-03",
            "2025-03-03",
            "Jayden very tired; said he couldn't sleep because 'mum and her friend were shouting'.",
            'Jayden fell asleep during reading. When asked, he said "mum and her friend were '
            'shouting" late at night. Logged on CPOMS; DSL aware; no further action.',
            "",
            "",
        ),
        _i(
            "SDAS",
            "SDA-25031",
            "DA-20931",
            "drugs_alcohol",
            "2025-03-10",
            "2025-03-10",
            "DRR ended; cocaine still present in the final test.",
            "The six-month drug rehabilitation requirement has ended. Cannabis use has reduced "
            "but cocaine was found in the final sample. Dean declined voluntary support.",
            "special",
            "refused",
        ),
        _i(
            "STH",
            "HSG-250320",
            "STH-20418",
            "debt",
            "2025-03-20",
            "2025-03-20",
            "Rent arrears of £640 after the Universal Credit housing element stopped.",
            "The housing element stopped when Ms Walsh did not report her partner leaving "
            "the household. Referred for help with the change of circumstances; repayment of "
            "£5 a week agreed once benefit is restored.",
            "standard",
            "given",
        ),
        _i(
            "FFS",
            "FFN-1021",
            ffs_family,
            "other",
            "2025-04-02",
            "2025-04-02",
            "Referral from health visitor: single mum of three with low mood and money worries.",
            "Katie agreed to the referral. She has three children (8, 4 and 10 months), rent "
            "arrears and little family support apart from her mum. Allocated to a family support "
            "worker.",
            "standard",
            "given",
        ),
        _i(
            "STGH",
            "ED-2504151",
            "STG204511",
            "physical_injury",
            "2025-04-15T23:52:00",
            "2025-04-16T00:40:00",
            "ED: bruised left forearm and cheek; says she fell down the stairs; partner present.",
            "Katherine attended with a man she called her partner, who answered several questions "
            "for her. Bruising to the left forearm and cheekbone; no fracture. Smelled of alcohol. "
            "Routine enquiry about domestic abuse not done as she was never seen alone.",
            "special",
            "not_sought",
        ),
        _i(
            "FFS",
            "FFN-1044",
            "FF-0398",
            "debt",
            "2025-04-16",
            "2025-04-17",
            "Home visit: rent arrears of £640 and a catalogue debt; helped report change of "
            "circumstances.",
            "Katie is behind with rent and owes about £900 to a catalogue company. Helped her "
            "tell Universal Credit that Ryan has left. She says a new friend, Dean, 'helps out'.",
            "standard",
            "given",
        ),
        _i(
            "PROB",
            "PRC-2504281",
            "X482193",
            "domestic_abuse",
            "2025-04-28",
            "2025-04-29",
            "Home visit: mother says Dean stays with 'some girl with kids'; he denies any "
            "relationship.",
            "Unannounced visit to 32 Fenwick Close; Dean not in. His mother said he is 'hardly "
            "here' and stays with a girlfriend who has children. At his next appointment Dean "
            "denied being in a relationship and said he stays with friends.",
            "standard",
            "not_sought",
        ),
        _i(
            "SCHS",
            "HVC-250506",
            "CH1299610;CH1042877",
            "neglect",
            "2025-05-06",
            "2025-05-06",
            "One-year review: weight has dropped from the 50th to the 25th centile; new partner "
            "'Dean' mentioned.",
            "Lily-Mae seen at clinic. Weight down two centile spaces since six months. Katie said "
            "her new partner Dean 'helps with the kids'. Feeding advice given; review in eight "
            "weeks.",
            "special",
            "given",
        ),
        _i(
            "RMP",
            "E213560",
            "GP88231",
            "drugs_alcohol",
            "2025-05-22",
            "2025-05-22",
            "Sertraline increased; drinking wine most nights (AUDIT-C 8); declined referral.",
            "Still low in mood. Drinks most of a bottle of wine on most evenings 'to switch off'. "
            "Brief intervention given; declined referral to the drug and alcohol service.",
            "special",
            "refused",
        ),
        # ---------------- Summer 2025: the first assault, the move ----------------
        _i(
            "NVPOL",
            "NVI-250503-0415",
            "NVP0055902",
            "offending",
            "2025-05-03T23:55:00",
            "2025-05-04T02:10:00",
            "Ryan Doyle arrested for drink-driving on Hollins Road.",
            "Stopped after driving erratically; breath test 61 micrograms. Charged and bailed "
            "to Northvale Magistrates' Court. Lives alone.",
            "standard",
            "not_sought",
        ),
        _i(
            "STPOL",
            "INC-250607-0412",
            "P-121977;P-121978;" + police_kids,
            "domestic_abuse",
            "2025-06-07T23:40:00",
            "2025-06-08T03:15:00",
            "999 from Katherine Walsh: partner Dean Carter smashed her phone and grabbed her "
            "neck; he left before police arrived.",
            "Red mark to the left side of Katherine's neck; she would not give a statement. PNC "
            "shows Carter has a conviction for a domestic assault in Northvale. Three children "
            "in the flat; the baby was crying in her cot. DASH: medium risk (12 ticks). Crime "
            "recorded; Carter to be interviewed.",
            "restricted",
            "not_sought",
        ),
        _i(
            "SCSC",
            "CON-250609",
            csc_family + ";1061390",
            "domestic_abuse",
            "2025-06-09",
            "2025-06-09",
            "Police notification (medium risk): Dean Carter smashed mother's phone and grabbed her "
            "neck. Stepped down to early help.",
            "Second notification this year. Police checks show Carter has a domestic abuse "
            "conviction in Northvale; Northvale children's services were not asked what they hold. "
            "Mother says the relationship is 'on a break' and agreed to early help from Family "
            "First Sharetown.",
            "standard",
            "given",
        ),
        _i(
            "STPOL",
            "CR-25-061244",
            "P-121978;P-121977",
            "offending",
            "2025-06-12T14:00:00",
            "2025-06-12T18:30:00",
            "Carter interviewed; no comment; no further action as the victim does not support a "
            "prosecution.",
            "Carter attended by appointment and made no comment. Katherine Walsh has withdrawn "
            "her support. No independent evidence; crime filed.",
            "restricted",
            "not_sought",
        ),
        _i(
            "FFS",
            "FFN-1102",
            ffs_family,
            "domestic_abuse",
            "2025-06-17",
            "2025-06-17",
            "Step-down from the MASH after a police call-out; Katie says Dean 'has a temper' but "
            "it was a one-off.",
            "Katie says Dean does not live with her and they are taking a break. Safety plan "
            "discussed; she did not want a referral to the domestic abuse service.",
            "standard",
            "refused",
        ),
        _i(
            "PROB",
            "PRC-2506251",
            "X482193",
            "offending",
            "2025-06-25",
            "2025-06-25",
            "Breach action started: two missed appointments and a missed Building Better "
            "Relationships session.",
            "Dean gave no acceptable reason. Breach laid before the court. He says things are "
            "'stressful with a mate' but would not say more.",
            "standard",
            "not_sought",
        ),
        _i(
            "LAN",
            "LAN-L0467",
            "LA-0142",
            "domestic_abuse",
            "2025-07-02",
            "2025-07-02",
            "Ruby said at circle time: 'Dean shouted at mummy and broke the phone.'",
            "Ruby (4) said this unprompted while talking about the weekend. The manager spoke to "
            "mum at collection; mum laughed and said it was the television and Dean is a friend. "
            "Logged.",
            "",
            "",
        ),
        _i(
            "BPS",
            "ATT-25071",
            "S0417",
            "school_attendance",
            "2025-07-11",
            "2025-07-11",
            "End-of-year attendance 86%: below the persistent absence threshold.",
            "Jayden missed 26 sessions this year and was late 38 times. Attendance meeting offered "
            "for September.",
            "",
            "",
        ),
        _i(
            "FFS",
            "FFN-1131",
            "FF-0398;FF-0401;FF-0402",
            "neglect",
            "2025-07-15",
            "2025-07-15",
            "Home visit: very little food in the flat; food bank voucher given. Grandmother "
            "Sandra helps with childcare.",
            "Fridge nearly empty and the baby's formula almost gone. Food bank voucher given. "
            "Katie's mum Sandra arrived during the visit; later, outside, she said she 'doesn't "
            "trust that Dean'.",
            "standard",
            "given",
        ),
        _i(
            "LAN",
            "LAN-L0470",
            "LA-0142",
            "other",
            "2025-07-18",
            "2025-07-18",
            "Ruby leaves for Brookfield Primary; transition record sent with the concerns section "
            "left blank.",
            "Ruby's transition record went to Brookfield Primary. The logged concerns (late "
            "collections, her comment about Dean) were not included as they were 'low level'.",
            "",
            "",
        ),
        _i(
            "STH",
            "HSG-250722",
            sth_household,
            "housing",
            "2025-07-22",
            "2025-07-22",
            "Management transfer approved for overcrowding; offered a three-bedroom house at "
            "27 Marsh Lane.",
            "Household: Ms Walsh and three children in a two-bedroom flat. Transfer approved; "
            "arrears of £712 to carry over under an agreement of £5 a week.",
            "standard",
            "given",
        ),
        _i(
            "STH",
            "HSG-250811",
            sth_household,
            "housing",
            "2025-08-11",
            "2025-08-11",
            "Tenancy start at 27 Marsh Lane (ST3); household of tenant and three children.",
            "Ms Walsh signed for 27 Marsh Lane. No other adults declared in the household. Old "
            "tenancy at 14 Cobbler's Row ended.",
            "standard",
            "given",
        ),
        _i(
            "PROB",
            "PRC-2508191",
            "X482193",
            "offending",
            "2025-08-19",
            "2025-08-20",
            "Breach proved: order continued with ten extra rehabilitation activity days and a "
            "fine.",
            "Dean told the court he lives with his mother at Fenwick Close and is looking for "
            "work. The order continues.",
            "standard",
            "not_sought",
        ),
        _i(
            "FFS",
            "FFN-1187",
            "FF-0398",
            "housing",
            "2025-09-02",
            "2025-09-02",
            "Katie says the family has moved to a bigger house 'across town'; new address to "
            "follow.",
            "Phone call. Katie is pleased with the move but did not have the full address to hand. "
            "Next visit to be arranged.",
            "standard",
            "given",
        ),
        _i(
            "BPS",
            "CPOMS-25090",
            "S0588;C0311;C0689",
            "other",
            "2025-09-03",
            "2025-09-03",
            "Ruby starts in Reception; new address 27 Marsh Lane; mum's partner Dean Carter added "
            "as a contact who may collect.",
            "Admission form completed by mum. Dean Carter is listed as 'mum's partner' at the same "
            "address. No concerns came with Ruby from nursery.",
            "",
            "",
        ),
        _i(
            "SCHS",
            "HVC-250910",
            "CH1299610",
            "missed_appointment",
            "2025-09-10",
            "2025-09-11",
            "Family moved; records transferred to the East team; two contact attempts unanswered.",
            "Lily-Mae's record moved from the West team after the family's move. The new health "
            "visitor rang twice and left messages.",
            "standard",
            "",
        ),
        _i(
            "SDAS",
            "SDA-25092",
            "DA-20931",
            "drugs_alcohol",
            "2025-09-25",
            "2025-09-25",
            "Drop-in: Dean asked for advice about cocaine and said he uses it 'with my girlfriend' "
            "at weekends.",
            "Harm-reduction advice given. He did not give his girlfriend's name and declined a "
            "referral for key work. Has been out of treatment since March.",
            "special",
            "refused",
        ),
        # ---------------- Autumn 2025 at Marsh Lane ----------------
        _i(
            "STPOL",
            "INC-251004-0233",
            "P-121977;P-121978;" + police_kids,
            "domestic_abuse",
            "2025-10-04T21:15:00",
            "2025-10-04T23:50:00",
            "Disturbance at 27 Marsh Lane: argument between Walsh and Carter; Jayden had a cut "
            "lip, said he fell off his scooter.",
            "Neighbour reported screaming. Both adults said they had argued about the television. "
            "Jayden (8) had a fresh cut to his lip and said he fell off his scooter; Katherine "
            "would not answer the DASH questions. No offences disclosed. Notification sent to "
            "children's social care.",
            "standard",
            "not_sought",
        ),
        _i(
            "STGH",
            "ED-2510052",
            "STG204977",
            "physical_injury",
            "2025-10-05T10:15:00",
            "2025-10-05T11:05:00",
            "ED: Jayden (8) with a split lip; says he fell off his scooter.",
            "Small laceration to the lower lip closed with adhesive strips. Jayden was quiet and "
            "let mum answer for him. Safeguarding checklist: no concerns. Discharged.",
            "special",
            "not_sought",
        ),
        _i(
            "SCSC",
            "CON-251006",
            csc_family + ";1061390",
            "domestic_abuse",
            "2025-10-06",
            "2025-10-06",
            "Police notification: argument at Marsh Lane; Jayden had a cut lip. No further action "
            "as the family is open to early help.",
            "Third notification in eight months. Screened by the duty worker; the family is "
            "working with Family First Sharetown, so no further action.",
            "standard",
            "not_sought",
        ),
        _i(
            "STH",
            "HSG-251009",
            "STH-20418",
            "domestic_abuse",
            "2025-10-09",
            "2025-10-09",
            "Anonymous neighbour: shouting, banging and a child crying late at night at No. 27.",
            "The caller did not want to be identified. They say a man seems to be living at the "
            "house and there are rows 'most weekends'. Tenant to be reminded of her tenancy "
            "conditions.",
            "restricted",
            "not_sought",
        ),
        _i(
            "BPS",
            "CPOMS-25101",
            "S0417;C0311;C0689",
            "domestic_abuse",
            "2025-10-14",
            "2025-10-14",
            'Disclosure to class teacher: "mummy and Dean shout, Dean hurt mummy".',
            'During a story about feelings Jayden told his class teacher: "mummy and Dean shout, '
            'Dean hurt mummy". He said it happened at the weekend and that he hid in his room '
            "with his sisters. The DSL rang the MASH for advice and was told to speak to mum and "
            "consider an early help referral.",
            "",
            "not_sought",
        ),
        _i(
            "SCSC",
            "CON-251015",
            "1048824",
            "domestic_abuse",
            "2025-10-15",
            "2025-10-15",
            "Consultation from the Brookfield DSL about Jayden's disclosure; advised to speak to "
            "mum and refer to early help.",
            "Recorded as a consultation, not a referral. The family is already open to early help "
            "through Family First Sharetown.",
            "standard",
            "not_sought",
        ),
        _i(
            "BPS",
            "CPOMS-25102",
            "S0417;C0311",
            "domestic_abuse",
            "2025-10-16",
            "2025-10-16",
            "DSL spoke to mum: a 'one-off argument'; she says Dean no longer stays over.",
            "Mum said she and Dean had argued but nobody was hurt and that Jayden 'exaggerates'. "
            "She declined an early help referral because she already has a family support "
            "worker.",
            "",
            "refused",
        ),
        _i(
            "RMP",
            "E219002",
            "GP90412;GP88231",
            "emotional_abuse",
            "2025-10-22",
            "2025-10-22",
            "Jayden (8) seen with headaches and poor sleep; mum says he is 'a worrier'.",
            "No physical cause found. Jayden said he wakes up 'when it's noisy'. Sleep hygiene "
            "advice given.",
            "special",
            "not_sought",
        ),
        _i(
            "STGH",
            "ED-2511021",
            "STG318877",
            "physical_injury",
            "2025-11-02T19:30:00",
            "2025-11-02T22:40:00",
            "ED: 17-month-old with bruising to the left ear and cheek; mum says she fell against "
            "a coffee table yesterday.",
            "Lily-Mae brought by her mother and mother's partner. Triage nurse noted that bruising "
            "to the ear is unusual for a fall. The registrar accepted the explanation; "
            "safeguarding checklist marked 'no concerns'. Liaison form sent to health visiting.",
            "special",
            "not_sought",
        ),
        _i(
            "SCHS",
            "HVC-251104",
            "CH1299610",
            "physical_injury",
            "2025-11-04",
            "2025-11-07",
            "ED liaison form received: bruising to ear and cheek; to follow up at next contact.",
            "The form went to the West team and was forwarded to the East team three days later. "
            "Added to the health visitor's list for the next contact.",
            "special",
            "",
        ),
        _i(
            "RMP",
            "E221904",
            "GP98817",
            "missed_appointment",
            "2025-11-18",
            "2025-11-18",
            "Lily-Mae not brought for her one-year booster immunisations; third reminder.",
            "No response to two texts and a letter. Added to the practice's 'was not brought' "
            "list.",
            "standard",
            "",
        ),
        _i(
            "STH",
            "HSG-251125",
            "STH-20418",
            "debt",
            "2025-11-25",
            "2025-11-25",
            "Arrears £1,120; warning letter before a Notice of Seeking Possession.",
            "No payments for seven weeks. Tenant not answering calls or visits.",
            "standard",
            "not_sought",
        ),
        _i(
            "SCHS",
            "HVC-251201",
            "CH1299610",
            "missed_appointment",
            "2025-12-01",
            "2025-12-01",
            "No access visit to follow up the ED attendance; letter sent.",
            "Curtains drawn and no answer at 27 Marsh Lane at 11:00. Letter asking mum to "
            "contact the team.",
            "standard",
            "",
        ),
        _i(
            "FFS",
            "FFN-1266",
            "FF-0398",
            "domestic_abuse",
            "2025-12-02",
            "2025-12-02",
            "Katie says Dean gets jealous and checks her phone; asked that nothing is shared.",
            "Katie became upset while talking about Christmas money. She said Dean 'goes mad' if "
            "she talks to other men and takes her phone. She asked for this not to be passed on. "
            "Domestic abuse helpline details given.",
            "restricted",
            "refused",
        ),
        _i(
            "STGH",
            "ED-2512061",
            "STG352210",
            "physical_injury",
            "2025-12-06T01:10:00",
            "2025-12-06T02:30:00",
            "ED: fracture of the right fifth metacarpal after punching a wall.",
            "Dean Carter (33) said he punched a wall 'in frustration'. X-ray confirmed a boxer's "
            "fracture; hand strapped and fracture clinic booked. Smelled of alcohol.",
            "special",
            "not_sought",
        ),
        _i(
            "HSS",
            "HSS-E90331",
            "HSS40121",
            "mental_health",
            "2025-12-10",
            "2025-12-10",
            "Wants sleeping tablets; anxious and 'angry all the time'; hand fracture from punching "
            "a wall.",
            "Says he is 'stressed with the kids' but when asked said he has no children. Declined "
            "referral for anger management. No hypnotics prescribed.",
            "special",
            "refused",
        ),
        _i(
            "PROB",
            "PRC-2512221",
            "X482193",
            "domestic_abuse",
            "2025-12-22",
            "2025-12-22",
            "Mother says Dean lives with a partner 'Kate' and her children; Dean denies it. "
            "Police and children's services checks to be requested.",
            "Home visit to Fenwick Close: his mother said Dean 'is always at Kate's with her "
            "kids'. Dean denies a relationship. Checks with police and children's services to be "
            "sent.",
            "standard",
            "not_sought",
        ),
        # ---------------- Winter 2026 ----------------
        _i(
            "FFS",
            "FFN-1301",
            "FF-0401",
            "other",
            "2026-01-05",
            "2026-01-05",
            "Arranged an early-help funded nursery place for Lily-Mae at Little Acorns from "
            "January.",
            "To give Katie a break and help Lily-Mae's speech. Katie agreed and will register her.",
            "standard",
            "given",
        ),
        _i(
            "LAN",
            "LAN-L0602",
            "LA-0203;LA-0205",
            "other",
            "2026-01-06",
            "2026-01-06",
            "Lily Mae started on a funded place; registered by her dad, Dean Carter.",
            "Dean completed the registration form and gave the surname Carter. The red book and "
            "NHS number were not seen; mum to bring them in.",
            "",
            "",
        ),
        _i(
            "SCHS",
            "HVC-260119",
            "CH1042901",
            "emotional_abuse",
            "2026-01-19",
            "2026-01-19",
            "School nurse drop-in: Jayden says he can't sleep because of noise at home.",
            "Jayden (9) came to the drop-in with a friend. He said the grown-ups are 'loud at "
            "night'. Advice on sleep; offered a follow-up he did not attend.",
            "special",
            "not_sought",
        ),
        _i(
            "PROB",
            "PRC-2601191",
            "X482193",
            "other",
            "2026-01-19",
            "2026-01-19",
            "Case reallocated during the officer's sickness; police and children's services "
            "checks not yet sent.",
            "The covering officer found the checks requested in December still outstanding. "
            "Added to the task list.",
            "standard",
            "not_sought",
        ),
        _i(
            "LAN",
            "LAN-L0618",
            "LA-0203;LA-0204",
            "physical_injury",
            "2026-01-20",
            "2026-01-20",
            "Bruise on Lily Mae's upper arm seen at nappy change; mum says her brother bumped her.",
            "A 3 cm bruise on the back of the left upper arm. Body map completed; mum's "
            "explanation recorded.",
            "",
            "",
        ),
        _i(
            "LAN",
            "LAN-L0624",
            "LA-0203",
            "neglect",
            "2026-01-28",
            "2026-01-28",
            "Lily Mae arrived very hungry (three breakfasts) in a heavy nappy not changed "
            "overnight.",
            "Nappy rash. She ate three bowls of cereal and a piece of toast. Discussed with dad at "
            "collection.",
            "",
            "",
        ),
        _i(
            "SDAS",
            "SDA-26020",
            "DA-23118",
            "drugs_alcohol",
            "2026-02-03",
            "2026-02-03",
            "Self-referral: drinking about a bottle of wine a night; wants to cut down.",
            "Kate says her drinking has 'crept up' since her youngest was born. AUDIT 19. She said "
            "her partner 'uses coke at weekends' but did not want to talk about him. Three children "
            "at home. Consent to share with her GP.",
            "special",
            "given",
        ),
        _i(
            "BPS",
            "ATT-26021",
            "S0417",
            "school_attendance",
            "2026-02-10",
            "2026-02-10",
            "Jayden's attendance 81%: persistent absence; mum did not come to the attendance "
            "meeting.",
            "Referral to the attendance team considered.",
            "",
            "",
        ),
        _i(
            "BPS",
            "ATT-26022",
            "S0588",
            "school_attendance",
            "2026-02-10",
            "2026-02-10",
            "Ruby late 12 times this term.",
            "Usually brought by Jayden; both arrive after the register closes.",
            "",
            "",
        ),
        _i(
            "STPOL",
            "INC-260214-0502",
            "P-121977;P-121978;" + police_kids,
            "domestic_abuse",
            "2026-02-14T23:20:00",
            "2026-02-15T04:00:00",
            "Katie assaulted at 27 Marsh Lane; Dean Carter arrested for common assault; children "
            "present.",
            "Katherine had a swollen lip and said Carter hit her after a night drinking. Body-worn "
            "video captured her account but she declined a statement. She answered few DASH "
            "questions: medium risk. Carter bailed not to contact her or go to Marsh Lane. "
            "Probation notified of the arrest.",
            "restricted",
            "not_sought",
        ),
        _i(
            "SCSC",
            "CON-260216",
            csc_family + ";1061390",
            "domestic_abuse",
            "2026-02-16",
            "2026-02-16",
            "Fourth police notification in twelve months (assault, Carter arrested); child and "
            "family assessment started.",
            "MASH decision: the pattern of notifications needs a statutory assessment. Allocated "
            "to the assessment team.",
            "standard",
            "not_sought",
        ),
        _i(
            "PROB",
            "PRC-2602181",
            "X482193;PC-7731",
            "domestic_abuse",
            "2026-02-18",
            "2026-02-18",
            "Police report Dean's arrest for assaulting 'Katie Welsh'; he says she is a friend "
            "and no children live there.",
            "Dean says Katie is 'just a mate'. Risk of serious harm reviewed: remains high. "
            "Police to be asked whether children live at the address.",
            "standard",
            "not_sought",
        ),
        _i(
            "FFS",
            "FFN-1340",
            "FF-0398",
            "domestic_abuse",
            "2026-02-25",
            "2026-02-25",
            "Katie says Dean has moved out after 'a big row' and has bail conditions.",
            "Katie seemed relieved. She is drinking less and has seen the drug and alcohol "
            "service.",
            "standard",
            "given",
        ),
        _i(
            "SDAS",
            "SDA-26030",
            "DA-23118",
            "drugs_alcohol",
            "2026-03-03",
            "2026-03-03",
            "Key work: Kate says she is drinking less and her partner has moved out.",
            "Drinking about half a bottle a night. Plan: drink-free days and a relapse prevention "
            "group.",
            "special",
            "given",
        ),
        _i(
            "SCSC",
            "ASM-260305",
            csc_family + ";1079204;1079205",
            "neglect",
            "2026-03-05",
            "2026-03-06",
            "Assessment visit: mum says the relationship is over; home cluttered with little "
            "food; Lily-Mae quiet and withdrawn.",
            "All three children seen. Lily-Mae did not babble or play and stayed on the sofa. "
            "Katie named her mother Sandra as her support and Ryan Doyle as the children's father, "
            "who lives in Northvale.",
            "standard",
            "given",
        ),
        _i(
            "STH",
            "HSG-260112",
            "STH-20418",
            "debt",
            "2026-01-12",
            "2026-01-12",
            "Notice of Seeking Possession served for arrears of £1,310.",
            "Served by hand. Tenant referred to the money advice service.",
            "standard",
            "not_sought",
        ),
        _i(
            "STH",
            "HSG-260310",
            "STH-20418",
            "debt",
            "2026-03-10",
            "2026-03-10",
            "Possession hearing adjourned on terms: rent plus £4 a week off arrears of £1,480.",
            "Ms Walsh attended court with her mother.",
            "standard",
            "not_sought",
        ),
        _i(
            "RMP",
            "E226341",
            "GP88231",
            "mental_health",
            "2026-03-12",
            "2026-03-12",
            "Low mood and drinking; says her partner has moved out; referred to talking therapies.",
            "Katherine is sleeping badly and drinking less than before, with help from the drug "
            "and alcohol service. Sertraline continued.",
            "special",
            "given",
        ),
        _i(
            "SMHT",
            "MHE-260318",
            "MH0081274",
            "mental_health",
            "2026-03-18",
            "2026-03-18",
            "Re-referral from GP: moderate depression and anxiety; 14-week wait for talking "
            "therapies.",
            "Telephone assessment. Lives with three children; recently separated from her "
            "partner; drinking less. Placed on the waiting list.",
            "special",
            "given",
        ),
        _i(
            "LAN",
            "LAN-L0651",
            "LA-0203",
            "school_attendance",
            "2026-03-24",
            "2026-03-24",
            "Lily Mae attended 4 of 12 sessions in March; calls to mum unanswered.",
            "Texts to mum and dad not answered.",
            "",
            "",
        ),
        _i(
            "STPOL",
            "INC-260402-0144",
            "P-121978;P-121977",
            "offending",
            "2026-04-02T07:50:00",
            "2026-04-02T11:20:00",
            "Neighbour reports Carter at 27 Marsh Lane in breach of bail; not found; Katherine "
            "denied he had been there.",
            "Officers attended within 20 minutes. Men's work boots in the hallway. Katherine said "
            "they belonged to her brother.",
            "restricted",
            "not_sought",
        ),
        _i(
            "SCSC",
            "ASM-260414",
            csc_family + ";1061390;1079204;1079205",
            "other",
            "2026-04-14",
            "2026-04-14",
            "Child and family assessment completed: mother has separated and is protective; "
            "closed with step-down to early help.",
            "Mother says the relationship with Dean Carter is over and bail conditions keep him "
            "away. Maternal grandmother is a support. Checks with Northvale children's services "
            "and probation were not completed before the case was closed.",
            "standard",
            "given",
        ),
        _i(
            "STPOL",
            "CR-26-020911",
            "P-121978;P-121977",
            "offending",
            "2026-04-20",
            "2026-04-20",
            "Common assault of 14 February: no further action (victim retracted); bail cancelled.",
            "Katherine signed a retraction statement. Body-worn footage alone was not enough to "
            "prosecute.",
            "restricted",
            "not_sought",
        ),
        _i(
            "SCHS",
            "HVC-260428",
            "CH1299610",
            "missed_appointment",
            "2026-04-28",
            "2026-04-28",
            "Two-year review: no access on two visits; letter to GP.",
            "Lily-Mae has not been seen by the health visiting service since May 2025.",
            "standard",
            "",
        ),
        _i(
            "RMP",
            "E228430",
            "GP98817;GP88231",
            "missed_appointment",
            "2026-05-05",
            "2026-05-05",
            "Letter from health visiting: no access for Lily-Mae's two-year review. Filed.",
            "Scanned to the notes; no action recorded.",
            "standard",
            "",
        ),
        _i(
            "BPS",
            "CPOMS-26050",
            "S0417;C0311",
            "physical_injury",
            "2026-05-06",
            "2026-05-06",
            "Bruise on Jayden's cheek: he said 'Dean pushed me', then that he fell off a "
            "trampoline.",
            "The DSL rang mum, who said he fell off a friend's trampoline. Mum said the social "
            "worker has just closed the case. Logged; no referral.",
            "",
            "",
        ),
        _i(
            "SDAS",
            "SDA-26051",
            "DA-23118",
            "missed_appointment",
            "2026-05-12",
            "2026-05-12",
            "Did not attend two appointments; discharged with a letter to the GP.",
            "Phone switched off. Discharge letter sent to the GP.",
            "special",
            "",
        ),
        _i(
            "RMP",
            "E229977",
            "GP88231",
            "drugs_alcohol",
            "2026-05-14",
            "2026-05-14",
            "Letter from the drug and alcohol service: discharged after not attending.",
            "Filed; to discuss at next consultation.",
            "special",
            "",
        ),
        _i(
            "PROB",
            "PRC-2605211",
            "X482193",
            "drugs_alcohol",
            "2026-05-21",
            "2026-05-21",
            "Attended appearing under the influence; says he has split with his girlfriend.",
            "Slurred speech, smelled of cannabis. Appointment rebooked for the next day, which he "
            "kept.",
            "special",
            "not_sought",
        ),
        _i(
            "STH",
            "HSG-260603",
            "STH-20418;STH-31876",
            "housing",
            "2026-06-03",
            "2026-06-03",
            "Neighbour reports a man living at No. 27 and daily arguments; a man called 'Dean' "
            "answered the door and said he visits.",
            "The man would not give his surname and said he lives 'at his mum's'. Tenant reminded "
            "to tell us who lives in the household.",
            "restricted",
            "not_sought",
        ),
        _i(
            "LAN",
            "LAN-L0688",
            "LA-0203;LA-0204;LA-0205",
            "physical_injury",
            "2026-06-10",
            "2026-06-10",
            "Bruising to both shins and a healing mark on the back of Lily Mae's hand; referral "
            "made to the MASH.",
            "Mum said Lily Mae touched a radiator and bumps into things. Body map completed. "
            "Referral phoned through and confirmed in writing.",
            "",
            "not_sought",
        ),
        _i(
            "SCSC",
            "CON-260611",
            "1103318",
            "physical_injury",
            "2026-06-11",
            "2026-06-11",
            "Nursery referral: Lily Mae Carter (2) with bruised shins and a mark on her hand; no "
            "previous involvement; explanation accepted.",
            "No match found for 'Lily Mae Carter' with the date of birth given, so a new record "
            "was made. Duty social worker visited by appointment: mum said the child touched a "
            "radiator and bumps into a toy box. No adult male present. No further action.",
            "standard",
            "not_sought",
        ),
        _i(
            "FFS",
            "FFN-1402",
            ffs_family,
            "other",
            "2026-06-16",
            "2026-06-16",
            "Case closed: Katie did not engage; three visits cancelled.",
            "Closure letter sent to 14 Cobbler's Row.",
            "standard",
            "not_sought",
        ),
        _i(
            "STGH",
            "ED-2606261",
            "STG204511",
            "physical_injury",
            "2026-06-26T00:35:00",
            "2026-06-26T02:15:00",
            "ED: facial swelling and a cut eyebrow; says she fell while drunk; denies domestic "
            "abuse.",
            "Cut to the right eyebrow glued. Asked alone about domestic abuse and said no. "
            "Offered the hospital IDVA; declined.",
            "special",
            "refused",
        ),
        _i(
            "RMP",
            "E231118",
            "GP88231",
            "mental_health",
            "2026-07-01",
            "2026-07-01",
            "Phone consultation: very anxious and asking for diazepam; says her ex is 'back on "
            "and off'.",
            "Diazepam not prescribed. Advised to chase talking therapies. No mention of the "
            "children.",
            "special",
            "not_sought",
        ),
        _i(
            "SMHT",
            "MHE-260702",
            "MH0081274",
            "missed_appointment",
            "2026-07-02",
            "2026-07-02",
            "Did not attend first talking-therapies session; opt-in letter sent.",
            "Letter sent to 14 Cobbler's Row.",
            "special",
            "",
        ),
        _i(
            "LAN",
            "LAN-L0701",
            "LA-0203;LA-0143",
            "other",
            "2026-07-07",
            "2026-07-07",
            "Grandma collected Lily Mae and said she is worried about 'what goes on in that "
            "house'.",
            "Sandra would not say more and said she did not want to cause trouble for her "
            "daughter. Logged.",
            "",
            "",
        ),
        _i(
            "STPOL",
            "INC-260708-0611",
            "P-118206;P-121977;P-121978",
            "missing",
            "2026-07-08T21:05:00",
            "2026-07-09T00:20:00",
            "Jayden (9) reported missing by his mother; found at 23:15 in the park off Marsh "
            "Lane. Mother appeared drunk; Carter present.",
            "Jayden said he went out because 'they were fighting'. Returned home. Notification "
            "sent to children's social care.",
            "standard",
            "not_sought",
        ),
        _i(
            "SCSC",
            "CON-260709",
            "1048823;1048824",
            "missing",
            "2026-07-09",
            "2026-07-09",
            "Police notification: Jayden missing for two hours at night; mother appeared "
            "intoxicated. No further action; advice letter.",
            "Case closed in April. Screened as not meeting the threshold for a new assessment.",
            "standard",
            "not_sought",
        ),
        _i(
            "BPS",
            "CPOMS-26071",
            "S0417",
            "emotional_abuse",
            "2026-07-16",
            "2026-07-16",
            "Jayden told a teaching assistant he doesn't want the summer holidays because 'home "
            "is loud'.",
            "Logged. DSL to check in with Jayden in September.",
            "",
            "",
        ),
        _i(
            "BPS",
            "ATT-26071",
            "S0417;S0588",
            "school_attendance",
            "2026-07-17",
            "2026-07-17",
            "End of year: Jayden 79% and Ruby 84% attendance; both persistently absent.",
            "Letters sent for both children. Referral to the attendance team planned for "
            "September.",
            "",
            "",
        ),
        _i(
            "PROB",
            "PRC-2607201",
            "X482193",
            "missed_appointment",
            "2026-07-20",
            "2026-07-20",
            "Failed to attend; final warning issued.",
            "Second unacceptable absence in twelve months. Any further absence will lead to "
            "breach.",
            "standard",
            "not_sought",
        ),
        _i(
            "LAN",
            "LAN-L0712",
            "LA-0203",
            "school_attendance",
            "2026-07-21",
            "2026-07-21",
            "Lily Mae has not attended since 13 July; no contact from the family.",
            "Calls unanswered. Place held until September.",
            "",
            "",
        ),
        _i(
            "STH",
            "HSG-260729",
            "STH-20418",
            "debt",
            "2026-07-29",
            "2026-07-29",
            "Arrears £1,905; court terms broken; warrant application being considered.",
            "No payments since May.",
            "standard",
            "not_sought",
        ),
        _i(
            "SCHS",
            "HVC-260803",
            "CH1299610;CH1042877",
            "missed_appointment",
            "2026-08-03",
            "2026-08-03",
            "'Was not brought' escalation to team lead: Lily-Mae not seen since May 2025.",
            "Team lead to discuss with the named nurse for safeguarding.",
            "standard",
            "",
        ),
        # ---------------- 14 August 2026 ----------------
        _i(
            "STPOL",
            "INC-260814-0027",
            "P-121977;P-121978;" + police_kids,
            "physical_injury",
            "2026-08-14T02:17:00",
            "2026-08-14T06:00:00",
            "999 from Katherine Walsh: two-year-old unresponsive at 27 Marsh Lane after a violent "
            "altercation between her and her partner.",
            "Call handler talked Katherine through CPR until the ambulance arrived. Carter was at "
            "the address with injuries to his hands. Jayden and Ruby were in their bedroom. "
            "Lily-Mae was taken to Sharetown General Hospital.",
            "restricted",
            "not_sought",
        ),
        _i(
            "STGH",
            "ED-2608141",
            "STG318877",
            "physical_injury",
            "2026-08-14T02:41:00",
            "2026-08-14T04:10:00",
            "Brought in by ambulance in cardiac arrest; pronounced dead at 03:22. Head injuries "
            "not consistent with the account given.",
            "Resuscitation for 41 minutes. CT showed a skull fracture. Older bruising on both arms "
            "and legs. Police and the coroner's officer informed.",
            "restricted",
            "not_sought",
        ),
        _i(
            "STGH",
            "ED-2608142",
            "STG204511",
            "physical_injury",
            "2026-08-14T03:05:00",
            "2026-08-14T04:30:00",
            "Mother treated for facial injuries and a bite mark to the forearm; police present.",
            "Katherine very distressed and smelled of alcohol. Wounds cleaned and photographed "
            "for police.",
            "restricted",
            "not_sought",
        ),
        _i(
            "STPOL",
            "CR-26-081401",
            "P-121978;P-121977",
            "offending",
            "2026-08-14T03:40:00",
            "2026-08-14T09:30:00",
            "Dean Carter arrested on suspicion of murder; Katherine Walsh arrested on suspicion of "
            "causing or allowing the death of a child.",
            "Both arrested at the hospital. Jayden and Ruby taken into police protection and "
            "placed with their maternal grandmother.",
            "restricted",
            "not_sought",
        ),
    ]


# --------------------------------------------------------------------------------------
# Background population (generated from SEED)
# --------------------------------------------------------------------------------------

FEMALE = "F"
MALE = "M"

# culture: weight, female given names, male given names, surnames
CULTURES: dict[str, tuple[int, list[str], list[str], list[str]]] = {
    "british": (
        48,
        [
            "Olivia",
            "Amelia",
            "Isla",
            "Ava",
            "Mia",
            "Ivy",
            "Freya",
            "Florence",
            "Grace",
            "Sophie",
            "Emily",
            "Ella",
            "Evie",
            "Poppy",
            "Amber",
            "Jessica",
            "Hannah",
            "Sarah",
            "Laura",
            "Emma",
            "Rebecca",
            "Jennifer",
            "Elizabeth",
            "Katherine",
            "Margaret",
            "Samantha",
            "Charlotte",
            "Eleanor",
            "Abigail",
            "Zoë",
            "Leah",
            "Megan",
            "Danielle",
            "Kayleigh",
            "Stacey",
            "Nicola",
            "Claire",
            "Joanne",
            "Donna",
            "Tracey",
            "Susan",
            "Patricia",
            "Victoria",
            "Chloe",
            "Paige",
            "Lily-Rose",
            "Ellie-May",
            "Harriet",
            "Maisie",
            "Georgia",
        ],
        [
            "Oliver",
            "George",
            "Noah",
            "Arthur",
            "Leo",
            "Harry",
            "Oscar",
            "Jack",
            "Thomas",
            "James",
            "William",
            "Robert",
            "Michael",
            "Daniel",
            "Christopher",
            "Joshua",
            "Nicholas",
            "Alexander",
            "Samuel",
            "Joseph",
            "Benjamin",
            "Liam",
            "Connor",
            "Kyle",
            "Jordan",
            "Callum",
            "Lewis",
            "Ethan",
            "Mason",
            "Tyler",
            "Dylan",
            "Reece",
            "Gary",
            "Paul",
            "Mark",
            "Stephen",
            "David",
            "John",
            "Peter",
            "Kevin",
            "Anthony",
            "Matthew",
            "Richard",
            "Edward",
            "Alfie",
            "Archie",
            "Freddie",
            "Harley",
            "Tommy-Lee",
            "Riley",
        ],
        [
            "Smith",
            "Jones",
            "Williams",
            "Brown",
            "Taylor",
            "Wilson",
            "Davies",
            "Evans",
            "Thomas",
            "Roberts",
            "Hughes",
            "Green",
            "Hall",
            "Wood",
            "Clarke",
            "Lewis",
            "Robinson",
            "Walker",
            "Wright",
            "Turner",
            "Hill",
            "Moore",
            "Jackson",
            "Price",
            "Harrison",
            "Cooper",
            "Ward",
            "Morris",
            "Baker",
            "Shaw",
            "Holmes",
            "Fletcher",
            "Barker",
            "Lowe",
            "Atkinson",
            "Pearson",
            "Riley",
            "Marsden",
            "Bradley",
        ],
    ),
    "irish": (
        6,
        ["Siobhan", "Niamh", "Aoife", "Ciara", "Orla", "Roisin", "Mary", "Bridget"],
        ["Patrick", "Sean", "Liam", "Declan", "Ciaran", "Conor", "Eoin", "Michael"],
        [
            "O'Brien",
            "Murphy",
            "Kelly",
            "Byrne",
            "Brennan",
            "McCarthy",
            "O'Neill",
            "Quinn",
            "O'Connor",
            "Gallagher",
        ],
    ),
    "welsh": (
        3,
        ["Siân", "Cerys", "Ffion", "Bethan", "Carys", "Megan"],
        ["Rhys", "Dafydd", "Gareth", "Owain", "Gethin", "Huw"],
        ["Jones", "Evans", "Griffiths", "Pritchard", "Llewellyn", "Morgan"],
    ),
    "pakistani": (
        8,
        [
            "Aisha",
            "Fatima",
            "Zainab",
            "Maryam",
            "Amira",
            "Nasreen",
            "Saima",
            "Hafsa",
            "Iqra",
            "Sana",
        ],
        [
            "Mohammed",
            "Ibrahim",
            "Yusuf",
            "Omar",
            "Ali",
            "Hamza",
            "Bilal",
            "Imran",
            "Tariq",
            "Zain",
            "Ahmed",
        ],
        ["Khan", "Ahmed", "Hussain", "Ali", "Iqbal", "Rahman", "Akhtar", "Mahmood", "Shah", "Bibi"],
    ),
    "indian": (
        5,
        ["Priya", "Anjali", "Meera", "Kiran", "Simran", "Neha", "Pooja", "Harpreet"],
        ["Arjun", "Rohan", "Vikram", "Rajesh", "Sanjay", "Amrit", "Dev", "Ravi"],
        ["Patel", "Singh", "Sharma", "Mistry", "Chauhan", "Gill", "Sandhu", "Parmar"],
    ),
    "polish": (
        7,
        [
            "Zofia",
            "Maja",
            "Julia",
            "Aleksandra",
            "Małgorzata",
            "Agnieszka",
            "Kasia",
            "Natalia",
            "Zuzanna",
        ],
        ["Łukasz", "Jakub", "Piotr", "Tomasz", "Krzysztof", "Michał", "Kacper", "Filip"],
        [
            "Nowak",
            "Kowalski",
            "Wiśniewski",
            "Lewandowski",
            "Zieliński",
            "Wójcik",
            "Kamiński",
            "Mazur",
        ],
    ),
    "portuguese": (
        3,
        ["Ana", "Inês", "Beatriz", "Mariana", "Sofia"],
        ["José", "João", "Luís", "Tiago", "Rafael", "Mateo"],
        ["Santos", "Silva", "Costa", "Pereira", "Oliveira", "Rodrigues"],
    ),
    "romanian": (
        3,
        ["Andreea", "Ioana", "Elena", "Bianca", "Alexandra"],
        ["Andrei", "Ionuț", "Mihai", "Florin", "Cristian", "Alexandru"],
        ["Popescu", "Ionescu", "Stan", "Dumitru", "Constantin", "Munteanu"],
    ),
    "west_african": (
        4,
        ["Abena", "Ama", "Chioma", "Ngozi", "Efua", "Adaeze", "Grace", "Blessing"],
        ["Kwame", "Kofi", "Emeka", "Chidi", "Yaw", "Samuel", "Daniel", "Femi"],
        ["Mensah", "Owusu", "Boateng", "Eze", "Nwosu", "Asante", "Okonkwo", "Adjei"],
    ),
    "caribbean": (
        3,
        ["Shanice", "Tanisha", "Keisha", "Jada", "Marcia", "Simone"],
        ["Jerome", "Marcus", "Tyrone", "Andre", "Delroy", "Kai"],
        ["Campbell", "Francis", "Grant", "Reid", "Brown", "Thompson", "Gordon"],
    ),
    "somali": (
        2,
        ["Hodan", "Ayan", "Faduma", "Hibo", "Sahra", "Ifrah"],
        ["Abdi", "Mohamed", "Hassan", "Ahmed", "Omar", "Yusuf"],
        ["Abdi", "Mohamed", "Hassan", "Farah", "Ali", "Warsame"],
    ),
}

NICKNAMES: dict[str, list[str]] = {
    "William": ["Bill", "Will", "Billy"],
    "Katherine": ["Kate", "Katie", "Kathy"],
    "James": ["Jim", "Jimmy", "Jamie"],
    "Elizabeth": ["Liz", "Beth", "Lizzie"],
    "Thomas": ["Tom", "Tommy"],
    "Robert": ["Rob", "Bob", "Bobby"],
    "Michael": ["Mike", "Mick"],
    "Samantha": ["Sam"],
    "Daniel": ["Dan", "Danny"],
    "Rebecca": ["Becky", "Becca"],
    "Jennifer": ["Jenny", "Jen"],
    "Margaret": ["Maggie", "Peggy"],
    "Alexander": ["Alex"],
    "Christopher": ["Chris"],
    "Nicholas": ["Nick"],
    "Eleanor": ["Ellie"],
    "Joshua": ["Josh"],
    "Abigail": ["Abi", "Abby"],
    "Charlotte": ["Charlie", "Lottie"],
    "Patricia": ["Pat", "Trish"],
    "Susan": ["Sue"],
    "Joseph": ["Joe"],
    "Benjamin": ["Ben"],
    "Samuel": ["Sam"],
    "Stephen": ["Steve"],
    "David": ["Dave"],
    "Peter": ["Pete"],
    "Nicola": ["Nicky"],
    "Joanne": ["Jo"],
    "Anthony": ["Tony"],
    "Matthew": ["Matt"],
    "Victoria": ["Vicky", "Tori"],
    "Jessica": ["Jess"],
    "Richard": ["Rich", "Rick"],
    "Edward": ["Ed", "Eddie"],
    "Frederick": ["Fred", "Freddie"],
    "Aleksandra": ["Ola"],
    "Małgorzata": ["Gosia"],
    "Jakub": ["Kuba"],
    "Alexandra": ["Alex"],
    "Danielle": ["Dani"],
    "Patrick": ["Paddy"],
}
SPELLINGS: dict[str, list[str]] = {
    "Mohammed": ["Muhammad", "Mohammad", "Mohamed"],
    "Mohamed": ["Mohammed"],
    "Ahmed": ["Ahmad"],
    "Yusuf": ["Yousef"],
    "Zainab": ["Zaynab"],
    "Aisha": ["Ayesha"],
    "Ayesha": ["Aisha"],
    "Siobhan": ["Shivaun"],
    "Niamh": ["Neve"],
    "Leah": ["Lea"],
    "Chloe": ["Cloe"],
    "Connor": ["Conor"],
    "Conor": ["Connor"],
    "Kayleigh": ["Kayley", "Kaylee"],
    "Jayden": ["Jaden"],
    "Reece": ["Rhys"],
    "Harley": ["Harlee"],
    "Riley": ["Rylee"],
    "Stephen": ["Steven"],
    "Sean": ["Shaun"],
    "Zofia": ["Sofia"],
    "Ionuț": ["Ionut"],
}
# Spellings that sound alike but do not look alike: a keying slip on top of one of
# these (Reece keyed "Roece" beside "Rhys" elsewhere) would read as another person.
SOUND_ALIKE = {"Niamh", "Siobhan", "Reece"}
STREETS: dict[str, list[str]] = {
    "ST1": [
        "Fenwick Close",
        "Chapel Street",
        "Tanyard Walk",
        "Bellfounder Street",
        "Hawthorn Rise",
        "Priestley Road",
        "Chandler's Yard",
        "Saddler Street",
    ],
    "ST2": [
        "Cobbler's Row",
        "Weaver's Close",
        "Dyer's Lane",
        "Loom Street",
        "Kiln Lane",
        "Ropewalk",
        "Foundry Street",
        "Shuttle Road",
    ],
    "ST3": [
        "Marsh Lane",
        "Reedbed Close",
        "Heron Way",
        "Millrace Avenue",
        "Sluice Gate Road",
        "Osier Drive",
        "Wharf Road",
        "Bargeman's Walk",
    ],
    "ST4": [
        "Orchard Way",
        "Priory Gardens",
        "Tithe Barn Lane",
        "Quarry Hill",
        "Beacon View",
        "Gorse Way",
        "Pennine Crescent",
        "Lantern Street",
    ],
    "NV1": ["Tanner Street", "Linnet Way", "Kestrel Road", "Moorside Crescent", "Fell View"],
    "NV2": ["Hollins Road", "Brackenfield Drive", "Curlew Close", "Packhorse Lane", "Stile Lane"],
}
FLAT_BLOCKS: dict[str, list[str]] = {
    "ST1": ["Spindle Court", "Bellfounder House"],
    "ST2": ["Loom House", "Carder Court"],
    "ST3": ["Heron Court", "Wharfside House"],
    "ST4": ["Beacon Court"],
    "NV1": ["Kestrel House"],
    "NV2": ["Curlew Court"],
}
FIXED_POSTCODES = {
    "Fenwick Close": "ST1 2JW",
    "Cobbler's Row": "ST2 5QP",
    "Marsh Lane": "ST3 8HD",
    "Orchard Way": "ST4 1LN",
    "Tanner Street": "NV1 3RL",
    "Linnet Way": "NV1 4DS",
    "Hollins Road": "NV2 6TE",
    "Priory Gardens": "ST4 7EB",
}
TOWN = {"ST": "Sharetown", "NV": "Northvale"}
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
ABBREVIATIONS = [
    ("Road", "Rd"),
    ("Street", "St"),
    ("Close", "Cl"),
    ("Avenue", "Ave"),
    ("Lane", "Ln"),
    ("Crescent", "Cres"),
    ("Drive", "Dr"),
    ("Gardens", "Gdns"),
]


@dataclass(frozen=True)
class Addr:
    line: str  # "14 Kiln Lane" or "Flat 4, Loom House, Kiln Lane"
    district: str
    postcode: str

    @property
    def region(self) -> str:
        return self.district[:2]

    def canonical(self) -> str:
        return f"{self.line}, {TOWN[self.region]}"


@dataclass
class Person:
    key: str
    role: str
    given: str
    middles: list[str]
    family: str
    dob: dt.date
    sex: str
    culture: str
    nhs: str = ""
    alt_families: list[str] = field(default_factory=list)  # maiden / married / hyphen forms
    pnc: tuple[int, int] | None = None
    upn: str = ""
    offender: bool = False
    substance: bool = False
    mental_health: bool = False
    agencies: list[str] = field(default_factory=list)

    @property
    def is_child_role(self) -> bool:
        return self.role.startswith("child")


@dataclass
class Family:
    fid: int
    members: list[Person]
    moves: list[tuple[dt.date, Addr]]  # (from date, address), first from date.min
    gp: str = "RMP"
    social_tenant: bool = False
    tenancy_start: dt.date = dt.date(2015, 1, 1)
    csc: bool = False
    police: bool = False
    ffs: bool = False
    bps: bool = True
    saa: bool = True
    lan: bool = False
    note: str = ""

    @property
    def prefix(self) -> str:
        return f"bg-{self.fid:04d}"

    def address_on(self, day: dt.date) -> Addr:
        current = self.moves[0][1]
        for start, addr in self.moves:
            if start <= day:
                current = addr
        return current

    def regions_between(self, lo: dt.date, hi: dt.date) -> set[str]:
        out = set()
        for i, (start, addr) in enumerate(self.moves):
            end = self.moves[i + 1][0] if i + 1 < len(self.moves) else dt.date.max
            if start <= hi and end > lo:
                out.add(addr.region)
        return out

    def region_window(self, region: str) -> tuple[dt.date, dt.date] | None:
        """The span of dates during which the family lived in the region (contiguous)."""
        spans = []
        for i, (start, addr) in enumerate(self.moves):
            end = (
                self.moves[i + 1][0] - dt.timedelta(days=1)
                if i + 1 < len(self.moves)
                else dt.date(2099, 1, 1)
            )
            if addr.region == region:
                spans.append((max(start, dt.date(1990, 1, 1)), end))
        if not spans:
            return None
        return min(s for s, _ in spans), max(e for _, e in spans)


def given_names(culture: str, sex: str) -> list[str]:
    _, females, males, _ = CULTURES[culture]
    return females if sex == FEMALE else males


def age_on(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def rand_date(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    if hi <= lo:
        return lo
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def strip_accents(text: str) -> str:
    text = text.replace("ł", "l").replace("Ł", "L")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def typo(rng: random.Random, word: str) -> str:
    """One realistic keying slip: a transposition, a dropped, doubled or swapped letter."""
    if len(word) < 4:
        return word
    i = rng.randint(1, len(word) - 2)
    kind = rng.choice(["swap", "drop", "double", "vowel"])
    if kind == "swap" and word[i] != word[i + 1] and word[i].isalpha() and word[i + 1].isalpha():
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop" and word[i].isalpha():
        return word[:i] + word[i + 1 :]
    if kind == "double" and word[i].isalpha():
        return word[:i] + word[i] + word[i:]
    vowels = "aeiou"
    for j in range(i, len(word)):
        if word[j] in vowels:
            return word[:j] + rng.choice([v for v in vowels if v != word[j]]) + word[j + 1 :]
    return word[:i] + word[i + 1 :]


def postcode_typo(rng: random.Random, postcode: str) -> str:
    out, inward = postcode.split(" ")
    if rng.random() < 0.7 and inward[1] != inward[2]:
        return f"{out} {inward[0]}{inward[2]}{inward[1]}"
    digit = str((int(inward[0]) + rng.choice([1, 8])) % 10)
    return f"{out} {digit}{inward[1:]}"


def hyphen_variants(name: str) -> list[str]:
    if "-" not in name:
        return []
    a, b = name.split("-", 1)
    return [f"{a} {b}", f"{a}{b.lower()}"]


FORMAL = {"RMP", "HSS", "STGH", "SCHS", "SMHT", "SDAS", "SCSC", "NVCSC", "BPS", "SAA"}
ASCII_ONLY = {"STPOL", "NVPOL", "PROB", "STH"}  # older systems: no accents
DOB_MISSING_P = {"STPOL": 0.04, "NVPOL": 0.04, "STH": 0.03, "FFS": 0.08, "LAN": 0.01}
NHS_P = {
    "RMP": 1.0,
    "HSS": 1.0,
    "STGH": 0.96,
    "SCHS": 0.95,
    "SMHT": 0.9,
    "SDAS": 0.8,
    "FFS": 0.05,
    "LAN": 0.1,
}
UPDATE_P = {
    "RMP": 0.85,
    "HSS": 0.85,
    "STGH": 0.7,
    "SCHS": 0.75,
    "BPS": 0.8,
    "SAA": 0.8,
    "LAN": 0.8,
    "SCSC": 0.7,
    "STH": 0.9,
    "STPOL": 0.25,
    "PROB": 0.7,
    "SDAS": 0.5,
    "SMHT": 0.4,
    "FFS": 0.3,
    "NVPOL": 0.2,
    "NVCSC": 0.2,
}
DUPLICATE_P = {"STPOL": 0.04, "NVPOL": 0.04, "STGH": 0.025, "SCSC": 0.03, "SCHS": 0.01}


class Generator:
    """Builds the background families and every agency's view of them."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.used_nhs: set[str] = {
            KATIE_NHS,
            DEAN_NHS,
            JAYDEN_NHS,
            RUBY_NHS,
            LILY_NHS,
            CHELSEA_NHS,
            MASON_NHS,
            ELLIE_NHS,
        }
        self.used_pnc: set[tuple[int, int]] = {DEAN_PNC, RYAN_PNC, KATIE_PNC}
        self.upn_serials: dict[tuple[int, int, int], int] = defaultdict(lambda: 20)
        self.used_addresses: set[str] = {a.rsplit(", ", 1)[0] for a, _ in WALSH_ADDRESSES}
        self.postcodes: dict[str, str] = dict(FIXED_POSTCODES)
        self.families: list[Family] = []
        self.used_ids: set[tuple[str, str]] = set()
        self.used_item_ids: set[tuple[str, str]] = set()
        self.primary: dict[tuple[str, str], Rec] = {}
        self.contact_keys: set[tuple[str, str]] = set()

    # ---- identities --------------------------------------------------------------
    def new_nhs(self) -> str:
        while True:
            nhs = nhs_from_stem(f"999{self.rng.randint(0, 999999):06d}")
            if nhs not in self.used_nhs:
                self.used_nhs.add(nhs)
                return nhs

    def new_pnc(self, dob: dt.date) -> tuple[int, int]:
        first = max(dob.year + 15, 2004)
        while True:
            yy = self.rng.randint(first, 2025) % 100
            serial = (
                self.rng.randint(1000, 999999)
                if self.rng.random() < 0.3
                else self.rng.randint(1000000, 9999999)
            )
            if (yy, serial) not in self.used_pnc:
                self.used_pnc.add((yy, serial))
                return yy, serial

    def new_upn(self, la: int, est: int, year: int) -> str:
        key = (la, est, year % 100)
        self.upn_serials[key] += self.rng.randint(1, 4)
        return make_upn(la, est, year, self.upn_serials[key])

    def postcode_for(self, street: str, district: str) -> str:
        if street not in self.postcodes:
            taken = set(self.postcodes.values())
            while True:
                pc = (
                    f"{district} {self.rng.randint(1, 9)}"
                    f"{self.rng.choice(INWARD_LETTERS)}{self.rng.choice(INWARD_LETTERS)}"
                )
                if pc not in taken:
                    self.postcodes[street] = pc
                    break
        return self.postcodes[street]

    def new_address(self, district: str, *, flat: bool = False) -> Addr:
        rng = self.rng
        while True:
            street = rng.choice(STREETS[district])
            if flat and FLAT_BLOCKS.get(district):
                line = f"Flat {rng.randint(1, 24)}, {rng.choice(FLAT_BLOCKS[district])}, {street}"
            else:
                line = f"{rng.randint(1, 120)} {street}"
            if line not in self.used_addresses:
                self.used_addresses.add(line)
                return Addr(line, district, self.postcode_for(street, district))

    def fixed_address(self, line: str, district: str) -> Addr:
        street = line.split(", ")[-1]
        street = re.sub(r"^\d+\s+", "", street)
        self.used_addresses.add(line)
        return Addr(line, district, self.postcode_for(street, district))

    # ---- people ------------------------------------------------------------------
    def person(
        self,
        fam_prefix: str,
        role: str,
        sex: str,
        dob: dt.date,
        culture: str,
        family: str,
        given: str | None = None,
        middles: list[str] | None = None,
    ) -> Person:
        rng = self.rng
        pool = given_names(culture, sex)
        if given is None:
            given = rng.choice(pool)
        if middles is None:
            middles = []
            if rng.random() < 0.55:
                middle = rng.choice(pool)
                if middle != given:
                    middles.append(middle)
        if culture == "polish" and sex == FEMALE and family.endswith("ski"):
            family = family[:-1] + "a"
        return Person(
            f"{fam_prefix}-{role}",
            role,
            given,
            middles,
            family,
            dob,
            sex,
            culture,
            nhs=self.new_nhs(),
        )

    def children(
        self,
        fam_prefix: str,
        mother_dob: dt.date,
        culture: str,
        family: str,
        count: int,
        first_from: dt.date | None = None,
    ) -> list[Person]:
        rng = self.rng
        kids: list[Person] = []
        lo = first_from or add_years(mother_dob, 18)
        hi_limit = min(add_years(mother_dob, 44), dt.date(2026, 10, 1))
        day = rand_date(rng, lo, max(lo, min(hi_limit, add_years(lo, 8))))
        n = 0
        while len(kids) < count and day <= hi_limit:
            n += 1
            sex = rng.choice([FEMALE, MALE])
            kids.append(self.person(fam_prefix, f"child{n}", sex, day, culture, family))
            if len(kids) < count and rng.random() < 0.035:  # twins
                n += 1
                twin = self.person(
                    fam_prefix, f"child{n}", rng.choice([FEMALE, MALE]), day, culture, family
                )
                names = given_names(culture, twin.sex)
                while twin.given == kids[-1].given:
                    twin.given = rng.choice(names)
                kids.append(twin)
            day = day + dt.timedelta(days=rng.randint(400, 1900))
        return kids

    # ---- families ----------------------------------------------------------------
    def pick_culture(self) -> str:
        names = list(CULTURES)
        return self.rng.choices(names, weights=[CULTURES[c][0] for c in names])[0]

    def other_surname(self, culture: str, not_this: str) -> str:
        surnames = [s for s in CULTURES[culture][3] if s != not_this]
        return self.rng.choice(surnames)

    def settle(self, fam: Family, region: str, *, flat: bool | None = None) -> None:
        """Give the family an address and, for some, a move during the story."""
        rng = self.rng
        districts = ["ST1", "ST2", "ST3", "ST4"] if region == "ST" else ["NV1", "NV2"]
        if flat is None:
            flat = fam.social_tenant and rng.random() < 0.45
        fam.moves = [(dt.date.min, self.new_address(rng.choice(districts), flat=flat))]
        r = rng.random()
        if r < 0.18:  # moved within the same area
            when = rand_date(rng, dt.date(2024, 10, 1), dt.date(2026, 6, 30))
            district = rng.choice(districts)
            flat_now = fam.social_tenant and rng.random() < 0.4
            fam.moves.append((when, self.new_address(district, flat=flat_now)))
        elif region == "NV" and r < 0.45:  # moved from Northvale to Sharetown
            when = rand_date(rng, dt.date(2024, 9, 1), dt.date(2026, 3, 31))
            fam.moves.append(
                (
                    when,
                    self.new_address(
                        rng.choice(["ST1", "ST2", "ST3", "ST4"]), flat=fam.social_tenant
                    ),
                )
            )

    def flags(self, fam: Family, region: str) -> None:
        rng = self.rng
        has_kids = any(p.is_child_role for p in fam.members)
        fam.gp = "RMP" if rng.random() < 0.55 else "HSS"
        fam.social_tenant = fam.social_tenant or rng.random() < 0.36
        fam.tenancy_start = rand_date(rng, dt.date(2008, 1, 1), dt.date(2024, 6, 30))
        fam.csc = fam.csc or (has_kids and rng.random() < (0.18 if region == "ST" else 0.45))
        fam.police = fam.police or rng.random() < (0.22 if region == "ST" else 0.75)
        fam.ffs = fam.ffs or (has_kids and region == "ST" and rng.random() < 0.12)
        fam.bps = rng.random() < 0.62
        fam.saa = rng.random() < 0.6
        fam.lan = rng.random() < 0.45
        for p in fam.members:
            adult = age_on(p.dob, dt.date(2025, 9, 1)) >= 18
            if not adult:
                continue
            if fam.police and rng.random() < (0.4 if p.sex == MALE else 0.12):
                p.offender = True
            p.substance = p.substance or rng.random() < (0.2 if fam.police else 0.05)
            p.mental_health = p.mental_health or rng.random() < 0.1

    def random_family(self, fid: int) -> Family:
        rng = self.rng
        prefix = f"bg-{fid:04d}"
        region = "NV" if rng.random() < 0.09 else "ST"
        culture = self.pick_culture()
        surname = rng.choice(CULTURES[culture][3])
        kind = rng.choices(
            [
                "two_parent",
                "single_mother",
                "single_father",
                "blended",
                "single_adult",
                "couple",
                "three_gen",
                "adult_child",
            ],
            weights=[30, 24, 3, 8, 13, 9, 5, 8],
        )[0]
        nkids = rng.choices([1, 2, 3, 4], weights=[35, 35, 20, 10])[0]
        members: list[Person] = []
        if kind in ("two_parent", "single_mother", "blended", "adult_child"):
            mdob = rand_date(
                rng,
                dt.date(1976, 1, 1) if kind != "adult_child" else dt.date(1962, 1, 1),
                dt.date(2004, 6, 1) if kind != "adult_child" else dt.date(1984, 1, 1),
            )
            mother = self.person(prefix, "mother", FEMALE, mdob, culture, surname)
            members.append(mother)
            kid_surname = surname
            if kind == "two_parent":
                fdob = mdob + dt.timedelta(days=rng.randint(-3 * 365, 8 * 365))
                members.append(self.person(prefix, "father", MALE, fdob, culture, surname))
                if rng.random() < 0.35:
                    mother.alt_families.append(self.other_surname(culture, surname))  # maiden
                if culture == "pakistani" and rng.random() < 0.5:
                    mother.alt_families.append(mother.family)
                    mother.family = "Begum"
            elif kind == "single_mother" and rng.random() < 0.3:
                kid_surname = self.other_surname(culture, surname)  # the children's father's
            elif kind == "blended":
                pdob = mdob + dt.timedelta(days=rng.randint(-4 * 365, 9 * 365))
                partner_culture = culture if rng.random() < 0.7 else self.pick_culture()
                members.append(
                    self.person(
                        prefix,
                        "partner",
                        MALE,
                        pdob,
                        partner_culture,
                        rng.choice(CULTURES[partner_culture][3]),
                    )
                )
                if rng.random() < 0.4:
                    kid_surname = self.other_surname(culture, surname)
            if kind == "adult_child":
                if rng.random() < 0.6:
                    fdob = mdob + dt.timedelta(days=rng.randint(-2 * 365, 6 * 365))
                    members.append(self.person(prefix, "father", MALE, fdob, culture, surname))
                grown = self.person(
                    prefix,
                    "son" if rng.random() < 0.55 else "daughter",
                    MALE,
                    dt.date(2000, 1, 1),
                    culture,
                    surname,
                )
                grown.sex = MALE if grown.role == "son" else FEMALE
                grown.given = rng.choice(given_names(culture, grown.sex))
                grown.dob = rand_date(
                    rng, max(add_years(mdob, 19), dt.date(1994, 1, 1)), dt.date(2007, 9, 1)
                )
                members.append(grown)
                if rng.random() < 0.4:
                    members += self.children(
                        prefix, mdob, culture, surname, 1, first_from=add_years(grown.dob, 3)
                    )
            else:
                members += self.children(prefix, mdob, culture, kid_surname, nkids)
        elif kind == "single_father":
            fdob = rand_date(rng, dt.date(1975, 1, 1), dt.date(2000, 1, 1))
            members.append(self.person(prefix, "father", MALE, fdob, culture, surname))
            members += self.children(
                prefix, fdob + dt.timedelta(days=700), culture, surname, min(nkids, 2)
            )
        elif kind == "single_adult":
            sex = rng.choice([FEMALE, MALE])
            dob = rand_date(rng, dt.date(1944, 1, 1), dt.date(2006, 6, 1))
            members.append(self.person(prefix, "adult", sex, dob, culture, surname))
        elif kind == "couple":
            dob = rand_date(rng, dt.date(1944, 1, 1), dt.date(2003, 1, 1))
            sexes = [FEMALE, MALE] if rng.random() < 0.9 else [rng.choice([FEMALE, MALE])] * 2
            a1 = self.person(prefix, "adult1", sexes[0], dob, culture, surname)
            a2 = self.person(
                prefix,
                "adult2",
                sexes[1],
                dob + dt.timedelta(days=rng.randint(-6 * 365, 6 * 365)),
                culture,
                surname if rng.random() < 0.6 else self.other_surname(culture, surname),
            )
            members += [a1, a2]
        else:  # three generations
            gdob = rand_date(rng, dt.date(1950, 1, 1), dt.date(1972, 1, 1))
            members.append(self.person(prefix, "grandmother", FEMALE, gdob, culture, surname))
            mdob = rand_date(
                rng, add_years(gdob, 18), min(add_years(gdob, 35), dt.date(2004, 1, 1))
            )
            members.append(self.person(prefix, "mother", FEMALE, mdob, culture, surname))
            members += self.children(prefix, mdob, culture, surname, nkids)
        fam = Family(fid, members, [])
        self.flags(fam, region)
        self.settle(fam, region)
        return fam

    def forced_families(self, start: int) -> list[Family]:
        """Hand-specified families that make linkage hard in the ways real data does."""
        rng = self.rng
        out: list[Family] = []
        fid = start

        def fam(
            members_spec: list[tuple[str, str, str, str, str, list[str]]],
            culture: str,
            line: str,
            district: str,
            **kw: Any,
        ) -> Family:
            nonlocal fid
            prefix = f"bg-{fid:04d}"
            members = [
                self.person(
                    prefix,
                    role,
                    sex,
                    dt.date.fromisoformat(dob),
                    culture,
                    family,
                    given=given,
                    middles=middles,
                )
                for role, sex, given, family, dob, middles in members_spec
            ]
            note = kw.pop("note", "")
            moves_to = kw.pop("moves_to", None)
            f = Family(fid, members, [(dt.date.min, self.fixed_address(line, district))], note=note)
            for key, value in kw.items():
                setattr(f, key, value)
            self.flags(f, district[:2])
            for key, value in kw.items():  # flags() may not switch these back off
                setattr(f, key, value)
            if moves_to:
                when, new_line, new_district = moves_to
                f.moves.append(
                    (dt.date.fromisoformat(when), self.fixed_address(new_line, new_district))
                )
            fid += 1
            out.append(f)
            return f

        # A father and son both called John Smith, at the same address.
        f = fam(
            [
                ("father", MALE, "John", "Smith", "1969-04-02", ["Edward"]),
                ("mother", FEMALE, "Susan", "Smith", "1971-09-15", ["Mary"]),
                ("son", MALE, "John", "Smith", "1997-08-19", ["Paul"]),
                ("child1", FEMALE, "Emily", "Smith", "2009-05-02", []),
            ],
            "british",
            "22 Weaver's Close",
            "ST2",
            police=True,
            social_tenant=True,
            note="father and son share a name and address",
        )
        f.members[1].alt_families.append("Hughes")
        f.members[2].offender = True
        f.members[0].offender = False
        # ... and a Mohammed Khan senior and junior.
        f = fam(
            [
                ("father", MALE, "Mohammed", "Khan", "1972-01-05", ["Tariq"]),
                ("mother", FEMALE, "Nasreen", "Begum", "1976-11-30", []),
                ("son", MALE, "Mohammed", "Khan", "2000-06-12", ["Bilal"]),
                ("child1", FEMALE, "Ayesha", "Khan", "2013-03-08", []),
                ("child2", MALE, "Yusuf", "Khan", "2016-10-10", []),
            ],
            "pakistani",
            "71 Priestley Road",
            "ST1",
            note="father and son share a name",
        )
        f.members[1].alt_families.append("Khan")
        # Twins.
        fam(
            [
                ("mother", FEMALE, "Rebecca", "Jones", "1990-02-03", ["Louise"]),
                ("child1", FEMALE, "Amelia", "Jones", "2018-06-11", ["Rose"]),
                ("child2", FEMALE, "Amber", "Jones", "2018-06-11", ["Grace"]),
            ],
            "british",
            "8 Shuttle Road",
            "ST2",
            bps=True,
            note="twins",
        )
        fam(
            [
                ("mother", FEMALE, "Anjali", "Patel", "1991-07-21", []),
                ("father", MALE, "Vikram", "Patel", "1988-12-01", []),
                ("child1", MALE, "Arjun", "Patel", "2021-02-09", []),
                ("child2", MALE, "Rohan", "Patel", "2021-02-09", []),
            ],
            "indian",
            "3 Tithe Barn Lane",
            "ST4",
            bps=True,
            lan=True,
            note="twins",
        )
        fam(
            [
                ("mother", FEMALE, "Małgorzata", "Nowak", "1984-05-19", ["Anna"]),
                ("father", MALE, "Łukasz", "Nowak", "1983-03-27", []),
                ("child1", FEMALE, "Zofia", "Nowak", "2012-12-01", []),
                ("child2", FEMALE, "Maja", "Nowak", "2012-12-01", []),
            ],
            "polish",
            "Flat 7, Carder Court, Loom Street",
            "ST2",
            saa=True,
            bps=True,
            note="twins",
        )
        # Other Walsh / Welsh / Walsch families, unrelated to the case study.
        fam(
            [
                ("mother", FEMALE, "Katherine", "Walsh", "1988-11-23", ["Louise"]),
                ("father", MALE, "Michael", "Walsh", "1986-02-17", []),
                ("child1", MALE, "Jack", "Walsh", "2014-07-30", []),
                ("child2", FEMALE, "Isla", "Walsh", "2019-03-05", []),
            ],
            "british",
            "5 Priory Gardens",
            "ST4",
            bps=True,
            saa=True,
            gp="HSS",
            police=False,
            csc=False,
            note="another Kate Walsh",
        )
        fam(
            [
                ("father", MALE, "Gareth", "Welsh", "1979-09-09", ["Huw"]),
                ("mother", FEMALE, "Siân", "Welsh", "1981-04-14", []),
                ("child1", MALE, "Rhys", "Welsh", "2010-01-25", []),
            ],
            "welsh",
            "Flat 2, Bellfounder House, Chapel Street",
            "ST1",
            saa=True,
            note="Welsh as a surname",
        )
        fam(
            [
                ("mother", FEMALE, "Anja", "Walsch", "1990-07-07", []),
                ("child1", MALE, "Felix", "Walsch", "2016-11-02", []),
            ],
            "british",
            "19 Osier Drive",
            "ST3",
            bps=True,
            note="Walsch",
        )
        fam(
            [
                ("mother", FEMALE, "Joanne", "Carter", "1984-12-12", []),
                ("child1", MALE, "Kieran", "Carter", "2011-04-04", []),
                ("child2", FEMALE, "Lacey", "Carter", "2015-08-19", []),
            ],
            "british",
            "60 Kiln Lane",
            "ST2",
            police=True,
            saa=True,
            bps=True,
            note="an unrelated Carter family",
        )
        fam(
            [
                ("father", MALE, "José", "Santos", "1985-10-03", ["Miguel"]),
                ("mother", FEMALE, "Zoë", "Santos", "1987-01-21", []),
                ("child1", MALE, "Mateo", "Santos", "2022-03-14", []),
            ],
            "portuguese",
            "12 Heron Way",
            "ST3",
            lan=True,
            note="accents",
        )
        f = fam(
            [
                ("mother", FEMALE, "Danielle", "Price", "1999-06-30", []),
                ("child1", MALE, "Harley", "Price", "2021-09-28", []),
            ],
            "british",
            "Flat 3, Wharfside House, Wharf Road",
            "ST3",
            social_tenant=True,
            lan=True,
            moves_to=("2025-09-15", "14 Cobbler's Row", "ST2"),
            note="the next tenants of 14 Cobbler's Row",
        )
        f.tenancy_start = dt.date(2019, 4, 1)
        fam(
            [
                ("adult1", FEMALE, "Elizabeth", "Hall", "1958-03-03", ["Ann"]),
                ("adult2", MALE, "William", "Hall", "1955-10-10", ["George"]),
            ],
            "british",
            "25 Marsh Lane",
            "ST3",
            social_tenant=True,
            police=False,
            note="neighbours on Marsh Lane",
        )
        fam(
            [
                ("mother", FEMALE, "Jessica", "Brown", "2001-08-08", []),
                ("child1", FEMALE, "Lily-Mae", "Brown", "2023-02-14", []),
            ],
            "british",
            "33 Foundry Street",
            "ST2",
            lan=True,
            note="another Lily-Mae",
        )
        fam(
            [
                ("father", MALE, "Patrick", "O'Brien", "1980-05-05", ["Joseph"]),
                ("mother", FEMALE, "Siobhan", "O'Brien", "1982-08-08", []),
                ("child1", MALE, "Liam", "O'Brien", "2012-02-02", []),
                ("child2", FEMALE, "Niamh", "O'Brien", "2017-06-06", []),
            ],
            "irish",
            "17 Brackenfield Drive",
            "NV2",
            police=True,
            csc=True,
            bps=True,
            saa=True,
            moves_to=("2025-04-01", "44 Saddler Street", "ST1"),
            note="moved from Northvale to Sharetown",
        )
        fam(
            [
                ("mother", FEMALE, "Hodan", "Abdi", "1993-03-01", []),
                ("child1", MALE, "Mohamed", "Hassan", "2015-01-12", []),
                ("child2", FEMALE, "Ifrah", "Hassan", "2018-12-01", []),
            ],
            "somali",
            "Flat 11, Spindle Court, Bellfounder Street",
            "ST1",
            social_tenant=True,
            bps=True,
            note="children carry their father's name",
        )
        fam(
            [
                ("mother", FEMALE, "Victoria", "Smith-Jones", "1986-05-09", []),
                ("child1", MALE, "Alfie", "Smith-Jones", "2015-09-09", []),
            ],
            "british",
            "7 Beacon View",
            "ST4",
            bps=True,
            saa=True,
            note="double-barrelled",
        )
        for f in out:
            if f.note == "double-barrelled":
                for p in f.members:
                    p.alt_families += ["Smith Jones", "Jones"]
        del rng
        return out

    def build(self, count: int = 132) -> list[Family]:
        forced = self.forced_families(1)
        fams = list(forced)
        fid = len(forced) + 1
        while fid <= count:
            fams.append(self.random_family(fid))
            fid += 1
        self.families = fams
        return fams

    # ---- which agencies know whom --------------------------------------------------
    def assign_agencies(self, fam: Family) -> dict[str, set[str]]:
        """Fill each member's agency list; return the agencies where they are a *contact*
        (a parent on a pupil's or nursery child's file) rather than the subject."""
        rng = self.rng
        mid = dt.date(2025, 9, 1)
        regions = {addr.region for _, addr in fam.moves}
        st, nv = "ST" in regions, "NV" in regions
        parents = ("mother", "father", "partner", "grandmother")
        infants_exist = any(p.dob >= dt.date(2020, 9, 1) for p in fam.members)
        for p in fam.members:
            age = age_on(p.dob, mid)
            adult = age >= 18
            entry = p.dob.year + (5 if p.dob.month >= 9 else 4)
            chosen: list[str] = []
            if st:
                if rng.random() < 0.93:
                    chosen.append(fam.gp)
                if p.dob >= dt.date(2020, 9, 1):
                    if rng.random() < 0.9:
                        chosen.append("SCHS")
                elif 4 <= age <= 16:
                    if rng.random() < 0.12:
                        chosen.append("SCHS")
                elif p.role == "mother" and infants_exist and rng.random() < 0.7:
                    chosen.append("SCHS")
                if (
                    fam.bps
                    and not adult
                    and entry <= 2026
                    and entry + 7 >= 2025
                    and rng.random() < 0.95
                ):
                    chosen.append("BPS")
                if (
                    fam.saa
                    and not adult
                    and entry + 7 <= 2026
                    and entry + 12 >= 2025
                    and rng.random() < 0.95
                ):
                    chosen.append("SAA")
                if (
                    fam.lan
                    and dt.date(2020, 9, 1) <= p.dob <= dt.date(2024, 8, 31)
                    and rng.random() < 0.85
                ):
                    chosen.append("LAN")
            if rng.random() < (0.45 if not adult else 0.33):
                chosen.append("STGH")
            for region, police, csc in (("ST", "STPOL", "SCSC"), ("NV", "NVPOL", "NVCSC")):
                if (region == "ST" and not st) or (region == "NV" and not nv):
                    continue
                if fam.csc and (
                    (not adult and rng.random() < 0.95)
                    or (p.role in parents and rng.random() < 0.8)
                ):
                    chosen.append(csc)
                if fam.police and (
                    p.offender
                    or (adult and rng.random() < 0.55)
                    or (not adult and rng.random() < 0.3)
                ):
                    chosen.append(police)
            if st:
                if fam.social_tenant and rng.random() < (0.95 if adult else 0.85):
                    chosen.append("STH")
                if p.offender and adult and rng.random() < 0.55:
                    chosen.append("PROB")
                if p.substance and adult and rng.random() < 0.7:
                    chosen.append("SDAS")
                if p.mental_health and adult and rng.random() < 0.7:
                    chosen.append("SMHT")
                if fam.ffs and (not adult or p.role in parents) and rng.random() < 0.85:
                    chosen.append("FFS")
            chosen = list(dict.fromkeys(chosen))
            if len(chosen) > 5:
                keep = set(rng.sample(chosen, 5))
                chosen = [a for a in chosen if a in keep]
            if not chosen:
                chosen = [fam.gp if st else "STGH"]
            p.agencies = chosen
        contacts: dict[str, set[str]] = defaultdict(set)
        for school in ("BPS", "LAN"):
            if not any(school in c.agencies for c in fam.members if c.is_child_role):
                continue
            for p in fam.members:
                if (
                    p.role in parents
                    and school not in p.agencies
                    and len(p.agencies) < 5
                    and rng.random() < (0.65 if p.role in ("mother", "grandmother") else 0.3)
                ):
                    p.agencies.append(school)
                    contacts[p.key].add(school)
        return contacts

    # ---- records -----------------------------------------------------------------
    def new_source_id(self, agency: str, *, contact: bool = False) -> str:
        rng = self.rng
        makers = {
            "STPOL": lambda: f"P-{rng.randint(100000, 139999)}",
            "NVPOL": lambda: f"NVP{rng.randint(10000, 69999):07d}",
            "STGH": lambda: f"STG{rng.randint(100000, 399999)}",
            "RMP": lambda: f"GP{rng.randint(10000, 99999)}",
            "HSS": lambda: f"HSS{rng.randint(10000, 59999)}",
            "SCHS": lambda: f"CH{rng.randint(1000000, 1399999)}",
            "BPS": lambda: f"{'C' if contact else 'S'}{rng.randint(1, 999):04d}",
            "SAA": lambda: f"SA{rng.randint(10000, 19999)}",
            "LAN": lambda: f"LA-{rng.randint(1, 399):04d}",
            "SCSC": lambda: f"{rng.randint(1000000, 1119999)}",
            "NVCSC": lambda: f"NVC{rng.randint(200000, 399999)}",
            "STH": lambda: f"STH-{rng.randint(10000, 39999)}",
            "PROB": lambda: f"{rng.choice('DEFHKX')}{rng.randint(100000, 999999)}",
            "SDAS": lambda: f"DA-{rng.randint(10000, 29999)}",
            "SMHT": lambda: f"MH{rng.randint(10000, 199999):07d}",
            "FFS": lambda: f"FF-{rng.randint(1, 1999):04d}",
        }
        while True:
            sid = makers[agency]()
            if (agency, sid) not in self.used_ids:
                self.used_ids.add((agency, sid))
                return sid

    def record_window(
        self, fam: Family, p: Person, agency: str, contact_of: Rec | None
    ) -> tuple[dt.date, dt.date] | None:
        rng = self.rng
        hi = dt.date(2026, 10, 31)
        child_born_here = p.dob >= dt.date(2005, 1, 1)
        if contact_of is not None:
            d = dt.date.fromisoformat(contact_of.recorded)
            lo, top = d, d
        elif agency in ("RMP", "HSS"):
            lo = max(p.dob, dt.date(2000, 1, 1))
            top = lo + dt.timedelta(days=40) if child_born_here else hi
        elif agency == "STGH":
            if child_born_here and rng.random() < 0.6:
                lo = top = p.dob
            else:
                lo, top = max(p.dob, dt.date(2005, 1, 1)), hi
        elif agency == "SCHS":
            if p.dob >= dt.date(2020, 9, 1):
                lo, top = p.dob + dt.timedelta(days=10), p.dob + dt.timedelta(days=16)
            elif p.role == "mother":
                youngest = max(m.dob for m in fam.members)
                lo, top = youngest + dt.timedelta(days=10), youngest + dt.timedelta(days=16)
            else:
                lo, top = max(add_years(p.dob, 4), dt.date(2016, 1, 1)), hi
        elif agency in ("BPS", "SAA"):
            entry = p.dob.year + (5 if p.dob.month >= 9 else 4) + (7 if agency == "SAA" else 0)
            lo = dt.date(entry, 9, 1)
            top = lo if rng.random() < 0.85 else min(dt.date(entry + 3, 7, 20), hi)
        elif agency == "LAN":
            lo = p.dob + dt.timedelta(days=720)
            top = p.dob + dt.timedelta(days=1000)
        elif agency in ("SCSC", "NVCSC"):
            lo, top = max(p.dob, dt.date(2016, 1, 1)), hi
        elif agency in ("STPOL", "NVPOL"):
            lo = (
                max(add_years(p.dob, 15), dt.date(2008, 1, 1))
                if p.offender
                else max(p.dob, dt.date(2014, 1, 1))
            )
            top = hi
        elif agency == "STH":
            lo, top = max(p.dob, fam.tenancy_start), hi
            if lo == fam.tenancy_start:
                top = lo
        elif agency == "PROB":
            lo, top = max(add_years(p.dob, 18), dt.date(2023, 1, 1)), dt.date(2026, 9, 30)
        elif agency == "SDAS":
            lo, top = max(add_years(p.dob, 16), dt.date(2021, 1, 1)), hi
        elif agency == "SMHT":
            lo, top = max(add_years(p.dob, 16), dt.date(2019, 1, 1)), hi
        else:  # FFS
            lo, top = max(p.dob, dt.date(2023, 1, 1)), hi
        region = None if agency == "STGH" else ("NV" if agency.startswith("NV") else "ST")
        if region:
            span = fam.region_window(region)
            if span is None:
                return None
            if lo > span[1] or top < span[0]:
                lo = top = span[0] + dt.timedelta(days=rng.randint(0, 60))
            lo, top = max(lo, span[0]), min(top, span[1])
        top = min(top, hi)
        lo = min(max(lo, p.dob), top) if top >= p.dob else lo
        if lo > hi:
            return None
        return lo, max(lo, top)

    def name_forms(self, p: Person, agency: str, contact: bool) -> tuple[str, str, str]:
        rng = self.rng
        formal = agency in FORMAL and not contact
        given = p.given
        r = rng.random()
        if p.given in NICKNAMES and r < (0.07 if formal else 0.35):
            given = rng.choice(NICKNAMES[p.given])
        elif p.given in SPELLINGS and r < 0.3:
            given = rng.choice(SPELLINGS[p.given])
        elif "-" in p.given and r < 0.4:
            given = rng.choice(hyphen_variants(p.given))
        family = p.family
        if p.alt_families and rng.random() < (0.4 if agency in ("RMP", "HSS", "STGH") else 0.2):
            family = rng.choice(p.alt_families)
        if agency in ASCII_ONLY or rng.random() < 0.12:
            given, family = strip_accents(given), strip_accents(family)
        if agency in ASCII_ONLY and "'" in family and rng.random() < 0.5:
            family = family.replace("'", "")
        if agency in ("STPOL", "NVPOL") and rng.random() < 0.3:
            family = family.upper()
        r = rng.random()
        slip_dropped = False
        if r < 0.03:
            # No keying slip on top of a name with a spelling variant: Reece keyed "Roece"
            # by one agency and written "Rhys" by another reads as a twin, not a slip. (The
            # slip is still drawn, and so is the draw below, so the random stream is kept.)
            slipped = typo(rng, given)
            slip_dropped = p.given in SOUND_ALIKE and slipped != given
            if not slip_dropped:
                given = slipped
        elif r < 0.06:
            family = typo(rng, family)
        other: list[str] = []
        if p.middles and rng.random() < (0.75 if formal else 0.25):
            other += p.middles
        if p.alt_families and family == p.family and rng.random() < 0.25:
            other.append(p.alt_families[0])
        if (
            (given != p.given or slip_dropped)
            and formal
            and rng.random() < 0.3
            and given != p.given
        ):
            other.append(p.given)
        return given, family, ";".join(other)

    def dob_form(self, p: Person, agency: str, contact: bool) -> str:
        rng = self.rng
        missing = DOB_MISSING_P.get(agency, 0.005)
        if contact:
            missing = 1.0 if agency == "BPS" else 0.6
        r = rng.random()
        d = p.dob
        if r < missing:
            return ""
        if r < missing + 0.018 and d.day <= 12 and d.day != d.month:
            return dt.date(d.year, d.day, d.month).isoformat()  # day and month swapped
        if r < missing + 0.026:
            try:
                return d.replace(year=d.year + rng.choice([-1, 1])).isoformat()
            except ValueError:
                return d.replace(year=d.year + 1, day=28).isoformat()
        return d.isoformat()

    def school_upn(self, fam: Family, p: Person) -> str:
        if not p.upn:
            rng = self.rng
            entry = p.dob.year + (5 if p.dob.month >= 9 else 4)
            if fam.bps or rng.random() < 0.2:
                p.upn = self.new_upn(LA_SHARETOWN, EST_BROOKFIELD, entry)
            elif rng.random() < 0.7:
                p.upn = self.new_upn(LA_SHARETOWN, rng.randint(2001, 2099), entry)
            else:
                la = rng.choice([LA_NORTHVALE, rng.randint(201, 938)])
                p.upn = self.new_upn(la, rng.randint(2001, 2999), entry)
        return p.upn

    def make_record(
        self,
        fam: Family,
        p: Person,
        agency: str,
        *,
        contact: bool = False,
        contact_of: Rec | None = None,
        duplicate_of: Rec | None = None,
    ) -> Rec | None:
        rng = self.rng
        window = self.record_window(fam, p, agency, contact_of)
        if window is None:
            return None
        recorded = rand_date(rng, *window)
        if duplicate_of is not None:
            recorded = rand_date(
                rng, dt.date.fromisoformat(duplicate_of.recorded), dt.date(2026, 10, 31)
            )
        addr = fam.address_on(recorded)
        now = fam.address_on(TODAY)
        if now != addr and rng.random() < UPDATE_P[agency]:
            addr = now
        address = addr.canonical()
        r = rng.random()
        if r < 0.12:
            address = addr.line
        elif r < 0.22:
            for long, short in ABBREVIATIONS:
                address = re.sub(rf"\b{long}\b", short, address)
        if agency in ("STPOL", "NVPOL") and rng.random() < 0.35:
            address = address.upper()
        if address.startswith("Flat ") and rng.random() < 0.1:
            address = address.replace("Flat ", "", 1)
        postcode = addr.postcode
        r = rng.random()
        if r < 0.02:
            postcode = postcode_typo(rng, postcode)
        elif r < 0.035:
            postcode = postcode.replace(" ", "")
        elif r < 0.045:
            postcode = ""
        given, family, other = self.name_forms(p, agency, contact)
        dob = self.dob_form(p, agency, contact)
        if duplicate_of is not None:
            if (
                given == duplicate_of.given
                and family == duplicate_of.family
                and dob == duplicate_of.dob
            ):
                if rng.random() < 0.5:
                    dob = ""
                else:
                    given = typo(rng, given)
            other = ""
        sex = p.sex
        r = rng.random()
        if r < (0.3 if contact else 0.02):
            sex = ""
        elif r < 0.024:
            sex = "U"
        nhs = ""
        is_child = age_on(p.dob, recorded) < 18
        nhs_p = NHS_P.get(agency, 0.0)
        if agency in ("SCSC", "NVCSC"):
            nhs_p = 0.65 if is_child else 0.2
        if contact or (duplicate_of is not None and agency == "STGH" and rng.random() < 0.6):
            nhs_p = 0.0
        if rng.random() < nhs_p:
            nhs = spaced(p.nhs) if rng.random() < 0.08 else p.nhs
        upn = ""
        if agency in ("BPS", "SAA") and not contact and rng.random() < 0.97:
            upn = self.school_upn(fam, p)
        pnc = ""
        if p.offender and agency in ("STPOL", "NVPOL", "PROB"):
            if p.pnc is None:
                p.pnc = self.new_pnc(p.dob)
            if agency == "PROB":
                if rng.random() < 0.95:
                    pnc = make_pnc(*p.pnc, padded=rng.random() < 0.6)
            else:
                pnc = make_pnc(*p.pnc, padded=rng.random() < 0.9)
        sid = self.new_source_id(agency, contact=contact)
        return Rec(
            agency,
            sid,
            p.key,
            given,
            family,
            other,
            dob,
            sex,
            address,
            postcode,
            nhs,
            upn,
            pnc,
            recorded.isoformat(),
        )

    def make_records(self) -> list[Rec]:
        rng = self.rng
        out: list[Rec] = []
        for fam in self.families:
            contacts = self.assign_agencies(fam)
            for p in sorted(fam.members, key=lambda m: not m.is_child_role):  # children first
                kept = []
                for agency in p.agencies:
                    contact = agency in contacts.get(p.key, set())
                    contact_of = None
                    if contact:
                        kids = [
                            self.primary.get((c.key, agency))
                            for c in fam.members
                            if c.is_child_role
                        ]
                        contact_of = next((k for k in kids if k is not None), None)
                        if contact_of is None:
                            continue
                    rec = self.make_record(fam, p, agency, contact=contact, contact_of=contact_of)
                    if rec is None:
                        continue
                    out.append(rec)
                    kept.append(agency)
                    self.primary[(p.key, agency)] = rec
                    self.contact_keys.update({(p.key, agency)} if contact else set())
                    if rng.random() < DUPLICATE_P.get(agency, 0.0):
                        dup = self.make_record(fam, p, agency, duplicate_of=rec)
                        if dup is not None:
                            out.append(dup)
                p.agencies = kept
        return out


# --------------------------------------------------------------------------------------
# Background items: what each kind of agency writes down
# --------------------------------------------------------------------------------------
# (who, category, summary, detail, sensitivity, consents, timed, household)
# who: adult, offender, child, child8 (8-17), teen (12-17), infant (under 5), pupil (4-17),
#      primary (4-11), young (4-7), mother (adult woman with a child under 5 in the family),
#      woman (16-45), any.

Template = tuple[str, str, str, str, str, tuple[str, ...], bool, bool]

TEMPLATES: dict[str, list[Template]] = {
    "police": [
        (
            "adult",
            "domestic_abuse",
            "Verbal argument between {n} {f} and a partner at home; no offences disclosed; DASH "
            "standard.",
            "Officers attended after a neighbour heard raised voices. Both adults were calm on "
            "arrival and gave the same account of an argument about money. {kids_line}",
            "standard",
            ("not_sought", ""),
            True,
            True,
        ),
        (
            "adult",
            "offending",
            "{n} {f} detained for shoplifting £{small} of food and toiletries; community "
            "resolution.",
            "Stopped by store security on {street}. Admitted the offence and said money was tight. "
            "Community resolution agreed with the store.",
            "standard",
            ("not_sought", ""),
            True,
            False,
        ),
        (
            "adult",
            "drugs_alcohol",
            "Stop and search: {n} {f} found with a small amount of cannabis; warning issued.",
            "Searched after officers smelled cannabis. One small bag of herbal cannabis found. "
            "Cannabis warning given.",
            "standard",
            ("not_sought",),
            True,
            False,
        ),
        (
            "adult",
            "mental_health",
            "Concern for welfare: {n} {f} found distressed on the canal towpath; taken to a place "
            "of safety under section 136.",
            "A passer-by rang after {n} said they wanted to end their life. Detained under section "
            "136 and taken to the place of safety. Mental health team informed.",
            "special",
            ("not_sought",),
            True,
            False,
        ),
        (
            "child8",
            "missing",
            "{n} {f} ({age}) reported missing by family; found safe after {h} hours.",
            "{n} did not come home after school and was not answering their phone. Found at a "
            "friend's house and returned home. Return home interview requested.",
            "standard",
            ("not_sought",),
            True,
            False,
        ),
        (
            "teen",
            "sexual_exploitation",
            "{n} {f} ({age}) found in a car with two adult men at 01:30; taken home.",
            "Officers stopped the car on the ring road and found {n} in the back seat. The men's "
            "details were taken. Intelligence submitted and the concern shared with children's "
            "social care.",
            "restricted",
            ("not_sought",),
            True,
            False,
        ),
        (
            "adult",
            "other",
            "{n} {f} reported a burglary at home; no suspects.",
            "Rear door forced while the family were out; a laptop and jewellery taken. Crime scene "
            "investigator attended.",
            "standard",
            ("not_sought", ""),
            True,
            False,
        ),
        (
            "adult",
            "drugs_alcohol",
            "Anonymous report of short visits at all hours and suspected drug dealing at {street}.",
            "The caller described cars stopping for a few minutes day and night. Intelligence "
            "logged; no action at this stage.",
            "restricted",
            ("not_sought",),
            True,
            False,
        ),
        (
            "offender",
            "offending",
            "{n} {f} arrested for drink-driving; charged and bailed to court.",
            "Stopped after a report of erratic driving; breath test {breath} micrograms. Charged "
            "and bailed to the magistrates' court.",
            "standard",
            ("not_sought",),
            True,
            False,
        ),
        (
            "adult",
            "domestic_abuse",
            "{n} {f} reports harassment by an ex-partner: repeated calls and messages.",
            "{n} showed officers more than 60 messages received in two days. Ex-partner spoken to "
            "and warned. DASH: standard risk.",
            "restricted",
            ("not_sought",),
            True,
            False,
        ),
        (
            "teen",
            "offending",
            "{n} {f} ({age}) caught damaging a bus shelter; community resolution.",
            "Seen on CCTV with two friends. Admitted the damage with a parent present and agreed "
            "to help pay for the repair. Referred to the youth justice prevention team.",
            "standard",
            ("not_sought",),
            True,
            False,
        ),
        (
            "offender",
            "offending",
            "{n} {f} arrested for assault after a fight outside a pub.",
            "Both men had minor injuries. {n} was interviewed and charged. Bailed with conditions "
            "not to enter the town centre at night.",
            "standard",
            ("not_sought",),
            True,
            False,
        ),
    ],
    "acute_hospital": [
        (
            "adult",
            "physical_injury",
            "ED: laceration to the hand from a kitchen knife; sutured.",
            "Accidental injury while cooking. Wound closed with four sutures; tetanus up to date. "
            "Discharged with wound care advice.",
            "special",
            ("not_sought", "given"),
            True,
            False,
        ),
        (
            "pupil",
            "physical_injury",
            "ED: {n} ({age}) with a wrist fracture after falling from a climbing frame.",
            "Fall at the park seen by a parent; explanation fits the injury. Plaster applied and "
            "fracture clinic booked. Safeguarding checklist: no concerns.",
            "special",
            ("not_sought",),
            True,
            False,
        ),
        (
            "teen",
            "self_harm",
            "ED: intentional overdose of paracetamol; admitted; seen by the CAMHS liaison team.",
            "{n} took about 16 tablets after an argument and told a friend. Blood levels needed "
            "treatment. CAMHS assessment: low ongoing risk; follow-up arranged.",
            "special",
            ("given",),
            True,
            False,
        ),
        (
            "adult",
            "self_harm",
            "ED: intentional overdose after a relationship breakdown; seen by liaison psychiatry.",
            "{n} took a mix of prescribed tablets and alcohol. Medically fit after treatment. "
            "Liaison psychiatry arranged crisis team follow-up.",
            "special",
            ("given",),
            True,
            False,
        ),
        (
            "adult",
            "drugs_alcohol",
            "ED: brought in intoxicated after a fall in the town centre; discharged when sober.",
            "Minor head injury; CT not needed. Alcohol brief intervention offered and declined.",
            "special",
            ("refused", "not_sought"),
            True,
            False,
        ),
        (
            "woman",
            "other",
            "Antenatal booking: routine enquiry about domestic abuse; no disclosure.",
            "Booked at {weeks} weeks. Asked alone about domestic abuse, mental health and substance "
            "use; nothing disclosed. Next appointment with the community midwife.",
            "special",
            ("given",),
            True,
            False,
        ),
        (
            "any",
            "missed_appointment",
            "Did not attend the {clinic} clinic twice; discharged back to the GP.",
            "{n} was not seen at two booked appointments. Discharged back to the GP as per policy.",
            "special",
            ("",),
            False,
            False,
        ),
        (
            "infant",
            "physical_injury",
            "ED: {n} ({age_text}) rolled off the sofa; no injury found; health visitor informed.",
            "Parent brought {n} in straight away. Full examination normal and the explanation fits "
            "the child's development. Liaison form sent to health visiting.",
            "special",
            ("not_sought",),
            True,
            False,
        ),
        (
            "adult",
            "physical_injury",
            "ED: facial bruising; says assaulted by a stranger outside a pub.",
            "Swelling to the left cheek; X-ray normal. {n} says the police already know. Advice "
            "about head injury given.",
            "special",
            ("not_sought",),
            True,
            False,
        ),
        (
            "child",
            "other",
            "ED: {n} ({age_text}) with an asthma attack; treated and discharged.",
            "Responded well to nebulisers. Inhaler technique checked with the parent. GP to "
            "review.",
            "special",
            ("given",),
            True,
            False,
        ),
    ],
    "gp": [
        (
            "infant",
            "missed_appointment",
            "{n} not brought for routine immunisations; recall letter sent.",
            "Two appointments missed. Recall letter sent and the health visitor told.",
            "standard",
            ("",),
            False,
            False,
        ),
        (
            "adult",
            "mental_health",
            "Anxiety and low mood; citalopram started; talking therapies details given.",
            "{n} describes poor sleep and worry for several months. No thoughts of self-harm. "
            "Review in four weeks.",
            "special",
            ("given",),
            False,
            False,
        ),
        (
            "adult",
            "drugs_alcohol",
            "Alcohol brief intervention: AUDIT-C {audit}; declined referral.",
            "{n} drinks most evenings. Advice given on cutting down; declined a referral to the "
            "drug and alcohol service.",
            "special",
            ("refused",),
            False,
            False,
        ),
        (
            "teen",
            "self_harm",
            "{n} ({age}) seen with a parent about self-harm (superficial cuts); referred to CAMHS.",
            "Cuts to the forearm, healing. {n} says school is stressful. Safety plan agreed; "
            "CAMHS referral sent.",
            "special",
            ("given",),
            False,
            False,
        ),
        (
            "adult",
            "debt",
            "Asked for a letter to support a benefits appeal; stressed about debts.",
            "{n} has had their benefits reduced and is behind with bills. Letter provided; money "
            "advice details given.",
            "special",
            ("given",),
            False,
            False,
        ),
        (
            "adult",
            "other",
            "Long-term condition review: asthma well controlled.",
            "Inhaler technique good; no admissions this year. Annual review booked.",
            "special",
            ("",),
            False,
            False,
        ),
        (
            "child",
            "other",
            "Frequent attender: {k} consultations in three months for minor illnesses.",
            "No serious illness found. Parent reassured and given self-care advice.",
            "special",
            ("",),
            False,
            False,
        ),
        (
            "adult",
            "missed_appointment",
            "Did not attend {k} booked appointments this year; letter sent.",
            "Letter reminding {n} to cancel appointments they cannot keep.",
            "standard",
            ("",),
            False,
            False,
        ),
    ],
    "health_visiting": [
        (
            "infant",
            "other",
            "{review} review completed; development on track.",
            "{n} seen at home with a parent. Growth and development normal; no concerns raised.",
            "standard",
            ("given",),
            False,
            True,
        ),
        (
            "infant",
            "missed_appointment",
            "No access for the planned {review} review; card left.",
            "No answer at the arranged time. Card left asking the family to rebook.",
            "standard",
            ("",),
            False,
            False,
        ),
        (
            "mother",
            "mental_health",
            "Maternal mood check: mild low mood; listening visits offered.",
            "{n} scored 11 on the mood questionnaire and says she is tired but coping. Four "
            "listening visits agreed.",
            "special",
            ("given",),
            False,
            True,
        ),
        (
            "infant",
            "neglect",
            "Home conditions concern: dog mess on the floor and no safe sleep space; advice given.",
            "The baby was sleeping on the sofa. Safe sleep advice given and a cot to be provided "
            "by a charity. Review in two weeks.",
            "standard",
            ("given",),
            False,
            True,
        ),
        (
            "infant",
            "neglect",
            "Weight faltering: dropped two centile spaces; feeding plan agreed.",
            "{n} is feeding less than expected. Feeding diary and weekly weighing agreed with the "
            "parent.",
            "special",
            ("given",),
            False,
            False,
        ),
        (
            "pupil",
            "emotional_abuse",
            "School nurse drop-in: {n} ({age}) worried about parents arguing at home.",
            "{n} said there is shouting most nights. Coping strategies discussed; DSL informed "
            "with {n}'s agreement.",
            "special",
            ("given",),
            False,
            False,
        ),
        (
            "pupil",
            "other",
            "School entry health check: height and weight normal; hearing test referral.",
            "Parent questionnaire returned. Referral to audiology for a hearing test.",
            "special",
            ("given",),
            False,
            False,
        ),
    ],
    "school": [
        (
            "pupil",
            "school_attendance",
            "Attendance {pct}% this term; first attendance letter sent.",
            "{n} has missed {missed} days this term, mostly Mondays and Fridays. Letter sent to "
            "parents.",
            "",
            ("",),
            False,
            False,
        ),
        (
            "pupil",
            "neglect",
            "{n} arrived hungry and in unwashed uniform several days this week.",
            "Given breakfast at breakfast club. Parent said the washing machine has broken. "
            "Logged.",
            "",
            ("",),
            False,
            False,
        ),
        (
            "primary",
            "physical_injury",
            "Bruise on {n}'s forearm; said a brother or sister did it while playing; logged.",
            "Small bruise, explanation plausible. Parent gave the same account at pick-up.",
            "",
            ("",),
            False,
            False,
        ),
        (
            "pupil",
            "domestic_abuse",
            "{n} said parents 'were shouting all night' and the police came; logged, DSL aware.",
            "{n} was tired and tearful in the morning. DSL checked for a police notification; "
            "none received yet.",
            "",
            ("not_sought",),
            False,
            False,
        ),
        (
            "pupil",
            "emotional_abuse",
            "{n} withdrawn and tearful; said a parent calls them stupid.",
            "Class teacher noticed {n} has stopped joining in. Pastoral support offered; parent "
            "meeting arranged.",
            "",
            ("",),
            False,
            False,
        ),
        (
            "young",
            "other",
            "Speech and language referral agreed with parent.",
            "Teacher concerned about {n}'s speech. Parent agreed to the referral.",
            "",
            ("given",),
            False,
            False,
        ),
        (
            "teen",
            "missing",
            "{n} left school at lunchtime without permission; police told when not home by 22:00.",
            "Parent rang school at 18:00 to ask where {n} was. Reported missing and found "
            "later that night.",
            "",
            ("not_sought",),
            False,
            False,
        ),
        (
            "teen",
            "sexual_exploitation",
            "Concern that {n} ({age}) has a 19-year-old 'boyfriend' who collects them from school.",
            "Staff have seen {n} getting into a car with an older male. Parent unaware. Referral "
            "made to the MASH.",
            "restricted",
            ("not_sought",),
            False,
            False,
        ),
        (
            "teen",
            "self_harm",
            "{n} disclosed self-harm to their form tutor; parent informed; school nurse referral.",
            "Superficial cuts to the arm. {n} agreed to parent being told. Safety plan in place.",
            "special",
            ("given",),
            False,
            False,
        ),
        (
            "teen",
            "drugs_alcohol",
            "{n} smelled strongly of cannabis in a lesson; parent called.",
            "{n} denied smoking. Parent collected them; internal exclusion for one day.",
            "",
            ("",),
            False,
            False,
        ),
        (
            "pupil",
            "school_attendance",
            "Unauthorised holiday in term time ({k} days); penalty notice warning.",
            "Parent did not ask for leave in advance. Warning letter sent.",
            "",
            ("",),
            False,
            False,
        ),
        (
            "pupil",
            "debt",
            "Free school meals application: family says money is very tight.",
            "Parent asked for help with uniform costs. Uniform bank and FSM registration done.",
            "",
            ("given",),
            False,
            False,
        ),
    ],
    "early_years": [
        (
            "infant",
            "neglect",
            "{n} collected late {k} times this month.",
            "Parent apologised each time. Late collection policy shared.",
            "",
            ("",),
            False,
            False,
        ),
        (
            "infant",
            "school_attendance",
            "{n} attended {k} of {m} funded sessions this half-term.",
            "Parent says {n} has been unwell. Reminder of the attendance policy.",
            "",
            ("",),
            False,
            False,
        ),
        (
            "infant",
            "physical_injury",
            "Existing injury form: small bruise on the shin; parent says a fall at the park.",
            "Body map completed. Explanation fits the injury.",
            "",
            ("",),
            False,
            False,
        ),
        (
            "infant",
            "other",
            "Two-year progress check: speech delay; parent agreed to a speech and language "
            "referral.",
            "{n} uses a few single words. Referral sent with the parent's agreement.",
            "",
            ("given",),
            False,
            False,
        ),
        (
            "infant",
            "other",
            "Settled well; no concerns at the end of the first term.",
            "{n} is confident and plays well with others.",
            "",
            ("",),
            False,
            False,
        ),
    ],
    "childrens_social_care": [
        (
            "child",
            "domestic_abuse",
            "Police notification (standard risk): argument at home; no further action; information "
            "letter sent.",
            "First notification for this family. Children not present during the argument. "
            "Information about local support sent to the parent.",
            "standard",
            ("not_sought",),
            False,
            True,
        ),
        (
            "child",
            "neglect",
            "Referral from school about neglect; child and family assessment started.",
            "School reports {n} is often hungry and unkempt. Parent agreed to the assessment.",
            "standard",
            ("given",),
            False,
            True,
        ),
        (
            "child",
            "neglect",
            "Child in need plan agreed: home conditions and school attendance.",
            "Plan reviewed with the parent, school and health visitor. Next review in three "
            "months.",
            "standard",
            ("given",),
            False,
            True,
        ),
        (
            "child",
            "emotional_abuse",
            "Initial child protection conference: child protection plan under emotional abuse.",
            "Conference heard about repeated arguments and the children's distress. Core group "
            "to meet within ten working days.",
            "standard",
            ("not_sought",),
            False,
            True,
        ),
        (
            "teen",
            "sexual_exploitation",
            "Exploitation screening: medium risk; referred to the exploitation panel.",
            "{n} ({age}) has been going missing and has a new phone and clothes. Disruption "
            "plan agreed with police.",
            "restricted",
            ("not_sought",),
            False,
            False,
        ),
        (
            "child8",
            "missing",
            "Return home interview after a missing episode: {n} says they stayed with a friend.",
            "{n} ({age}) was missing overnight. No harm disclosed; {n} said they had argued with "
            "a parent.",
            "standard",
            ("given",),
            False,
            False,
        ),
        (
            "child",
            "other",
            "Stepped down to early help; case closed to social care.",
            "Goals of the plan met. Family agreed to support from Family First Sharetown.",
            "standard",
            ("given",),
            False,
            True,
        ),
        (
            "child",
            "other",
            "Contact from a relative worried about the children; checks done; no further action.",
            "Relative worried about the parent's new partner. Checks with police and school "
            "found nothing of concern.",
            "standard",
            ("not_sought",),
            False,
            True,
        ),
        (
            "child",
            "physical_injury",
            "Section 47 enquiry after a bruise seen at school; explanation accepted.",
            "{n} ({age}) and the parent gave the same account of a fall. Medical opinion: "
            "consistent. No further action.",
            "standard",
            ("not_sought",),
            False,
            True,
        ),
    ],
    "housing": [
        (
            "adult",
            "debt",
            "Rent arrears £{amt}; repayment plan agreed at £{weekly} a week.",
            "Arrears built up after a change in benefits. Tenant agreed the plan at a home visit.",
            "standard",
            ("given",),
            False,
            False,
        ),
        (
            "adult",
            "other",
            "Noise complaint from a neighbour: loud music late at night; warning letter sent.",
            "Third complaint this year. Tenant reminded of the tenancy conditions.",
            "standard",
            ("not_sought",),
            False,
            False,
        ),
        (
            "adult",
            "drugs_alcohol",
            "Anonymous report of a strong cannabis smell and many visitors at the property.",
            "The caller did not want to be named. Tenancy officer to visit.",
            "restricted",
            ("not_sought",),
            False,
            False,
        ),
        (
            "adult",
            "housing",
            "Damp and mould reported in the children's bedroom; repairs order raised.",
            "Black mould around the window. Repairs booked; advice on ventilation given.",
            "standard",
            ("given",),
            False,
            True,
        ),
        (
            "adult",
            "other",
            "Tenancy audit visit: property in reasonable condition.",
            "Household members confirmed. No concerns.",
            "standard",
            ("given",),
            False,
            True,
        ),
        (
            "adult",
            "housing",
            "Homeless application: asked to leave by a private landlord (section 21).",
            "Notice expires in six weeks. Prevention duty accepted; temporary accommodation "
            "may be needed.",
            "standard",
            ("given",),
            False,
            True,
        ),
        (
            "adult",
            "debt",
            "Notice of Seeking Possession served for arrears of £{amt}.",
            "No response to letters or visits. Money advice details left.",
            "standard",
            ("not_sought",),
            False,
            False,
        ),
        (
            "adult",
            "offending",
            "Anti-social behaviour warning after complaints about visitors and shouting.",
            "Complaints from two neighbours. Tenant signed an acceptable behaviour agreement.",
            "standard",
            ("not_sought",),
            False,
            False,
        ),
    ],
    "probation": [
        (
            "offender",
            "offending",
            "New community order: {req}.",
            "Sentenced at Sharetown Magistrates' Court. Induction completed; risk of serious "
            "harm assessed as low.",
            "standard",
            ("not_sought",),
            False,
            False,
        ),
        (
            "offender",
            "missed_appointment",
            "Failed to attend supervision; warning letter issued.",
            "{n} gave no acceptable reason. First warning.",
            "standard",
            ("not_sought",),
            False,
            False,
        ),
        (
            "offender",
            "drugs_alcohol",
            "Positive test for cocaine at appointment.",
            "{n} admitted weekend use. Referred to the drug and alcohol service.",
            "special",
            ("not_sought",),
            False,
            False,
        ),
        (
            "offender",
            "housing",
            "No fixed abode; referred to the accommodation service.",
            "{n} has been sofa-surfing since a relationship ended.",
            "standard",
            ("given",),
            False,
            False,
        ),
        (
            "offender",
            "other",
            "Unpaid work hours completed; order ended early for good progress.",
            "{n} attended every session and has found work.",
            "standard",
            ("not_sought",),
            False,
            False,
        ),
    ],
    "substance_misuse": [
        (
            "adult",
            "drugs_alcohol",
            "Assessment: alcohol dependence, about {units} units a day; community detox planned.",
            "{n} wants to stop before their health gets worse. GP to be consulted about detox.",
            "special",
            ("given",),
            False,
            False,
        ),
        (
            "adult",
            "drugs_alcohol",
            "Started opioid substitution treatment (methadone).",
            "Supervised daily consumption at a local pharmacy. Key worker allocated.",
            "special",
            ("given",),
            False,
            False,
        ),
        (
            "adult",
            "drugs_alcohol",
            "Naloxone kit supplied and overdose awareness given.",
            "{n} lives with others who may also need to use the kit.",
            "special",
            ("given",),
            False,
            False,
        ),
        (
            "adult",
            "missed_appointment",
            "Did not attend two key-work sessions; case closed.",
            "Letters and calls unanswered. {n} can self-refer at any time.",
            "special",
            ("",),
            False,
            False,
        ),
        (
            "adult",
            "drugs_alcohol",
            "Cannabis use: brief intervention; declined further support.",
            "{n} smokes daily and says it helps them sleep.",
            "special",
            ("refused",),
            False,
            False,
        ),
    ],
    "mental_health": [
        (
            "adult",
            "mental_health",
            "Assessment: generalised anxiety; eight sessions of CBT offered.",
            "{n} has had panic attacks for a year. Agreed to start therapy.",
            "special",
            ("given",),
            False,
            False,
        ),
        (
            "adult",
            "self_harm",
            "Crisis team contact: suicidal thoughts after a relationship breakdown; home treatment "
            "for two weeks.",
            "{n} rang the crisis line. Daily visits arranged; safety plan shared with the GP.",
            "special",
            ("given",),
            False,
            False,
        ),
        (
            "adult",
            "mental_health",
            "Discharged after completing therapy; scores improved.",
            "{n} attended all sessions. Relapse prevention plan given.",
            "special",
            ("given",),
            False,
            False,
        ),
        (
            "adult",
            "missed_appointment",
            "Did not attend assessment; discharged to GP.",
            "Two appointments offered; no contact from {n}.",
            "special",
            ("",),
            False,
            False,
        ),
        (
            "adult",
            "mental_health",
            "Bipolar disorder review: stable on lithium.",
            "No admissions this year. Blood levels in range.",
            "special",
            ("given",),
            False,
            False,
        ),
    ],
    "voluntary": [
        (
            "child",
            "other",
            "Referral accepted: parenting support requested by school.",
            "Family agreed to six home visits. Goals: routines and school attendance.",
            "standard",
            ("given",),
            False,
            True,
        ),
        (
            "adult",
            "debt",
            "Food bank voucher and help with an energy debt of £{amt}.",
            "{n} applied to the energy company's hardship fund with our help.",
            "standard",
            ("given",),
            False,
            False,
        ),
        (
            "adult",
            "other",
            "Attended a parenting course ({k} of 8 sessions).",
            "{n} found the sessions on routines helpful.",
            "standard",
            ("given",),
            False,
            False,
        ),
        (
            "adult",
            "other",
            "Case closed: goals met.",
            "Closure review completed with the family.",
            "standard",
            ("given",),
            False,
            True,
        ),
        (
            "adult",
            "domestic_abuse",
            "Parent mentioned an ex-partner 'turning up'; helpline details given; declined referral.",
            "{n} says the ex-partner comes round when drunk. Asked that this is not passed on.",
            "restricted",
            ("refused",),
            False,
            False,
        ),
    ],
}


ITEM_WEIGHT = {
    "childrens_social_care": 4.0,
    "police": 3.0,
    "school": 3.0,
    "early_years": 3.0,
    "health_visiting": 2.5,
    "housing": 2.0,
    "voluntary": 2.0,
    "probation": 2.0,
    "substance_misuse": 2.0,
    "mental_health": 2.0,
    "acute_hospital": 1.5,
    "gp": 1.0,
}


def working_day(day: dt.date, school: bool) -> dt.date:
    """Move a date to the next day the office (or, for schools, the term) is open, or back
    if that would run past the end of the data."""

    def open_on(d: dt.date) -> bool:
        if d.weekday() >= 5:
            return False
        return not (
            school
            and (
                d.month == 8
                or (d.month == 7 and d.day > 21)
                or (d.month == 12 and d.day > 19)
                or (d.month == 1 and d.day < 5)
            )
        )

    forward = day
    while not open_on(forward):
        forward += dt.timedelta(days=1)
    if forward <= DATA_END:
        return forward
    back = day
    while not open_on(back):
        back -= dt.timedelta(days=1)
    return back


def who_fits(who: str, p: Person, day: dt.date, fam: Family) -> bool:
    if p.dob > day:
        return False
    age = age_on(p.dob, day)
    checks = {
        "adult": age >= 18,
        "offender": age >= 18 and p.offender,
        "child": age < 18,
        "child8": 8 <= age < 18,
        "teen": 12 <= age < 18,
        "infant": age < 5,
        "pupil": 4 <= age < 18,
        "primary": 4 <= age < 12,
        "young": 4 <= age < 8,
        "mother": p.sex == FEMALE
        and age >= 18
        and p.role in ("mother", "daughter")
        and any(m.dob <= day and age_on(m.dob, day) < 5 for m in fam.members if m is not p),
        "woman": p.sex == FEMALE and 16 <= age <= 45,
        "any": True,
    }
    return checks[who]


def make_items(gen: Generator) -> list[Item]:
    rng = gen.rng
    items: list[Item] = []
    item_ids = {
        "STPOL": lambda d: f"INC-{d:%y%m%d}-{rng.randint(1, 999):04d}",
        "NVPOL": lambda d: f"NVI-{d:%y%m%d}-{rng.randint(1, 999):04d}",
        "STGH": lambda d: f"ED-{d:%y%m}{rng.randint(200, 999)}",
        "RMP": lambda d: f"E{rng.randint(100000, 299999)}",
        "HSS": lambda d: f"HSS-E{rng.randint(10000, 99999)}",
        "SCHS": lambda d: f"HVC-{rng.randint(100000, 999999)}",
        "BPS": lambda d: f"CPOMS-{rng.randint(10000, 99999)}",
        "SAA": lambda d: f"SAA-{rng.randint(10000, 99999)}",
        "LAN": lambda d: f"LAN-L{rng.randint(1000, 9999)}",
        "SCSC": lambda d: f"CON-{rng.randint(100000, 999999)}",
        "NVCSC": lambda d: f"NVCON-{rng.randint(100000, 999999)}",
        "STH": lambda d: f"HSG-{rng.randint(100000, 999999)}",
        "PROB": lambda d: f"PRC-{rng.randint(1000000, 9999999)}",
        "SDAS": lambda d: f"SDA-{rng.randint(10000, 99999)}",
        "SMHT": lambda d: f"MHE-{rng.randint(100000, 999999)}",
        "FFS": lambda d: f"FFN-{rng.randint(2000, 9999)}",
    }
    clinics = ["fracture", "diabetes", "dermatology", "ENT", "paediatric", "gynaecology"]
    orders = [
        "12 months with 80 hours of unpaid work",
        "18 months with 15 rehabilitation activity days",
        "12 months with an alcohol treatment requirement",
        "24 months with a drug rehabilitation requirement",
    ]
    for fam in gen.families:
        held = [
            (a, p, gen.primary[(p.key, a)])
            for p in fam.members
            for a in p.agencies
            if (p.key, a) in gen.primary and (p.key, a) not in gen.contact_keys
        ]
        if not held:
            continue
        # a weighted random order: safeguarding agencies tend to come first
        keys = {
            a: -(rng.random() ** (1 / ITEM_WEIGHT[AGENCY_TYPE[a]]))
            for a in sorted({a for a, _, _ in held})
        }
        agencies = sorted(keys, key=lambda a: (keys[a], a))
        wanted = rng.choice([2, 2, 3, 3, 3, 4])
        made = attempts = 0
        while made < wanted and attempts < 30:
            agency = agencies[attempts % len(agencies)]
            attempts += 1
            candidates = [(p, r) for a, p, r in held if a == agency]
            rng.shuffle(candidates)
            region = None if agency == "STGH" else ("NV" if agency.startswith("NV") else "ST")
            span = fam.region_window(region) if region else (dt.date.min, dt.date.max)
            options: list[Template] = []
            for p, rec in candidates:
                lo = max(dt.date.fromisoformat(rec.recorded), dt.date(2024, 6, 1), p.dob)
                hi = DATA_END
                if span is None:
                    break
                lo, hi = max(lo, span[0]), min(hi, span[1])
                if lo > hi:
                    continue
                day = rand_date(rng, lo, hi)
                options = [t for t in TEMPLATES[AGENCY_TYPE[agency]] if who_fits(t[0], p, day, fam)]
                if options:
                    break
            if not options:
                continue
            who, category, summary, detail, sensitivity, consents, timed, household = rng.choice(
                options
            )
            persons = [rec.source_id]
            others = [
                (m, gen.primary[(m.key, agency)])
                for m in fam.members
                if m is not p
                and (m.key, agency) in gen.primary
                and gen.primary[(m.key, agency)].recorded <= day.isoformat()
            ]
            if household:
                persons += [r.source_id for _, r in others]
            kids = [r.given for m, r in others if age_on(m.dob, day) < 18]
            kids_line = (
                f"Children present: {', '.join(kids)}." if kids else "No children were present."
            )
            months = (day.year - p.dob.year) * 12 + day.month - p.dob.month - (day.day < p.dob.day)
            age = age_on(p.dob, day)
            values = {
                "n": rec.given or "the person",
                "f": rec.family.title() if rec.family.isupper() else rec.family,
                "age": age,
                "age_text": f"{months} months" if age < 2 else f"{age}",
                "k": rng.randint(2, 6),
                "m": rng.randint(12, 20),
                "pct": (pct := rng.randint(72, 91)),
                "amt": f"{rng.randint(22, 260) * 10:,}",
                "h": rng.randint(2, 9),
                "units": rng.randint(12, 30),
                "audit": rng.randint(6, 11),
                "breath": rng.randint(41, 95),
                "weeks": rng.randint(8, 14),
                "small": rng.randint(12, 85),
                "clinic": rng.choice(clinics),
                "missed": 0,
                "weekly": rng.choice([5, 8, 10, 12, 15, 20]),
                "req": rng.choice(orders),
                "kids_line": kids_line,
                "street": re.sub(r"^(Flat \d+, [^,]+, |\d+ )", "", fam.address_on(day).line),
                "review": (
                    "6-8 week"
                    if months < 3
                    else "9-12 month"
                    if months < 15
                    else "2-2½ year"
                    if months < 36
                    else "pre-school"
                ),
            }
            values["missed"] = max(3, round((100 - pct) * 0.7))
            if not timed:
                day = working_day(day, AGENCY_TYPE[agency] in ("school", "early_years"))
            if timed and who in ("infant", "pupil", "child") and AGENCY_TYPE[agency] != "police":
                hour = rng.randint(8, 20)
            elif timed:
                hour = rng.choice([0, 1, 2, 9, 11, 13, 15, 16, 17, 18, 19, 20, 21, 22, 23])
                # local wall-clock times, as agencies' extracts give them (no time zone)
                occurred = dt.datetime.fromisoformat(f"{day}T{hour:02d}:{rng.randint(0, 59):02d}")
                recorded = occurred + dt.timedelta(minutes=rng.randint(15, 420))
                recorded = min(recorded, dt.datetime.fromisoformat(f"{TODAY}T09:00"))
                occ_text, rec_text = occurred.isoformat(), recorded.isoformat()
            else:
                rec_day = min(day + dt.timedelta(days=rng.choice([0, 0, 0, 1, 2, 3])), TODAY)
                occ_text, rec_text = day.isoformat(), rec_day.isoformat()
            while True:
                if agency == "STGH" and summary.startswith("Antenatal"):
                    sid = f"MAT-{day:%y%m%d}-{rng.randint(1000, 9999)}"
                elif agency == "STGH" and category == "missed_appointment":
                    sid = f"OPD-{day:%y%m%d}-{rng.randint(1000, 9999)}"
                else:
                    sid = item_ids[agency](day)
                if (agency, sid) not in gen.used_item_ids:
                    gen.used_item_ids.add((agency, sid))
                    break
            items.append(
                Item(
                    agency,
                    sid,
                    persons,
                    category,
                    occ_text,
                    rec_text,
                    summary.format(**values),
                    detail.format(**values),
                    sensitivity,
                    rng.choice(consents),
                )
            )
            made += 1
    return items


def make_relationships(gen: Generator) -> list[Rel]:
    rng = gen.rng
    rels: list[Rel] = []
    for fam in gen.families:
        for agency in (
            "SCSC",
            "NVCSC",
            "STH",
            "SCHS",
            "BPS",
            "LAN",
            "FFS",
            "STPOL",
            "NVPOL",
            "STGH",
        ):
            here = {
                m.role: gen.primary[(m.key, agency)]
                for m in fam.members
                if (m.key, agency) in gen.primary
            }
            if len(here) < 2:
                continue
            roles = {m.role: m for m in fam.members}
            kids = [r for r in here if r.startswith("child") or r in ("son", "daughter")]
            police = agency in ("STPOL", "NVPOL")
            pairs: list[tuple[str, str, str]] = []
            for adult in ("mother", "father"):
                pairs += [(adult, k, "parent") for k in kids]
            pairs += [("partner", k, "other") for k in kids if k.startswith("child")]
            pairs += [
                ("mother", "father", "partner"),
                ("mother", "partner", "partner"),
                ("adult1", "adult2", "partner"),
                ("grandmother", "mother", "parent"),
            ]
            if agency in ("SCSC", "BPS", "LAN") and rng.random() < 0.5:
                pairs += [("grandmother", k, "carer") for k in kids if k.startswith("child")]
            for i, a in enumerate(kids):
                pairs += [(a, b, "sibling") for b in kids[i + 1 :]]
            for a, b, kind in pairs:
                if a not in here or b not in here:
                    continue
                if agency == "STGH" and not (
                    kind == "parent"
                    and a == "mother"
                    and here[b].recorded == roles[b].dob.isoformat()
                ):
                    continue
                if police and rng.random() < (0.4 if kind == "partner" else 0.6):
                    continue
                rels.append(Rel(agency, here[a].source_id, here[b].source_id, kind))
    return rels


def spoil_identifiers(records: list[Rec]) -> set[tuple[str, str]]:
    """Make exactly one UPN and one PNC id invalid, where the same person's other record
    holds the valid one (so a linker that used them would be caught)."""
    spoiled: set[tuple[str, str]] = set()
    by_person: dict[str, list[Rec]] = defaultdict(list)
    for r in records:
        by_person[r.person_key].append(r)
    for r in sorted(records, key=lambda r: (r.agency, r.source_id)):
        if (
            r.agency == "SAA"
            and r.upn
            and r.upn[-1] != r.upn[-2]
            and any(o.agency == "BPS" and o.upn == r.upn for o in by_person[r.person_key])
        ):
            r.upn = r.upn[:-2] + r.upn[-1] + r.upn[-2]
            spoiled.add((r.agency, r.source_id))
            break
    for r in sorted(records, key=lambda r: (r.agency, r.source_id)):
        if (
            r.agency == "PROB"
            and r.pnc
            and r.person_key.startswith("bg-")
            and any(o.agency == "STPOL" and o.pnc for o in by_person[r.person_key])
        ):
            letter = r.pnc[-1]
            r.pnc = r.pnc[:-1] + PNC_LETTERS[(PNC_LETTERS.index(letter) + 1) % 23]
            spoiled.add((r.agency, r.source_id))
            break
    return spoiled


# --------------------------------------------------------------------------------------
# Assembly and output
# --------------------------------------------------------------------------------------


def csv_text(header: list[str], rows: Iterable[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def _place(rec: Rec) -> str:
    return rec.postcode.replace(" ", "").upper() or rec.address.upper()


def give_dates_of_birth(gen: Generator, records: list[Rec]) -> None:
    """Give a date of birth to the background records that would otherwise hold too
    little to be linked by any careful standard, as real extracts of those kinds do:

    * a parent or grandparent recorded as a contact (school, nursery) who shares their
      name with a child in the household: schools and nurseries record the adult's date
      of birth to tell the two apart;
    * a record with no date of birth that shares neither surname nor address with any
      other record of the person (a maiden name and no date of birth, or an old address
      and no date of birth): an agency that holds so little would also ask for the date.

    Deterministic (no random draws), so the rest of the data is unchanged."""
    people = {p.key: (fam, p) for fam in gen.families for p in fam.members}
    by_person: dict[str, list[Rec]] = defaultdict(list)
    for rec in records:
        by_person[rec.person_key].append(rec)
    for rec in records:
        if rec.dob or rec.person_key not in people:
            continue
        fam, p = people[rec.person_key]
        namesake = any(
            m is not p and m.given == p.given and m.family == p.family for m in fam.members
        )
        anchored = any(
            o is not rec
            and o.dob
            and o.family.upper() == rec.family.upper()
            and _place(o) == _place(rec)
            for o in by_person[rec.person_key]
        )
        if namesake or not anchored:
            rec.dob = p.dob.isoformat()


def build() -> tuple[dict[str, str], dict[str, Any]]:
    """Return {relative path: file text} for every output file, and some facts for checks."""
    gen = Generator(SEED)
    for r in walsh_records():
        gen.used_ids.add((r.agency, r.source_id))
    w_items = walsh_items()
    for it in w_items:
        gen.used_item_ids.add((it.agency, it.source_id))
    gen.build()
    bg_records = gen.make_records()
    bg_items = make_items(gen)
    bg_rels = make_relationships(gen)
    spoiled = spoil_identifiers(bg_records)
    give_dates_of_birth(gen, bg_records)
    records = walsh_records() + bg_records
    items = w_items + bg_items
    rels = walsh_relationships() + bg_rels

    files: dict[str, str] = {}
    files["partnership.json"] = json.dumps(partnership_spec(), indent=2, ensure_ascii=False) + "\n"
    codes = [a["code"] for a in AGENCIES]
    for code in codes:
        recs = sorted(
            (r for r in records if r.agency == code), key=lambda r: (r.recorded, r.source_id)
        )
        files[f"records/{code}.csv"] = csv_text(RECORD_COLUMNS, (r.row() for r in recs))
        its = sorted(
            (i for i in items if i.agency == code), key=lambda i: (i.occurred, i.source_id)
        )
        files[f"items/{code}.csv"] = csv_text(ITEM_COLUMNS, (i.row() for i in its))
    order = {c: n for n, c in enumerate(codes)}
    files["relationships.csv"] = csv_text(
        RELATIONSHIP_COLUMNS,
        (r.row() for r in sorted(rels, key=lambda r: (order[r.agency], r.from_id, r.to_id))),
    )
    files["ground_truth.csv"] = csv_text(
        GROUND_TRUTH_COLUMNS,
        (
            [r.agency, r.source_id, r.person_key]
            for r in sorted(records, key=lambda r: (order[r.agency], r.source_id))
        ),
    )
    facts = {"spoiled": spoiled, "families": gen.families}
    return files, facts


def write(files: dict[str, str]) -> None:
    for sub in ("records", "items"):
        folder = OUT / sub
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.csv"):
            if f"{sub}/{stale.name}" not in files:
                stale.unlink()
    for rel, text in files.items():
        path = OUT / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))


# --------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$")


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    text = path.read_bytes().decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    rows = [dict(zip(header, values, strict=True)) for values in reader]
    return header, rows


def parse_when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def check(files: dict[str, str], spoiled: set[tuple[str, str]]) -> list[str]:
    """Validate what is on disk; return a list of problems (empty when all is well)."""
    problems: list[str] = []

    def bad(msg: str) -> None:
        if len(problems) < 200:
            problems.append(msg)

    # ---- byte-for-byte reproducibility ----
    on_disk = {
        str(p.relative_to(OUT)): p
        for p in OUT.rglob("*")
        if p.is_file() and (p.suffix in (".csv", ".json"))
    }
    for rel, text in files.items():
        if rel not in on_disk:
            bad(f"{rel}: missing (run the script without --check to write it)")
        elif on_disk[rel].read_bytes() != text.encode("utf-8"):
            bad(f"{rel}: differs from what the generator produces")
    for rel in sorted(set(on_disk) - set(files)):
        bad(f"{rel}: not produced by the generator")
    if spoiled != DELIBERATELY_INVALID:
        bad(f"the generator spoiled {sorted(spoiled)}, expected {sorted(DELIBERATELY_INVALID)}")

    # ---- partnership.json ----
    spec = json.loads((OUT / "partnership.json").read_text("utf-8"))
    p_codes = {p["code"] for p in spec["partnerships"]}
    codes = [a["code"] for a in spec["agencies"]]
    if len(set(codes)) != len(codes):
        bad("partnership.json: duplicate agency code")
    for a in spec["agencies"]:
        if not re.fullmatch(r"[A-Z]{2,6}", a["code"]):
            bad(f"agency code {a['code']!r} is not 2-6 upper-case letters")
        if a["type"] not in AGENCY_TYPES:
            bad(f"agency {a['code']}: unknown type {a['type']}")
        if a["partnership"] not in p_codes:
            bad(f"agency {a['code']}: unknown partnership {a['partnership']}")
    usernames = [u["username"] for u in spec["users"]]
    if len(set(usernames)) != len(usernames):
        bad("partnership.json: duplicate username")
    covered = set()
    for u in spec["users"]:
        if u["agency"] not in codes:
            bad(f"user {u['username']}: unknown agency {u['agency']}")
        for role in u["roles"]:
            if role not in ROLES:
                bad(f"user {u['username']}: unknown role {role}")
            covered.add(role)
    for role in ROLES:
        if role not in covered:
            bad(f"no user has the role {role}")

    # ---- records ----
    records: dict[tuple[str, str], dict[str, str]] = {}
    invalid_ids: set[tuple[str, str]] = set()
    for code in codes:
        path = OUT / "records" / f"{code}.csv"
        if not path.exists():
            bad(f"records/{code}.csv missing")
            continue
        header, rows = read_csv(path)
        if header != RECORD_COLUMNS:
            bad(f"records/{code}.csv: columns are {header}")
        for n, row in enumerate(rows, start=2):
            where = f"records/{code}.csv row {n}"
            sid = row["source_id"]
            if not sid:
                bad(f"{where}: blank source_id")
            if (code, sid) in records:
                bad(f"{where}: duplicate source_id {sid}")
            records[(code, sid)] = row
            for col in ("date_of_birth", "recorded_at"):
                if row[col] and not DATE_RE.match(row[col]):
                    bad(f"{where}: {col} {row[col]!r} is not YYYY-MM-DD")
            if not row["recorded_at"]:
                bad(f"{where}: blank recorded_at")
            elif row["recorded_at"] > TODAY.isoformat():
                bad(f"{where}: recorded_at in the future")
            if row["sex"] not in ("", "F", "M", "U"):
                bad(f"{where}: sex {row['sex']!r}")
            if row["nhs_number"] and not nhs_is_valid(row["nhs_number"]):
                bad(f"{where}: NHS number {row['nhs_number']} invalid or outside the 999 range")
            if row["upn"] and not upn_is_valid(row["upn"]):
                invalid_ids.add((code, sid))
            if row["pnc_id"] and not pnc_is_valid(row["pnc_id"]):
                invalid_ids.add((code, sid))
    if invalid_ids != DELIBERATELY_INVALID:
        bad(
            f"invalid UPN/PNC ids in {sorted(invalid_ids)}; only {sorted(DELIBERATELY_INVALID)} "
            "may be"
        )
    # the same NHS number must never be given to two people
    truth_header, truth_rows = read_csv(OUT / "ground_truth.csv")
    truth = {(r["agency"], r["source_id"]): r["person_key"] for r in truth_rows}
    owner: dict[tuple[str, str], str] = {}
    for key, row in records.items():
        if key not in truth or key in DELIBERATELY_INVALID:
            continue
        m = PNC_RE.match(row["pnc_id"])
        for kind, value in (
            ("NHS number", row["nhs_number"].replace(" ", "")),
            ("UPN", row["upn"]),
            ("PNC id", f"{m.group(1)}/{int(m.group(2)):07d}" if m else ""),
        ):
            if value and owner.setdefault((kind, value), truth[key]) != truth[key]:
                bad(f"{kind} {value} is given to two people")

    # ---- ground truth ----
    if truth_header != GROUND_TRUTH_COLUMNS:
        bad(f"ground_truth.csv: columns are {truth_header}")
    if len(truth) != len(truth_rows):
        bad("ground_truth.csv: duplicate rows")
    for key in records:
        if key not in truth:
            bad(f"ground_truth.csv: no person for {key}")
    for key in truth:
        if key not in records:
            bad(f"ground_truth.csv: {key} is not a record")

    # ---- items ----
    items: list[tuple[str, dict[str, str]]] = []
    for code in codes:
        path = OUT / "items" / f"{code}.csv"
        if not path.exists():
            bad(f"items/{code}.csv missing")
            continue
        header, rows = read_csv(path)
        if header != ITEM_COLUMNS:
            bad(f"items/{code}.csv: columns are {header}")
        seen: set[str] = set()
        for n, row in enumerate(rows, start=2):
            where = f"items/{code}.csv row {n}"
            if not row["source_id"] or row["source_id"] in seen:
                bad(f"{where}: blank or duplicate source_id {row['source_id']!r}")
            seen.add(row["source_id"])
            for sid in row["person_source_ids"].split(";"):
                if (code, sid) not in records:
                    bad(f"{where}: person {sid!r} is not in records/{code}.csv")
            if row["category"] not in CATEGORIES:
                bad(f"{where}: category {row['category']!r}")
            if row["sensitivity"] not in SENSITIVITIES:
                bad(f"{where}: sensitivity {row['sensitivity']!r}")
            if row["consent"] not in CONSENTS:
                bad(f"{where}: consent {row['consent']!r}")
            if not row["summary"] or "\n" in row["summary"]:
                bad(f"{where}: summary must be one non-blank line")
            if not row["detail"]:
                bad(f"{where}: blank detail")
            if not (
                DATETIME_RE.match(row["occurred_at"]) and DATETIME_RE.match(row["recorded_at"])
            ):
                bad(f"{where}: occurred_at/recorded_at not ISO 8601")
                continue
            occurred, recorded = parse_when(row["occurred_at"]), parse_when(row["recorded_at"])
            if recorded < occurred:
                bad(f"{where}: recorded_at is before occurred_at")
            for sid in row["person_source_ids"].split(";"):
                subject = records.get((code, sid))
                if subject and subject["recorded_at"] > occurred.date().isoformat():
                    bad(f"{where}: person {sid} was recorded after the event")
            if recorded.date() > TODAY:
                bad(f"{where}: recorded_at in the future")
            items.append((code, row))

    # ---- relationships ----
    header, rel_rows = read_csv(OUT / "relationships.csv")
    if header != RELATIONSHIP_COLUMNS:
        bad(f"relationships.csv: columns are {header}")
    seen_rel: set[tuple[str, str, str, str]] = set()
    for n, row in enumerate(rel_rows, start=2):
        where = f"relationships.csv row {n}"
        a, f, t, kind = (
            row["agency"],
            row["from_source_id"],
            row["to_source_id"],
            row["relationship"],
        )
        if kind not in RELATIONSHIPS:
            bad(f"{where}: relationship {kind!r}")
        for sid in (f, t):
            if (a, sid) not in records:
                bad(f"{where}: {sid!r} is not in records/{a}.csv")
        if f == t:
            bad(f"{where}: a record related to itself")
        ends = sorted((f, t)) if kind in ("partner", "sibling") else [f, t]
        rel_key = (a, ends[0], ends[1], kind)
        if rel_key in seen_rel:
            bad(f"{where}: duplicate relationship")
        seen_rel.add(rel_key)

    # ---- the Walsh family ----
    agencies_of: dict[str, set[str]] = defaultdict(set)
    for (code, _sid), person in truth.items():
        agencies_of[person].add(code)
    if len(agencies_of["walsh-lilymae"]) < 7:
        bad(f"the youngest Walsh child is in only {len(agencies_of['walsh-lilymae'])} agencies")
    for person in ("walsh-katie", "walsh-dean", "walsh-jayden", "walsh-ruby"):
        if len(agencies_of[person]) < 4:
            bad(f"{person} is in only {len(agencies_of[person])} agencies")
    walsh = [
        (code, row)
        for code, row in items
        if any(
            truth.get((code, sid), "").startswith("walsh-")
            for sid in row["person_source_ids"].split(";")
        )
    ]
    walsh_agencies = {code for code, _ in walsh}
    if len(walsh) < 60 or len(walsh_agencies) < 10:
        bad(f"{len(walsh)} Walsh items from {len(walsh_agencies)} agencies (need 60 from 10)")
    by_spring = {row["category"] for _, row in walsh if row["occurred_at"] < "2026-04-01"}
    for cat in ("domestic_abuse", "mental_health", "drugs_alcohol", "offending", "debt"):
        if cat not in by_spring:
            bad(f"no Walsh {cat} item before spring 2026")
    last = max(row["occurred_at"] for _, row in walsh)
    if not last.startswith("2026-08-14"):
        bad(f"the last Walsh item is on {last}, not the day of the death")
    final_day = [(code, row) for code, row in walsh if row["occurred_at"].startswith("2026-08-14")]
    if {AGENCY_TYPE[c] for c, _ in final_day} != {"police", "acute_hospital"}:
        bad("the records of the death must come from the police and the hospital")

    # ---- background ----
    bg = {p: a for p, a in agencies_of.items() if p.startswith("bg-")}
    if not 300 <= len(bg) <= 500:
        bad(f"{len(bg)} background people (want 300-500)")
    for person, agencies in bg.items():
        if not 1 <= len(agencies) <= 5:
            bad(f"{person} is in {len(agencies)} agencies")
    return problems


def summary() -> str:
    spec = json.loads((OUT / "partnership.json").read_text("utf-8"))
    _, truth_rows = read_csv(OUT / "ground_truth.csv")
    truth = {(r["agency"], r["source_id"]): r["person_key"] for r in truth_rows}
    lines = [f"{'agency':<7}{'records':>9}{'walsh':>7}{'items':>7}{'walsh':>7}  name"]
    totals: Counter[str] = Counter()
    for a in spec["agencies"]:
        code = a["code"]
        _, recs = read_csv(OUT / "records" / f"{code}.csv")
        _, its = read_csv(OUT / "items" / f"{code}.csv")
        w_recs = sum(truth[(code, r["source_id"])].startswith("walsh-") for r in recs)
        w_items = sum(
            any(
                truth.get((code, s), "").startswith("walsh-")
                for s in r["person_source_ids"].split(";")
            )
            for r in its
        )
        totals.update(records=len(recs), walsh_records=w_recs, items=len(its), walsh_items=w_items)
        lines.append(f"{code:<7}{len(recs):>9}{w_recs:>7}{len(its):>7}{w_items:>7}  {a['name']}")
    lines.append(
        f"{'total':<7}{totals['records']:>9}{totals['walsh_records']:>7}"
        f"{totals['items']:>7}{totals['walsh_items']:>7}"
    )
    people = Counter(k.split("-")[0] for k in set(truth.values()))
    _, rels = read_csv(OUT / "relationships.csv")
    lines.append(
        f"people: {len(set(truth.values()))} ({people['walsh']} Walsh family, "
        f"{people['hart']} Hart family, {people['bg']} background); "
        f"relationships: {len(rels)}; users: {len(spec['users'])}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="validate the committed files instead of writing them"
    )
    args = parser.parse_args(argv)
    files, facts = build()
    if not args.check:
        write(files)
        if facts["spoiled"] != DELIBERATELY_INVALID:
            print(
                f"note: spoiled identifiers are {sorted(facts['spoiled'])}; update "
                "DELIBERATELY_INVALID and the module docstring",
                file=sys.stderr,
            )
        print(f"wrote {len(files)} files to {OUT.relative_to(ROOT)}")
        print(summary())
        return 0
    problems = check(files, facts["spoiled"])
    print(summary())
    if problems:
        print(f"\n{len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    print("\ncheck: all good")
    return 0


if __name__ == "__main__":
    sys.exit(main())
