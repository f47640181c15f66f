"""Seeing it run (issue #18): /readyz, /metrics (protected, no personal data), JSON logs."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from fullpicture.audit.services import Actor, ledger_record
from fullpicture.core.logs import JsonLinesFormatter
from fullpicture.web.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_ready_when_the_database_the_worker_and_the_ledger_answer(client, settings):
    settings.TASKS = DATABASE_TASKS
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["worker"] == "no recent heartbeat"
    WorkerHeartbeat.objects.create(worker_id="w1", beat_at=timezone.now())
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json()["checks"] == {
        "database": "ok",
        "worker": "ok",
        "ledger": "ok",
        "ledger_head": answer.json()["checks"]["ledger_head"],
    }
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(minutes=5))
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200


def test_metrics_need_the_token_or_loopback(client, settings):
    settings.FULLPICTURE_METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 404
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    settings.FULLPICTURE_METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 404
    answer = client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
    assert answer.status_code == 200


def test_metrics_count_requests_by_route_and_give_the_ledger_head(client, settings):
    settings.TASKS = DATABASE_TASKS
    settings.FULLPICTURE_METRICS_TOKEN = ""
    ledger_record(actor=Actor.system("t"), action="create", object_type="thing", object_id=7)
    client.get("/healthz")
    client.get("/people/424242/")  # a path with an id: counted by route, never by path
    text = client.get("/metrics").content.decode()
    assert 'fullpicture_http_requests_total{method="GET",status="200",route="web:healthz"}' in text
    assert "424242" not in text
    assert "fullpicture_ledger_head_seq 1" in text
    assert "fullpicture_http_request_duration_seconds_bucket" in text
    assert "fullpicture_worker_heartbeat_age_seconds NaN" in text


def test_logs_are_json_lines_without_request_data():
    formatter = JsonLinesFormatter()
    record = logging.LogRecord("fullpicture.x", logging.INFO, __file__, 1, "linked %d", (5,), None)
    line = formatter.format(record)
    entry = json.loads(line)
    assert entry["message"] == "linked 5"
    assert set(entry) == {"time", "level", "logger", "message", "process"}
    assert "\n" not in line


def test_metrics_give_the_last_import_and_sweep_durations(client, settings, tmp_path):
    from fullpicture.core.timings import timed

    settings.FULLPICTURE_HOME = tmp_path
    settings.FULLPICTURE_METRICS_TOKEN = ""
    with timed("alerts-sweep"):
        pass
    with pytest.raises(ValueError, match="bad file"), timed("import-items"):
        raise ValueError("bad file")
    text = client.get("/metrics").content.decode()
    assert 'fullpicture_operation_last_duration_seconds{operation="alerts-sweep",ok="true"}' in text
    assert (
        'fullpicture_operation_last_duration_seconds{operation="import-items",ok="false"}' in text
    )
