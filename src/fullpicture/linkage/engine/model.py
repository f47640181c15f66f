"""The Splink (Fellegi-Sunter) model: specification, training, persistence, charts,
and a compiled form (m/u log Bayes factors and tf tables) for the real-time scorer."""

from __future__ import annotations

import datetime
import json
import logging
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .features import DERIVED_KEYS, FEATURES, FeatureRow, as_features, features_frame
from .spec import (
    COMPARISONS,
    EM_BLOCKING,
    MIN_RULE_PAIRS,
    PREDICT_BLOCKING,
    RULE_PAIRS_PER_RECORD,
    VETOES,
    Comparison,
    blocking_sql,
    rule_sides,
)
from .types import RecordIn, WaterfallStep

log = logging.getLogger(__name__)

MODEL_FORMAT = "fullpicture-linkage-model"
MODEL_VERSION = 1
TF_COLUMNS: tuple[str, ...] = ("first_name", "surname")
M_FLOOR = 0.002  # no agreement level is ever "impossible" for a true match
U_FLOOR = 1e-5
U_UNOBSERVED = 1e-4
MIN_LABELLED_PAIRS = 500
HOUSEHOLD_SHARE_FOR_GUARDS = 0.05

Progress = Callable[[int, int], None] | None


def _quiet_splink() -> None:
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.WARNING)


