"""The household rules on their own (pure: no database): addresses, flats, shared
addresses, sizes, families over time, items, practitioners' decisions."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from fullpicture.people.family import (
    DecisionIn,
    ItemIn,
    RecordIn,
    RelationshipIn,
    Rule,
    RuleError,
    address_key,
    check_rule,
    form,
)

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "household_rules.json"
RULES = [
    Rule(slug=r["slug"], basis=r["basis"], strength=r["strength"], params=r["params"])
    for r in json.loads(RULES_FILE.read_text(encoding="utf-8"))
]
D = dt.date


def rec(
    pk: int,
    person: int,
    surname: str,
    address: str,
    postcode: str,
    on: dt.date | None,
    uprn: str = "",
) -> RecordIn:
    return RecordIn(pk, person, surname, address_key(address, postcode), uprn, on)


def groups(formation) -> list[tuple[int, ...]]:
    return [g.key for g in formation.groups]


def test_the_seeded_rules_are_valid():
    for rule in RULES:
        check_rule(rule)
    assert {r.basis for r in RULES} == {"relationship", "uprn", "address", "item"}


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (Rule("x", "gossip", 2), "basis must be"),
        (Rule("x", "address", 4), "strength must be"),
        (Rule("x", "relationship", 2), "params.kinds"),
        (Rule("x", "item", 2, {"categories": []}), "params.categories"),
        (Rule("x", "address", 2, {"max_surnames": 0}), "params.max_surnames"),
    ],
)
def test_a_rule_that_makes_no_sense_is_refused_by_name(rule, message):
    with pytest.raises(RuleError, match=message):
        check_rule(rule)


def test_address_keys_ignore_case_punctuation_abbreviations_and_the_town():
    assert address_key("14 Cobbler's Row, Sharetown", "st2 5qp") == address_key(
        "14 COBBLERS ROW", "ST2 5QP"
    )
    assert address_key("22 Weaver's Cl, SHARETOWN", "ST2 9BQ") == address_key(
        "22 Weavers Close, Sharetown", "ST29BQ"
    )
    assert address_key("1 High Street", "") == ""  # no postcode: nothing to compare


def test_flats_are_told_apart():
    three = address_key("Flat 3, 12 High Street, Sharetown", "ST1 1AA")
    four = address_key("Flat 4, 12 High Street, Sharetown", "ST1 1AA")
    assert three != four
    assert three == address_key("flat 3 12 High St", "ST1 1AA")
    assert three == address_key("3/12 High Street", "ST1 1AA")
    assert address_key("12 High Street", "ST1 1AA") not in (three, four)


def test_two_flats_at_one_number_make_two_households():
    records = [
        rec(1, 1, "Ames", "Flat 3, 12 High Street", "ST1 1AA", D(2020, 1, 1)),
        rec(2, 2, "Ames", "Flat 3, 12 High Street", "ST1 1AA", D(2020, 2, 1)),
        rec(3, 3, "Bell", "Flat 4, 12 High Street", "ST1 1AA", D(2020, 1, 1)),
        rec(4, 4, "Bell", "Flat 4, 12 High Street", "ST1 1AA", D(2021, 1, 1)),
    ]
    assert groups(form(rules=RULES, records=records)) == [(1, 2), (3, 4)]


def test_a_uprn_ties_persons_whose_addresses_are_written_differently():
    records = [
        rec(1, 1, "Ames", "Rose Cottage, Mill Lane", "ST1 1AA", D(2020, 1, 1), "100012345678"),
        rec(2, 2, "Ames", "Mill Lane", "", D(2020, 1, 1), "100012345678"),
    ]
    formation = form(rules=RULES, records=records)
    assert groups(formation) == [(1, 2)]
    assert {t.basis for t in formation.groups[0].ties} == {"uprn"}


def test_a_malformed_uprn_never_ties():
    records = [
        rec(1, 1, "Ames", "", "", D(2020, 1, 1), "10001234"),
        rec(2, 2, "Bell", "", "", D(2020, 1, 1), "10001234"),
    ]
    assert groups(form(rules=RULES, records=records)) == []


def test_an_address_of_many_unrelated_surnames_is_shared_and_never_a_household():
    hostel = [
        rec(i, i, name, "Harbour House, 1 Quay Street", "ST9 9ZZ", D(2020, 1, i))
        for i, name in enumerate(["Ames", "Bell", "Cole", "Dunn", "Eyre"], start=1)
    ]
    formation = form(rules=RULES, records=hostel)
    assert groups(formation) == []
    assert len(formation.shared_locations) == 1
    assert formation.at_shared == {1, 2, 3, 4, 5}


def test_a_blended_family_of_three_surnames_is_still_a_family():
    family = [
        rec(1, 1, "Ames", "2 Mill Lane", "ST1 2BB", D(2020, 1, 1)),
        rec(2, 2, "Bell", "2 Mill Lane", "ST1 2BB", D(2020, 1, 1)),
        rec(3, 3, "Cole", "2 Mill Lane", "ST1 2BB", D(2020, 1, 1)),
        rec(4, 4, "Cole-Ames", "2 Mill Lane", "ST1 2BB", D(2021, 1, 1)),
    ]
    assert groups(form(rules=RULES, records=family)) == [(1, 2, 3, 4)]


def test_persons_at_one_address_at_different_times_are_not_tied():
    records = [
        rec(1, 1, "Ames", "2 Mill Lane", "ST1 2BB", D(2018, 1, 1)),
        rec(2, 1, "Ames", "9 Dock Road", "ST1 3CC", D(2019, 6, 1)),
        rec(3, 2, "Bell", "2 Mill Lane", "ST1 2BB", D(2020, 1, 1)),
        rec(4, 2, "Bell", "2 Mill Lane", "ST1 2BB", D(2021, 1, 1)),
    ]
    assert groups(form(rules=RULES, records=records)) == []


def test_a_person_who_moved_on_is_a_former_member_of_the_first_family():
    # Ann lived with Bob (2018-2020), then moved in with Carl (2021-).
    records = [
        rec(1, 1, "Ames", "2 Mill Lane", "ST1 2BB", D(2018, 1, 1)),
        rec(2, 2, "Burr", "2 Mill Lane", "ST1 2BB", D(2018, 1, 1)),
        rec(3, 3, "Burr", "2 Mill Lane", "ST1 2BB", D(2018, 3, 1)),  # their child
        rec(4, 1, "Ames", "9 Dock Road", "ST1 3CC", D(2021, 1, 1)),
        rec(5, 4, "Cole", "9 Dock Road", "ST1 3CC", D(2020, 6, 1)),
    ]
    formation = form(rules=RULES, records=records)
    assert groups(formation) == [(1, 4), (2, 3)]
    first = next(g for g in formation.groups if g.key == (2, 3))
    assert first.former[1].until == D(2021, 1, 1)


def test_a_recorded_relationship_ties_without_an_address():
    records = [rec(1, 1, "Ames", "", "", None), rec(2, 2, "Ames", "", "", None)]
    rels = [RelationshipIn(7, 1, 2, "parent", "POL")]
    formation = form(rules=RULES, records=records, relationships=rels)
    assert groups(formation) == [(1, 2)]
    assert formation.groups[0].ties[0].source == "relationship:7"
    assert (
        groups(
            form(
                rules=RULES,
                records=records,
                relationships=[RelationshipIn(8, 1, 2, "other", "POL")],
            )
        )
        == []
    )


def test_persons_named_together_in_a_domestic_abuse_incident_are_tied():
    records = [rec(1, 1, "Ames", "", "", None), rec(2, 2, "Bell", "", "", None)]
    items = [ItemIn(5, "domestic_abuse", D(2024, 3, 1), "POL", (1, 2))]
    formation = form(rules=RULES, records=records, items=items)
    assert groups(formation) == [(1, 2)]
    assert formation.groups[0].ties[0].basis == "item"
    # Another category, or an item naming a crowd, ties nobody.
    other = [ItemIn(6, "offending", D(2024, 3, 1), "POL", (1, 2))]
    crowd = [ItemIn(7, "domestic_abuse", D(2024, 3, 1), "POL", tuple(range(1, 9)))]
    assert groups(form(rules=RULES, records=records, items=other)) == []
    assert groups(form(rules=RULES, records=records, items=crowd)) == []


def test_an_incident_before_a_victim_moved_away_does_not_tie_her_new_home_to_him():
    # Dee fled Eric in 2022 (to a new address with her child); the incident was in 2021.
    records = [
        rec(1, 1, "Dunn", "4 Oak Road", "ST4 4DD", D(2019, 1, 1)),
        rec(2, 2, "Eyre", "4 Oak Road", "ST4 4DD", D(2019, 1, 1)),
        rec(3, 1, "Dunn", "7 Elm Close", "ST5 5EE", D(2022, 2, 1)),
        rec(4, 3, "Dunn", "7 Elm Close", "ST5 5EE", D(2022, 2, 1)),
    ]
    items = [ItemIn(9, "domestic_abuse", D(2021, 6, 1), "POL", (1, 2))]
    formation = form(rules=RULES, records=records, items=items)
    assert groups(formation) == [(1, 3)]


def test_a_household_too_large_is_formed_again_from_stronger_evidence():
    records = [rec(i, i, "Ames", "", "", None) for i in range(1, 16)]
    rels = [RelationshipIn(i, 1, i, "parent", "POL") for i in range(2, 5)]
    items = [ItemIn(100 + i, "neglect", D(2024, 1, 1), "POL", (4, i, i + 1)) for i in range(5, 15)]
    formation = form(rules=RULES, records=records, relationships=rels, items=items)
    assert groups(formation) == [(1, 2, 3, 4)]


def test_a_practitioners_decision_keeps_two_persons_apart_or_together():
    records = [
        rec(1, 1, "Ames", "2 Mill Lane", "ST1 2BB", D(2020, 1, 1)),
        rec(2, 2, "Ames", "2 Mill Lane", "ST1 2BB", D(2020, 1, 1)),
        rec(3, 3, "Ames", "2 Mill Lane", "ST1 2BB", D(2020, 1, 1)),
    ]
    apart = form(rules=RULES, records=records, decisions=[DecisionIn(1, 3, False)])
    assert all(not {1, 3} <= set(g) for g in groups(apart))
    together = form(
        rules=RULES,
        records=[rec(1, 1, "Ames", "", "", None), rec(2, 2, "Bell", "", "", None)],
        decisions=[DecisionIn(2, 1, True)],
    )
    assert groups(together) == [(1, 2)]
