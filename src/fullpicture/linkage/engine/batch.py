"""Batch linking: Splink scores candidate pairs, then a constrained greedy clustering
turns the scores into LINKED / REVIEW / NEW_PERSON assignments.

Clustering takes the strongest evidence first (manual must-links, then shared valid
NHS numbers, UPNs and PNC ids, then Splink pairs by falling probability) and merges
two clusters only if the result stays consistent: no cannot-link pair inside it, at
most one valid value of each identifier, dates of birth that are all compatible
(equal, day and month swapped, a one-character typo, the same year and month, or the
year one out)
unless the join rests on a shared identifier, and never two existing clusters. A
record whose strong link is refused for such a conflict is doubtful: it is taken out
and sent to REVIEW, so clusters cannot chain through one weak link.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Iterable, Mapping

import jellyfish
import numpy as np
import pandas as pd

from .features import as_features
from .model import LinkageModel, Progress, make_linker
from .spec import COMPARISONS
from .types import Assignment, Method, Outcome, RecordIn

log = logging.getLogger(__name__)

_ID_METHODS = (("nhs", Method.NHS_NUMBER), ("upn", Method.UPN), ("pnc", Method.PNC_ID))
_PRIORITY = {
    Method.MANUAL: 0,
    Method.NHS_NUMBER: 1,
    Method.UPN: 2,
    Method.PNC_ID: 3,
    Method.SPLINK: 4,
}


def dob_compatible(a: str, b: str) -> bool:
    """Could two ISO dates of birth belong to one person (given other evidence)?"""
    if a == b or a[:7] == b[:7]:
        return True
    if a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return True
    if a[5:] == b[5:] and abs(int(a[:4]) - int(b[:4])) == 1:  # year keyed one out
        return True
    return jellyfish.levenshtein_distance(a, b) <= 1 and abs(int(a[:4]) - int(b[:4])) <= 10


def score_pairs(
    frame: pd.DataFrame,
    model: LinkageModel,
    *,
    new_mask: pd.Series | None = None,
    threshold: float | None = None,
) -> pd.DataFrame:
    """Splink predictions (unique_id_l, unique_id_r, match_probability, match_weight,
    gamma_*). With ``new_mask`` only pairs touching a new record are generated."""
    settings = {**model.settings, "retain_intermediate_calculation_columns": True}
    threshold = model.lower if threshold is None else threshold
    if new_mask is None or bool(new_mask.all()):
        linker, db_api = make_linker(frame, settings)
        model.register_tf_tables(linker, db_api)
        pred = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        df = pred.as_pandas_dataframe()
    else:
        new = frame[new_mask.to_numpy()]
        old = frame[~new_mask.to_numpy()]
        if new.empty:
            return _empty_predictions()
        linker, db_api = make_linker(frame.iloc[:1], settings)
        model.register_tf_tables(linker, db_api)
        sdf_new = db_api.register(new)
        parts = [
            linker.inference.predict_within(
                sdf_new, threshold_match_probability=threshold, warning_mode="never"
            ).as_pandas_dataframe()
        ]
        if not old.empty:
            sdf_old = db_api.register(old)
            parts.append(
                linker.inference.predict_between(
                    sdf_old,
                    sdf_new,
                    threshold_match_probability=threshold,
                    warning_mode="never",
                ).as_pandas_dataframe()
            )
        df = pd.concat(parts, ignore_index=True)
    keep = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"] + [
        f"mw_{c.name}" for c in COMPARISONS
    ]
    return df[keep] if len(df) else _empty_predictions()


def _empty_predictions() -> pd.DataFrame:
    cols = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"] + [
        f"mw_{c.name}" for c in COMPARISONS
    ]
    return pd.DataFrame({c: [] for c in cols})


def level_index_from_weights(mw: np.ndarray, weights: list[float]) -> np.ndarray:
    """Splink 5 returns each comparison's match weight (``mw_<name>``), not its level:
    recover the level as the one with that weight (weights are distinct per comparison;
    :func:`model.smooth_parameters` makes sure)."""
    w = np.asarray(weights, dtype=float)
    return np.abs(mw[:, None] - w[None, :]).argmin(axis=1)


def pair_vetoes(pred: pd.DataFrame, model: LinkageModel) -> np.ndarray:
    """Per prediction row: 'block', 'review' or '' from the model's vetoes."""
    out = np.full(len(pred), "", dtype=object)
    for comp in COMPARISONS:
        rules = model.vetoes.get(comp.name, {})
        if not rules or not len(pred):
            continue
        lvl = level_index_from_weights(
            pred[f"mw_{comp.name}"].to_numpy(dtype=float), model.level_weights[comp.name]
        )
        for label, kind in rules.items():
            idx = [i for i, lv in enumerate(comp.levels) if lv.label == label]
            if not idx:
                continue
            hit = lvl == idx[0]
            if kind == "block":
                out[hit] = "block"
            else:
                out[hit & (out != "block")] = "review"
    return out