def settings_dict(
    blocking: Sequence[Sequence[str]] = PREDICT_BLOCKING,
    probability_two_random_records_match: float = 1e-6,
) -> dict[str, Any]:
    """Untrained Splink settings for the engine's comparisons."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": probability_two_random_records_match,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": blocking_sql(r)} for r in blocking
        ],
        "comparisons": [c.settings_dict() for c in COMPARISONS],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "max_iterations": 20,
        "em_convergence": 0.0001,
    }


def make_linker(
    frame: pd.DataFrame | Sequence[pd.DataFrame], settings: dict[str, Any]
) -> tuple[Any, Any]:
    """(linker, db_api) on a fresh in-memory DuckDB."""
    from splink import DuckDBAPI, Linker

    _quiet_splink()
    db_api = DuckDBAPI()
    frames = [frame] if isinstance(frame, pd.DataFrame) else list(frame)
    sdfs = [db_api.register(f) for f in frames]
    # Splink's settings check parses every level's SQL (about 0.6 s a linker) only to
    # log columns missing from the input; our settings come from spec.py and are
    # checked once, by the test that builds a linker with the check on.
    linker = Linker(
        sdfs[0] if len(sdfs) == 1 else sdfs,
        settings,
        log_level=logging.WARNING,
        validate_settings=False,
    )
    return linker, db_api


@dataclass
class CompiledComparison:
    comparison: Comparison
    weights: list[float]  # log2 Bayes factor per level (0 for the null level)
    tf_base_log2_u: list[float | None]  # log2(u) of the exact level, where tf applies
    tf_tables: list[dict[str, float] | None]
    tf_min_u: float


class CompiledModel:
    """The trained parameters as plain Python: score a pair with lookups and a sum."""

    def __init__(self, model: LinkageModel) -> None:
        self.prior_weight = model.prior_weight
        self.upper = model.upper
        self.lower = model.lower
        self.upper_weight = prob_to_weight(model.upper)
        self.lower_weight = prob_to_weight(model.lower)
        self.comparisons: list[CompiledComparison] = []
        for comp in COMPARISONS:
            lw = model.level_weights[comp.name]
            tf_u: list[float | None] = []
            tables: list[dict[str, float] | None] = []
            for lv in comp.levels:
                if lv.tf_column:
                    tf_u.append(model.tf_base_log2_u[comp.name])
                    tables.append(model.tf_tables.get(lv.tf_column, {}))
                else:
                    tf_u.append(None)
                    tables.append(None)
            self.comparisons.append(CompiledComparison(comp, lw, tf_u, tables, 0.0))
        self.vetoes = model.vetoes

    def levels(self, a: FeatureRow, b: FeatureRow) -> list[int]:
        """Index of the level each comparison falls into."""
        return [
            next(k for k, lv in enumerate(cc.comparison.levels) if lv.pred(a, b))
            for cc in self.comparisons
        ]

    def score(
        self, a: FeatureRow, b: FeatureRow, *, waterfall: bool = False
    ) -> tuple[float, list[int], list[WaterfallStep]]:
        """(match weight, level indices, waterfall steps if asked)."""
        from .features import F

        total = self.prior_weight
        steps: list[WaterfallStep] = []
        if waterfall:
            steps.append(
                WaterfallStep("prior", "probability two random records match", self.prior_weight)
            )
        lvls: list[int] = []
        for cc in self.comparisons:
            comp = cc.comparison
            i = next(k for k, lv in enumerate(comp.levels) if lv.pred(a, b))
            lvls.append(i)
            w = cc.weights[i]
            total += w
            if waterfall:
                steps.append(WaterfallStep(comp.name, comp.levels[i].label, w))
            base = cc.tf_base_log2_u[i]
            if base is not None:
                table = cc.tf_tables[i] or {}
                col = comp.levels[i].tf_column or ""
                va, vb = a[F[col]], b[F[col]]
                ta = table.get(va) if va is not None else None
                tb = table.get(vb) if vb is not None else None
                if ta is not None or tb is not None:
                    tf = max(x for x in (ta, tb, cc.tf_min_u) if x is not None)
                    adj = base - math.log2(tf)
                    total += adj
                    if waterfall:
                        steps.append(WaterfallStep(f"tf_{comp.name}", col, adj))
        return total, lvls, steps

    def veto(self, lvls: Sequence[int]) -> str | None:
        """'block', 'review' or None for a pair whose comparisons fell in ``lvls``."""
        worst: str | None = None
        for cc, i in zip(self.comparisons, lvls, strict=True):
            v = self.vetoes.get(cc.comparison.name, {}).get(cc.comparison.levels[i].label)
            if v == "block":
                return "block"
            if v == "review":
                worst = "review"
        return worst


def prob_to_weight(p: float) -> float:
    p = min(max(p, 1e-15), 1 - 1e-15)
    return math.log2(p / (1 - p))


def weight_to_prob(w: float) -> float:
    if w > 60:
        return 1.0
    bf = 2.0**w
    return bf / (1 + bf)


class LinkageModel:
    """A trained (or loaded) person-linkage model.

    ``upper`` and ``lower`` are match-probability thresholds: above ``upper`` a pair
    links, between them it goes to clerical review, below ``lower`` it is a new person.
    """

    def __init__(
        self,
        settings: dict[str, Any] | None = None,
        *,
        upper: float = 0.99,
        lower: float = 0.5,
    ) -> None:
        self.settings: dict[str, Any] = settings or settings_dict()
        self.upper = upper
        self.lower = lower
        self.version = MODEL_VERSION
        self.trained_at: str | None = None
        self.training_records = 0
        self.training_seconds = 0.0
        self.tf_tables: dict[str, dict[str, float]] = {}
        self.level_weights: dict[str, list[float]] = {}
        self.tf_base_log2_u: dict[str, float] = {}
        self.vetoes: dict[str, dict[str, str]] = {k: dict(v) for k, v in VETOES.items()}
        self.predict_blocking: list[list[str]] = [list(r) for r in PREDICT_BLOCKING]
        self._compiled: CompiledModel | None = None
        self.m_source = ""
        self.household_guards = True
        # Where the model came from and what it was trained on (the hub's lifecycle
        # notes: trained_on, records, agencies, reason, previous); empty when packaged.
        self.lifecycle: dict[str, Any] = {}

    @property
    def upper_threshold(self) -> float:
        """Match probability at or above which a pair links (alias of ``upper``)."""
        return self.upper

    @upper_threshold.setter
    def upper_threshold(self, value: float) -> None:
        self.upper = value

    @property
    def lower_threshold(self) -> float:
        """Match probability below which a record is a new person (alias of ``lower``)."""
        return self.lower

    @lower_threshold.setter
    def lower_threshold(self, value: float) -> None:
        self.lower = value

    # ------------------------------------------------------------------ training
    @property
    def is_trained(self) -> bool:
        return bool(self.level_weights)

    @property
    def prior_weight(self) -> float:
        return prob_to_weight(float(self.settings["probability_two_random_records_match"]))

    def train(
        self,
        records: Iterable[RecordIn] | pd.DataFrame,
        *,
        seed: int = 0,
        u_max_pairs: float | None = None,
        em_max_pairs: float | None = 2e6,
        deterministic_recall: float = 0.8,
        household_guards: bool | str = "auto",
        max_train_records: int | None = 250_000,
        progress: Progress = None,
    ) -> LinkageModel:
        """Estimate the model from records (no labels): the prior from a deterministic
        rule, u by random sampling, m from identifier-labelled pairs (or, without
        identifiers, by EM on blocks that keep households apart).

        ``household_guards`` switches on the vetoes that stop twins, siblings and a
        parent and child with one name from linking on shared surname, address and
        date of birth. "auto" turns them on when the data holds households (records
        sharing surname and address but clearly different people); a model trained
        on household-free data (FEBRL) would otherwise refuse its true matches.
        """
        import time

        from splink import block_on

        t0 = time.perf_counter()
        full = as_features(records)
        n_full = len(full)
        # Parameters are estimated on a random sample (u is sampled anyway, and a few
        # hundred thousand records give plenty of identifier-labelled pairs); blocking
        # and tf tables use every record.
        frame = full
        if max_train_records and n_full > max_train_records:
            frame = full.sample(max_train_records, random_state=seed)
        frame = frame.assign(id_label=id_labels(frame))
        if u_max_pairs is None:
            # A small file's pairs are cheap to sample, and 1 / (pairs sampled) is the
            # floor of u: how much a level that only true matches reach can weigh.
            u_max_pairs = 3e6 if len(frame) <= 20_000 else 1.5e6
        log.info("training linkage model on %d records", len(frame))
        # Pairs per blocking rule are counted on the training sample and scaled up: a
        # pair of records is in a uniform sample of n out of N with probability
        # n(n-1) / (N(N-1)), so the scaled count estimates the full file's without
        # bias (within 1 % of the exact counts at 1M records, where the budget's
        # margins are 30 % or more), for a quarter of the work.
        self.predict_blocking = choose_blocking(frame, population=n_full)
        settings = settings_dict([tuple(r) for r in self.predict_blocking])
        linker, _db = make_linker(frame, settings)
        steps = 2 + len(EM_BLOCKING) + 1
        done = 0

        def tick() -> None:
            nonlocal done
            done += 1
            if progress:
                progress(done, steps)

        if household_guards == "auto":
            share = household_share(frame)
            guards = share >= HOUSEHOLD_SHARE_FOR_GUARDS
            log.info("household share %.3f: guards %s", share, "on" if guards else "off")
        else:
            guards = bool(household_guards)
        self.household_guards = guards
        self.vetoes = {k: dict(v) for k, v in VETOES.items()} if guards else {}
        linker.training.estimate_probability_two_random_records_match(
            [block_on("first_name", "surname", "dob")], recall=deterministic_recall
        )
        tick()
        linker.training.estimate_u_using_random_sampling(
            max_pairs=u_max_pairs, seed=seed, min_count_per_level=None, num_chunks=1
        )
        tick()
        labelled = _labelled_pairs(frame)
        if labelled >= MIN_LABELLED_PAIRS:
            # m from pairs that share a valid identifier: true matches whose names,
            # dates and addresses vary as they do in life, untouched by households.
            self.m_source = f"identifier-labelled pairs ({labelled})"
            linker.training.estimate_m_from_label_column("id_label")
            for _rule in EM_BLOCKING:
                tick()
        else:
            self.m_source = "expectation maximisation"
            for rule in EM_BLOCKING:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    block_on(*rule),
                    estimate_without_term_frequencies=True,
                    max_pairs=em_max_pairs if len(frame) > 200_000 else None,
                )
                tick()
        # The prior first assumed the deterministic rule finds ``deterministic_recall``
        # of the true matches; with m estimated, the model itself says what share of
        # matches agree exactly on first name, surname and date of birth (and have all
        # three), so the prior is estimated again with that recall.
        recall = _rule_recall(linker.misc.save_model_to_json(), frame)
        if recall is not None:
            linker.training.estimate_probability_two_random_records_match(
                [block_on("first_name", "surname", "dob")], recall=recall
            )
        # A uniform sample of records keeps the share of matching pairs, so the prior
        # estimated on the sample holds for the full data as it is.
        self.settings = smooth_parameters(
            correct_u_for_matches(linker.misc.save_model_to_json()),
            u_floor=min(U_FLOOR, 1.0 / u_max_pairs),
        )
        linker, _db = make_linker(frame.iloc[:2], self.settings)
        self.tf_tables = {}
        for col in TF_COLUMNS:
            counts = full[col].dropna().value_counts()
            total = float(counts.sum()) or 1.0
            self.tf_tables[col] = {str(k): float(v) / total for k, v in counts.items()}
        self._read_weights(linker)
        tick()
        del _db
        self.trained_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        self.training_records = n_full
        self.training_seconds = round(time.perf_counter() - t0, 2)
        self._compiled = None
        log.info("trained in %.1f s", self.training_seconds)
        return self

    def _read_weights(self, linker: Any) -> None:
        """Read each level's log2 Bayes factor from Splink's own objects."""
        self.level_weights = {}
        self.tf_base_log2_u = {}
        for comp, sc in zip(COMPARISONS, linker._settings_obj.comparisons, strict=True):
            weights: list[float] = []
            for lv in sc.comparison_levels:
                w = lv._log2_bayes_factor
                weights.append(float(w) if w is not None else 0.0)
                if lv._has_tf_adjustments:
                    u = lv._u_probability_corresponding_to_exact_match(sc.comparison_levels)
                    self.tf_base_log2_u[comp.name] = math.log2(u)
            if len(weights) != len(comp.levels):
                raise RuntimeError(f"level count mismatch in {comp.name}")
            self.level_weights[comp.name] = weights

    def _refresh_weights_from_settings(self) -> None:
        linker, _ = make_linker(_empty_frame(), self.settings)
        self._read_weights(linker)

    # ------------------------------------------------------------ persistence
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "version": self.version,
            "trained_at": self.trained_at,
            "training_records": self.training_records,
            "training_seconds": self.training_seconds,
            "thresholds": {"upper": self.upper, "lower": self.lower},
            "household_guards": self.household_guards,
            "vetoes": self.vetoes,
            "predict_blocking": self.predict_blocking,
            "level_weights": self.level_weights,
            "tf_base_log2_u": self.tf_base_log2_u,
            "m_source": self.m_source,
            "lifecycle": self.lifecycle,
            "tf_tables": self.tf_tables,
            "splink_settings": self.settings,
        }

    def save(self, path: str | Path) -> Path:
        """Write the model as versioned JSON (Splink settings plus metadata)."""
        if not self.is_trained:
            raise ValueError("model is not trained")
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(p.suffix + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=1, sort_keys=False), "utf-8")
        tmp.replace(p)
        return p

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinkageModel:
        if data.get("format") != MODEL_FORMAT:
            raise ValueError("not a Full Picture linkage model file")
        if int(data.get("version", 0)) > MODEL_VERSION:
            raise ValueError(f"model version {data.get('version')} is newer than this code")
        th = data.get("thresholds", {})
        m = cls(data["splink_settings"], upper=th.get("upper", 0.99), lower=th.get("lower", 0.5))
        m.version = int(data["version"])
        m.trained_at = data.get("trained_at")
        m.training_records = int(data.get("training_records", 0))
        m.training_seconds = float(data.get("training_seconds", 0.0))
        m.vetoes = data.get("vetoes", m.vetoes)
        m.household_guards = bool(data.get("household_guards", True))
        m.predict_blocking = data.get("predict_blocking", m.predict_blocking)
        m.tf_tables = data.get("tf_tables", {})
        m.m_source = data.get("m_source", "")
        m.lifecycle = dict(data.get("lifecycle") or {})
        m.level_weights = data.get("level_weights", {})
        m.tf_base_log2_u = data.get("tf_base_log2_u", {})
        if not m.level_weights:
            m._refresh_weights_from_settings()
        return m

    @classmethod
    def load(cls, path: str | Path) -> LinkageModel:
        return cls.from_dict(json.loads(Path(path).read_text("utf-8")))

    # ----------------------------------------------------------------- reports
    def parameters(self) -> str:
        """Human-readable table of every comparison level's m, u and match weight."""
        lines = [
            f"Full Picture linkage model v{self.version}, trained {self.trained_at} "
            f"on {self.training_records} records",
            f"thresholds: link >= {self.upper}, review >= {self.lower}",
            f"m estimated from: {self.m_source}",
            f"household guards: {'on' if self.household_guards else 'off'}",
            f"prior: P(two random records match) = "
            f"{self.settings['probability_two_random_records_match']:.3g} "
            f"(weight {self.prior_weight:+.2f})",
        ]
        for comp, sc in zip(COMPARISONS, self.settings["comparisons"], strict=True):
            lines.append(f"\n{comp.name}")
            for lv, d, w in zip(
                comp.levels,
                sc["comparison_levels"],
                self.level_weights.get(comp.name, []),
                strict=False,
            ):
                if lv.is_null:
                    lines.append(f"  {lv.label:<45} (no evidence)")
                    continue
                m, u = d.get("m_probability"), d.get("u_probability")
                veto = self.vetoes.get(comp.name, {}).get(lv.label)
                extra = f"  veto: {veto}" if veto else ""
                tf = "  +tf" if lv.tf_column else ""
                lines.append(f"  {lv.label:<45} m={_fmt(m)} u={_fmt(u)} weight={w:+.2f}{tf}{extra}")
        return "\n".join(lines)

    def charts(self, out_dir: str | Path) -> list[Path]:
        """Write Splink's match-weights and m/u charts as HTML files in ``out_dir``."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        linker, _ = make_linker(_empty_frame(), self.settings)
        files = []
        for name, chart in (
            ("match_weights.html", linker.visualisations.match_weights_chart()),
            ("m_u_parameters.html", linker.visualisations.m_u_parameters_chart()),
        ):
            path = out / name
            path.write_text(chart.to_html(inline=True), "utf-8")
            files.append(path)
        return files

    # ------------------------------------------------------------------ scoring
    def compiled(self) -> CompiledModel:
        if not self.is_trained:
            raise ValueError("model is not trained")
        if (
            self._compiled is None
            or self._compiled.upper != self.upper
            or (self._compiled.lower != self.lower)
        ):
            self._compiled = CompiledModel(self)
        return self._compiled

    def register_tf_tables(self, linker: Any, db_api: Any) -> None:
        """Give a Splink linker this model's tf tables (so batch and real time agree)."""
        for col in TF_COLUMNS:
            table = self.tf_tables.get(col) or {}
            df = pd.DataFrame({col: list(table.keys()), f"tf_{col}": list(table.values())})
            sdf = db_api.register(df)
            linker.table_management.register_term_frequency_lookup(sdf, col)


