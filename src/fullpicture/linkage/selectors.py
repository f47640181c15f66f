"""Reads for linkage: the current model, the records to link, and match quality."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet

from fullpicture.linkage.engine import LinkageModel, RecordIn, WaterfallStep, clean_nhs_number
from fullpicture.linkage.engine.features import record_features
from fullpicture.linkage.engine.identifiers import (
    clean_pnc_id,
    clean_upn,
    identifier_malformed,
)
from fullpicture.linkage.engine.model import weight_to_prob
from fullpicture.linkage.engine.spec import COMPARISONS
from fullpicture.linkage.models import (
    LinkState,
    Method,
    Outcome,
    ProposalStatus,
    RecordLink,
    RelinkProposal,
)
from fullpicture.partnerships.models import Agency
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


POINTER = "current.json"


def model_pointer() -> dict[str, Any]:
    """The model chosen by ``linkage use`` or the last training: {version, pinned}."""
    try:
        data = json.loads((model_dir() / POINTER).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def model_path_of(label: str) -> Path | None:
    """The file of a model version label (``default`` or ``model-v<N>``), if there is one."""
    if label == "default":
        return DEFAULT_MODEL
    if _MODEL_NAME.match(f"{label}.json"):
        path = model_dir() / f"{label}.json"
        return path if path.exists() else None
    return None


def model_current_path() -> Path:
    """The model in use: the one chosen last (``linkage use``, or the last training),
    else the newest trained model, else the packaged default trained on synthetic data."""
    chosen = model_pointer().get("version")
    if isinstance(chosen, str):
        path = model_path_of(chosen)
        if path is not None:
            return path
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
        nhs_number=_shaped("nhs_number", record.nhs_number),
        upn=_shaped("upn", record.upn),
        pnc_id=_shaped("pnc_id", record.pnc_id),
    )


def _shaped(column: str, value: str) -> str:
    """The identifier as the engine may see it: a malformed value never links."""
    return "" if identifier_malformed(column, value) else value


def records_for_engine(records: Iterable[SourceRecord]) -> list[RecordIn]:
    return [record_in(r) for r in records]


# --------------------------------------------------------------------- link state
def link_state_version() -> int:
    """The counter every change to who-is-who bumps (0 before the first link)."""
    version = LinkState.objects.filter(pk=1).values_list("version", flat=True).first()
    return int(version or 0)


# ----------------------------------------------------------------- clerical review
REVIEWER_ROLES = frozenset({"mash_manager", "administrator"})


class NotFound(Exception):
    """No such case, or one the viewer may not see: the same answer either way."""


def may_review(*, roles: Iterable[str]) -> bool:
    return bool(REVIEWER_ROLES.intersection(roles))


def review_queue(*, partnership_id: int) -> QuerySet[RecordLink]:
    """Records awaiting a reviewer, oldest first, where both records are the partnership's."""
    return (
        RecordLink.objects.filter(
            outcome=Outcome.REVIEW,
            record__agency__partnership_id=partnership_id,
            review_with__agency__partnership_id=partnership_id,
        )
        .select_related("record__agency", "review_with__agency")
        .order_by("decided_at", "id")
    )


def relink_proposals_waiting(*, partnership_id: int) -> QuerySet[RelinkProposal]:
    """Moves a new model proposed, waiting for a reviewer, where both records are the
    partnership's, oldest first."""
    return (
        RelinkProposal.objects.filter(
            status=ProposalStatus.REVIEW,
            record__agency__partnership_id=partnership_id,
            other__agency__partnership_id=partnership_id,
        )
        .select_related("record__agency", "other__agency", "run")
        .order_by("id")
    )


@dataclass(frozen=True)
class ReviewCase:
    link: RecordLink
    record: SourceRecord
    candidate: SourceRecord
    waterfall: list[WaterfallStep]
    match_weight: float
    probability: float


def pair_waterfall(a: SourceRecord, b: SourceRecord) -> tuple[list[WaterfallStep], float]:
    """Each comparison's contribution to the match weight of two records (current model)."""
    compiled = model_current().compiled()
    weight, _levels, steps = compiled.score(
        record_features(record_in(a)), record_features(record_in(b)), waterfall=True
    )
    return steps, weight


