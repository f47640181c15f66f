"""The Sharetown story is data: the CSV and JSON files in demo/sharetown are what an
author edits (there is no generator). This checks them as a partnership's own extracts
would be checked before a demo: well-formed, consistent with one another, synthetic
(NHS numbers from the 999 range), and still telling the Walsh family's story.

Reads the files only (no database), with the hub's own identifier checks and columns.
"""

import csv
import datetime as dt
import io
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from fullpicture.linkage.engine.identifiers import clean_nhs_number, clean_pnc_id, clean_upn
from fullpicture.linkage.services import RECORD_COLUMNS
from fullpicture.partnerships.models import AgencyType, RoleCode
from fullpicture.sharing.feeds import ITEM_COLUMNS
from fullpicture.vocabulary.seed import CATEGORIES

HERE = Path(__file__).resolve().parents[1] / "sharetown"
# The only records whose identifiers are meant to fail their check (they exercise "an
# invalid identifier is kept for display but never used to link"): a UPN with two digits
# transposed (the pupil's primary school holds the right one) and a PNC id with a mistyped
# check letter (the police hold the right one).
DELIBERATELY_INVALID = {("SAA", "SA13226"), ("PROB", "D595105")}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WHEN = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$")
SENSITIVITIES = {"", "standard", "special", "restricted"}
CONSENTS = {"", "given", "refused", "not_sought"}
RELATIONSHIPS = {"parent", "partner", "sibling", "carer", "other"}
LATEST = dt.date(2026, 11, 28)  # the story's "today": nothing is recorded after it


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline=""))
    header = next(reader)
    return header, [dict(zip(header, values, strict=True)) for values in reader]


@pytest.fixture(scope="module")
def story():
    spec = json.loads((HERE / "partnership.json").read_text("utf-8"))
    codes = [a["code"] for a in spec["agencies"]]
    records = {}
    headers = {}
    for code in codes:
        headers[code], rows = _read(HERE / "records" / f"{code}.csv")
        for row in rows:
            assert (code, row["source_id"]) not in records, f"{code} {row['source_id']} twice"
            records[(code, row["source_id"])] = row
    items = []
    for code in codes:
        header, rows = _read(HERE / "items" / f"{code}.csv")
        assert header == list(ITEM_COLUMNS), f"items/{code}.csv columns"
        items += [(code, row) for row in rows]
    _, truth_rows = _read(HERE / "ground_truth.csv")
    truth = {(r["agency"], r["source_id"]): r["person_key"] for r in truth_rows}
    return {"spec": spec, "codes": codes, "records": records, "headers": headers,
            "items": items, "truth": truth, "truth_rows": truth_rows}  # fmt: skip


def test_agencies_and_users_are_well_formed(story):
    spec = story["spec"]
    partnerships = {p["code"] for p in spec["partnerships"]}
    assert len(set(story["codes"])) == len(story["codes"])
    for agency in spec["agencies"]:
        assert re.fullmatch(r"[A-Z]{2,6}", agency["code"])
        assert agency["type"] in AgencyType.values
        assert agency["partnership"] in partnerships
    usernames = [u["username"] for u in spec["users"]]
    assert len(set(usernames)) == len(usernames)
    for user in spec["users"]:
        assert user["agency"] in story["codes"]
        assert set(user["roles"]) <= set(RoleCode.values)
    assert {r for u in spec["users"] for r in u["roles"]} == set(RoleCode.values)


def test_records_are_well_formed_and_synthetic(story):
    for code, header in story["headers"].items():
        assert set(header) <= set(RECORD_COLUMNS), f"records/{code}.csv: unknown columns"
        assert "source_id" in header
    invalid = set()
    for key, row in story["records"].items():
        assert row["source_id"], key
        for column in ("date_of_birth", "recorded_at"):
            assert not row.get(column) or DATE.match(row[column]), (key, column)
        assert row["recorded_at"], key
        assert row["recorded_at"] <= LATEST.isoformat(), key
        assert row["sex"] in ("", "F", "M", "U"), key
        if row["nhs_number"]:
            digits = clean_nhs_number(row["nhs_number"])
            assert digits, (key, "NHS number fails its check")
            assert digits.startswith("999"), (key, "NHS number outside the 999 test range")
        if (row["upn"] and not clean_upn(row["upn"])) or (
            row["pnc_id"] and not clean_pnc_id(row["pnc_id"])
        ):
            invalid.add(key)
    assert invalid == DELIBERATELY_INVALID


