"""Checks for the identifiers that link records deterministically.

Only a *valid* identifier ever links records. An invalid one is kept for display by
the caller but :func:`clean_*` returns ``""`` for it, so it never reaches the linker.
"""

from __future__ import annotations

import re

import nhs_number as _nhs

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O, S
PNC_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"  # 0 -> Z

_NON_DIGIT = re.compile(r"\D")
_PNC_RE = re.compile(r"^(\d{2}|\d{4})/?(\d{1,7})([A-Z])$")


def clean_nhs_number(value: str | None) -> str:
    """Return the 10-digit NHS number if it passes modulus 11, else ``""``."""
    if not value:
        return ""
    text = str(value)
    digits = text if text.isdigit() else _NON_DIGIT.sub("", text)
    if len(digits) != 10 or len(text.strip()) > 14:
        return ""
    if nhs_check_digit(digits[:9]) != int(digits[9]):  # quick modulus 11 pre-check
        return ""
    return digits if _nhs.is_valid(digits) else ""


def nhs_check_digit(first_nine: str) -> int | None:
    """Modulus 11 check digit for nine digits (None when 10, i.e. never issued)."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def upn_check_letter(twelve_digits: str) -> str:
    """Check letter for the 12 digits of a Unique Pupil Number (DfE algorithm)."""
    total = sum(int(d) * w for d, w in zip(twelve_digits, range(2, 14), strict=True))
    return UPN_LETTERS[total % 23]


def clean_upn(value: str | None) -> str:
    """Return the UPN upper-cased if the check letter is right, else ``""``.

    Temporary UPNs (last character a letter) are not accepted: they are not stable.
    """
    if not value:
        return ""
    upn = re.sub(r"\s", "", str(value)).upper()
    if len(upn) != 13 or not upn[1:].isdigit() or upn[0] not in UPN_LETTERS:
        return ""
    return upn if upn_check_letter(upn[1:]) == upn[0] else ""


def pnc_check_letter(year: str, serial: str) -> str:
    """Check letter for a PNC id: int(YY + serial padded to 7 digits) mod 23."""
    yy = year[-2:]
    return PNC_LETTERS[int(yy + serial.zfill(7)) % 23]


def clean_pnc_id(value: str | None) -> str:
    """Return the canonical ``YYYY/NNNNNNNL`` form (2-digit years kept as given,
    padded serial) if the check letter is right, else ``""``."""
    if not value:
        return ""
    text = re.sub(r"\s", "", str(value)).upper()
    m = _PNC_RE.match(text)
    if not m:
        return ""
    year, serial, letter = m.groups()
    if pnc_check_letter(year, serial) != letter:
        return ""
    return f"{year[-2:]}/{serial.zfill(7)}{letter}"


def make_pnc_id(year: int, serial: int) -> str:
    """Build a valid PNC id (used by the synthetic generator and tests)."""
    yy = f"{year % 100:02d}"
    s = f"{serial:07d}"
    return f"{year:04d}/{s}{pnc_check_letter(yy, s)}"


def make_upn(body: str) -> str:
    """Build a valid UPN from 12 digits."""
    return upn_check_letter(body) + body


# The shape an agency's value must have to be an identifier at all. A value of another
# shape (wrong length, letters in an NHS number) is kept on the record as the agency
# holds it but never reaches the linker, whatever its digits happen to be.
NHS_SHAPE = re.compile(r"^\d{3}[ -]?\d{3}[ -]?\d{4}$")
UPN_SHAPE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
PNC_SHAPE = re.compile(r"^(\d{2}|\d{4})/\d{1,7}[A-Z]$")


def identifier_malformed(column: str, value: str | None) -> bool:
    """Is a non-empty ``nhs_number``, ``upn`` or ``pnc_id`` value not that identifier's shape?"""
    if not value:
        return False
    if column == "nhs_number":
        return not NHS_SHAPE.match(value.strip())
    text = "".join(value.split()).upper()
    return not (UPN_SHAPE if column == "upn" else PNC_SHAPE).match(text)
