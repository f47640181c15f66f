"""Reacting to lower floors without importing upward from them.

* A new or changed information item (``post_save`` of sharing's model) queues
  the cumulative-concern rules for its families, once per transaction.
* Records moved between persons (``people.signals.records_relinked``) keep the
  flag index in step at once, and queue the move check.

The tasks are enqueued inside the writer's transaction when it says the follow-ups are
due (``core.followups``: the feeds and the linker do, before they commit), so the task
row commits with the data; what no writer flushed is enqueued on commit as a fallback.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend

from fullpicture.alerts.services import flags_refresh_index
from fullpicture.core.followups import followups_due
from fullpicture.people.models import SourceRecord
from fullpicture.people.signals import records_relinked
from fullpicture.sharing.models import InformationItem

_pending = threading.local()


def _queue(kind: str, ids: list[int]) -> None:
    state: dict[str, set[int]] = _pending.__dict__.setdefault(
        "state", {"items": set(), "records": set()}
    )
    state[kind].update(ids)
    transaction.on_commit(_flush)


def _flush() -> None:
    state: dict[str, set[int]] | None = _pending.__dict__.pop("state", None)
    if not state:
        return
    from fullpicture.alerts import tasks

    if state["items"]:
        tasks.rules_for_items.enqueue(sorted(state["items"]))
    if state["records"]:
        tasks.moves_for_records.enqueue(sorted(state["records"]))


@receiver(followups_due, dispatch_uid="alerts_followups_due")
def followups_flush(sender: Any, **kwargs: Any) -> None:
    """Enqueue what was gathered, in the caller's (still open) transaction.

    A queue that keeps tasks in the database (the worker sees them once the transaction
    commits) gets them now. A backend that runs a task the moment it is queued (the
    immediate backend of the tests) keeps the on-commit path, so the task, like the
    worker, sees the whole transaction's data rather than part of it."""
    if isinstance(task_backends["default"], DatabaseBackend):
        _flush()


@receiver(post_save, sender=InformationItem, dispatch_uid="alerts_item_saved")
def item_saved(sender: Any, instance: InformationItem, **kwargs: Any) -> None:
    _queue("items", [instance.pk])


@receiver(post_save, sender=SourceRecord, dispatch_uid="alerts_record_saved")
def record_saved(sender: Any, instance: SourceRecord, **kwargs: Any) -> None:
    if instance.person_id is not None:
        _queue("records", [instance.pk])


@receiver(records_relinked, dispatch_uid="alerts_records_relinked")
def records_moved(sender: Any, record_ids: list[int], **kwargs: Any) -> None:
    flags_refresh_index(record_ids=record_ids)
    _queue("records", list(record_ids))