class _Clusters:
    """Union-find with the consistency constraints described in the module doc.

    Per-cluster identifier and date-of-birth sets are kept only for clusters of two
    or more records; a singleton reads its own record's values.
    """

    def __init__(
        self,
        own_ids: list[dict[str, str] | None],
        own_dob: list[str | None],
        anchors: list[str | None],
    ) -> None:
        n = len(own_dob)
        self.parent = list(range(n))
        self.size = [1] * n
        self.own_ids = own_ids
        self.own_dob = own_dob
        self._ids: dict[int, dict[str, str]] = {}
        self._dobs: dict[int, set[str]] = {}
        self.anchor: dict[int, str] = {i: a for i, a in enumerate(anchors) if a is not None}
        self.cannot: dict[int, set[int]] = {}

    def ids(self, root: int) -> dict[str, str]:
        got = self._ids.get(root)
        if got is not None:
            return got
        return self.own_ids[root] or {}

    def dobs(self, root: int) -> set[str] | tuple[str, ...]:
        got = self._dobs.get(root)
        if got is not None:
            return got
        d = self.own_dob[root]
        return (d,) if d else ()

    def find(self, i: int) -> int:
        p = self.parent
        root = i
        while p[root] != root:
            root = p[root]
        while p[i] != root:
            p[i], i = root, p[i]
        return root

    def conflict(self, a: int, b: int, *, check_dob: bool) -> str | None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        if ra in self.anchor and rb in self.anchor:
            return "existing"
        ia, ib = self.ids(ra), self.ids(rb)
        if ia and ib:
            for k, v in ia.items():
                w = ib.get(k)
                if w is not None and w != v:
                    return k
        if check_dob:
            for x in self.dobs(ra):
                for y in self.dobs(rb):
                    if not dob_compatible(x, y):
                        return "dob"
        ca, cb = self.cannot.get(ra, ()), self.cannot.get(rb, ())
        small, big = (ca, rb) if len(ca) <= len(cb) else (cb, ra)
        for other in small:
            if self.find(other) == big:
                return "cannot_link"
        return None

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        ids = dict(self.ids(ra))
        for k, v in self.ids(rb).items():
            ids.setdefault(k, v)
        dobs = set(self.dobs(ra)) | set(self.dobs(rb))
        self._ids.pop(rb, None)
        self._dobs.pop(rb, None)
        self._ids[ra] = ids
        self._dobs[ra] = dobs
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        if ra not in self.anchor and rb in self.anchor:
            self.anchor[ra] = self.anchor[rb]
        if rb in self.cannot:
            self.cannot.setdefault(ra, set()).update(self.cannot.pop(rb))
        return ra

    def add_cannot(self, a: int, b: int) -> None:
        self.cannot.setdefault(a, set()).add(b)
        self.cannot.setdefault(b, set()).add(a)

    def normalise_cannot(self) -> None:
        """Re-key cannot-link sets by current roots (after manual unions)."""
        items = list(self.cannot.items())
        self.cannot = {}
        for node, partners in items:
            self.cannot.setdefault(self.find(node), set()).update(partners)


