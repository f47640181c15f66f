"""Each comparison level's SQL (run by Splink in DuckDB) and its Python predicate (run
by the real-time scorer) agree, on pairs built to sit on the edges of the levels."""

from __future__ import annotations

import itertools
import random

import duckdb
import pandas as pd
import pytest

from fullpicture.linkage.engine.features import FEATURES, FeatureRow, record_features
from fullpicture.linkage.engine.spec import LOCATION, Comparison
from fullpicture.linkage.engine.types import RecordIn

ALPHABET = "ABCDEFGHJKNPRSTUWXY0123456789"


def _edits(pc: str, rng: random.Random) -> list[str]:
    """Every single edit of ``pc`` at every position (substitution, insertion,
    deletion, swap of neighbours), and a few two-edit variants."""
    out = []
    for i in range(len(pc) + 1):
        c = rng.choice(ALPHABET)
        out.append(pc[:i] + c + pc[i:])
        if i < len(pc):
            out.append(pc[:i] + c + pc[i + 1 :])
            out.append(pc[:i] + pc[i + 1 :])
        if i + 1 < len(pc):
            out.append(pc[:i] + pc[i + 1] + pc[i] + pc[i + 2 :])
    out += [pc[::-1], pc[1:-1], "X" + pc[2:]]
    return out


def _gammas(comp: Comparison, pairs: list[tuple[FeatureRow, FeatureRow]]) -> tuple[list, list]:
    rows = []
    py = []
    for fa, fb in pairs:
        rows.append(
            {
                **{f"{c}_l": v for c, v in zip(FEATURES, fa, strict=True)},
                **{f"{c}_r": v for c, v in zip(FEATURES, fb, strict=True)},
            }
        )
        py.append(next(comp.gamma_of(i) for i, lv in enumerate(comp.levels) if lv.pred(fa, fb)))
    whens = " ".join(
        f"WHEN {lv.sql} THEN {comp.gamma_of(i)}"
        for i, lv in enumerate(comp.levels)
        if lv.sql != "ELSE"
    )
    con = duckdb.connect()
    con.register("p", pd.DataFrame(rows))
    sql_g = [r[0] for r in con.execute(f"SELECT CASE {whens} ELSE 0 END FROM p").fetchall()]  # noqa: S608
    return sql_g, py


def _with_postcode(row: FeatureRow, postcode: str) -> FeatureRow:
    values = list(row)
    values[FEATURES.index("postcode")] = postcode or None
    return tuple(values)


def test_location_levels_agree_on_postcodes_one_edit_apart() -> None:
    """Postcodes as stored (normalised) and one edit away, at every position and of
    every length from 4 to 8 characters: the cheap guard in front of the edit distance
    in SQL must never change a level."""
    rng = random.Random(3)
    postcodes = ["M1 1AA", "B33 8TH", "NF8 7NJ", "MB13 6YP", "SW1A 1AA", "2617", "0276", "CR2 6X"]
    addresses = ["14 cobby street, christies beach", "14 cobby st, christies beach", ""]
    rows = [record_features(RecordIn(key="a", address=a)) for a in addresses]
    pairs = []
    for pc in postcodes:
        for other, (ra, rb) in itertools.product(
            _edits(pc, rng), itertools.product(rows, repeat=2)
        ):
            pairs.append((_with_postcode(ra, pc), _with_postcode(rb, other)))
    sql_g, py = _gammas(LOCATION, pairs)
    assert len(pairs) > 1000
    assert sql_g == py
    # the edits reach the "one character out" levels, not only the ends of the scale
    assert len(set(py)) >= 6


def test_splink_finds_every_column_the_settings_name(caplog: pytest.LogCaptureFixture) -> None:
    """The engine builds its linkers without Splink's settings check (it costs 0.6 s a
    linker): run the check here, on every blocking rule the model may choose."""
    import logging

    from splink import DuckDBAPI, Linker

    from fullpicture.linkage.engine.features import features_frame
    from fullpicture.linkage.engine.model import settings_dict
    from fullpicture.linkage.engine.spec import PREDICT_BLOCKING

    frame = features_frame([RecordIn(key="a:1", given_name="Ann", family_name="Lee")])
    db_api = DuckDBAPI()
    with caplog.at_level(logging.WARNING, logger="splink"):
        Linker(
            db_api.register(frame), settings_dict(list(PREDICT_BLOCKING)), validate_settings=True
        )
    assert "missing" not in caplog.text.lower()
    assert "invalid" not in caplog.text.lower()
    # the check does speak when a column is missing
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="splink"):
        Linker(
            DuckDBAPI().register(frame.drop(columns=["addr_key"])),
            settings_dict(list(PREDICT_BLOCKING)),
            validate_settings=True,
        )
    assert "addr_key" in caplog.text


def test_a_rule_implied_by_a_wider_chosen_rule_is_dropped() -> None:
    """On a small file every rule is affordable: a rule whose equalities imply a wider
    chosen rule's (first name + surname implies first name + start of the surname;
    a date of birth implies its year) finds nothing new and is dropped."""
    from fullpicture.linkage.engine.features import features_frame
    from fullpicture.linkage.engine.model import choose_blocking

    people = [
        RecordIn(
            key=f"a:{i}", given_name=g, family_name=s, postcode="NF8 7NJ", address=f"{i} High St"
        )
        for i, (g, s) in enumerate(
            [("Ann", "Musolino"), ("Ann", "Musoilno"), ("Bob", "Lee"), ("Ann", "Lee")]
        )
    ]
    chosen = choose_blocking(features_frame(people))
    assert ["first_name", "surname_start"] in chosen
    assert ["first_name", "surname"] not in chosen
    assert ["first_name", "surname", "dob_year"] not in chosen
    assert ["dob"] in chosen
    assert ["first_name", "dob"] not in chosen


def test_a_surname_mistyped_after_its_third_letter_is_still_compared() -> None:
    """No date of birth, the postcode keyed wrong, the surname mistyped: the given name
    and the start of the surname still bring the two records together."""
    from fullpicture.linkage.engine.features import features_frame
    from fullpicture.linkage.engine.model import choose_blocking, rule_pair_counts

    a = RecordIn(key="a:1", given_name="Chloe", family_name="Musolino", postcode="3782")
    b = RecordIn(key="b:1", given_name="Chloe", family_name="Musoilno", postcode="3728")
    frame = features_frame([a, b])
    chosen = choose_blocking(frame)
    counts = dict(zip(map(tuple, chosen), rule_pair_counts(frame, chosen), strict=True))
    assert counts[("first_name", "surname_start")] == 1
    assert sum(counts.values()) == 1
