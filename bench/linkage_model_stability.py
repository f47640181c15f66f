"""How many records the model needs before its estimates settle (decision 0028).

Trains the engine's model on growing populations and compares every comparison
level's match weight with the model trained on the largest one: the synthetic,
household-heavy population from ``synth_population`` (people drawn afresh at each
size, as a smaller partnership would hold them), and FEBRL4 (the first n records of
each file, so every true pair stays in).

    PYTHONPATH=src .venv/bin/python bench/linkage_model_stability.py
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
warnings.filterwarnings("ignore")
logging.getLogger("splink").setLevel(logging.ERROR)

from linkage_febrl import febrl_frames, to_records  # noqa: E402

from fullpicture.linkage.engine import LinkageModel  # noqa: E402
from fullpicture.linkage.engine.spec import COMPARISONS  # noqa: E402
from fullpicture.linkage.engine.synth import load_population, synth_population  # noqa: E402


def weights(model: LinkageModel) -> dict[tuple[str, str], float]:
    out = {}
    for comp in COMPARISONS:
        for level, w in zip(comp.levels, model.level_weights[comp.name], strict=True):
            if not level.is_null:
                out[(comp.name, level.label)] = w
    return out


def compare(small: dict, big: dict) -> dict[str, float]:
    diffs = sorted(abs(small[k] - big[k]) for k in big)
    return {
        "mean_abs": round(sum(diffs) / len(diffs), 2),
        "p90_abs": round(diffs[int(0.9 * (len(diffs) - 1))], 2),
        "max_abs": round(diffs[-1], 2),
        "within_1": round(sum(d <= 1 for d in diffs) / len(diffs), 3),
    }


def run(name: str, frames: list[tuple[int, pd.DataFrame]]) -> None:
    models = []
    for n, recs in frames:
        t = time.perf_counter()
        m = LinkageModel().train(recs, seed=1)
        models.append((n, len(recs), weights(m), round(time.perf_counter() - t, 1)))
    big = models[-1][2]
    for n, records, w, secs in models:
        print(
            json.dumps(
                {"data": name, "size": n, "records": records, "train_s": secs, **compare(w, big)}
            ),
            flush=True,
        )


def main() -> None:
    a, b = febrl_frames()
    febrl = []
    for n in (250, 500, 1000, 2000, 3000, 5000):
        febrl.append(
            (n, pd.concat([to_records(a.iloc[:n]), to_records(b.iloc[:n])], ignore_index=True))
        )
    run("febrl4", febrl)
    synth = []
    tmp = Path(tempfile.mkdtemp(prefix="fp-stab-"))
    for people in (300, 600, 1200, 3000, 6000, 12000, 30000):
        out = tmp / str(people)
        synth_population(people, out, seed=3)
        recs, _truth = load_population(out)
        synth.append((people, recs))
    run("synth", synth)


if __name__ == "__main__":
    main()
