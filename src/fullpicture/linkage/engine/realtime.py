"""Real-time matching: an in-memory blocking index over existing records and a pure
Python scorer using the trained model's m/u weights (no SQL round trip)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from .batch import dob_compatible
from .features import F, FeatureRow, as_features, frame_rows, record_features
from .model import LinkageModel, weight_to_prob
from .spec import rule_sides
from .types import MatchResult, Method, Outcome, RecordIn

log = logging.getLogger(__name__)

_IDS = (("nhs", Method.NHS_NUMBER), ("upn", Method.UPN), ("pnc", Method.PNC_ID))

Scored = tuple[int, float, str | None]  # (record index, match weight, veto)


class Matcher:
    """Holds existing records in memory and matches new ones against them.

    ``clusters`` maps record key -> cluster (person) id; a record without one is its
    own cluster. ``match`` never changes the index: call ``add`` once the caller has
    stored the outcome.
    """

    def __init__(
        self,
        model: LinkageModel,
        records: Iterable[RecordIn] | pd.DataFrame = (),
        clusters: Mapping[str, str] | None = None,
    ) -> None:
        self.model = model
        self.cm = model.compiled()
        # For each rule: columns of a stored record (the "r" side) form the index key,
        # columns of the incoming record (the "l" side) form the lookup key.
        sides = [rule_sides(rule) for rule in model.predict_blocking]
        self.rules = [tuple(F[c] for c in right) for _left, right in sides]
        self.lookup_rules = [tuple(F[c] for c in left) for left, _right in sides]
        self.index: list[dict[Any, int | list[int]]] = [{} for _ in self.rules]
        self.id_index: dict[str, dict[Any, int | list[int]]] = {c: {} for c, _ in _IDS}
        self.keys: list[str] = []
        self.rows: list[FeatureRow] = []
        self.cluster_of: list[str] = []
        self.key_index: dict[str, int] = {}
        self.cluster_ids: dict[str, dict[str, str]] = {}
        self.cluster_dobs: dict[str, set[str]] = {}
        clusters = clusters or {}
        if not isinstance(records, pd.DataFrame):
            records = list(records)
        if len(records):
            frame = as_features(records)
            for key, row in zip(frame["unique_id"].tolist(), frame_rows(frame), strict=True):
                self._add_row(key, row, clusters.get(key, key))
        log.info("matcher holds %d records", len(self.keys))

    def __len__(self) -> int:
        return len(self.keys)

    # ------------------------------------------------------------------ index
    def add(self, record: RecordIn, cluster: str) -> None:
        """Add (or re-add) a record to the index under ``cluster``."""
        if record.key in self.key_index:
            raise ValueError("record already indexed")
        self._add_row(record.key, record_features(record), cluster)

    def _add_row(self, key: str, row: FeatureRow, cluster: str) -> None:
        i = len(self.keys)
        self.keys.append(key)
        self.rows.append(row)
        self.cluster_of.append(cluster)
        self.key_index[key] = i
        for r, cols in enumerate(self.rules):
            vals = tuple(row[c] for c in cols)
            if None in vals:
                continue
            _push(self.index[r], hash((r, vals)), i)
        ids = self.cluster_ids.setdefault(cluster, {})
        for col, _m in _IDS:
            v = row[F[col]]
            if v is not None:
                _push(self.id_index[col], v, i)
                ids.setdefault(col, v)
        dob = row[F["dob"]]
        if dob is not None:
            self.cluster_dobs.setdefault(cluster, set()).add(dob)

    def candidates(self, row: FeatureRow) -> set[int]:
        out: set[int] = set()
        for r, cols in enumerate(self.lookup_rules):
            vals = tuple(row[c] for c in cols)
            if None in vals:
                continue
            hit = self.index[r].get(hash((r, vals)))
            if hit is None:
                continue
            if isinstance(hit, int):
                out.add(hit)
            else:
                out.update(hit)
        return out

    # ---------------------------------------------------------------- matching
    def score_candidates(self, row: FeatureRow, cands: Iterable[int]) -> list[Scored]:
        cm = self.cm
        out: list[Scored] = []
        for i in cands:
            w, lv, _ = cm.score(row, self.rows[i])
            out.append((i, w, cm.veto(lv)))
        return out

    def compatible(self, row: FeatureRow, cluster: str, *, check_dob: bool = True) -> bool:
        ids = self.cluster_ids.get(cluster, {})
        for col, _m in _IDS:
            v = row[F[col]]
            if v is not None and ids.get(col, v) != v:
                return False
        dob = row[F["dob"]]
        if check_dob and dob is not None:
            return all(dob_compatible(dob, d) for d in self.cluster_dobs.get(cluster, ()))
        return True

    def decide(self, row: FeatureRow, scored: Sequence[Scored]) -> MatchResult:
        """The outcome for a record given its scored candidates (shared with the
        benchmark, which feeds it Splink's scores for the same candidates)."""
        upper_w, lower_w = self.cm.upper_weight, self.cm.lower_weight
        usable = [s for s in scored if s[2] != "block"]
        if not usable:
            best_any = max(scored, key=lambda s: s[1], default=None)
            return self._result(Outcome.NEW_PERSON, None, best_any, Method.NEW_PERSON, row)
        usable.sort(key=lambda s: -s[1])
        best = usable[0]
        i, w, veto = best
        if w >= upper_w and veto is None:
            cluster = self.cluster_of[i]
            rivals = [
                s
                for s in usable[1:]
                if s[1] >= upper_w and s[2] is None and self.cluster_of[s[0]] != cluster
            ]
            if not rivals and self.compatible(row, cluster, check_dob=self.model.household_guards):
                return self._result(Outcome.LINKED, cluster, best, Method.SPLINK, row)
            return self._result(Outcome.REVIEW, None, best, Method.REVIEW, row)
        if w >= lower_w:
            return self._result(Outcome.REVIEW, None, best, Method.REVIEW, row)
        return self._result(Outcome.NEW_PERSON, None, best, Method.NEW_PERSON, row)

    def _result(
        self,
        outcome: Outcome,
        cluster: str | None,
        best: Scored | None,
        method: str,
        row: FeatureRow,
        n: int = 0,
    ) -> MatchResult:
        if best is None:
            return MatchResult(outcome, cluster, None, None, None, method)
        i, w, _v = best
        _, _, steps = self.cm.score(row, self.rows[i], waterfall=True)
        return MatchResult(
            outcome=outcome,
            cluster=cluster,
            candidate=self.keys[i],
            score=weight_to_prob(w),
            match_weight=w,
            method=method,
            waterfall=steps,
            review_with=self.keys[i] if outcome is Outcome.REVIEW else None,
        )

    def match(self, record: RecordIn, *, use_identifiers: bool = True) -> MatchResult:
        """Match one record: LINKED (with cluster), REVIEW or NEW_PERSON."""
        row = record_features(record)
        return self.match_row(row, use_identifiers=use_identifiers)

    def match_row(self, row: FeatureRow, *, use_identifiers: bool = True) -> MatchResult:
        if use_identifiers:
            for col, method in _IDS:
                v = row[F[col]]
                if v is None:
                    continue
                hit = self.id_index[col].get(v)
                if hit is None:
                    continue
                i = hit if isinstance(hit, int) else hit[0]
                w, _, steps = self.cm.score(row, self.rows[i], waterfall=True)
                cluster = self.cluster_of[i]
                ok = self.compatible(row, cluster, check_dob=False)
                return MatchResult(
                    outcome=Outcome.LINKED if ok else Outcome.REVIEW,
                    cluster=cluster if ok else None,
                    candidate=self.keys[i],
                    score=1.0 if ok else weight_to_prob(w),
                    match_weight=w,
                    method=method if ok else Method.REVIEW,
                    waterfall=steps,
                    review_with=None if ok else self.keys[i],
                )
        cands = self.candidates(row)
        res = self.decide(row, self.score_candidates(row, cands))
        if res.n_candidates != len(cands):
            res = MatchResult(**{**res.__dict__, "n_candidates": len(cands)})
        return res


def _push(d: dict[Any, int | list[int]], key: object, i: int) -> None:
    cur = d.get(key)
    if cur is None:
        d[key] = i
    elif isinstance(cur, int):
        d[key] = [cur, i]
    else:
        cur.append(i)
