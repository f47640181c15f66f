"""What share of an identifier column is malformed when the column is the wrong one
(decision 0027): values of other columns put in each identifier column, on a synthetic
population, against the share in a column as it should be.

    PYTHONPATH=src .venv/bin/python bench/linkage_column_swaps.py
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from fullpicture.linkage.engine.identifiers import identifier_malformed
from fullpicture.linkage.engine.synth import load_population, synth_population


def share(column: str, values: pd.Series) -> float:
    values = values[values != ""]
    return round(float(np.mean([identifier_malformed(column, v) for v in values])), 4)


def main() -> None:
    out = Path(tempfile.mkdtemp(prefix="fp-swaps-"))
    synth_population(6000, out, seed=5, malformed=0.01)
    recs, _ = load_population(out)
    rng = np.random.default_rng(0)
    n = 5000
    mobile = pd.Series([f"07700 9{rng.integers(0, 99999):05d}" for _ in range(n)])
    landline = pd.Series([f"0113 496 {rng.integers(0, 9999):04d}" for _ in range(n)])
    nhs = recs["nhs_number"][recs["nhs_number"] != ""]
    excel = nhs.head(n).map(
        lambda v: f"{int(v.replace(' ', '')):.2E}" if v.replace(" ", "").isdigit() else v
    )
    rows = {
        "nhs_number as exported (1 % malformed)": ("nhs_number", recs["nhs_number"]),
        "upn as exported (1 % malformed)": ("upn", recs["upn"]),
        "pnc_id as exported (1 % malformed)": ("pnc_id", recs["pnc_id"]),
        "UPNs in the NHS number column": ("nhs_number", recs["upn"]),
        "PNC ids in the NHS number column": ("nhs_number", recs["pnc_id"]),
        "mobile numbers in the NHS number column": ("nhs_number", mobile),
        "landline numbers in the NHS number column": ("nhs_number", landline),
        "NHS numbers through a spreadsheet (9.99E+09)": ("nhs_number", excel),
        "dates of birth in the NHS number column": ("nhs_number", recs["date_of_birth"]),
        "NHS numbers in the UPN column": ("upn", recs["nhs_number"]),
        "source ids in the UPN column": ("upn", recs["source_id"]),
        "NHS numbers in the PNC id column": ("pnc_id", recs["nhs_number"]),
    }
    for label, (column, values) in rows.items():
        print(
            json.dumps({"case": label, "column": column, "malformed_share": share(column, values)})
        )


if __name__ == "__main__":
    main()
