"""Compare the hub's persons with a ground-truth file (agency, source_id, person_key).

Usage: fullpicture shell -c "exec(open('scripts/linkage_truth.py').read())"  or
       python scripts/linkage_truth.py GROUND_TRUTH.csv   (with DJANGO_SETTINGS_MODULE set)
Prints pairwise precision/recall, the false links and missed links, by person key.
"""

from __future__ import annotations

import csv
import itertools
import os
import sys
from collections import defaultdict
from pathlib import Path


def main(truth_path: Path) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fullpicture.config.settings.local")
    django.setup()
    from fullpicture.people.models import SourceRecord

    truth: dict[tuple[str, str], str] = {}
    with truth_path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            truth[(row["agency"], row["source_id"])] = row["person_key"]
    hub = {
        (a, s): p
        for a, s, p in SourceRecord.objects.values_list("agency__code", "source_id", "person_id")
    }
    keys = sorted(set(truth) & set(hub))
    by_true: dict[str, list] = defaultdict(list)
    by_hub: dict[int, list] = defaultdict(list)
    for k in keys:
        by_true[truth[k]].append(k)
        by_hub[hub[k]].append(k)
    true_pairs = {frozenset(p) for g in by_true.values() for p in itertools.combinations(g, 2)}
    hub_pairs = {frozenset(p) for g in by_hub.values() for p in itertools.combinations(g, 2)}
    tp = len(true_pairs & hub_pairs)
    fp = hub_pairs - true_pairs
    fn = true_pairs - hub_pairs
    precision = tp / len(hub_pairs) if hub_pairs else 1.0
    recall = tp / len(true_pairs) if true_pairs else 1.0
    print(f"records {len(keys)}  persons: truth {len(by_true)} hub {len(by_hub)}")
    print(f"pairs: truth {len(true_pairs)} hub {len(hub_pairs)} tp {tp} fp {len(fp)} fn {len(fn)}")
    print(f"precision {precision:.4f} recall {recall:.4f}")
    for pair in sorted(fp, key=sorted)[:20]:
        a, b = sorted(pair)
        print(f"  FALSE LINK {a} ({truth[a]}) ~ {b} ({truth[b]})")
    for pair in sorted(fn, key=sorted)[:40]:
        a, b = sorted(pair)
        print(f"  MISSED     {a} ~ {b} ({truth[a]})")
    return 0 if not fp and not fn else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
