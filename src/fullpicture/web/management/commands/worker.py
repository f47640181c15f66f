"""``fullpicture worker``: the background task worker, made to survive its database.

django-tasks-db's ``db_worker`` stops for good when the database is briefly locked (an
import holding SQLite's write lock) or restarted (PostgreSQL): a task that hits the lock
is marked failed, and an error while claiming or recording a task ends the process, so
the alert rules stop running until someone notices (issue #18). This worker is the same
loop with three changes:

* a database error outside a task (claiming, recording a result, a lost connection)
  closes the connections and retries with back-off (0.5 s doubling to 30 s) instead of
  exiting; a task it was recording is put back in the queue;
* a task that failed only because the database was locked or unreachable is put back
  in the queue to run again after a back-off, instead of staying failed (the tasks are
  idempotent: the rules update the one open alert per rule and family);
* a heartbeat (``web.WorkerHeartbeat``) every 10 s, which ``/readyz`` reads.

It takes ``db_worker``'s options. SIGINT and SIGTERM stop it as they stop ``db_worker``
(at once when idle, after the running task otherwise; a second signal at once).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from fullpicture.web.models import WorkerHeartbeat

logger = logging.getLogger("fullpicture.worker")

HEARTBEAT_SECONDS = 10.0
MAX_PAUSE = 30.0
RETRYABLE = {
    "django.db.utils.OperationalError",
    "django.db.utils.InterfaceError",
    "sqlite3.OperationalError",
    "psycopg.OperationalError",
}


class Heartbeat(threading.Thread):
    """Writes the worker's heartbeat every few seconds, on its own connection."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def beat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id, defaults={"beat_at": timezone.now()}
        )

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.beat()
            except DatabaseError:
                connections.close_all()  # try again on a fresh connection next time
            self.stopped.wait(HEARTBEAT_SECONDS)
        connections.close_all()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


class ResilientWorker(Worker):
    """``db_worker``'s loop, restarted with back-off after a database error."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pause = 0.5
        self.current: str | None = None

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.current = str(db_task_result.pk)
        super().run_task(db_task_result)
        self.current = None
        if (
            db_task_result.status == TaskResultStatus.FAILED
            and db_task_result.exception_class_path in RETRYABLE
        ):
            self._requeue(str(db_task_result.pk), delay=self.pause)
            logger.warning(
                "task %s met an unavailable database; queued again in %.1f s",
                db_task_result.pk,
                self.pause,
            )
            self.pause = min(self.pause * 2, MAX_PAUSE)
        else:
            self.pause = 0.5

    def _requeue(self, task_id: str, *, delay: float) -> None:
        DBTaskResult.objects.filter(pk=task_id).update(
            status=TaskResultStatus.READY,
            run_after=timezone.now() + dt.timedelta(seconds=delay),
            finished_at=None,
            exception_class_path="",
            traceback="",
        )

    def _requeue_orphans(self) -> None:
        """Put back tasks left running by a worker that is gone (killed mid-task: its
        transaction rolled back), so no follow-up is lost with it."""
        try:
            fresh = set(
                WorkerHeartbeat.objects.filter(
                    beat_at__gte=timezone.now() - dt.timedelta(seconds=6 * HEARTBEAT_SECONDS)
                ).values_list("worker_id", flat=True)
            )
            fresh.discard(self.worker_id)
            for pk, workers in DBTaskResult.objects.filter(
                status=TaskResultStatus.RUNNING
            ).values_list("pk", "worker_ids"):
                if not fresh.intersection(workers):
                    self._requeue(str(pk), delay=0)
                    logger.warning("task %s was left running by a stopped worker; queued again", pk)
        except DatabaseError:
            connections.close_all()

    def run(self) -> None:
        heartbeat = Heartbeat(self.worker_id)
        try:
            heartbeat.beat()  # ready from the first moment, if the database is there
        except DatabaseError:
            connections.close_all()
        heartbeat.start()
        try:
            self._requeue_orphans()
            while True:
                try:
                    if self.current is not None:
                        self._requeue(self.current, delay=0)
                        self.current = None
                    super().run()
                    return
                except (OperationalError, InterfaceError) as exc:
                    if not self.running:
                        return
                    logger.warning(
                        "the database is unavailable (%s); trying again in %.1f s",
                        type(exc).__name__,
                        self.pause,
                    )
                    connections.close_all()
                    self.running_task = False
                    time.sleep(self.pause)
                    self.pause = min(self.pause * 2, MAX_PAUSE)
                    self.startup_delay = False
        finally:
            heartbeat.stop()


class Command(DbWorkerCommand):
    help = "Run the background task worker (retries with back-off when the database is away)."

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        self.configure_logging(verbosity)
        worker = ResilientWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
        )
        worker.configure_signals()
        worker.run()
