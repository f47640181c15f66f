"""Normalisation of names, dates, postcodes and addresses.

Every function here is pure and cached; the batch linker maps them over the distinct
values of a column and the real-time matcher calls them per record, so both see
exactly the same features.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from functools import lru_cache

from .nicknames import name_groups

_NON_ALPHA = re.compile(r"[^a-z ]+")
_ADDR_JUNK = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "mx", "master", "prof", "rev", "sir"})
_POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_ADDR_ABBREV = {
    "rd": "road",
    "st": "street",
    "str": "street",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "dr": "drive",
    "cl": "close",
    "cres": "crescent",
    "cresc": "crescent",
    "ct": "court",
    "crt": "court",
    "pl": "place",
    "sq": "square",
    "gdns": "gardens",
    "gdn": "garden",
    "terr": "terrace",
    "ter": "terrace",
    "tce": "terrace",
    "hse": "house",
    "pk": "park",
    "gr": "grove",
    "gro": "grove",
    "wk": "walk",
    "mt": "mount",
    "apt": "flat",
    "apartment": "flat",
    "fl": "flat",
    "nth": "north",
    "sth": "south",
    "bldgs": "buildings",
    "est": "estate",
    "cottages": "cottages",
    "hts": "heights",
    "mews": "mews",
    "wy": "way",
    "blvd": "boulevard",
}


def strip_accents(text: str) -> str:
    """Fold accents and ligatures to plain ASCII letters (Zoë -> Zoe, Øystein -> Oystein)."""
    text = text.replace("ø", "o").replace("Ø", "O").replace("ß", "ss").replace("æ", "ae")
    text = text.replace("Æ", "AE").replace("œ", "oe").replace("Œ", "OE").replace("ł", "l")
    text = text.replace("Ł", "L").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def normalise_name(text: str) -> str:
    """Lower-case ASCII letters and single spaces; hyphens become spaces,
    apostrophes vanish (O'Brien -> obrien, Smith-Jones -> smith jones)."""
    if not text:
        return ""
    t = str(text)
    if not t.isascii():
        t = strip_accents(t)
    t = t.lower().replace("'", "").replace("\u2019", "").replace("`", "")
    t = _NON_ALPHA.sub(" ", t.replace("-", " "))
    return _SPACES.sub(" ", t).strip()


@lru_cache(maxsize=200_000)
def split_given(given: str, other: str = "") -> tuple[str, str]:
    """(first given name, remaining given and other names space-separated)."""
    tokens = [t for t in normalise_name(given).split(" ") if t and t not in _TITLES]
    others = [t for part in str(other or "").split(";") for t in normalise_name(part).split(" ")]
    first = tokens[0] if tokens else ""
    rest = [t for t in tokens[1:] + others if t and t != first]
    return first, " ".join(dict.fromkeys(rest))


@lru_cache(maxsize=200_000)
def first_name_groups(first: str) -> str:
    """Space-separated nickname groups of a normalised first name ('' when none)."""
    return " ".join(name_groups(first))


@lru_cache(maxsize=200_000)
def surname_key(family: str) -> tuple[str, str]:
    """(surname without spaces for exact/fuzzy comparison, space-separated tokens)."""
    tokens = normalise_name(family)
    return tokens.replace(" ", ""), tokens


def normalise_sex(sex: str | None) -> str:
    s = (sex or "").strip().upper()[:1]
    return s if s in ("F", "M") else ""


def parse_date(value: object) -> datetime.date | None:
    """Accept a date, an ISO string or a dd/mm/yyyy string; None when unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        pass
    m = re.match(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", text)
    if m:
        try:
            return datetime.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
    return None


def dob_key(value: datetime.date | str | None) -> str:
    """ISO date string ('' when missing)."""
    d = parse_date(value)
    return d.isoformat() if d else ""


def dob_swapped(a: str, b: str) -> bool:
    """True when two ISO dates are equal after swapping day and month (and differ)."""
    if len(a) != 10 or len(b) != 10 or a == b:
        return False
    return a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]


@lru_cache(maxsize=500_000)
def normalise_postcode(text: str) -> tuple[str, str, str]:
    """(postcode, sector, district). UK postcodes become 'SW1A 1AA', 'SW1A 1', 'SW1A';
    anything else is upper-cased without spaces and has no sector or district."""
    if not text:
        return "", "", ""
    t = str(text)
    t = re.sub(r"[^A-Z0-9]", "", (t if t.isascii() else strip_accents(t)).upper())
    m = _POSTCODE_RE.match(t)
    if not m:
        return t, "", ""
    out, inw = m.groups()
    return f"{out} {inw}", f"{out} {inw[0]}", out


@lru_cache(maxsize=500_000)
def normalise_address(text: str) -> tuple[str, str]:
    """(normalised address, address key). The key is the house/flat numbers and the
    first word of the street ('flat 2, 10 high st' -> '2 10 high') or, with no number,
    the first two words ('rose cottage')."""
    if not text:
        return "", ""
    t = str(text)
    if not t.isascii():
        t = strip_accents(t)
    t = _ADDR_JUNK.sub(" ", t.lower().replace("'", ""))
    abbrev = _ADDR_ABBREV
    tokens = [abbrev.get(tok, tok) for tok in t.split()]
    norm = " ".join(tokens)
    nums = [tok for tok in tokens[:5] if not tok.isalpha()]
    if nums:
        first_num = tokens.index(nums[0])
        word = next(
            (tok for tok in tokens[first_num + 1 :] if tok.isalpha() and tok != "flat"), None
        )
        key = " ".join([*nums, word] if word else nums)
    else:
        key = " ".join(tokens[:2])
    return norm, key


@lru_cache(maxsize=500_000)
def house_number(addr_key: str) -> str:
    """The house/flat numbers of an address key ('2 10 high' -> '2 10'), '' if none."""
    return " ".join(t for t in (addr_key or "").split(" ") if any(c.isdigit() for c in t))
