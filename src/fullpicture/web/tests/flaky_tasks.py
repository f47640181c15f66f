"""Tasks for the worker's tests: each fails the way an unavailable database does, once."""

from __future__ import annotations

from django.db import OperationalError
from django_tasks import task

calls: list[str] = []


@task()
def locked_once(label: str) -> str:
    calls.append(label)
    if calls.count(label) == 1:
        raise OperationalError("database is locked")
    return label
