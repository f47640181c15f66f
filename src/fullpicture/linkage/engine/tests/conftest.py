"""Shared fixtures: one small synthetic population with a few hand-made families
appended, and one model trained on it for the whole session (real Splink)."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import pandas as pd
import pytest

from fullpicture.linkage.engine import LinkageModel, RecordIn, synth_population
from fullpicture.linkage.engine.identifiers import make_upn, nhs_check_digit
from fullpicture.linkage.engine.synth import load_population

D = datetime.date


def nhs(prefix: str) -> str:
    """A valid NHS number outside the generator's 999 range."""
    for last in range(10):
        nine = f"{prefix}{last}"[:9]
        check = nhs_check_digit(nine)
        if check is not None:
            return nine + str(check)
    raise AssertionError("no valid number")


INVALID_NHS = "1234567890"
assert nhs_check_digit(INVALID_NHS[:9]) != int(INVALID_NHS[9])

BROWN = {"address": "12 Acacia Avenue, Sharetown", "postcode": "ST3 1AB", "family_name": "Brown"}
CLARKE = {"address": "7 Mill Lane, Millbridge", "postcode": "SH5 2CD", "family_name": "Clarke"}
OKAFOR_OLD = {"address": "3 Elm Road, Oakley", "postcode": "OK4 5EF", "family_name": "Okafor"}
OKAFOR_NEW = {
    "address": "88 Station Road, Westmoor",
    "postcode": "WM2 7GH",
    "family_name": "Okafor",
}

CRAFTED: list[RecordIn] = [
    # Twins: same surname, date of birth and address; different first names.
    RecordIn(
        "gp:twinA",
        given_name="Amelia",
        sex="F",
        date_of_birth=D(2016, 5, 9),
        nhs_number=nhs("40102301"),
        **BROWN,
    ),
    RecordIn(
        "school:twinA",
        given_name="Amelia",
        sex="F",
        date_of_birth=D(2016, 5, 9),
        upn=make_upn("881000000001"),
        **BROWN,
    ),
    RecordIn("hospital:twinA", given_name="AMELIA", sex="F", date_of_birth=D(2016, 5, 9), **BROWN),
    RecordIn(
        "gp:twinB",
        given_name="Jessica",
        sex="F",
        date_of_birth=D(2016, 5, 9),
        nhs_number=nhs("40102302"),
        **BROWN,
    ),
    RecordIn(
        "school:twinB",
        given_name="Jessica",
        sex="F",
        date_of_birth=D(2016, 5, 9),
        upn=make_upn("881000000002"),
        **BROWN,
    ),
    RecordIn("police:twinB", given_name="Jess", sex="F", date_of_birth=D(2016, 5, 9), **BROWN),
    RecordIn("housing:twin?", given_name="", sex="F", date_of_birth=D(2016, 5, 9), **BROWN),
    # Father and son with one name at one address.
    RecordIn(
        "gp:dad",
        given_name="David",
        sex="M",
        date_of_birth=D(1975, 6, 1),
        nhs_number=nhs("40102303"),
        **CLARKE,
    ),
    RecordIn("police:dad", given_name="David", sex="M", date_of_birth=D(1975, 6, 1), **CLARKE),
    RecordIn("housing:dad", given_name="Dave", sex="M", date_of_birth=D(1975, 6, 1), **CLARKE),
    RecordIn(
        "gp:son",
        given_name="David",
        sex="M",
        date_of_birth=D(2005, 9, 12),
        nhs_number=nhs("40102304"),
        **CLARKE,
    ),
    RecordIn("hospital:son", given_name="David", sex="M", date_of_birth=D(2005, 9, 12), **CLARKE),
    RecordIn("police:david?", given_name="David", sex="M", **CLARKE),
    # A family that moved: old address in police/school records, new one elsewhere.
    RecordIn(
        "police:grace", given_name="Grace", sex="F", date_of_birth=D(1990, 2, 14), **OKAFOR_OLD
    ),
    RecordIn(
        "gp:grace",
        given_name="Grace",
        sex="F",
        date_of_birth=D(1990, 2, 14),
        nhs_number=nhs("40102305"),
        **OKAFOR_NEW,
    ),
    RecordIn(
        "school:samuel", given_name="Samuel", sex="M", date_of_birth=D(2012, 7, 30), **OKAFOR_OLD
    ),
    RecordIn(
        "gp:samuel",
        given_name="Sam",
        sex="M",
        date_of_birth=D(2012, 7, 30),
        nhs_number=nhs("40102306"),
        **OKAFOR_NEW,
    ),
    # Same details, two different valid NHS numbers.
    RecordIn(
        "gp:hughes1",
        given_name="Peter",
        family_name="Hughes",
        sex="M",
        date_of_birth=D(1960, 1, 1),
        address="5 Park Road, Kingsbury",
        postcode="NF3 3AA",
        nhs_number=nhs("40102307"),
    ),
    RecordIn(
        "hospital:hughes2",
        given_name="Peter",
        family_name="Hughes",
        sex="M",
        date_of_birth=D(1960, 1, 1),
        address="5 Park Road, Kingsbury",
        postcode="NF3 3AA",
        nhs_number=nhs("40102308"),
    ),
    # One invalid NHS number on two unrelated people.
    RecordIn(
        "gp:zara",
        given_name="Zara",
        family_name="Ahmed",
        sex="F",
        date_of_birth=D(1999, 9, 9),
        nhs_number=INVALID_NHS,
    ),
    RecordIn(
        "gp:tom",
        given_name="Tom",
        family_name="Price",
        sex="M",
        date_of_birth=D(1950, 5, 5),
        nhs_number=INVALID_NHS,
    ),
    # For manual decisions.
    RecordIn(
        "vcs:ann",
        given_name="Ann",
        family_name="Lee",
        sex="F",
        date_of_birth=D(1980, 1, 2),
        postcode="EH1 1AA",
    ),
    RecordIn(
        "vcs:bob",
        given_name="Bob",
        family_name="Stone",
        sex="M",
        date_of_birth=D(1991, 3, 4),
        postcode="KB9 9ZZ",
    ),
    RecordIn(
        "vcs:carl1",
        given_name="Carl",
        family_name="Webb",
        sex="M",
        date_of_birth=D(1985, 5, 5),
        address="1 Quay Street, Oakley",
        postcode="OK1 1QS",
    ),
    RecordIn(
        "vcs:carl2",
        given_name="Carl",
        family_name="Webb",
        sex="M",
        date_of_birth=D(1985, 5, 5),
        address="1 Quay Street, Oakley",
        postcode="OK1 1QS",
    ),
]


@pytest.fixture(scope="session")
def population(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(records frame incl. the crafted ones, truth frame for generated ones)."""
    out: Path = tmp_path_factory.mktemp("synth")
    synth_population(2500, out, seed=11)
    recs, truth = load_population(out)
    crafted = pd.DataFrame([dataclasses.asdict(r) for r in CRAFTED])
    crafted["date_of_birth"] = crafted["date_of_birth"].map(lambda d: d.isoformat() if d else "")
    cols = [f.name for f in dataclasses.fields(RecordIn)]
    return pd.concat([recs[cols], crafted[cols]], ignore_index=True), truth


@pytest.fixture(scope="session")
def model(population: tuple[pd.DataFrame, pd.DataFrame]) -> LinkageModel:
    recs, _ = population
    return LinkageModel().train(recs, seed=3, u_max_pairs=4e5)
