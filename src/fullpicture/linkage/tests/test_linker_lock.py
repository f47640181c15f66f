"""One linker at a time (issue #18): linkers started together link every record once.

These tests run real threads, each with its own database connection, against the test
database (a file on SQLite, a server on PostgreSQL), so the lock is the database's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.selectors import ledger_verify
from fullpicture.audit.services import Actor
from fullpicture.linkage import services
from fullpicture.linkage.locks import LinkerBusy, linker_lock
from fullpicture.linkage.models import LinkHistory, RecordLink
from fullpicture.linkage.tests.conftest import import_population
from fullpicture.partnerships.tests.factories import AgencyFactory
from fullpicture.people.models import Person, SourceRecord

pytestmark = pytest.mark.django_db(transaction=True)


def _together(*jobs: Callable[[], Any]) -> list[BaseException | None]:
    """Run the jobs in threads released at the same moment; return what each raised."""
    start = threading.Barrier(len(jobs))
    failures: list[BaseException | None] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            start.wait()
            job()
        except BaseException as exc:  # reported to the test, not swallowed
            failures[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return failures


def _linked_once() -> None:
    total = SourceRecord.objects.count()
    assert RecordLink.objects.count() == total
    assert not SourceRecord.objects.filter(person__isnull=True).exists()
    assert LinkHistory.objects.filter(action="link").count() == total
    links = LedgerEvent.objects.filter(action="link")
    assert links.count() == total
    assert len(set(links.values_list("object_id", flat=True))) == total
    assert not Person.objects.filter(source_records__isnull=True).exists()
    assert ledger_verify().ok


def test_two_batch_linkers_started_together_link_each_record_once(population):
    import_population(population)
    actor = Actor.system("link")
    failures = _together(
        lambda: services.link_pending(actor=actor), lambda: services.link_pending(actor=actor)
    )
    assert failures == [None, None]
    _linked_once()


def test_an_import_and_a_linker_started_together_link_each_record_once(population):
    agencies = import_population(population, agencies=("police", "gp", "school", "hospital"))
    actor = Actor.system("link")
    housing = AgencyFactory(
        code="HOUSING", name="housing", type="housing", partnership=agencies["police"].partnership
    )

    def import_and_link() -> None:
        services.records_import_file(
            agency=housing, path=population / "housing.csv", actor=Actor.system("import")
        )
        services.records_link(actor=actor)

    failures = _together(lambda: services.link_pending(actor=actor), import_and_link)
    assert failures == [None, None]
    services.records_link(actor=actor)  # whatever the import added after the batch read
    _linked_once()


def test_a_second_run_says_plainly_that_one_is_running(population, settings):
    import_population(population, agencies=("police", "gp"))
    settings.FULLPICTURE_LINKER_WAIT_SECONDS = 0
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with linker_lock(purpose="a test run"):
            held.set()
            release.wait(timeout=60)
        connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(timeout=60)
        with pytest.raises(LinkerBusy, match="Another linking run is in progress"):
            services.link_pending(actor=Actor.system("link"))
        assert not RecordLink.objects.exists()
    finally:
        release.set()
        holder.join()
    services.link_pending(actor=Actor.system("link"))  # free again once the first ends
    assert RecordLink.objects.count() == SourceRecord.objects.count()


def test_a_second_run_waits_for_the_first_within_the_limit(population, settings):
    import_population(population, agencies=("police", "gp"))
    settings.FULLPICTURE_LINKER_WAIT_SECONDS = 60
    order: list[str] = []
    held = threading.Event()

    def first() -> None:
        with linker_lock(purpose="the first run"):
            held.set()
            order.append("first ran")
            services.link_pending(actor=Actor.system("link"))  # re-entrant
            order.append("first done")

    def second() -> None:
        assert held.wait(timeout=60)
        services.link_pending(actor=Actor.system("link"))
        order.append("second done")

    assert _together(first, second) == [None, None]
    assert order == ["first ran", "first done", "second done"]
    _linked_once()


def test_a_lock_left_by_a_killed_process_is_taken_over(population):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL frees an advisory lock when its session ends")
    from fullpicture.linkage.models import LinkerLock

    import_population(population, agencies=("police",))
    # pid 2**22 + 1 is above Linux's default pid_max: no such process runs.
    LinkerLock.objects.update_or_create(pk=1, defaults={"holder": f"{_host()}:4194305:gone"})
    services.link_pending(actor=Actor.system("link"), model=None)
    assert RecordLink.objects.count() == SourceRecord.objects.count()
    assert LinkerLock.objects.get(pk=1).holder == ""


def _host() -> str:
    import socket

    return socket.gethostname()
