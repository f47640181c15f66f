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
    # What the F1 target would take: how many missed pairs have given names that
    # disagree outright (the "else" level: the shape of a sibling or another adult at
    # the address), and the best any upper threshold could do without a false link.
    other_given = [r for r in rows if "first_name=else" in r[2]]
    also = [r for r in other_given if "surname=else" in r[2] or "dob=different" in r[2]]
    print(
        f"\n{len(other_given)} of the {len(rows)} compared missed pairs have given names "
        f"that disagree outright; {len(also)} of them also disagree on surname or date "
        "of birth"
    )
    never = len(missed) - len(rows)
    # with no false link F1 = 2R / (1 + R), so F1 >= f needs R >= f / (2 - f)
    allowed = int(len(truth) * (2 - 2 * 0.999) / (2 - 0.999))
    print(
        f"F1 >= 0.999 with no false link allows at most {allowed} missed pairs: "
        f"{len(missed) - allowed} of these {len(missed)} would have to link"
    )
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
    if fp:
        # Any upper threshold above the highest false pair links no false pair; the
        # best of them links every compared true pair scoring above it.
        top_false = fp[0][0]
        best_missed = sum(t <= top_false for t in tp) + never
        r = 1 - best_missed / len(truth)
        print(
            f"best upper threshold without a false link (just above {top_false:.3f}): "
            f"{best_missed} missed, F1 {2 * r / (1 + r):.4f}"
        )


def pd_concat(a, b):  # type: ignore[no-untyped-def]
    import pandas as pd

    return pd.concat([to_records(a), to_records(b)], ignore_index=True)


if __name__ == "__main__":
    main()
