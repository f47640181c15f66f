"""Work queued with the data (issue #18): the rule task's row commits with the items.

With django-tasks' database backend, enqueuing writes a row. The test's transaction never
commits, so a task queued "after commit" (the old way) is never written here, while a
task queued inside the import's transaction is.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from fullpicture.alerts.models import Alert
from fullpicture.alerts.tests.test_rules import _family, _feed
from fullpicture.sharing.models import InformationItem

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS


def _queued(task_name: str) -> list[list[int]]:
    return [
        r.args_kwargs["args"][0] for r in DBTaskResult.objects.filter(task_path__endswith=task_name)
    ]


def test_the_rule_task_is_queued_in_the_imports_transaction(world, database_tasks):
    _family(world, ["POLQ", "GPQ"])
    _feed("POLQ", [("P1", "POLQ-M", "domestic_abuse", "2025-01-10")])
    _feed(
        "GPQ",
        [("G1", "GPQ-M", "mental_health", "2025-03-02"), ("G2", "GPQ-C", "debt", "2025-03-04")],
    )
    ids = sorted(InformationItem.objects.values_list("pk", flat=True))
    queued = _queued("rules_for_items")
    assert len(queued) == 2  # one task per import, written before its commit
    assert sorted(i for batch in queued for i in batch) == ids


def test_the_sweep_judges_items_a_crash_left_without_a_task(world, database_tasks):
    _family(world, ["POLW", "GPW", "DASW"])
    _feed("POLW", [("P1", "POLW-M", "domestic_abuse", "2025-01-10")])
    _feed("GPW", [("G1", "GPW-M", "mental_health", "2025-03-02")])
    _feed("DASW", [("D1", "DASW-C", "drugs_alcohol", "2025-05-30")])
    DBTaskResult.objects.all().delete()  # the queue lost (a crash before any worker ran)
    assert not Alert.objects.exists()
    assert _feed("DASW", [("D1", "DASW-C", "drugs_alcohol", "2025-05-30")]).unchanged == 1
    call_command("alerts", "sweep", stdout=None)
    assert Alert.objects.filter(rule__slug="halcon-one-team").count() == 1
