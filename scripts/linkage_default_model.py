#!/usr/bin/env python3
"""Train the packaged default linkage model (src/fullpicture/linkage/default_model.json).

The hub links with the newest ``model-v<N>.json`` in its data folder, else with this
packaged model. It is trained, without labels, on a synthetic household-heavy population
(the engine's own generator, fixed seed), so it carries no personal data:

    PYTHONPATH=src .venv/bin/python scripts/linkage_default_model.py            # rewrite it
    PYTHONPATH=src .venv/bin/python scripts/linkage_default_model.py --people 20000 --seed 5

Re-run it whenever the comparisons in linkage/engine/spec.py change (the saved level
weights must match the levels), then check the Sharetown demo against its ground truth
(src/fullpicture/demo/tests/test_sharetown_linkage.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from fullpicture.linkage.engine import LinkageModel, load_population, synth_population  # noqa: E402

OUT = ROOT / "src" / "fullpicture" / "linkage" / "default_model.json"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        synth_population(args.people, Path(tmp), seed=args.seed)
        records, _truth = load_population(Path(tmp))
    model = LinkageModel().train(records, seed=args.seed)
    model.save(args.out)
    print(f"wrote {args.out} ({len(records)} synthetic records)")
    print(model.parameters())
    return 0


if __name__ == "__main__":
    sys.exit(main())
