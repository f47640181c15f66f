"""The linkage model's life: trained on the partnership's own records, versioned, chosen.

The packaged model (trained on a synthetic population) is only a starting point. Once
enough records are held, and again when they have grown or shifted enough, the hub
trains on its own records (``model_refresh``); every version is kept as
``model-v<N>.json`` with notes on what it learned from, the one in use is named in
``current.json``, and ``model_use`` goes back to an earlier one (refusing a file that
does not match this code or learned from too few records). Each change is a ledger
event; moving records after a change is ``relink``'s work.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.linkage import matching
from fullpicture.linkage.engine import LinkageModel
from fullpicture.linkage.engine.spec import COMPARISONS
from fullpicture.linkage.selectors import (
    DEFAULT_MODEL,
    POINTER,
    ModelVersion,
    WeightChange,
    agency_mix,
    model_current,
    model_current_path,
    model_dir,
    model_files,
    model_label,
    model_path_of,
    model_training_due,
    model_version,
    records_for_engine,
    train_min_records,
    weight_changes,
)
from fullpicture.people.models import SourceRecord

log = logging.getLogger(__name__)


class ModelRefused(Exception):
    """A model that may not be used here; the message gives the reason."""


@dataclass(frozen=True)
class Trained:
    model: LinkageModel
    path: Path
    previous: str
    reason: str
    changes: list[WeightChange]
    charts: list[Path]


def _pointer_write(label: str, *, pinned: bool) -> None:
    path = model_dir() / POINTER
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"version": label, "pinned": pinned}), "utf-8")
    tmp.replace(path)


def _next_path() -> Path:
    files = model_files()
    return model_dir() / f"model-v{(files[-1][0] if files else 0) + 1}.json"


def model_version_train(
    *,
    actor: Actor,
    reason: str,
    progress: Callable[[int, int], None] | None = None,
    seed: int = 0,
    charts: bool = True,
) -> Trained:
    """Fit the model on every record held; save it as the next version and use it.

    The version notes what it learned from (how many records, from which agencies,
    why it was trained, the version before it); the ledger records it; the match
    weight chart is written beside it.
    """
    records = records_for_engine(SourceRecord.objects.order_by("id").iterator(chunk_size=5000))
    if len(records) < 2:
        raise ValueError("there are too few records to train on")
    before = model_current()
    previous = model_label(model_current_path())
    model = LinkageModel().train(records, seed=seed, progress=progress)
    model.lifecycle = {
        "trained_on": "partnership",
        "records": len(records),
        "agencies": agency_mix(),
        "reason": reason,
        "previous": previous,
        "seed": seed,
    }
    path = model.save(_next_path())
    _pointer_write(path.stem, pinned=False)
    written = model.charts(model_dir() / "charts" / path.stem) if charts else []
    ledger_record(
        actor=actor,
        action=Action.CREATE,
        object_type="linkage_model",
        object_id=path.stem,
        reason_code="trained",
        details={
            "training_records": model.training_records,
            "trained_on": "partnership",
            "previous": previous,
        },
    )
    matching.index_forget()
    log.info("trained %s on %d records (%s)", path.stem, model.training_records, reason)
    return Trained(model, path, previous, reason, weight_changes(before, model), written)


def model_refresh(
    *, actor: Actor, progress: Callable[[int, int], None] | None = None
) -> Trained | None:
    """Train on the partnership's own records if it is due (``model_training_due``)."""
    reason = model_training_due()
    if reason is None:
        return None
    return model_version_train(actor=actor, reason=reason, progress=progress)


def model_check(data: object) -> LinkageModel:
    """The model in a file's JSON, if this code can use it; else :class:`ModelRefused`."""
    if not isinstance(data, dict):
        raise ModelRefused("not a Full Picture linkage model file")
    try:
        model = LinkageModel.from_dict(data)
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelRefused(f"does not match the model schema: {exc}") from exc
    comparisons = data.get("splink_settings", {}).get("comparisons", [])
    names = [c.get("output_column_name") for c in comparisons if isinstance(c, dict)]
    expected = [c.name for c in COMPARISONS]
    if names != expected:
        raise ModelRefused(
            "does not match the model schema: its comparisons are "
            f"{', '.join(str(n) for n in names) or 'missing'}; this code expects "
            f"{', '.join(expected)}"
        )
    for comp, settings in zip(COMPARISONS, comparisons, strict=True):
        levels = len(settings.get("comparison_levels", []))
        weights = len(model.level_weights.get(comp.name, []))
        if levels != len(comp.levels) or weights != len(comp.levels):
            raise ModelRefused(
                f"does not match the model schema: comparison {comp.name} has {levels} "
                f"levels, this code expects {len(comp.levels)}"
            )
    if not 0 < model.lower <= model.upper < 1:
        raise ModelRefused(
            f"does not match the model schema: thresholds {model.lower} and {model.upper} "
            "must satisfy 0 < review <= link < 1"
        )
    if model.training_records < train_min_records():
        raise ModelRefused(
            f"was trained on {model.training_records:,} records, fewer than the minimum "
            f"of {train_min_records():,}"
        )
    return model


def model_use(*, version: str, actor: Actor) -> ModelVersion:
    """Use an earlier version (``default``, ``model-v<N>`` or ``<N>``) or a model file.

    The choice is pinned: the hub does not train itself again until someone runs
    ``linkage train`` or chooses ``latest``. A file from elsewhere is checked, then
    kept here as the next version. Raises :class:`ModelRefused` with the reason.
    """
    before = model_label(model_current_path())
    pinned = True
    if version == "latest":
        files = model_files()
        path = files[-1][1] if files else DEFAULT_MODEL
        pinned = False
    else:
        label = f"model-v{version}" if version.isdigit() else version
        found = model_path_of(label)
        path = found if found is not None else Path(version)
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise ModelRefused(f"there is no model version or file '{version}'") from exc
    except (OSError, ValueError) as exc:
        raise ModelRefused(f"'{version}' cannot be read as a model file ({exc})") from exc
    model = model_check(data)
    if path != DEFAULT_MODEL and path.parent.resolve() != model_dir().resolve():
        model.lifecycle = {**model.lifecycle, "trained_on": "imported", "imported_from": path.name}
        target = _next_path()
        model.save(target)
        path = target
    label = model_label(path)
    _pointer_write(label, pinned=pinned)
    ledger_record(
        actor=actor,
        action=Action.UPDATE,
        object_type="linkage_model",
        object_id=label,
        reason_code="use",
        details={"previous": before, "pinned": pinned, "at": timezone.now().isoformat()},
    )
    matching.index_forget()
    return model_version(path)
