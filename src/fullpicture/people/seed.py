"""The seeded household rules (people/data/household_rules.json): loaded by a data
migration and after every migrate (so a flushed database gets them back); existing rules
are never overwritten."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).resolve().parent / "data" / "household_rules.json"


def household_rules_seed(model: Any) -> int:
    created = 0
    for row in json.loads(RULES_FILE.read_text(encoding="utf-8")):
        _, was_created = model.objects.get_or_create(slug=row["slug"], defaults=row)
        created += was_created
    return created
