"""The in-process index for real-time matching, one per process.

Building the engine's :class:`Matcher` over every linked record costs seconds at
scale, so each process builds it once and keeps it. It is stamped with the
:class:`~fullpicture.linkage.models.LinkState` counter (bumped in the same
transaction as every change to who-is-who) and the model file it was built
with. Before each match the stamp is compared with the database's; another
worker's change, or a newly trained model, makes this process rebuild lazily.
A record this process links itself is added to the index after its
transaction commits, without a rebuild, when no one else changed anything in
between.

A stale index first tries to catch up rather than rebuild: every change writes
its link-state version on its ``LinkHistory`` rows, and versions commit in order
(the counter's row lock is held to commit). If every version since the index's
is present and each only links records for the first time (the common case:
new records arriving, in batch or one by one), those records are added; a
record moved between persons, or a version with no history (a record changed
on re-import), means a full rebuild.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from fullpicture.linkage.engine import Matcher, MatchResult, RecordIn
from fullpicture.linkage.models import LinkHistory
from fullpicture.linkage.selectors import (
    link_state_version,
    model_current,
    model_current_path,
    record_in,
)
from fullpicture.people.models import SourceRecord

log = logging.getLogger(__name__)


@dataclass
class _Index:
    matcher: Matcher
    version: int
    model_stamp: str


_lock = threading.Lock()
_index: _Index | None = None


def cluster_of(person_id: int) -> str:
    return f"p:{person_id}"


def _model_stamp() -> str:
    path = model_current_path()
    return f"{path}:{path.stat().st_mtime_ns}"


def _build(version: int, model_stamp: str) -> _Index:
    rows = SourceRecord.objects.filter(link__isnull=False, person__isnull=False).order_by("id")
    records: list[RecordIn] = []
    clusters: dict[str, str] = {}
    for record in rows.iterator(chunk_size=5000):
        records.append(record_in(record))
        clusters[str(record.pk)] = cluster_of(record.person_id)  # type: ignore[arg-type]
    matcher = Matcher(model_current(), records, clusters)
    log.info("real-time index built: %d records at link state %d", len(matcher), version)
    return _Index(matcher, version, model_stamp)


CATCH_UP_MAX = 100_000  # more new records than this since the index was built: rebuild


def _catch_up(index: _Index, version: int) -> bool:
    """Add the records first linked since the index's version; False if it cannot."""
    if version - index.version > CATCH_UP_MAX:
        return False
    rows = list(
        LinkHistory.objects.filter(
            link_version__gt=index.version, link_version__lte=version
        ).values_list("link_version", "record_id", "action", "from_person_id", "to_person_id")[
            : CATCH_UP_MAX + 1
        ]
    )
    if len(rows) > CATCH_UP_MAX:
        return False
    if {v for v, *_ in rows} != set(range(index.version + 1, version + 1)):
        return False  # a change that left no history (a record changed on re-import)
    added: dict[int, int] = {}
    for _v, record_id, action, from_person, to_person in rows:
        if from_person is not None and from_person == to_person:
            continue  # a decision that moved nothing (not the same person)
        if action != "link" or from_person is not None or record_id is None:
            return False
        if str(record_id) in index.matcher.key_index or record_id in added:
            return False
        added[record_id] = to_person
    records = SourceRecord.objects.in_bulk(list(added))
    for record_id, person_id in added.items():
        record = records.get(record_id)
        if record is None or record.person_id != person_id:
            return False
    for record_id, person_id in sorted(added.items()):
        index.matcher.add(record_in(records[record_id]), cluster_of(person_id))
    index.version = version
    log.info("real-time index caught up: %d records to link state %d", len(added), version)
    return True


def index_match(record: RecordIn) -> MatchResult:
    """Match one record against the current index, catching up or rebuilding if stale."""
    global _index
    version = link_state_version()
    stamp = _model_stamp()
    with _lock:
        stale = _index is None or _index.version != version or _index.model_stamp != stamp
        if stale and _index is not None and _index.model_stamp == stamp:
            # new links only since the index was built: add them; anything else rebuilds
            stale = _index.version > version or not _catch_up(_index, version)
        if stale or _index is None:
            _index = _build(version, stamp)
        if record.key in _index.matcher.key_index:
            raise ValueError("record is already linked: undo its link before matching it again")
        return _index.matcher.match(record)


def index_note(record: RecordIn, *, person_id: int, version: int) -> None:
    """After commit: add a record this process linked, if the index was current."""
    global _index
    with _lock:
        if _index is None:
            return
        if _index.version != version - 1 or record.key in _index.matcher.key_index:
            _index = None  # someone else changed things too: rebuild on next use
            return
        _index.matcher.add(record, cluster_of(person_id))
        _index.version = version


def index_forget() -> None:
    """Drop this process's index (tests; after a new model is trained)."""
    global _index
    with _lock:
        _index = None