def link_batch(
    records: Iterable[RecordIn] | pd.DataFrame,
    *,
    model: LinkageModel,
    existing: Mapping[str, str] | None = None,
    must_link: Iterable[Collection[str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
    progress: Progress = None,
    new_cluster_prefix: str = "new:",
) -> list[Assignment]:
    """Link records into people.

    ``records`` holds every record to consider: the new ones and, for incremental
    runs, the existing ones whose clusters are given in ``existing`` (key -> cluster
    id). Existing clusters are never split or merged with each other; new records join
    them or form new clusters (ids ``new_cluster_prefix + smallest key``).

    ``must_link`` holds groups of keys a reviewer said are one person; ``cannot_link``
    pairs of keys a reviewer said are two. Both are always honoured.

    Returns one :class:`Assignment` per new record (records not in ``existing``), plus
    existing records whose cluster a must-link changed.
    """
    existing = dict(existing or {})
    total_steps = 5
    if progress:
        progress(0, total_steps)
    feats = as_features(records)
    keys: list[str] = feats["unique_id"].tolist()
    index = {k: i for i, k in enumerate(keys)}
    n = len(keys)
    is_new = [k not in existing for k in keys]
    log.info("linking %d records (%d new)", n, sum(is_new))
    if progress:
        progress(1, total_steps)

    # 1. Splink scores (only pairs touching a new record when running incrementally).
    new_mask = pd.Series(is_new)
    t0 = time.perf_counter()
    pred = score_pairs(feats, model, new_mask=None if all(is_new) else new_mask)
    log.info("Splink scoring took %.1f s", time.perf_counter() - t0)
    t0 = time.perf_counter()
    if progress:
        progress(2, total_steps)
    veto = pair_vetoes(pred, model)
    li = pred["unique_id_l"].map(index).to_numpy()
    ri = pred["unique_id_r"].map(index).to_numpy()
    probs = pred["match_probability"].to_numpy()
    log.info("scored %d candidate pairs above the lower threshold", len(pred))

    strong: list[tuple[float, int, int]] = []
    review_edges: list[tuple[float, int, int]] = []
    # A pair the model says are two people (a veto of kind "block": different first
    # names, or a generation apart) may not end in one cluster through third records.
    implied_cannot: list[tuple[int, int]] = []
    for p, a, b, v in zip(probs.tolist(), li.tolist(), ri.tolist(), veto.tolist(), strict=True):
        if v == "block":
            implied_cannot.append((a, b))
            continue
        if p >= model.upper and v == "":
            strong.append((p, a, b))
        else:
            review_edges.append((p, a, b))
    strong.sort(key=lambda t: -t[0])

    # 2. Deterministic identifier edges.
    id_edges: list[tuple[str, int, int]] = []
    for col, method in _ID_METHODS:
        s = feats[col]
        present = s.notna().to_numpy()
        if not present.any():
            continue
        sub = pd.DataFrame({"v": s[present].to_numpy(), "i": feats.index[present]})
        first = sub.groupby("v")["i"].transform("min").to_numpy()
        for a, b in zip(first.tolist(), sub["i"].tolist(), strict=True):
            if a != b:
                id_edges.append((method, a, b))

    guards = model.household_guards
    own_ids: list[dict[str, str] | None] = [None] * n
    for col in ("nhs", "upn", "pnc"):
        s = feats[col]
        for i, v in zip(
            np.flatnonzero(s.notna().to_numpy()).tolist(), s.dropna().tolist(), strict=True
        ):
            d = own_ids[i]
            if d is None:
                d = own_ids[i] = {}
            d[col] = v
    own_dob: list[str | None] = feats["dob"].tolist()
    manual_groups = [[index[k] for k in g if k in index] for g in must_link]
    cannot_pairs = [(index[a], index[b]) for a, b in cannot_link if a in index and b in index]
    anchors = [existing.get(k) for k in keys]
    own_cannot: dict[int, set[int]] = {}
    for a, b in [*cannot_pairs, *implied_cannot]:
        own_cannot.setdefault(a, set()).add(b)
        own_cannot.setdefault(b, set()).add(a)

    def run(
        excluded: set[int],
    ) -> tuple[
        _Clusters, dict[int, tuple[str, float | None]], set[int], dict[int, tuple[float, int]]
    ]:
        uf = _Clusters(own_ids, own_dob, anchors)
        # Existing clusters are fixed: pre-join their members.
        first_of: dict[str, int] = {}
        for i, c in enumerate(anchors):
            if c is not None:
                j = first_of.setdefault(c, i)
                if j != i:
                    uf.union(j, i)
        how: dict[int, tuple[str, float | None]] = {}
        for g in manual_groups:
            for x in g[1:]:
                uf.union(g[0], x)
                how[x] = (Method.MANUAL, None)
                how.setdefault(g[0], (Method.MANUAL, None))
        for a, b in cannot_pairs:
            if uf.find(a) == uf.find(b):
                raise ValueError("a must-link group contradicts a cannot-link pair")
            uf.add_cannot(a, b)
        for a, b in implied_cannot:
            if uf.find(a) != uf.find(b):
                uf.add_cannot(a, b)
        uf.normalise_cannot()
        doubtful: set[int] = set()
        refused: dict[int, tuple[float, int]] = {}

        def mark(a: int, b: int, p: float) -> None:
            """A strong pair was refused. The doubtful record is the bridge: an end
            that is not itself incompatible with the other side's cluster (a record
            with no first name between twins, no date of birth between a father and
            son). Ends that are themselves incompatible are simply different people."""
            for x, y in ((a, b), (b, a)):
                if not is_new[x] or how.get(x, ("", None))[0] == Method.MANUAL:
                    continue
                if directly_incompatible(x, uf.find(y)):
                    continue
                doubtful.add(x)
                if p > refused.get(x, (-1.0, -1))[0]:
                    refused[x] = (p, y)

        def directly_incompatible(x: int, root: int) -> bool:
            ids = uf.ids(root)
            for col, v in (own_ids[x] or {}).items():
                if ids.get(col, v) != v:
                    return True
            d = own_dob[x]
            if guards and d and any(not dob_compatible(d, e) for e in uf.dobs(root)):
                return True
            return any(uf.find(o) == root for o in own_cannot.get(x, ()))

        def note(x: int, method: str, p: float | None) -> None:
            cur = how.get(x)
            if (
                cur is None
                or _PRIORITY[method] < _PRIORITY[cur[0]]
                or (method == cur[0] == Method.SPLINK and (p or 0) > (cur[1] or 0))
            ):
                how[x] = (method, p)

        for method, a, b in id_edges:
            why = uf.conflict(a, b, check_dob=False)
            if why is None:
                if uf.find(a) != uf.find(b):
                    uf.union(a, b)
                note(a, method, 1.0)
                note(b, method, 1.0)
            else:
                mark(a, b, 1.0)
        for p, a, b in strong:
            if a in excluded or b in excluded:
                continue
            if uf.find(a) == uf.find(b):
                note(a, Method.SPLINK, p)
                note(b, Method.SPLINK, p)
                continue
            why = uf.conflict(a, b, check_dob=guards)
            if why is None:
                uf.union(a, b)
                note(a, Method.SPLINK, p)
                note(b, Method.SPLINK, p)
            else:
                mark(a, b, p)
        return uf, how, doubtful, refused

    uf, how, doubtful, refused = run(set())
    if doubtful:
        log.info("%d records doubtful after pass 1; re-clustering without them", len(doubtful))
        uf, how, _d2, refused2 = run(doubtful)
        for x, v in refused2.items():
            if v[0] > refused.get(x, (-1.0, -1))[0]:
                refused[x] = v
    if progress:
        progress(4, total_steps)

    # 3. Review candidates for records that ended up on their own. Two people holding
    # different valid values of one identifier (two NHS numbers) are already known to
    # be two people: nothing for a reviewer to decide.
    def ids_differ(ra: int, rb: int) -> bool:
        ia, ib = uf.ids(ra), uf.ids(rb)
        return bool(ia) and bool(ib) and any(ib.get(k, v) != v for k, v in ia.items())

    best_review: dict[int, tuple[float, int]] = {}
    for p, a, b in review_edges + [(p, a, b) for p, a, b in strong]:
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb or ids_differ(ra, rb):
            continue
        for x, y in ((a, b), (b, a)):
            if p > best_review.get(x, (-1.0, -1))[0]:
                best_review[x] = (p, y)
    for x, v in refused.items():
        if v[0] > best_review.get(x, (-1.0, -1))[0]:
            best_review[x] = v
    best_any: dict[int, float] = {}
    for p, a, b in zip(probs.tolist(), li.tolist(), ri.tolist(), strict=True):
        for x in (a, b):
            if p > best_any.get(x, -1.0):
                best_any[x] = p

    # 4. Cluster ids and assignments.
    roots = [uf.find(i) for i in range(n)]
    root_id: dict[int, str] = {}
    for i in range(n):
        r = roots[i]
        a = uf.anchor.get(r)
        if a is not None:
            root_id[r] = a
        elif r not in root_id or keys[i] < root_id[r][len(new_cluster_prefix) :]:
            root_id[r] = new_cluster_prefix + keys[i]
    out: list[Assignment] = []
    for i in range(n):
        cluster = root_id[roots[i]]
        if not is_new[i]:
            if cluster != anchors[i]:
                out.append(Assignment(keys[i], cluster, Outcome.LINKED, Method.MANUAL, None))
            continue
        size = uf.size[roots[i]]
        if size > 1 and i in how:
            method, score = how[i]
            out.append(Assignment(keys[i], cluster, Outcome.LINKED, method, score))
        elif i in best_review and (i in doubtful or best_review[i][0] >= model.lower):
            p, other = best_review[i]
            out.append(
                Assignment(
                    keys[i], cluster, Outcome.REVIEW, Method.REVIEW, p, review_with=keys[other]
                )
            )
        elif size > 1:  # joined through another record's edge only (e.g. via manual)
            out.append(Assignment(keys[i], cluster, Outcome.LINKED, Method.SPLINK, None))
        else:
            out.append(
                Assignment(keys[i], cluster, Outcome.NEW_PERSON, Method.NEW_PERSON, best_any.get(i))
            )
    if progress:
        progress(total_steps, total_steps)
    log.info("clustering took %.1f s", time.perf_counter() - t0)
    counts: dict[str, int] = {}
    for a_ in out:
        counts[a_.outcome.value] = counts.get(a_.outcome.value, 0) + 1
    log.info("linking done: %s", counts)
    return out
