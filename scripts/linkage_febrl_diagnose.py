"""Why FEBRL4 true pairs are missed and records go to review: a breakdown by reason
(never compared by blocking, score band, veto or refused join) with the comparison
levels of each missed pair. Synthetic benchmark data only (FEBRL4); prints ids and
levels, never names.

    PYTHONPATH=src:bench .venv/bin/python scripts/linkage_febrl_diagnose.py [--show 20]
"""

from __future__ import annotations

import argparse
import collections
import logging
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from linkage_febrl import _pair, febrl_frames, to_records, true_pairs

from fullpicture.linkage.engine import LinkageModel, link_batch
from fullpicture.linkage.engine.batch import (
    level_index_from_weights,
    pair_vetoes,
    score_pairs,
)
from fullpicture.linkage.engine.features import as_features
from fullpicture.linkage.engine.spec import COMPARISONS

warnings.filterwarnings("ignore")
logging.getLogger("splink").setLevel(logging.ERROR)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--show", type=int, default=15)
    args = ap.parse_args()
    a, b = febrl_frames()
    truth = true_pairs(a, b)
    recs = pd_concat(a, b)
    model = LinkageModel().train(recs, seed=1)
    print(f"guards {model.household_guards}; blocking {model.predict_blocking}")
    print(f"prior weight {model.prior_weight:+.2f}")
    res = link_batch(recs, model=model)
    by_key = {x.key: x for x in res}
    feats = as_features(recs)
    pred = score_pairs(feats, model, threshold=1e-12)
    veto = pair_vetoes(pred, model)
    pairs = {
        _pair(x, y): i
        for i, (x, y) in enumerate(zip(pred.unique_id_l, pred.unique_id_r, strict=True))
    }
    clusters: dict[str, set[str]] = collections.defaultdict(set)
    for x in res:
        clusters[x.cluster].add(x.key)
    linked = set()
    for ks in clusters.values():
        s = sorted(ks)
        linked |= {(s[i], s[j]) for i in range(len(s)) for j in range(i + 1, len(s))}
    missed = sorted(truth - linked)
    reasons: collections.Counter[str] = collections.Counter()
    rows = []
    for p in missed:
        i = pairs.get(p)
        outs = "/".join(by_key[k].outcome.value for k in p)
        if i is None:
            reasons[f"never compared ({outs})"] += 1
            continue
        prob = float(pred.match_probability.iloc[i])
        band = (
            "strong"
            if prob >= model.upper
            else "review band"
            if prob >= model.lower
            else "below lower"
        )
        v = veto[i] or "no veto"
        reasons[f"{band}, {v} ({outs})"] += 1
        lv = []
        for comp in COMPARISONS:
            k = level_index_from_weights(
                np.array([float(pred[f"mw_{comp.name}"].iloc[i])]),
                model.level_weights[comp.name],
            )[0]
            lv.append(f"{comp.name}={comp.levels[k].label}")
        rows.append((prob, p, "; ".join(lv)))
    print(f"\n{len(missed)} true pairs not linked, by reason:")
    for r, c in reasons.most_common():
        print(f"  {c:4d}  {r}")
    rows.sort(reverse=True)
    for prob, p, lv in rows[: args.show]:
        print(f"  p={prob:.3f} {p[0]} {p[1]}: {lv}")
    review = [x for x in res if x.outcome.value == "review"]
    rr: collections.Counter[str] = collections.Counter()
    for x in review:
        q = _pair(x.key, x.review_with or "")
        true = q in truth
        i = pairs.get(q)
        prob = float(pred.match_probability.iloc[i]) if i is not None else float("nan")
        band = "strong" if prob >= model.upper else "review band" if prob >= model.lower else "low"
        rr[f"{band}, veto={veto[i] if i is not None else '?'}, with true partner={true}"] += 1
    print(f"\n{len(review)} records in review, by reason:")
    for r, c in rr.most_common():
        print(f"  {c:4d}  {r}")
    # false pairs: highest scores
    fp = [(float(pred.match_probability.iloc[i]), q) for q, i in pairs.items() if q not in truth]
    fp.sort(reverse=True)
    print("\nhighest false-pair probabilities:", [round(x, 4) for x, _ in fp[:10]])
    tp = sorted(float(pred.match_probability.iloc[i]) for q, i in pairs.items() if q in truth)
    print(f"true pairs compared: {len(tp)}; below upper: {sum(t < model.upper for t in tp)}")


def pd_concat(a, b):  # type: ignore[no-untyped-def]
    import pandas as pd

    return pd.concat([to_records(a), to_records(b)], ignore_index=True)


if __name__ == "__main__":
    main()
