"""Identifier checks: NHS number (modulus 11), UPN check letter, PNC id check letter."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fullpicture.linkage.engine.identifiers import (
    PNC_LETTERS,
    UPN_LETTERS,
    clean_nhs_number,
    clean_pnc_id,
    clean_upn,
    make_pnc_id,
    make_upn,
    nhs_check_digit,
    pnc_check_letter,
    upn_check_letter,
)


def test_known_nhs_numbers() -> None:
    assert clean_nhs_number("9434765919") == "9434765919"
    assert clean_nhs_number("943 476 5919") == "9434765919"
    assert clean_nhs_number("943-476-5919") == "9434765919"
    assert clean_nhs_number("9434765918") == ""
    assert clean_nhs_number("94347659") == ""
    assert clean_nhs_number("") == ""
    assert clean_nhs_number(None) == ""


# Issued ranges (England and Wales 4xx and 6xx-7xx, and the 999 test range); the
# nhs-number package also refuses some unallocated ranges, such as a leading 0.
nines = st.tuples(
    st.sampled_from("4679"), st.text(alphabet="0123456789", min_size=8, max_size=8)
).map("".join)


@given(nines)
def test_nhs_check_digit_round_trip(nine: str) -> None:
    check = nhs_check_digit(nine)
    if check is None:  # remainder 10: never issued
        assert all(clean_nhs_number(nine + str(d)) == "" for d in range(10))
    else:
        assert clean_nhs_number(nine + str(check)) == nine + str(check)


@given(
    nines,
    st.integers(0, 9),
    st.integers(1, 9),
)
def test_nhs_single_digit_error_detected(nine: str, pos: int, delta: int) -> None:
    check = nhs_check_digit(nine)
    if check is None:
        return
    number = nine + str(check)
    wrong = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1 :]
    assert clean_nhs_number(wrong) == ""


def test_upn_known_and_format() -> None:
    body = "201234567890"
    total = sum(int(d) * w for d, w in zip(body, range(2, 14), strict=True))
    upn = UPN_LETTERS[total % 23] + body
    assert clean_upn(upn) == upn
    assert clean_upn(upn.lower()) == upn
    assert clean_upn("I" + body) == ""  # I is never a check letter
    assert clean_upn(upn[:-1] + "A") == ""  # temporary UPNs are not stable: not linked
    assert clean_upn(upn[:12]) == ""


@given(
    st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(0, 11), st.integers(1, 9)
)
def test_upn_round_trip_and_single_digit_error(body: str, pos: int, delta: int) -> None:
    upn = make_upn(body)
    assert upn[0] == upn_check_letter(body)
    assert clean_upn(upn) == upn
    wrong = body[:pos] + str((int(body[pos]) + delta) % 10) + body[pos + 1 :]
    assert clean_upn(upn[0] + wrong) == ""


def test_pnc_formats() -> None:
    pnc = make_pnc_id(2008, 56560)
    yy, serial = "08", "0056560"
    letter = PNC_LETTERS[int(yy + serial) % 23]
    assert pnc == f"2008/{serial}{letter}"
    canonical = f"08/{serial}{letter}"
    assert clean_pnc_id(pnc) == canonical
    assert clean_pnc_id(f"08/{serial}{letter}") == canonical
    assert clean_pnc_id(f"08/56560{letter}") == canonical  # leading zeros missing
    assert clean_pnc_id(f"2008/56560{letter.lower()}") == canonical
    other = PNC_LETTERS[(PNC_LETTERS.index(letter) + 1) % 23]
    assert clean_pnc_id(f"08/{serial}{other}") == ""
    assert clean_pnc_id("not a pnc") == ""


@given(st.integers(1950, 2030), st.integers(1, 9_999_999))
def test_pnc_round_trip(year: int, serial: int) -> None:
    pnc = make_pnc_id(year, serial)
    assert clean_pnc_id(pnc) != ""
    assert pnc[-1] == pnc_check_letter(f"{year % 100:02d}", f"{serial:07d}")
