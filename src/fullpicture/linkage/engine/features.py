"""Turn agency records into the feature table the Splink model and the real-time
scorer both read. One code path (cached per distinct value) serves both."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from .identifiers import clean_nhs_number, clean_pnc_id, clean_upn
from .normalise import (
    dob_key,
    first_name_groups,
    house_number,
    normalise_address,
    normalise_postcode,
    normalise_sex,
    split_given,
    surname_key,
)
from .types import RecordIn

RAW_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(RecordIn))

FEATURES: tuple[str, ...] = (
    "first_name",
    "first_groups",
    "middle",
    "surname",
    "surname_tokens",
    "dob",
    "sex",
    "postcode",
    "pc_sector",
    "pc_district",
    "address",
    "addr_key",
    "nhs",
    "upn",
    "pnc",
    "house_no",
    "dob_year",
    "surname_start",
)
F = {name: i for i, name in enumerate(FEATURES)}

# Blocking keys that are a prefix of another feature (the last features, in this order):
# records equal on the feature are equal on the key. Key -> (feature, prefix length).
DERIVED_KEYS: dict[str, tuple[str, int]] = {"dob_year": ("dob", 4), "surname_start": ("surname", 3)}
if FEATURES[-len(DERIVED_KEYS) :] != tuple(DERIVED_KEYS):
    raise RuntimeError("derived blocking keys must be the last features, in order")

FeatureRow = tuple[str | None, ...]


def _none(v: str) -> str | None:
    return v or None


def record_features(rec: RecordIn) -> FeatureRow:
    """Features of one record, in :data:`FEATURES` order (None for missing)."""
    first, middle = split_given(rec.given_name or "", rec.other_names or "")
    surname, tokens = surname_key(rec.family_name or "")
    pc, sector, district = normalise_postcode(rec.postcode or "")
    addr, akey = normalise_address(rec.address or "")
    values = (
        first,
        first_name_groups(first),
        middle,
        surname,
        tokens,
        dob_key(rec.date_of_birth),
        normalise_sex(rec.sex),
        pc,
        sector,
        district,
        addr,
        akey,
        clean_nhs_number(rec.nhs_number),
        clean_upn(rec.upn),
        clean_pnc_id(rec.pnc_id),
        house_number(akey),
    )
    row = [_none(v) for v in values]
    for source, n in DERIVED_KEYS.values():
        value = row[F[source]]
        row.append(value[:n] if value else None)
    return tuple(row)


def records_to_raw_frame(records: Iterable[RecordIn] | pd.DataFrame) -> pd.DataFrame:
    """A DataFrame with one column per :class:`RecordIn` field (strings, '' for blank)."""
    if isinstance(records, pd.DataFrame):
        df = records.copy()
        missing = [c for c in RAW_FIELDS if c not in df.columns]
        for c in missing:
            df[c] = ""
        df = df[list(RAW_FIELDS)]
    else:
        rows = [dataclasses.astuple(r) for r in records]
        df = pd.DataFrame(rows, columns=list(RAW_FIELDS))
    for c in RAW_FIELDS:
        if c == "date_of_birth":
            df[c] = df[c].map(_dob_str, na_action="ignore").fillna("")
        else:
            df[c] = df[c].fillna("").astype(str)
    if df["key"].eq("").any():
        raise ValueError("every record needs a key")
    if df["key"].duplicated().any():
        raise ValueError("record keys must be unique")
    return df.reset_index(drop=True)


def _dob_str(v: Any) -> str:
    return dob_key(v) if not isinstance(v, float) else ""


def _map_unique(series: pd.Series, fn: Callable[[str], Any]) -> pd.Series:
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    values = np.empty(len(uniques), dtype=object)
    values[:] = [fn(u) for u in uniques]
    return pd.Series(values[codes], index=series.index)


def _map_unique_parts(
    series: pd.Series, fn: Callable[[str], tuple[str, ...]], n: int
) -> list[pd.Series]:
    """Like :func:`_map_unique` for a function returning an n-tuple: n Series."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    results = [fn(u) for u in uniques]
    out = []
    for k in range(n):
        values = np.empty(len(uniques), dtype=object)
        values[:] = [r[k] for r in results]
        out.append(pd.Series(values[codes], index=series.index))
    return out


def features_frame(records: Iterable[RecordIn] | pd.DataFrame) -> pd.DataFrame:
    """Feature table: ``unique_id`` plus :data:`FEATURES` (None for missing).

    Vectorised by mapping each normaliser over the distinct values of a column, so a
    million records with repetitive names and postcodes take seconds.
    """
    raw = records_to_raw_frame(records)
    out = pd.DataFrame({"unique_id": raw["key"]})
    given = raw["given_name"] + "\x1f" + raw["other_names"]
    out["first_name"], out["middle"] = _map_unique_parts(
        given, lambda s: split_given(*s.split("\x1f", 1)), 2
    )
    out["first_groups"] = _map_unique(out["first_name"], first_name_groups)
    out["surname"], out["surname_tokens"] = _map_unique_parts(raw["family_name"], surname_key, 2)
    out["dob"] = raw["date_of_birth"]
    out["sex"] = _map_unique(raw["sex"], normalise_sex)
    out["postcode"], out["pc_sector"], out["pc_district"] = _map_unique_parts(
        raw["postcode"], normalise_postcode, 3
    )
    out["address"], out["addr_key"] = _map_unique_parts(raw["address"], normalise_address, 2)
    out["nhs"] = _map_unique(raw["nhs_number"], clean_nhs_number)
    out["upn"] = _map_unique(raw["upn"], clean_upn)
    out["pnc"] = _map_unique(raw["pnc_id"], clean_pnc_id)
    out["house_no"] = _map_unique(out["addr_key"].fillna(""), house_number)
    for key, (source, n) in DERIVED_KEYS.items():
        out[key] = out[source].str[:n]
    out = out[["unique_id", *FEATURES]].copy()
    for c in FEATURES:
        col = out[c].to_numpy(dtype=object)
        col[col == ""] = None
        out[c] = col
    return out


def as_features(records: Iterable[RecordIn] | pd.DataFrame) -> pd.DataFrame:
    """The feature frame of ``records`` (returned as is when already one)."""
    if isinstance(records, pd.DataFrame) and "first_groups" in records.columns:
        return records
    return features_frame(records)


def frame_rows(frame: pd.DataFrame) -> list[FeatureRow]:
    """Feature tuples (in :data:`FEATURES` order) for every row of a feature frame."""
    cols = [frame[c].tolist() for c in FEATURES]
    return list(zip(*cols, strict=True))