def access_review_case(*, partnership_id: int, record_id: int) -> ReviewCase:
    """A case awaiting review in the partnership, with the candidate and the waterfall."""
    link = review_queue(partnership_id=partnership_id).filter(record_id=record_id).first()
    if link is None or link.review_with is None:
        raise NotFound
    steps, weight = pair_waterfall(link.record, link.review_with)
    return ReviewCase(
        link=link,
        record=link.record,
        candidate=link.review_with,
        waterfall=steps,
        match_weight=weight,
        probability=weight_to_prob(weight),
    )


@dataclass(frozen=True)
class PersonRecords:
    person_id: int
    records: list[SourceRecord]
    token: str


def person_token(records: Iterable[SourceRecord]) -> str:
    """Changes whenever any of the person's records is moved or relinked."""
    parts = sorted(f"{r.pk}:{getattr(getattr(r, 'link', None), 'version', 0)}" for r in records)
    return hashlib.sha256(",".join(parts).encode()).hexdigest()[:16]


def persons_in_review(*, partnership_id: int) -> set[int]:
    """Persons with a record in a pair waiting for review in the partnership (either side)."""
    queue = review_queue(partnership_id=partnership_id)
    return {
        person_id
        for pair in queue.values_list("record__person_id", "review_with__person_id")
        for person_id in pair
        if person_id is not None
    }


def access_person_records(*, partnership_id: int, person_id: int) -> PersonRecords:
    """A person's records, for a reviewer: only a person with a record in a pair waiting
    for the partnership's review (no standing access to anyone else's records), and only
    if every record is the partnership's."""
    if person_id not in persons_in_review(partnership_id=partnership_id):
        raise NotFound
    records = list(
        SourceRecord.objects.filter(person_id=person_id)
        .select_related("agency", "link")
        .order_by("agency__name", "source_id")
    )
    if not records or any(r.agency.partnership_id != partnership_id for r in records):
        raise NotFound
    return PersonRecords(person_id=person_id, records=records, token=person_token(records))


# ------------------------------------------------------------------ links export
EXPORT_COLUMNS = ("agency", "source_id", "person_id", "method", "score")


def link_rows() -> Iterator[tuple[str, str, str, str, str]]:
    """One row per source record: agency, source_id, person_id, method, score."""
    rows = (
        SourceRecord.objects.order_by("agency__code", "source_id")
        .values_list("agency__code", "source_id", "person_id", "link__method", "link__score")
        .iterator(chunk_size=5000)
    )
    for agency, source_id, person_id, method, score in rows:
        yield (
            agency,
            source_id,
            "" if person_id is None or method is None else str(person_id),
            method or "",
            "" if score is None else f"{score:.6f}",
        )


# ------------------------------------------------------------------ match quality
IDENTIFIER_METHODS = frozenset({Method.NHS_NUMBER, Method.UPN, Method.PNC_ID})


@dataclass(frozen=True)
class AgencyQuality:
    agency_code: str
    agency_name: str
    partnership: str
    records: int
    valid_nhs: int
    by_identifier: int
    by_model: int
    by_reviewer: int
    in_review: int
    new: int
    joined: int
    pending: int
    matched: int
    minimum_percent: Decimal
    malformed_ids: int = 0  # identifier values not the identifier's shape: kept, never linked
    failed_check_ids: int = 0  # the right shape but a wrong check digit or letter

    def percent(self, count: int) -> float:
        return 100.0 * count / self.records if self.records else 0.0

    @property
    def pct(self) -> dict[str, float]:
        """Each count as a percentage of the agency's records (for templates)."""
        names = (
            "valid_nhs",
            "by_identifier",
            "by_model",
            "by_reviewer",
            "in_review",
            "new",
            "joined",
        )
        return {name: self.percent(getattr(self, name)) for name in names}

    @property
    def matched_percent(self) -> float:
        return self.percent(self.matched)

    @property
    def ready(self) -> bool:
        return self.records > 0 and self.matched_percent >= float(self.minimum_percent)


