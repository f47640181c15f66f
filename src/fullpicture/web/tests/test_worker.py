"""The task worker survives a locked or restarted database (issue #18)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fullpicture.web.management.commands.worker import ResilientWorker
from fullpicture.web.models import WorkerHeartbeat
from fullpicture.web.tests import flaky_tasks

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    flaky_tasks.calls.clear()


def _worker() -> ResilientWorker:
    worker = ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    worker.pause = 0  # retry at once: the test has no time to wait
    return worker


def test_a_task_that_met_a_locked_database_runs_again(database_tasks):
    queued = flaky_tasks.locked_once.enqueue("a")
    _worker().run()
    result = DBTaskResult.objects.get(pk=queued.id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert flaky_tasks.calls == ["a", "a"]


def test_the_worker_outlives_a_database_error_while_claiming(database_tasks, monkeypatch):
    queued = flaky_tasks.locked_once.enqueue("b")
    flaky_tasks.calls.append("b")  # the task itself succeeds at once
    original = DBTaskResult.claim
    failures: list[int] = []

    def claim(self: DBTaskResult, worker_id: str) -> Any:
        if not failures:
            failures.append(1)
            raise OperationalError("server closed the connection unexpectedly")
        return original(self, worker_id)

    monkeypatch.setattr(DBTaskResult, "claim", claim)
    _worker().run()
    assert failures == [1]
    assert DBTaskResult.objects.get(pk=queued.id).status == TaskResultStatus.SUCCESSFUL
    assert WorkerHeartbeat.objects.filter(worker_id="test-worker").exists()
