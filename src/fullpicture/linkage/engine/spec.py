"""The model specification: comparisons (each level written once in DuckDB SQL for
Splink and once in Python for the real-time scorer), blocking rules and vetoes.

Splink numbers the levels of a comparison from the bottom: the ``else`` level is 0,
the level above it 1, and so on; the null level is -1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import jellyfish

from .features import F, FeatureRow

Pred = Callable[[FeatureRow, FeatureRow], bool]

_jw = jellyfish.jaro_winkler_similarity
_lev = jellyfish.levenshtein_distance
_dl = jellyfish.damerau_levenshtein_distance


@dataclass(frozen=True)
class Level:
    label: str
    sql: str
    pred: Pred
    is_null: bool = False
    tf_column: str | None = None


@dataclass(frozen=True)
class Comparison:
    name: str
    levels: tuple[Level, ...]

    def gamma_of(self, index: int) -> int:
        """Splink's comparison vector value for the level at ``index``."""
        if self.levels[index].is_null:
            return -1
        return len(self.levels) - 1 - index

    def label_of_gamma(self, gamma: int) -> str:
        if gamma == -1:
            return self.levels[0].label
        return self.levels[len(self.levels) - 1 - gamma].label

    def settings_dict(self) -> dict[str, Any]:
        levels = []
        for lv in self.levels:
            d: dict[str, Any] = {"sql_condition": lv.sql, "label_for_charts": lv.label}
            if lv.is_null:
                d["is_null_level"] = True
            if lv.tf_column:
                d["tf_adjustment_column"] = lv.tf_column
                d["tf_adjustment_weight"] = 1.0
            levels.append(d)
        return {
            "output_column_name": self.name,
            "comparison_description": self.name,
            "comparison_levels": levels,
        }


def _g(row: FeatureRow, name: str) -> str | None:
    return row[F[name]]


