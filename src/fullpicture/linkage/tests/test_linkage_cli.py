"""The linkage commands through the CLI, on a synthetic population (real Splink)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.selectors import ledger_verify
from fullpicture.audit.services import Actor
from fullpicture.linkage import services
from fullpicture.linkage.models import LinkHistory, RecordLink
from fullpicture.linkage.selectors import model_current_path
from fullpicture.linkage.tests.conftest import import_population
from fullpicture.people.models import Person, SourceRecord

pytestmark = pytest.mark.django_db

METHODS = {"nhs_number", "upn", "pnc_id", "splink", "manual", "new_person", "review"}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_synth_writes_per_agency_files_and_the_truth(tmp_path):
    out = run("synth", "--people", "40", "--out", str(tmp_path / "pop"))
    files = {p.name for p in (tmp_path / "pop").glob("*.csv")}
    assert "truth.csv" in files
    assert {"gp.csv", "school.csv", "police.csv"} <= files
    assert "truth.csv" in out
    with (tmp_path / "pop" / "truth.csv").open() as fh:
        truth = list(csv.DictReader(fh))
    with (tmp_path / "pop" / "households.csv").open() as fh:
        households = list(csv.DictReader(fh))
    assert {h["person_key"] for h in households} >= {t["person_key"] for t in truth}
    assert all(h["household_key"].startswith("H") for h in households)
    records = 0
    for name in files - {"truth.csv", "households.csv"}:
        with (tmp_path / "pop" / name).open() as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
        records += len(rows)
        assert {"source_id", "given_name", "family_name", "nhs_number"} <= set(
            reader.fieldnames or ()
        )
    assert len(truth) == records
    assert len({t["person_key"] for t in truth}) <= 40
    with pytest.raises(CommandError):
        run("synth", "--people", "0", "--out", str(tmp_path / "none"))


def test_link_killed_midway_and_run_again_finishes_with_nothing_duplicated(population, monkeypatch):
    import_population(population)
    total = SourceRecord.objects.count()
    monkeypatch.setattr(services, "CHUNK", 40)

    class Killed(Exception):
        pass

    def progress(done: int, of: int) -> None:
        if done > of // 2:  # the first chunk has been written
            raise Killed

    with pytest.raises(Killed):
        services.link_pending(actor=Actor.system("link"), progress=progress)
    assert RecordLink.objects.count() == 40
    out = run("link")
    assert out.startswith("Linked ")
    assert RecordLink.objects.count() == total
    assert not SourceRecord.objects.filter(person__isnull=True).exists()
    assert LinkHistory.objects.filter(action="link").count() == total
    links = LedgerEvent.objects.filter(action="link")
    assert links.count() == total
    assert len(set(links.values_list("object_id", flat=True))) == total
    # no person left without records
    assert not Person.objects.filter(source_records__isnull=True).exists()
    assert ledger_verify().ok
    # and a third run has nothing to do
    assert run("link").startswith("Linked 0, review 0, new persons 0.\nUsed model default")
    assert RecordLink.objects.count() == total


def test_export_links_writes_one_row_per_record(population, tmp_path):
    import_population(population, agencies=("gp", "school", "hospital"))
    services.link_pending(actor=Actor.system("link"))
    path = tmp_path / "links.csv"
    assert "Wrote" in run("export-links", str(path))
    with path.open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["agency", "source_id", "person_id", "method", "score"]
    assert len(rows) == SourceRecord.objects.count()
    assert {r["method"] for r in rows} <= METHODS
    assert {"nhs_number", "new_person"} <= {r["method"] for r in rows}
    record = SourceRecord.objects.select_related("agency", "link").first()
    assert record is not None
    row = next(
        r for r in rows if (r["agency"], r["source_id"]) == (record.agency.code, record.source_id)
    )
    assert row["person_id"] == str(record.person_id)
    assert row["method"] == record.link.method
    for r in rows:
        if r["method"] == "review":
            assert 0.0 < float(r["score"]) < 1.0
    assert LedgerEvent.objects.filter(action="export", object_type="record_links").count() == 1
    with pytest.raises(CommandError):
        run("export-links", str(tmp_path / "missing" / "links.csv"))


def test_train_saves_the_next_model_version_and_charts_it(population, tmp_path, settings):
    import_population(population)
    out = run("linkage", "train")
    first = Path(settings.FULLPICTURE_MODEL_DIR) / "model-v1.json"
    assert first.exists()
    assert "first_name" in out
    assert "m=" in out
    assert model_current_path() == first
    data = json.loads(first.read_text())
    assert data["training_records"] == SourceRecord.objects.count()
    run("linkage", "train")
    assert model_current_path().name == "model-v2.json"
    # new links say which model decided them
    services.link_pending(actor=Actor.system("link"))
    assert set(RecordLink.objects.values_list("model_version", flat=True)) == {"model-v2"}

    out = run("linkage", "chart", "--out", str(tmp_path / "charts"))
    assert "model-v2" in out
    charts = sorted(p.name for p in (tmp_path / "charts").glob("*.html"))
    assert charts == ["m_u_parameters.html", "match_weights.html"]


def test_train_refuses_an_empty_database():
    with pytest.raises(CommandError, match="too few records"):
        run("linkage", "train")


def test_report_shows_each_agency_and_whether_its_feed_is_ready(population):
    agencies = import_population(population, agencies=("gp", "school", "police"))
    services.link_pending(actor=Actor.system("link"))
    out = run("linkage", "report")
    lines = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert set(lines) == {a.code for a in agencies.values()}
    # GP records nearly all carry valid NHS numbers; school records rarely do and many
    # pupils are known to no one else, so the school feed is below the 95 % minimum
    assert "NOT READY" in lines["SCHOOL"]
    partnership = agencies["gp"].partnership
    assert partnership is not None
    partnership.linkage_minimum_percent = 0
    partnership.save()
    out = run("linkage", "report")
    assert "NOT READY" not in out


def test_link_on_spark_without_pyspark_says_what_to_install(monkeypatch):
    from fullpicture.linkage import spark

    monkeypatch.setattr(spark, "spark_available", lambda: False)
    monkeypatch.setattr(spark, "_session", None)
    with pytest.raises(CommandError, match=r"pip install 'fullpicture\[spark\]'"):
        run("link", "--engine", "spark")
