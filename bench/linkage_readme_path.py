"""The README's path, as a new partnership would take it, from an empty data folder.

``agency create`` per agency, ``import-records`` per agency (which links, training on
the partnership's own records when due), then ``link`` and ``export-links``; figures
from the exported links against the truth. Everything runs through the CLI.

    PYTHONPATH=src .venv/bin/python bench/linkage_readme_path.py febrl
    PYTHONPATH=src .venv/bin/python bench/linkage_readme_path.py synth --people 60000 --malformed 1
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
COLUMNS = [
    "source_id", "given_name", "family_name", "other_names", "date_of_birth", "sex",
    "address", "postcode", "nhs_number", "upn", "pnc_id", "recorded_at",
]  # fmt: skip
SYNTH_TYPES = {
    "gp": "gp",
    "hospital": "acute_hospital",
    "school": "school",
    "police": "police",
    "housing": "housing",
    "childrens_social_care": "childrens_social_care",
    "probation": "probation",
}


def fp(home: Path, *args: str, log: list[str]) -> str:
    env = dict(os.environ, FULLPICTURE_HOME=str(home), PYTHONPATH=str(ROOT / "src"))
    t = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (our own CLI)
        [str(ROOT / ".venv/bin/fullpicture"), *args],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    secs = time.perf_counter() - t
    out = "\n".join(line for line in done.stdout.splitlines() if not line.startswith("warning"))
    warnings = sum(1 for line in done.stderr.splitlines() if line.startswith("warning"))
    log.append(f"$ fullpicture {' '.join(args)}   # {secs:.1f} s, {warnings} warnings\n{out}")
    if done.returncode:
        log.append(done.stderr[-3000:])
        raise SystemExit("\n".join(log))
    return done.stdout


def febrl_files(out: Path) -> tuple[dict[str, Path], pd.DataFrame]:
    from linkage_febrl import _dob, febrl_frames

    files, truth = {}, []
    for name, df in zip(("FEBRLA", "FEBRLB"), febrl_frames(), strict=True):

        def s(col: str, df: pd.DataFrame = df) -> pd.Series:
            return df[col].fillna("").astype(str).str.strip()

        # the address as one line, as most agency systems export it
        parts = [s("street_number") + " " + s("address_1"), s("address_2"), s("suburb"), s("state")]
        address = [", ".join(p for p in row if p.strip()) for row in zip(*parts, strict=True)]
        rows = pd.DataFrame({c: "" for c in COLUMNS}, index=df.index)
        rows["source_id"] = s("rec_id")
        rows["given_name"] = s("given_name")
        rows["family_name"] = s("surname")
        rows["date_of_birth"] = s("date_of_birth").map(_dob)
        rows["address"] = address
        rows["postcode"] = s("postcode")
        path = out / f"{name.lower()}.csv"
        rows[COLUMNS].to_csv(path, index=False)
        files[name] = path
        truth += [(name, r, r.split("-")[1]) for r in rows["source_id"]]
    return files, pd.DataFrame(truth, columns=["agency", "source_id", "person_key"])


def pairs(groups: pd.Series) -> int:
    sizes = groups.value_counts()
    return int((sizes * (sizes - 1) // 2).sum())


def evaluate(links: Path, truth: pd.DataFrame) -> dict[str, object]:
    got = pd.read_csv(links, dtype=str, keep_default_na=False)
    both = got.merge(truth, on=["agency", "source_id"], how="inner")
    assert len(both) == len(got) == len(truth), (len(both), len(got), len(truth))
    predicted = pairs(both["person_id"])
    true = pairs(both["person_key"])
    tp = pairs(both["person_id"] + "|" + both["person_key"])
    p = tp / predicted if predicted else 1.0
    r = tp / true if true else 1.0
    return {
        "records": len(got),
        "precision": round(p, 5),
        "recall": round(r, 5),
        "f1": round(2 * p * r / (p + r), 5) if p + r else 0.0,
        "false_pairs": predicted - tp,
        "missed_pairs": true - tp,
        "review_records": int((got["method"] == "review").sum()),
        "review_share": round(float((got["method"] == "review").mean()), 4),
        "methods": dict(Counter(got["method"])),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", choices=["febrl", "synth"])
    parser.add_argument("--people", type=int, default=60000)
    parser.add_argument("--malformed", type=float, default=1.0)
    parser.add_argument("--home", type=Path, default=None)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="fp-readme-"))
    home.mkdir(parents=True, exist_ok=True)
    assert not any(home.iterdir()), f"{home} is not empty"
    data = home.parent / (home.name + "-data")
    data.mkdir(exist_ok=True)
    log: list[str] = []
    t0 = time.perf_counter()
    fp(home, "migrate", "-v0", log=log)
    if args.data == "febrl":
        files, truth = febrl_files(data)
        agencies = [(code, path, "other") for code, path in files.items()]
        kinds = {"FEBRLA": "gp", "FEBRLB": "acute_hospital"}
        agencies = [(code, path, kinds[code]) for code, path, _ in agencies]
    else:
        fp(home, "synth", "--people", str(args.people), "--out", str(data),
           "--malformed", str(args.malformed), log=log)  # fmt: skip
        truth = pd.read_csv(data / "truth.csv", dtype=str, keep_default_na=False)
        truth["agency"] = truth["agency"].str.upper()
        agencies = [(a.upper(), data / f"{a}.csv", kind) for a, kind in SYNTH_TYPES.items()]
    t_import = time.perf_counter()
    for code, _path, kind in agencies:
        fp(home, "agency", "create", "--code", code, "--name", code, "--type", kind,
           "--partnership", "Benchtown", log=log)  # fmt: skip
    for code, path, _kind in agencies:
        fp(home, "import-records", "--agency", code, str(path), log=log)
    fp(home, "link", log=log)
    elapsed = time.perf_counter() - t_import
    links = data / "links.csv"
    fp(home, "export-links", str(links), log=log)
    fp(home, "linkage", "models", log=log)
    proposals = fp(home, "linkage", "proposals", log=log).strip().splitlines()[1:]
    fp(home, "linkage", "report", log=log)
    figures = evaluate(links, truth)
    figures["proposals_waiting"] = len(proposals)
    figures["import_and_link_s"] = round(elapsed, 1)
    figures["total_s"] = round(time.perf_counter() - t0, 1)
    print("\n".join(log))
    print(json.dumps({"data": args.data, **figures}))
    with (home.parent / (home.name + "-figures.csv")).open("w", newline="") as fh:
        csv.writer(fh).writerows(figures.items())


if __name__ == "__main__":
    main()