def rule_pair_counts(frame: pd.DataFrame, rules: Sequence[Sequence[str]]) -> list[int]:
    """Pairs each blocking rule generates on ``frame`` (before de-duplication)."""
    import duckdb

    con = duckdb.connect()
    con.register("t", frame[[c for c in frame.columns if c != "id_label"]])
    out = []
    for rule in rules:
        left, right = rule_sides(rule)
        if not set(left) | set(right) <= set(FEATURES):  # column names, never user text
            raise ValueError(f"unknown column in blocking rule {rule}")
        lk = ", ".join(left)
        rk = ", ".join(right)
        ln = " AND ".join(f"{c} IS NOT NULL" for c in left)
        rn = " AND ".join(f"{c} IS NOT NULL" for c in right)
        if left == right:
            sql = (
                f"SELECT coalesce(sum(c * (c - 1) / 2), 0) FROM "  # noqa: S608
                f"(SELECT count(*) AS c FROM t WHERE {ln} GROUP BY {lk})"
            )
        else:
            on = " AND ".join(f"a.k{i} = b.k{i}" for i in range(len(left)))
            la = ", ".join(f"{c} AS k{i}" for i, c in enumerate(left))
            ra = ", ".join(f"{c} AS k{i}" for i, c in enumerate(right))
            sql = (
                f"SELECT coalesce(sum(a.c * b.c) / 2, 0) FROM "  # noqa: S608
                f"(SELECT {la}, count(*) AS c FROM t WHERE {ln} GROUP BY {lk}) a JOIN "
                f"(SELECT {ra}, count(*) AS c FROM t WHERE {rn} GROUP BY {rk}) b ON {on}"
            )
        out.append(int(con.execute(sql).fetchall()[0][0]))
    con.close()
    return out