def _eq(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a == b


def _jw_ge(a: str | None, b: str | None, t: float) -> bool:
    return a is not None and b is not None and _jw(a, b) >= t


def _any_common(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    return bool(set(a.split(" ")) & set(b.split(" ")))


def _in_tokens(name: str | None, tokens: str | None) -> bool:
    return name is not None and name in (tokens or "").split(" ")


def _names_swapped(x: FeatureRow, y: FeatureRow) -> bool:
    return _jw_ge(_g(x, "first_name"), _g(y, "surname"), 0.88) and _jw_ge(
        _g(x, "surname"), _g(y, "first_name"), 0.88
    )


def _year_diff(a: str, b: str) -> int:
    return abs(int(a[:4]) - int(b[:4]))


def _dob_swapped(a: str | None, b: str | None) -> bool:
    return (
        a is not None
        and b is not None
        and a[:4] == b[:4]
        and a[5:7] == b[8:10]
        and a[8:10] == b[5:7]
    )


def _dob_year_off(a: str | None, b: str | None) -> bool:
    """The year keyed one out (1979 for 1980), day and month right."""
    return a is not None and b is not None and a[5:] == b[5:] and _year_diff(a, b) == 1


def _dob_typo(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and _lev(a, b) <= 1 and _year_diff(a, b) <= 10


def _dob_same_ym(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a[:7] == b[:7]


def _dob_same_gen(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and _year_diff(a, b) <= 10


def _null(col: str) -> Level:
    return Level(
        "null",
        f"{col}_l IS NULL OR {col}_r IS NULL",
        lambda x, y: _g(x, col) is None or _g(y, col) is None,
        is_null=True,
    )


def _else() -> Level:
    return Level("else", "ELSE", lambda x, y: True)


def _jw_level(col: str, t: float, label: str) -> Level:
    return Level(
        label,
        f"jaro_winkler_similarity({col}_l, {col}_r) >= {t}",
        lambda x, y: _jw_ge(_g(x, col), _g(y, col), t),
    )


FIRST_NAME = Comparison(
    "first_name",
    (
        _null("first_name"),
        Level(
            "exact",
            "first_name_l = first_name_r",
            lambda x, y: _eq(_g(x, "first_name"), _g(y, "first_name")),
            tf_column="first_name",
        ),
        Level(
            "nickname",
            "list_has_any(string_split(first_groups_l, ' '), string_split(first_groups_r, ' '))",
            lambda x, y: _any_common(_g(x, "first_groups"), _g(y, "first_groups")),
        ),
        Level(
            "swapped with surname",
            "jaro_winkler_similarity(first_name_l, surname_r) >= 0.88 AND "
            "jaro_winkler_similarity(surname_l, first_name_r) >= 0.88",
            _names_swapped,
        ),
        _jw_level("first_name", 0.88, "jaro-winkler >= 0.88"),
        Level(
            "other given name",
            "list_contains(string_split(coalesce(middle_r, ''), ' '), first_name_l) OR "
            "list_contains(string_split(coalesce(middle_l, ''), ' '), first_name_r)",
            lambda x, y: (
                _in_tokens(_g(x, "first_name"), _g(y, "middle"))
                or _in_tokens(_g(y, "first_name"), _g(x, "middle"))
            ),
        ),
        Level(
            "one name in the other field",
            "first_name_l = surname_r OR surname_l = first_name_r",
            lambda x, y: (
                _eq(_g(x, "first_name"), _g(y, "surname"))
                or _eq(_g(x, "surname"), _g(y, "first_name"))
            ),
        ),
        _jw_level("first_name", 0.75, "jaro-winkler >= 0.75"),
        _else(),
    ),
)

SURNAME = Comparison(
    "surname",
    (
        # Names swapped with the given name count once, in the first-name comparison.
        Level(
            "null or swapped with given name",
            "surname_l IS NULL OR surname_r IS NULL OR ("
            "jaro_winkler_similarity(first_name_l, surname_r) >= 0.88 AND "
            "jaro_winkler_similarity(surname_l, first_name_r) >= 0.88)",
            lambda x, y: (
                _g(x, "surname") is None or _g(y, "surname") is None or _names_swapped(x, y)
            ),
            is_null=True,
        ),
        Level(
            "exact",
            "surname_l = surname_r",
            lambda x, y: _eq(_g(x, "surname"), _g(y, "surname")),
            tf_column="surname",
        ),
        Level(
            "shared part (double-barrelled)",
            "list_has_any(string_split(surname_tokens_l, ' '), "
            "string_split(surname_tokens_r, ' '))",
            lambda x, y: _any_common(_g(x, "surname_tokens"), _g(y, "surname_tokens")),
        ),
        _jw_level("surname", 0.92, "jaro-winkler >= 0.92"),
        _jw_level("surname", 0.8, "jaro-winkler >= 0.8"),
        _else(),
    ),
)

_YDIFF = "abs(cast(substr(dob_l, 1, 4) as integer) - cast(substr(dob_r, 1, 4) as integer))"

DOB = Comparison(
    "dob",
    (
        _null("dob"),
        Level("exact", "dob_l = dob_r", lambda x, y: _eq(_g(x, "dob"), _g(y, "dob"))),
        Level(
            "day and month swapped",
            "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND substr(dob_l, 6, 2) = "
            "substr(dob_r, 9, 2) AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)",
            lambda x, y: _dob_swapped(_g(x, "dob"), _g(y, "dob")),
        ),
        Level(
            "same day and month, year one apart",
            f"substr(dob_l, 6, 5) = substr(dob_r, 6, 5) AND {_YDIFF} = 1",
            lambda x, y: _dob_year_off(_g(x, "dob"), _g(y, "dob")),
        ),
        Level(
            "one character typo",
            f"levenshtein(dob_l, dob_r) <= 1 AND {_YDIFF} <= 10",
            lambda x, y: _dob_typo(_g(x, "dob"), _g(y, "dob")),
        ),
        Level(
            "same year and month",
            "substr(dob_l, 1, 7) = substr(dob_r, 1, 7)",
            lambda x, y: _dob_same_ym(_g(x, "dob"), _g(y, "dob")),
        ),
        Level(
            "different, within 10 years",
            f"{_YDIFF} <= 10",
            lambda x, y: _dob_same_gen(_g(x, "dob"), _g(y, "dob")),
        ),
        Level("different generation", "ELSE", lambda x, y: True),
    ),
)

SEX = Comparison(
    "sex",
    (
        _null("sex"),
        Level("exact", "sex_l = sex_r", lambda x, y: _eq(_g(x, "sex"), _g(y, "sex"))),
        _else(),
    ),
)


def _loc_null(x: FeatureRow, y: FeatureRow) -> bool:
    return (_g(x, "postcode") is None and _g(x, "address") is None) or (
        _g(y, "postcode") is None and _g(y, "address") is None
    )


def _pc_one_out(x: FeatureRow, y: FeatureRow) -> bool:
    a, b = _g(x, "postcode"), _g(y, "postcode")
    return a is not None and b is not None and _dl(a, b) <= 1


# Postcodes at most one edit apart (a substitution, insertion, deletion or swap of
# neighbours). The first part is a cheap necessary condition, so the edit distance is
# computed only for the few pairs it leaves: between strings of 7 or more characters
# one edit leaves the first three or the last three characters as they were (an edit
# at position 3 or later keeps the first three; one at 0 to 2 touches nothing past 3,
# and the last three start at 4 or later). Shorter postcodes are always measured.
_PC_ONE_OUT = (
    "(least(length(postcode_l), length(postcode_r)) < 7 "
    "OR left(postcode_l, 3) = left(postcode_r, 3) "
    "OR right(postcode_l, 3) = right(postcode_r, 3)) "
    "AND damerau_levenshtein(postcode_l, postcode_r) <= 1"
)

# Half or more of the distinct words of the two addresses are shared (Jaccard >= 0.5):
# the same street and town written with a typo, a missing house name or the words
# in another order.
_WORDS_SHARED = (
    "len(list_distinct(list_intersect(string_split(address_l, ' '), "
    "string_split(address_r, ' ')))) >= 0.5 * len(list_distinct(list_concat("
    "string_split(address_l, ' '), string_split(address_r, ' '))))"
)


def _words_shared(x: FeatureRow, y: FeatureRow) -> bool:
    a, b = _g(x, "address"), _g(y, "address")
    if a is None or b is None:
        return False
    wa, wb = set(a.split(" ")), set(b.split(" "))
    return len(wa & wb) >= 0.5 * len(wa | wb)


# Postcode and address are one comparison (they are not independent evidence), with
# levels for the combinations a careful reader would weigh differently: each has its
# own m and u, so agreeing on postcode, house number and street (which random pairs
# outside a household all but never do) can carry far more weight than agreeing on
# the postcode alone, and a postcode keyed one character out still counts.
LOCATION = Comparison(
    "location",
    (
        Level(
            "null",
            "(postcode_l IS NULL AND address_l IS NULL) OR "
            "(postcode_r IS NULL AND address_r IS NULL)",
            _loc_null,
            is_null=True,
        ),
        Level(
            "same postcode, house number and street",
            "postcode_l = postcode_r AND addr_key_l = addr_key_r",
            lambda x, y: (
                _eq(_g(x, "postcode"), _g(y, "postcode"))
                and _eq(_g(x, "addr_key"), _g(y, "addr_key"))
            ),
        ),
        Level(
            "same postcode, similar address",
            "postcode_l = postcode_r AND jaro_winkler_similarity(address_l, address_r) >= 0.88",
            lambda x, y: (
                _eq(_g(x, "postcode"), _g(y, "postcode"))
                and _jw_ge(_g(x, "address"), _g(y, "address"), 0.88)
            ),
        ),
        Level(
            "same postcode and house number",
            "postcode_l = postcode_r AND house_no_l = house_no_r",
            lambda x, y: (
                _eq(_g(x, "postcode"), _g(y, "postcode"))
                and _eq(_g(x, "house_no"), _g(y, "house_no"))
            ),
        ),
        Level(
            "postcode one character out, same house number and street",
            f"{_PC_ONE_OUT} AND addr_key_l = addr_key_r",
            lambda x, y: _pc_one_out(x, y) and _eq(_g(x, "addr_key"), _g(y, "addr_key")),
        ),
        Level(
            "postcode one character out, similar address",
            f"{_PC_ONE_OUT} AND jaro_winkler_similarity(address_l, address_r) >= 0.88",
            lambda x, y: _pc_one_out(x, y) and _jw_ge(_g(x, "address"), _g(y, "address"), 0.88),
        ),
        Level(
            "same address, postcode differs or missing",
            "addr_key_l = addr_key_r AND jaro_winkler_similarity(address_l, address_r) >= 0.9",
            lambda x, y: (
                _eq(_g(x, "addr_key"), _g(y, "addr_key"))
                and _jw_ge(_g(x, "address"), _g(y, "address"), 0.9)
            ),
        ),
        Level(
            "same postcode, half the address words shared",
            f"postcode_l = postcode_r AND {_WORDS_SHARED}",
            lambda x, y: _eq(_g(x, "postcode"), _g(y, "postcode")) and _words_shared(x, y),
        ),
        Level(
            "postcode one character out, half the address words shared",
            f"{_PC_ONE_OUT} AND {_WORDS_SHARED}",
            lambda x, y: _pc_one_out(x, y) and _words_shared(x, y),
        ),
        Level(
            "same postcode, different address",
            "postcode_l = postcode_r",
            lambda x, y: _eq(_g(x, "postcode"), _g(y, "postcode")),
        ),
        Level(
            "similar address",
            "jaro_winkler_similarity(address_l, address_r) >= 0.92",
            lambda x, y: _jw_ge(_g(x, "address"), _g(y, "address"), 0.92),
        ),
        Level("postcode one character out", _PC_ONE_OUT, _pc_one_out),
        Level(
            "same postcode sector",
            "pc_sector_l = pc_sector_r",
            lambda x, y: _eq(_g(x, "pc_sector"), _g(y, "pc_sector")),
        ),
        Level(
            "same postcode district",
            "pc_district_l = pc_district_r",
            lambda x, y: _eq(_g(x, "pc_district"), _g(y, "pc_district")),
        ),
        _else(),
    ),
)

COMPARISONS: tuple[Comparison, ...] = (FIRST_NAME, SURNAME, DOB, SEX, LOCATION)
COMPARISON_BY_NAME = {c.name: c for c in COMPARISONS}

# Blocking rules for prediction: equality on feature columns. More and different
# rules than a plain model, so a typo in any one field cannot hide a true pair.
PREDICT_BLOCKING: tuple[tuple[str, ...], ...] = (
    ("first_name", "dob"),
    ("surname", "dob"),
    ("dob", "postcode"),
    ("first_name", "surname"),
    ("surname", "postcode"),
    ("first_name", "postcode"),
    ("dob", "addr_key"),
    ("first_name", "addr_key"),
    ("addr_key", "postcode"),
    ("surname", "addr_key"),
    ("house_no", "postcode"),
    ("dob", "house_no"),
    ("first_name=surname", "surname=first_name"),  # given name and surname swapped
    ("first_name", "surname", "dob_year"),
    ("first_name", "surname", "pc_district"),
    ("dob",),
    ("postcode",),
    ("addr_key",),
    ("first_name", "house_no"),
    ("surname", "house_no"),
    # A surname keyed wrong after its third letter, with no date of birth and a new or
    # mistyped postcode: the given name and the start of the surname still agree.
    ("first_name", "surname_start"),
)

# A rule is used only if it generates at most this many pairs per record (or
# MIN_RULE_PAIRS in all): wide rules help small or diverse data sets and would swamp
# a large, repetitive one. The choice is made at training time and saved.
RULE_PAIRS_PER_RECORD = 0.8
MIN_RULE_PAIRS = 100_000

# EM training blocks: never surname + address, which would teach the model that a
# shared household means the same person.
EM_BLOCKING: tuple[tuple[str, ...], ...] = (
    ("first_name", "dob"),
    ("dob", "postcode"),
    ("first_name", "surname"),
)

# Household guards. Levels that may never link on score alone: "block" means the pair is treated as
# two people whatever the score; "review" means at best a clerical review.
VETOES: dict[str, dict[str, str]] = {
    "first_name": {
        "else": "block",
        "jaro-winkler >= 0.75": "review",
        "other given name": "review",
        "one name in the other field": "review",
    },
    "dob": {"different generation": "block", "different, within 10 years": "review"},
}


def rule_sides(rule: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(left columns, right columns) of a blocking rule; "a=b" compares l.a with r.b.
    Rules must be symmetric (Splink's dedupe compares each pair once)."""
    left = tuple(c.split("=")[0] for c in rule)
    right = tuple(c.split("=")[-1] for c in rule)
    return left, right


def blocking_sql(rule: Sequence[str]) -> str:
    left, right = rule_sides(rule)
    return " AND ".join(f"l.{a} = r.{b}" for a, b in zip(left, right, strict=True))
