"""``fullpicture link --engine spark`` on local Spark: the same people as DuckDB.

Runs only where pyspark (the [spark] extra) and Java are installed.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from fullpicture.linkage.engine import link_batch
from fullpicture.linkage.models import RecordLink
from fullpicture.linkage.selectors import model_current, records_for_engine
from fullpicture.linkage.tests.conftest import import_population
from fullpicture.people.models import SourceRecord

pytest.importorskip("pyspark")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.slow,
    # py4j and pyspark warn about their own internals; not ours to fix
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
]


def _partition(pairs: list[tuple[str, str]]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for key, cluster in pairs:
        groups.setdefault(cluster, set()).add(key)
    return {frozenset(g) for g in groups.values()}


def test_link_on_spark_makes_the_same_people_as_duckdb(population):
    import_population(population, agencies=("gp", "school", "police"))
    records = list(SourceRecord.objects.order_by("id"))
    on_duckdb = link_batch(records_for_engine(records), model=model_current())
    out = io.StringIO()
    call_command("link", "--engine", "spark", stdout=out, stderr=io.StringIO())
    assert out.getvalue().startswith("Linked ")
    assert RecordLink.objects.count() == len(records)
    on_spark = [
        (str(pk), str(person)) for pk, person in SourceRecord.objects.values_list("id", "person_id")
    ]
    assert _partition(on_spark) == _partition([(a.key, a.cluster) for a in on_duckdb])
    methods = dict(RecordLink.objects.values_list("record_id", "method"))
    assert {str(k): v for k, v in methods.items()} == {a.key: a.method for a in on_duckdb}