def _rule_pairs(rule: Sequence[str]) -> set[tuple[str, str]]:
    """The (left column, right column) equalities a rule requires, with those they
    imply: an equal value means an equal key derived from it (see ``DERIVED_KEYS``)."""
    left, right = rule_sides(rule)
    pairs = set(zip(left, right, strict=True))
    pairs |= {(k, k) for k, (source, _n) in DERIVED_KEYS.items() if (source, source) in pairs}
    return pairs


def choose_blocking(frame: pd.DataFrame, *, population: int | None = None) -> list[list[str]]:
    """The prediction blocking rules this data can afford (see spec.PREDICT_BLOCKING).

    ``frame`` may be a uniform random sample of a file of ``population`` records: the
    pair counts are then scaled by N(N-1) / (n(n-1)) and the budget is the full file's.

    A rule is dropped when another chosen rule asks for a subset of its equalities
    (first name + surname + birth year when first name + surname is chosen): every
    pair it would find is found anyway, and each extra rule costs Splink a join and a
    de-duplication test on every candidate pair."""
    n_sample = len(frame)
    n_full = max(population or n_sample, n_sample)
    budget = max(MIN_RULE_PAIRS, int(RULE_PAIRS_PER_RECORD * n_full))
    scale = n_full * (n_full - 1) / (n_sample * (n_sample - 1)) if n_sample > 1 else 1.0
    within: list[list[str]] = []
    counts = [round(c * scale) for c in rule_pair_counts(frame, PREDICT_BLOCKING)]
    for rule, n in zip(PREDICT_BLOCKING, counts, strict=True):
        if n <= budget:
            within.append(list(rule))
        log.info(
            "blocking rule %s: %d pairs%s",
            "+".join(rule),
            n,
            "" if n <= budget else " (skipped: over budget)",
        )
    chosen: list[list[str]] = []
    for cand in within:
        need = _rule_pairs(cand)
        wider = [
            other
            for other in within
            if other != cand and set(zip(*rule_sides(other), strict=True)) <= need
        ]
        if wider:
            log.info("blocking rule %s: covered by %s", "+".join(cand), "+".join(wider[0]))
        else:
            chosen.append(cand)
    return chosen