def test_no_identifier_is_given_to_two_people(story):
    owner: dict[tuple[str, str], str] = {}
    for key, row in story["records"].items():
        if key in DELIBERATELY_INVALID:
            continue
        person = story["truth"][key]
        for kind, value in (
            ("nhs", clean_nhs_number(row["nhs_number"])),
            ("upn", clean_upn(row["upn"])),
            ("pnc", clean_pnc_id(row["pnc_id"])),
        ):
            if value:
                assert owner.setdefault((kind, value), person) == person, (kind, value)


def test_the_ground_truth_names_every_record_once(story):
    assert len(story["truth"]) == len(story["truth_rows"])
    assert set(story["truth"]) == set(story["records"])


def test_items_are_well_formed_and_about_known_records(story):
    categories = {slug for slug, *_ in CATEGORIES}
    for code, row in story["items"]:
        where = (code, row["source_id"])
        assert row["category"] in categories, where
        assert row["sensitivity"] in SENSITIVITIES, where
        assert row["consent"] in CONSENTS, where
        assert row["summary"], where
        assert "\n" not in row["summary"], where
        assert row["detail"], where
        assert WHEN.match(row["occurred_at"]), where
        assert WHEN.match(row["recorded_at"]), where
        occurred = dt.datetime.fromisoformat(row["occurred_at"])
        recorded = dt.datetime.fromisoformat(row["recorded_at"])
        assert recorded >= occurred, where
        assert recorded.date() <= LATEST, where
        for sid in row["person_source_ids"].split(";"):
            subject = story["records"].get((code, sid))
            assert subject is not None, (where, sid)
            assert subject["recorded_at"] <= occurred.date().isoformat(), (where, sid)
    sources: dict[str, set[str]] = defaultdict(set)
    for code, row in story["items"]:
        assert row["source_id"] not in sources[code], (code, row["source_id"])
        sources[code].add(row["source_id"])


def test_relationships_name_known_records(story):
    path = HERE / "relationships.csv"
    if not path.exists():
        return
    header, rows = _read(path)
    assert header == ["agency", "from_source_id", "to_source_id", "relationship"]
    seen = set()
    for row in rows:
        assert row["relationship"] in RELATIONSHIPS, row
        assert (row["agency"], row["from_source_id"]) in story["records"], row
        assert (row["agency"], row["to_source_id"]) in story["records"], row
        assert row["from_source_id"] != row["to_source_id"], row
        ends = [row["from_source_id"], row["to_source_id"]]
        if row["relationship"] in ("partner", "sibling"):
            ends.sort()
        key = (row["agency"], *ends, row["relationship"])
        assert key not in seen, row
        seen.add(key)


def test_the_walsh_familys_story_is_told_across_the_agencies(story):
    truth = story["truth"]
    agencies_of = defaultdict(set)
    for (code, _sid), person in truth.items():
        agencies_of[person].add(code)
    assert len(agencies_of["walsh-lilymae"]) >= 7
    for person in ("walsh-katie", "walsh-dean", "walsh-jayden", "walsh-ruby"):
        assert len(agencies_of[person]) >= 4, person
    walsh = [
        (code, row)
        for code, row in story["items"]
        if any(
            truth.get((code, s), "").startswith("walsh-")
            for s in row["person_source_ids"].split(";")
        )
    ]
    assert len(walsh) >= 60
    assert len({code for code, _ in walsh}) >= 10
    before_spring = {row["category"] for _, row in walsh if row["occurred_at"] < "2026-04-01"}
    assert {
        "domestic_abuse",
        "mental_health",
        "drugs_alcohol",
        "offending",
        "debt",
    } <= before_spring
    last = max(row["occurred_at"] for _, row in walsh)
    assert last.startswith("2026-08-14"), "the last Walsh item is the day of the death"
    types = {a["code"]: a["type"] for a in story["spec"]["agencies"]}
    final_day = {types[c] for c, row in walsh if row["occurred_at"].startswith("2026-08-14")}
    assert final_day == {"police", "acute_hospital"}


def test_the_background_population_is_a_town_not_a_crowd(story):
    agencies_of = defaultdict(set)
    for (code, _sid), person in story["truth"].items():
        if person.startswith("bg-"):
            agencies_of[person].add(code)
    assert 300 <= len(agencies_of) <= 500
    assert all(1 <= len(agencies) <= 5 for agencies in agencies_of.values())
