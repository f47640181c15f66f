"""Reads for linkage: the current model, the records to link, and match quality."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

from fullpicture.linkage.engine import LinkageModel, RecordIn
from fullpicture.people.models import SourceRecord

DEFAULT_MODEL = Path(__file__).resolve().parent / "default_model.json"
_MODEL_NAME = re.compile(r"^model-v(\d+)\.json$")
_cache: dict[str, tuple[float, LinkageModel]] = {}


def model_dir() -> Path:
    path = Path(settings.FULLPICTURE_MODEL_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def model_files() -> list[tuple[int, Path]]:
    """Trained models in the data folder, oldest first: ``model-v<N>.json``."""
    found = []
    for path in model_dir().glob("model-v*.json"):
        match = _MODEL_NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


def model_current_path() -> Path:
    """The newest trained model, or the packaged default trained on synthetic data."""
    files = model_files()
    return files[-1][1] if files else DEFAULT_MODEL


def model_current() -> LinkageModel:
    path = model_current_path()
    mtime = path.stat().st_mtime
    cached = _cache.get(str(path))
    if cached is None or cached[0] != mtime:
        cached = (mtime, LinkageModel.load(path))
        _cache[str(path)] = cached
    return cached[1]


def model_label(path: Path) -> str:
    return "default" if path == DEFAULT_MODEL else path.stem


def record_in(record: SourceRecord) -> RecordIn:
    """What the engine sees of a record: its key is the record's primary key."""
    return RecordIn(
        key=str(record.pk),
        given_name=record.given_name,
        family_name=record.family_name,
        other_names=record.other_names,
        date_of_birth=record.date_of_birth,
        sex=record.sex,
        address=record.address,
        postcode=record.postcode,
        nhs_number=record.nhs_number,
        upn=record.upn,
        pnc_id=record.pnc_id,
    )


def records_for_engine(records: Iterable[SourceRecord]) -> list[RecordIn]:
    return [record_in(r) for r in records]