def household_share(frame: pd.DataFrame) -> float:
    """Share of (surname, address) groups holding clearly different people: two first
    names and two birth years. High in real populations (families), ~0 in FEBRL."""
    df = frame[["surname", "addr_key", "first_name", "dob"]].dropna()
    if df.empty:
        return 0.0
    df = df.assign(year=df["dob"].str[:4])
    g = df.groupby(["surname", "addr_key"])
    sizes = g.size()
    multi = sizes[sizes > 1].index
    if len(multi) == 0:
        return 0.0
    nun = g.agg(nf=("first_name", "nunique"), ny=("year", "nunique")).loc[multi]
    return float(((nun["nf"] >= 2) & (nun["ny"] >= 2)).mean())


def id_labels(frame: pd.DataFrame) -> pd.Series:
    """A label per record from its first valid identifier (NHS, else UPN, else PNC)."""
    lab = pd.Series(None, index=frame.index, dtype=object)
    for col in ("pnc", "upn", "nhs"):
        s = frame[col]
        has = s.notna()
        lab[has] = col + ":" + s[has].astype(str)
    return lab


def _labelled_pairs(frame: pd.DataFrame) -> int:
    counts = frame["id_label"].dropna().value_counts()
    return int((counts * (counts - 1) // 2).sum())


RULE_COMPARISONS = ("first_name", "surname", "dob")


def _rule_recall(settings: dict[str, Any], frame: pd.DataFrame) -> float | None:
    """Share of true matches that the deterministic rule (first name, surname and date
    of birth all present and equal) finds, under the model's own assumption that
    comparisons are independent given a match: the product over the three of
    P(both present) * m(exact)."""
    recall = 1.0
    by_name = {c["output_column_name"]: c for c in settings["comparisons"]}
    for name in RULE_COMPARISONS:
        levels = by_name[name]["comparison_levels"]
        exact = next((lv for lv in levels if lv.get("label_for_charts") == "exact"), None)
        m = exact.get("m_probability") if exact else None
        if not isinstance(m, int | float):
            return None
        present = float(frame[name].notna().mean())
        recall *= present * present * float(m)
    return min(max(recall, 0.05), 1.0)


def correct_u_for_matches(settings: dict[str, Any]) -> dict[str, Any]:
    """Take the true matches out of u.

    u is estimated from random pairs, and a random pair matches with probability
    lambda (the prior), so what was measured is lambda * m + (1 - lambda) * u. Where
    matches are rare among all pairs (a million records) the difference is nil; in a
    small file where most records have a duplicate (lambda ~ 1e-4), a level that only
    matches reach (the same full address and postcode) was measured at about lambda * m
    and so weighed far less than its evidence. The floor is applied afterwards.
    """
    lam = float(settings["probability_two_random_records_match"])
    for comp in settings["comparisons"]:
        for lv in comp["comparison_levels"]:
            m, u = lv.get("m_probability"), lv.get("u_probability")
            if lv.get("is_null_level") or not isinstance(m, int | float):
                continue
            if isinstance(u, int | float):
                lv["u_probability"] = max((float(u) - lam * float(m)) / (1.0 - lam), 0.0)
    return settings


def smooth_parameters(settings: dict[str, Any], *, u_floor: float = U_FLOOR) -> dict[str, Any]:
    """Keep every level's m and u away from zero: an agreement level a true match has
    not shown in training is rare, not impossible (and the reverse for u)."""
    for comp in settings["comparisons"]:
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        ms: list[float] = []
        seen_in_matches: list[bool] = []
        for lv in levels:
            m = lv.get("m_probability")
            mf = float(m) if isinstance(m, int | float) else 0.0
            seen_in_matches.append(mf >= M_FLOOR)
            ms.append(max(mf, M_FLOOR))
        total = sum(ms)
        for lv, m, observed in zip(levels, ms, seen_in_matches, strict=True):
            lv["m_probability"] = m / total
            u = lv.get("u_probability")
            # A level no true match showed has only floors for evidence: keep it from
            # weighing more than log2(M_FLOOR / U_FLOOR).
            floor = u_floor if observed else max(u_floor, U_FLOOR)
            lv["u_probability"] = (
                max(float(u), floor) if isinstance(u, int | float) else U_UNOBSERVED
            )
        us = sum(lv["u_probability"] for lv in levels)
        for lv in levels:
            lv["u_probability"] = lv["u_probability"] / us
        # Distinct weights per comparison, so a level can be read back from its weight.
        seen: set[float] = set()
        for lv in levels:
            while round(math.log2(lv["m_probability"] / lv["u_probability"]), 6) in seen or (
                round(math.log2(lv["m_probability"] / lv["u_probability"]), 6) == 0.0
            ):
                lv["m_probability"] *= 1.0001
            seen.add(round(math.log2(lv["m_probability"] / lv["u_probability"]), 6))
    return settings


def _fmt(v: Any) -> str:
    return f"{v:.3g}" if isinstance(v, int | float) else "-"


def _empty_frame() -> pd.DataFrame:
    return features_frame([RecordIn(key="x:1", given_name="a", family_name="b")])
