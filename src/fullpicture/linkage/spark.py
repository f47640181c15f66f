"""The same linkage model, scored through Splink's Spark backend (``--engine spark``).

The engine writes each comparison level once, in DuckDB SQL. Spark's SQL
differs in a few function names; :func:`spark_settings` rewrites them, and
:func:`score_pairs_spark` returns exactly what the engine's DuckDB scorer
returns (the same columns, the same model, the same tf tables), so the
engine's clustering runs unchanged on Spark's scores.

pyspark is an optional extra (``pip install 'fullpicture[spark]'``) and needs
a Java runtime; without them :class:`SparkUnavailable` says what to install.
Locally this runs on ``local[*]``; on a cluster set ``FULLPICTURE_SPARK_MASTER``.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import logging
import os
import re
import tempfile
from collections.abc import Iterator
from typing import Any

import pandas as pd

from fullpicture.linkage.engine import LinkageModel
from fullpicture.linkage.engine import batch as engine_batch
from fullpicture.linkage.engine.spec import COMPARISONS

log = logging.getLogger(__name__)

_REWRITES = (
    (re.compile(r"\blist_has_any\("), "arrays_overlap("),
    (re.compile(r"\blist_contains\("), "array_contains("),
    (re.compile(r"\bstring_split\("), "split("),
    (re.compile(r"\bjaro_winkler_similarity\("), "jaro_winkler("),
    (re.compile(r"\blist_distinct\("), "array_distinct("),
    (re.compile(r"\blist_intersect\("), "array_intersect("),
    (re.compile(r"\blist_concat\("), "concat("),
    (re.compile(r"\blen\("), "size("),
    # damerau_levenshtein: Splink's Spark jar registers a UDF of that name.
)


class SparkUnavailable(Exception):
    """pyspark (or Java) is missing."""


def spark_available() -> bool:
    return importlib.util.find_spec("pyspark") is not None


def to_spark_sql(sql: str) -> str:
    for pattern, replacement in _REWRITES:
        sql = pattern.sub(replacement, sql)
    return sql


def spark_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The model's Splink settings with every SQL condition in Spark's dialect."""
    out = copy.deepcopy(settings)
    for comparison in out["comparisons"]:
        for level in comparison["comparison_levels"]:
            if "sql_condition" in level:
                level["sql_condition"] = to_spark_sql(level["sql_condition"])
    for rule in out.get("blocking_rules_to_generate_predictions", []):
        if isinstance(rule, dict) and "blocking_rule" in rule:
            rule["blocking_rule"] = to_spark_sql(rule["blocking_rule"])
        if isinstance(rule, dict):
            rule["sql_dialect"] = "spark"
    out["sql_dialect"] = "spark"
    return out


_session: Any = None


def spark_session() -> Any:
    """One local Spark session per process, with Splink's similarity functions."""
    global _session
    if not spark_available():
        raise SparkUnavailable(
            "--engine spark needs pyspark: pip install 'fullpicture[spark]' "
            "(and a Java 17+ runtime)"
        )
    if _session is not None:
        return _session
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    scratch = tempfile.mkdtemp(prefix="fullpicture-spark-")
    master = os.environ.get("FULLPICTURE_SPARK_MASTER", "local[*]")
    try:
        _session = (
            SparkSession.builder.master(master)
            .appName("fullpicture-linkage")
            .config("spark.jars", similarity_jar_location())
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.default.parallelism", "8")
            .config("spark.driver.memory", os.environ.get("FULLPICTURE_SPARK_MEMORY", "4g"))
            .config("spark.sql.warehouse.dir", os.path.join(scratch, "warehouse"))
            .config("spark.local.dir", scratch)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .getOrCreate()
        )
    except Exception as exc:  # Java missing or refusing to start
        raise SparkUnavailable(f"Spark could not start: {type(exc).__name__}") from exc
    _session.sparkContext.setLogLevel("ERROR")
    _session.sparkContext.setCheckpointDir(os.path.join(scratch, "checkpoints"))
    return _session


def _to_spark(spark: Any, frame: pd.DataFrame) -> Any:
    from pyspark.sql.types import StringType, StructField, StructType

    schema = StructType([StructField(c, StringType(), True) for c in frame.columns])
    clean = frame.astype(object).where(frame.notna(), None)
    return spark.createDataFrame(clean.to_numpy().tolist(), schema=schema)


def _linker(frame: pd.DataFrame, model: LinkageModel) -> tuple[Any, Any]:
    from splink import Linker, SparkAPI

    spark = spark_session()
    db_api = SparkAPI(spark_session=spark, break_lineage_method="persist")
    settings = spark_settings({**model.settings, "retain_intermediate_calculation_columns": True})
    linker = Linker(db_api.register(_to_spark(spark, frame)), settings)
    for col, table in model.tf_tables.items():
        tf = pd.DataFrame({col: list(table.keys()), f"tf_{col}": list(table.values())})
        from pyspark.sql.types import DoubleType, StringType, StructField, StructType

        schema = StructType(
            [StructField(col, StringType(), True), StructField(f"tf_{col}", DoubleType(), True)]
        )
        sdf = db_api.register(spark.createDataFrame(tf.to_numpy().tolist(), schema=schema))
        linker.table_management.register_term_frequency_lookup(sdf, col)
    return linker, db_api


def score_pairs_spark(
    frame: pd.DataFrame,
    model: LinkageModel,
    *,
    new_mask: pd.Series | None = None,
    threshold: float | None = None,
) -> pd.DataFrame:
    """Splink's predictions through Spark: the same columns as the engine's scorer."""
    threshold = model.lower if threshold is None else threshold
    keep = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"] + [
        f"mw_{c.name}" for c in COMPARISONS
    ]
    spark = spark_session()
    if new_mask is None or bool(new_mask.all()):
        linker, _db = _linker(frame, model)
        pred = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        df = pred.as_pandas_dataframe()
    else:
        new = frame[new_mask.to_numpy()]
        old = frame[~new_mask.to_numpy()]
        if new.empty:
            return pd.DataFrame({c: [] for c in keep})
        linker, db_api = _linker(frame.iloc[:1], model)
        sdf_new = db_api.register(_to_spark(spark, new))
        parts = [
            linker.inference.predict_within(
                sdf_new, threshold_match_probability=threshold, warning_mode="never"
            ).as_pandas_dataframe()
        ]
        if not old.empty:
            sdf_old = db_api.register(_to_spark(spark, old))
            parts.append(
                linker.inference.predict_between(
                    sdf_old, sdf_new, threshold_match_probability=threshold, warning_mode="never"
                ).as_pandas_dataframe()
            )
        df = pd.concat(parts, ignore_index=True)
    if not len(df):
        return pd.DataFrame({c: [] for c in keep})
    df = df[keep].copy()
    for col in keep[2:]:
        df[col] = df[col].astype(float)
    return df


@contextlib.contextmanager
def spark_scoring() -> Iterator[None]:
    """Within this block the engine's batch linking scores pairs on Spark.

    The engine has no scorer parameter yet, so its module-level scorer is
    swapped for the duration (commands only; never in a web process).
    """
    spark_session()  # fail early, with the clear message, before any work
    original = engine_batch.score_pairs
    engine_batch.score_pairs = score_pairs_spark
    try:
        yield
    finally:
        engine_batch.score_pairs = original
