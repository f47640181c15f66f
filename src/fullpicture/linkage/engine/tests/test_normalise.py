"""Normalisation of names, dates, postcodes and addresses; nickname equivalence."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from fullpicture.linkage.engine.features import F, record_features
from fullpicture.linkage.engine.nicknames import nickname_equivalent
from fullpicture.linkage.engine.normalise import (
    dob_key,
    dob_swapped,
    normalise_address,
    normalise_name,
    normalise_postcode,
    split_given,
    surname_key,
)
from fullpicture.linkage.engine.spec import DOB, FIRST_NAME, Comparison
from fullpicture.linkage.engine.types import RecordIn


def test_names() -> None:
    assert normalise_name("  ZOË ") == "zoe"
    assert normalise_name("José") == "jose"
    assert normalise_name("O'Brien") == "obrien"
    assert normalise_name("Smith-Jones") == "smith jones"
    assert normalise_name("Łukasz") == "lukasz"
    assert surname_key("Smith-Jones") == ("smithjones", "smith jones")
    assert split_given("Mr John  Paul", "Peter;Mark") == ("john", "paul peter mark")


@given(st.text(max_size=30))
def test_normalise_name_is_idempotent(text: str) -> None:
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert once == once.strip()


def test_nicknames() -> None:
    assert nickname_equivalent("bill", "william")
    assert nickname_equivalent("kate", "katherine")
    assert nickname_equivalent("chris", "christopher")
    assert nickname_equivalent("chris", "christine")
    assert not nickname_equivalent("christopher", "christine")
    assert not nickname_equivalent("amelia", "jessica")


def test_postcodes() -> None:
    assert normalise_postcode("sw1a1aa") == ("SW1A 1AA", "SW1A 1", "SW1A")
    assert normalise_postcode(" LS1  4AP ") == ("LS1 4AP", "LS1 4", "LS1")
    assert normalise_postcode("M1 1AE")[2] == "M1"
    assert normalise_postcode("4223") == ("4223", "", "")
    assert normalise_postcode("") == ("", "", "")


def test_addresses() -> None:
    a = normalise_address("Flat 2, 10 High St, Sharetown")
    b = normalise_address("flat 2 10 high street sharetown")
    assert a == b
    assert a[1] == "2 10 high"
    assert normalise_address("10 High Street")[1] != normalise_address("12 High Street")[1]
    assert normalise_address("Rose Cottage, Mill Lane")[1] == "rose cottage"


def test_dates_and_swaps() -> None:
    assert dob_key(datetime.date(2015, 3, 4)) == "2015-03-04"
    assert dob_key("04/03/2015") == "2015-03-04"
    assert dob_key("not a date") == ""
    assert dob_swapped("2015-03-04", "2015-04-03")
    assert not dob_swapped("2015-03-04", "2015-03-04")
    assert not dob_swapped("2015-03-04", "2016-04-03")


def _level(comp: Comparison, a: RecordIn, b: RecordIn) -> str:
    x, y = record_features(a), record_features(b)
    return next(lv.label for lv in comp.levels if lv.pred(x, y))


def test_swapped_day_month_is_a_comparison_not_a_rewrite() -> None:
    a = RecordIn("a:1", date_of_birth=datetime.date(2015, 3, 4))
    b = RecordIn("b:1", date_of_birth=datetime.date(2015, 4, 3))
    assert record_features(b)[F["dob"]] == "2015-04-03"  # stored as given
    assert _level(DOB, a, b) == "day and month swapped"
    c = RecordIn("c:1", date_of_birth=datetime.date(1985, 3, 4))
    assert _level(DOB, a, c) == "different generation"


def test_first_name_levels() -> None:
    def lvl(x: str, y: str) -> str:
        return _level(FIRST_NAME, RecordIn("a", given_name=x), RecordIn("b", given_name=y))

    assert lvl("Bill", "William") == "nickname"
    assert lvl("Zoë", "ZOE") == "exact"
    assert lvl("Jonathon", "Jonathan") == "jaro-winkler >= 0.88"
    assert lvl("Amelia", "Jessica") == "else"
    assert lvl("", "Jessica") == "null"