def match_quality(*, partnership_id: int | None = None) -> list[AgencyQuality]:
    """For each agency: how its records were matched, and whether its feed is ready.

    A record counts as matched when it carries a valid NHS number or is linked
    (by identifier, by the model or by a reviewer), or when it arrived first, as a
    new person, and later records joined it (``joined``); an agency's feed is ready
    when its matched share reaches its partnership's minimum (95 % unless set).
    """
    agencies = Agency.objects.select_related("partnership").order_by("name")
    if partnership_id is not None:
        agencies = agencies.filter(partnership_id=partnership_id)
    counts: dict[int, dict[str, int]] = {a.pk: {} for a in agencies}
    shared = set(
        SourceRecord.objects.filter(person__isnull=False)
        .values("person_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("person_id", flat=True)
    )
    rows = (
        SourceRecord.objects.filter(agency__in=list(counts))
        .values_list(
            "agency_id",
            "nhs_number",
            "person_id",
            "link__outcome",
            "link__method",
            "link__manual",
            "upn",
            "pnc_id",
        )
        .iterator(chunk_size=10000)
    )
    for agency_id, nhs, person_id, outcome, method, manual, upn, pnc in rows:
        c = counts[agency_id]
        valid = bool(clean_nhs_number(nhs))
        c["records"] = c.get("records", 0) + 1
        keys = []
        for column, value, clean in (
            ("nhs_number", nhs, clean_nhs_number),
            ("upn", upn, clean_upn),
            ("pnc_id", pnc, clean_pnc_id),
        ):
            if not value:
                continue
            if identifier_malformed(column, value):
                keys.append("malformed_ids")
            elif not clean(value):
                keys.append("failed_check_ids")
        if valid:
            keys.append("valid_nhs")
        if outcome is None:
            keys.append("pending")
        elif outcome == Outcome.REVIEW:
            keys.append("in_review")
        elif outcome == Outcome.NEW_PERSON:
            keys.append("joined" if person_id in shared else "new")
        elif manual or method == Method.MANUAL:
            keys.append("by_reviewer")
        elif method in IDENTIFIER_METHODS:
            keys.append("by_identifier")
        else:
            keys.append("by_model")
        if (
            valid
            or outcome == Outcome.LINKED
            or (outcome == Outcome.NEW_PERSON and person_id in shared)
        ):
            keys.append("matched")
        for key in keys:
            c[key] = c.get(key, 0) + 1
    out = []
    for agency in agencies:
        c = counts[agency.pk]
        out.append(
            AgencyQuality(
                agency_code=agency.code,
                agency_name=agency.name,
                partnership=agency.partnership.name if agency.partnership else "",
                minimum_percent=(
                    agency.partnership.linkage_minimum_percent
                    if agency.partnership
                    else Decimal(95)
                ),
                **{
                    k: c.get(k, 0)
                    for k in (
                        "records",
                        "valid_nhs",
                        "by_identifier",
                        "by_model",
                        "by_reviewer",
                        "in_review",
                        "new",
                        "joined",
                        "pending",
                        "matched",
                        "malformed_ids",
                        "failed_check_ids",
                    )
                },
            )
        )
    return out


# ------------------------------------------------------------------ model versions
# The model is retrained on the partnership's own records once this many are held
# (below it the estimates still move by more than a bit per level; decision 0028),
# and again when the records have grown by half or their agency mix has shifted.
TRAIN_MIN_RECORDS = 5000
TRAIN_GROWTH = 1.5
TRAIN_SHIFT = 0.25  # total variation distance between the agency mixes
# One agency's file alone teaches the model nothing about matching across agencies
# (FEBRL's first file: Splink cannot estimate; the synthetic GP file: true pairs scored
# 0.01 by the model it gave): the first training waits until agencies other than the
# largest hold this share of the records.
TRAIN_OTHER_AGENCIES = 0.10


def train_min_records() -> int:
    """The minimum (``FULLPICTURE_LINKAGE_TRAIN_MIN`` overrides the measured default)."""
    return int(getattr(settings, "FULLPICTURE_LINKAGE_TRAIN_MIN", TRAIN_MIN_RECORDS))


@dataclass(frozen=True)
class ModelVersion:
    label: str
    path: Path
    trained_at: str | None
    training_records: int
    trained_on: str  # "partnership", "packaged" or "imported"
    reason: str
    m_source: str
    household_guards: bool
    upper: float
    lower: float
    current: bool
    pinned: bool

    @property
    def own_data(self) -> bool:
        return self.trained_on == "partnership"

    def describe(self) -> str:
        """One line for a CLI run: which model, and whether it learned this partnership."""
        when = (self.trained_at or "")[:16].replace("T", " ")
        if self.own_data:
            return (
                f"model {self.label}, trained on this partnership's own data "
                f"({self.training_records:,} records, {when} UTC)"
            )
        if self.trained_on == "packaged":
            return (
                f"model {self.label}, the packaged model trained on a synthetic population: "
                "this partnership's own data is not learned yet"
            )
        return f"model {self.label}, imported (trained on {self.training_records:,} records)"


def model_version(path: Path, *, current: Path | None = None) -> ModelVersion:
    data = json.loads(path.read_text("utf-8"))
    life = data.get("lifecycle") or {}
    current = current if current is not None else model_current_path()
    th = data.get("thresholds") or {}
    return ModelVersion(
        label=model_label(path),
        path=path,
        trained_at=data.get("trained_at"),
        training_records=int(data.get("training_records") or 0),
        trained_on=str(
            life.get("trained_on") or ("packaged" if path == DEFAULT_MODEL else "imported")
        ),
        reason=str(life.get("reason") or ""),
        m_source=str(data.get("m_source") or ""),
        household_guards=bool(data.get("household_guards", True)),
        upper=float(th.get("upper", 0.99)),
        lower=float(th.get("lower", 0.5)),
        current=path == current,
        pinned=path == current and bool(model_pointer().get("pinned")),
    )


def model_versions() -> list[ModelVersion]:
    """The packaged model, then every version trained or imported here, oldest first."""
    current = model_current_path()
    return [
        model_version(p, current=current) for p in [DEFAULT_MODEL, *(p for _n, p in model_files())]
    ]


def model_in_use() -> ModelVersion:
    return model_version(model_current_path())


def agency_mix() -> dict[str, int]:
    return {
        code: n
        for code, n in SourceRecord.objects.values_list("agency__code")
        .annotate(n=Count("id"))
        .values_list("agency__code", "n")
    }


def _mix_shift(before: dict[str, int], after: dict[str, int]) -> float:
    tb, ta = sum(before.values()) or 1, sum(after.values()) or 1
    keys = set(before) | set(after)
    return 0.5 * sum(abs(before.get(k, 0) / tb - after.get(k, 0) / ta) for k in keys)


def model_training_due() -> str | None:
    """Why the hub should train on its own records now, or None.

    Never while a version chosen by ``linkage use`` is pinned (a rollback stays
    until someone trains or chooses again).
    """
    if model_pointer().get("pinned"):
        return None
    held = SourceRecord.objects.count()
    minimum = train_min_records()
    if held < minimum:
        return None
    current = model_current()
    life = current.lifecycle
    mix = agency_mix()
    if life.get("trained_on") != "partnership":
        others = held - max(mix.values(), default=0)
        if others < TRAIN_OTHER_AGENCIES * held:
            return None
        return (
            f"first training on this partnership's data: {held:,} records held "
            f"(the minimum is {minimum:,})"
        )
    trained = int(life.get("records") or current.training_records or 1)
    if held >= TRAIN_GROWTH * trained:
        return f"the records have grown from {trained:,} to {held:,}"
    shift = _mix_shift(dict(life.get("agencies") or {}), mix)
    if shift > TRAIN_SHIFT:
        return f"the agency mix has shifted ({shift:.0%} of records moved between agencies)"
    return None


@dataclass(frozen=True)
class WeightChange:
    comparison: str
    level: str
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before


def weight_changes(before: LinkageModel, after: LinkageModel) -> list[WeightChange]:
    """Every comparison level's match weight in two models, biggest change first."""
    out = []
    for comp in COMPARISONS:
        old = before.level_weights.get(comp.name, [])
        new = after.level_weights.get(comp.name, [])
        for k, level in enumerate(comp.levels):
            if level.is_null or k >= len(old) or k >= len(new):
                continue
            out.append(WeightChange(comp.name, level.label, old[k], new[k]))
    return sorted(out, key=lambda c: -abs(c.change))
