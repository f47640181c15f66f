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

import gc
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


def components(n: int, a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray:
    """Connected components of ``n`` nodes joined by edges ``a[k]``-``b[k]``: each
    node's label is the smallest node index in its component (min-label propagation
    with pointer jumping, in numpy)."""
    label = np.arange(n, dtype=np.int64)
    if a is None or b is None or not len(a):
        return label
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    while True:
        la, lb = label[a], label[b]
        m = np.minimum(la, lb)
        new = label.copy()
        np.minimum.at(new, la, m)
        np.minimum.at(new, lb, m)
        while True:  # pointer jumping: a label's own label, until stable
            nxt = new[new]
            if np.array_equal(nxt, new):
                break
            new = nxt
        if np.array_equal(new, label):
            return label
        label = new


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
    n = len(keys)
    is_new = [k not in existing for k in keys] if existing else [True] * n
    log.info("linking %d records (%d new)", n, sum(is_new))
    if progress:
        progress(1, total_steps)

    # 1. Splink scores (only pairs touching a new record when running incrementally).
    new_mask = pd.Series(is_new)
    t0 = time.perf_counter()
    # Splink is given row numbers as ids: its joins and its de-duplication of pairs
    # found by several rules compare integers instead of key strings, and the pairs
    # come back as row numbers.
    scored = feats.assign(unique_id=np.arange(n, dtype=np.int64))
    pred = score_pairs(scored, model, new_mask=None if all(is_new) else new_mask)
    log.info("Splink scoring took %.1f s", time.perf_counter() - t0)
    t0 = time.perf_counter()
    if progress:
        progress(2, total_steps)
    veto = pair_vetoes(pred, model)
    li = pred["unique_id_l"].to_numpy(dtype=np.int64)
    ri = pred["unique_id_r"].to_numpy(dtype=np.int64)
    probs = pred["match_probability"].to_numpy()
    log.info("scored %d candidate pairs above the lower threshold", len(pred))

    # A pair the model says are two people (a veto of kind "block": different first
    # names, or a generation apart) may not end in one cluster through third records.
    is_block = veto == "block"
    is_strong = (probs >= model.upper) & (veto == "")
    implied_cannot: list[tuple[int, int]] = list(
        zip(li[is_block].tolist(), ri[is_block].tolist(), strict=True)
    )
    s_rows = np.flatnonzero(is_strong)
    # Strongest first; equal scores in record order, so the outcome does not depend
    # on the order Splink returns its pairs in.
    s_rows = s_rows[np.lexsort((ri[s_rows], li[s_rows], -probs[s_rows]))]
    r_rows = np.flatnonzero(~is_block & ~is_strong)

    # 2. Deterministic identifier edges.
    id_parts: list[tuple[str, np.ndarray, np.ndarray]] = []
    for col, method in _ID_METHODS:
        s = feats[col]
        present = s.notna().to_numpy()
        if not present.any():
            continue
        # Each record's edge goes to the first record holding the same value (codes by
        # hashing: sorting a million identifier strings cost more than the rest).
        other = np.flatnonzero(present)
        codes = pd.factorize(s.to_numpy()[present])[0]
        _, first_pos = np.unique(codes, return_index=True)
        first = other[first_pos][codes]
        keep = first != other
        id_parts.append((method, first[keep], other[keep]))

    guards = model.household_guards
    own_dob: list[str | None] = feats["dob"].tolist()
    must_link = [list(g) for g in must_link]
    cannot_link = list(cannot_link)
    index = {k: i for i, k in enumerate(keys)} if must_link or cannot_link else {}
    manual_groups = [[index[k] for k in g if k in index] for g in must_link]
    cannot_pairs = [(index[a], index[b]) for a, b in cannot_link if a in index and b in index]
    anchors = [existing.get(k) for k in keys] if existing else [None] * n

    # Connected components of everything that can join records (identifier and strong
    # edges, existing clusters, manual groups). A component whose records are all
    # consistent with each other (no existing cluster or manual decision in it, one
    # value of each identifier, dates of birth all compatible, no cannot-link pair
    # inside) is exactly what the greedy pass below would build from its edges, so it
    # is taken as it is; only the other components go through the greedy pass (their
    # own edges, in the same order).
    ea = [li[s_rows], *[part[1] for part in id_parts]]
    eb = [ri[s_rows], *[part[2] for part in id_parts]]
    anchored = np.array([a is not None for a in anchors], dtype=bool)
    if anchored.any():
        sub = pd.DataFrame({"c": [a for a in anchors if a is not None]})
        sub["i"] = np.flatnonzero(anchored)
        first = sub.groupby("c")["i"].transform("min").to_numpy()
        ea.append(first)
        eb.append(sub["i"].to_numpy())
    manual_nodes = [x for g in manual_groups for x in g]
    for g in manual_groups:
        ea.append(np.full(len(g), g[0], dtype=np.int64) if g else np.empty(0, np.int64))
        eb.append(np.asarray(g, dtype=np.int64))
    comp = components(n, np.concatenate(ea) if ea else None, np.concatenate(eb) if eb else None)
    slow = np.zeros(n, dtype=bool)  # indexed by component label
    slow[comp[anchored]] = True
    if manual_nodes:
        slow[comp[np.asarray(manual_nodes, dtype=np.int64)]] = True
    all_cannot = [*cannot_pairs, *implied_cannot]
    if all_cannot:
        ca, cb = (np.asarray(x, dtype=np.int64) for x in zip(*all_cannot, strict=True))
        same = comp[ca] == comp[cb]
        slow[comp[ca[same]]] = True
    for col in ("nhs", "upn", "pnc"):
        present = feats[col].notna().to_numpy()
        if present.any():
            codes = pd.factorize(feats[col].to_numpy()[present])[0]
            sub = pd.DataFrame({"c": comp[present], "v": codes})
            nun = sub.groupby("c")["v"].nunique()
            slow[nun.index[nun.to_numpy() > 1].to_numpy()] = True
    if guards:
        present = feats["dob"].notna().to_numpy()
        sub = pd.DataFrame({"c": comp[present], "v": feats["dob"].to_numpy()[present]})
        sub = sub.drop_duplicates()
        multi = sub[sub["c"].duplicated(keep=False)].sort_values("c", kind="stable")
        by_comp: dict[int, list[str]] = {}
        for c, d in zip(multi["c"].tolist(), multi["v"].tolist(), strict=True):
            by_comp.setdefault(c, []).append(d)
        for c, ds in by_comp.items():
            if any(not dob_compatible(x, y) for k, x in enumerate(ds) for y in ds[k + 1 :]):
                slow[c] = True
    slow_node = slow[comp]
    id_edges: list[tuple[str, int, int]] = []
    for method, fa, fb in id_parts:
        keep = slow_node[fa]
        id_edges.extend(
            (method, a, b) for a, b in zip(fa[keep].tolist(), fb[keep].tolist(), strict=True)
        )
    s_slow = s_rows[slow_node[li[s_rows]]]
    # The greedy pass reads identifiers and cannot-links of its own records only.
    own_ids: list[dict[str, str] | None] = [None] * n
    for col in ("nhs", "upn", "pnc"):
        present = feats[col].notna().to_numpy() & slow_node
        vals = feats[col].to_numpy()[present].tolist()
        for i, v in zip(np.flatnonzero(present).tolist(), vals, strict=True):
            d = own_ids[i]
            if d is None:
                d = own_ids[i] = {}
            d[col] = v
    implied_cannot = [(a, b) for a, b in implied_cannot if slow_node[a] and slow_node[b]]
    own_cannot: dict[int, set[int]] = {}
    for a, b in [*cannot_pairs, *implied_cannot]:
        own_cannot.setdefault(a, set()).add(b)
        own_cannot.setdefault(b, set()).add(a)
    strong = list(
        zip(probs[s_slow].tolist(), li[s_slow].tolist(), ri[s_slow].tolist(), strict=True)
    )

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

    # The consistent components join as they are: root = smallest record index.
    root = comp.copy()
    slow_nodes = np.flatnonzero(slow_node)
    root[slow_nodes] = [uf.find(int(i)) for i in slow_nodes.tolist()]
    size = np.bincount(root, minlength=n)
    how_prio = np.full(n, 99, dtype=np.int64)
    how_p = np.full(n, np.nan)
    for x, (method, p) in how.items():
        how_prio[x] = _PRIORITY[method]
        how_p[x] = np.nan if p is None else p
    f_rows = s_rows[~slow_node[li[s_rows]]]
    parts_x = [li[f_rows], ri[f_rows]]
    parts_prio = [np.full(2 * len(f_rows), _PRIORITY[Method.SPLINK], dtype=np.int64)]
    parts_p = [probs[f_rows], probs[f_rows]]
    for method, fa, fb in id_parts:
        keep = ~slow_node[fa]
        parts_x += [fa[keep], fb[keep]]
        parts_prio.append(np.full(2 * int(keep.sum()), _PRIORITY[method], dtype=np.int64))
        parts_p += [np.ones(int(keep.sum())), np.ones(int(keep.sum()))]
    hx = np.concatenate(parts_x)
    if len(hx):
        hd = pd.DataFrame(
            {"x": hx, "prio": np.concatenate(parts_prio), "p": np.concatenate(parts_p)}
        ).sort_values(["x", "prio", "p"], ascending=[True, True, False], kind="stable")
        hd = hd.drop_duplicates("x")
        hxs = hd["x"].to_numpy()
        how_prio[hxs] = hd["prio"].to_numpy()
        how_p[hxs] = hd["p"].to_numpy()
    method_of = {v: k for k, v in _PRIORITY.items()}

    # 3. Review candidates for records that ended up on their own. Two people holding
    # different valid values of one identifier (two NHS numbers) are already known to
    # be two people: nothing for a reviewer to decide.
    root_ids: dict[str, np.ndarray] = {}
    for col in ("nhs", "upn", "pnc"):
        arr = np.full(n, None, dtype=object)
        present = feats[col].notna().to_numpy() & ~slow_node
        if present.any():
            sub = pd.DataFrame({"r": root[present], "v": feats[col].to_numpy()[present]})
            firsts = sub.drop_duplicates("r")
            arr[firsts["r"].to_numpy()] = firsts["v"].to_numpy()
        root_ids[col] = arr
    for r in set(root[slow_nodes].tolist()):
        for col, v in uf.ids(r).items():
            root_ids[col][r] = v
    cand = np.concatenate([r_rows, s_rows])
    ca_, cb_, cp_ = li[cand], ri[cand], probs[cand]
    ra, rb = root[ca_], root[cb_]
    keep = ra != rb
    for col in ("nhs", "upn", "pnc"):
        va, vb = root_ids[col][ra], root_ids[col][rb]
        keep &= ~((va != None) & (vb != None) & (va != vb))  # noqa: E711
    rd = pd.DataFrame(
        {
            "x": np.concatenate([ca_[keep], cb_[keep]]),
            "y": np.concatenate([cb_[keep], ca_[keep]]),
            "p": np.concatenate([cp_[keep], cp_[keep]]),
        }
    ).sort_values(["x", "p", "y"], ascending=[True, False, True], kind="stable")
    rd = rd.drop_duplicates("x")
    br_p = np.full(n, -1.0)
    br_y = np.full(n, -1, dtype=np.int64)
    br_p[rd["x"].to_numpy()] = rd["p"].to_numpy()
    br_y[rd["x"].to_numpy()] = rd["y"].to_numpy()
    for x, v in refused.items():
        if v[0] > br_p[x]:
            br_p[x], br_y[x] = v
    ba = pd.DataFrame({"x": np.concatenate([li, ri]), "p": np.concatenate([probs, probs])})
    ba = ba.groupby("x")["p"].max()
    best_any = np.full(n, np.nan)
    best_any[ba.index.to_numpy()] = ba.to_numpy()

    # 4. Cluster ids and assignments.
    # A new cluster is named after its smallest key: rank the keys (numpy sorts
    # fixed-width strings by code point, as Python compares them) and take each
    # root's smallest rank.
    key_arr = np.asarray(keys, dtype=object)
    by_key = np.argsort(np.asarray(keys, dtype=str), kind="stable")
    key_rank = np.empty(n, dtype=np.int64)
    key_rank[by_key] = np.arange(n, dtype=np.int64)
    min_rank = np.full(n, n, dtype=np.int64)
    np.minimum.at(min_rank, root, key_rank)
    cluster_of = [new_cluster_prefix + k for k in key_arr[by_key[min_rank[root]]].tolist()]
    for i in slow_nodes.tolist():
        anchor_id = uf.anchor.get(int(root[i]))
        if anchor_id is not None:
            cluster_of[i] = anchor_id
    doubtful_mask = np.zeros(n, dtype=bool)
    doubtful_mask[list(doubtful)] = True
    multi = size[root] > 1
    # 0 linked (own edge), 1 review, 2 linked through others' edges, 3 new person
    kind = np.full(n, 3, dtype=np.int8)
    kind[multi] = 2
    kind[(br_p >= 0) & (doubtful_mask | (br_p >= model.lower))] = 1
    kind[multi & (how_prio != 99)] = 0
    # Columns of the assignments, then one constructor call per record (a Python
    # branch per record cost 2-3 s at 1M records).
    kind[~np.asarray(is_new, dtype=bool)] = 4  # existing record: only if a must-link moved it
    score = np.full(n, np.nan)
    score[kind == 0] = how_p[kind == 0]
    score[kind == 1] = br_p[kind == 1]
    score[kind == 3] = best_any[kind == 3]
    outcome_of = np.array(
        [Outcome.LINKED, Outcome.REVIEW, Outcome.LINKED, Outcome.NEW_PERSON, Outcome.LINKED],
        dtype=object,
    )
    method_col = np.array(
        [Method.SPLINK, Method.REVIEW, Method.SPLINK, Method.NEW_PERSON, Method.MANUAL],
        dtype=object,
    )[kind]
    linked_own = kind == 0
    method_col[linked_own] = np.array([method_of[p] for p in range(5)] + [""], dtype=object)[
        np.minimum(how_prio[linked_own], 5)
    ]
    review_with = np.full(n, None, dtype=object)
    in_review = kind == 1
    review_with[in_review] = key_arr[br_y[in_review]]
    score_col = score.astype(object)
    score_col[np.isnan(score)] = None
    score_col[kind == 4] = None
    cluster_arr = np.asarray(cluster_of, dtype=object)
    keep_out = kind != 4
    if existing:
        anchor_arr = np.asarray(anchors, dtype=object)
        keep_out |= (kind == 4) & (cluster_arr != anchor_arr)
    sel = np.flatnonzero(keep_out)
    # A million small objects at once: the cyclic garbage collector would walk every
    # live object many times over while they are made (none of them can form a cycle).
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        out = list(
            map(
                Assignment,
                key_arr[sel].tolist(),
                cluster_arr[sel].tolist(),
                outcome_of[kind[sel]].tolist(),
                method_col[sel].tolist(),
                score_col[sel].tolist(),
                review_with[sel].tolist(),
            )
        )
    finally:
        if gc_was_on:
            gc.enable()
    if progress:
        progress(total_steps, total_steps)
    log.info("clustering took %.1f s", time.perf_counter() - t0)
    counts: dict[str, int] = {}
    for k_, c_ in zip(*np.unique(kind[sel], return_counts=True), strict=True):
        name = outcome_of[int(k_)].value
        counts[name] = counts.get(name, 0) + int(c_)
    log.info("linking done: %s", counts)
    return out
