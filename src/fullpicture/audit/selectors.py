"""Reading the ledger: verification and the published head."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.services import GENESIS, event_hash


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    broken_seq: int | None = None
    problem: str = ""


def ledger_verify(*, progress: Callable[[int], None] | None = None) -> Verification:
    """Walk the chain from the start; stop at the first event that does not verify."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    for event in LedgerEvent.objects.order_by("seq").iterator(chunk_size=5000):
        if event.seq != expected_seq:
            return Verification(False, checked, event.seq, f"expected event #{expected_seq}")
        if event.prev_hash != prev:
            return Verification(False, checked, event.seq, "previous-hash link is broken")
        if event_hash(event) != event.hash:
            return Verification(False, checked, event.seq, "content does not match its hash")
        prev = event.hash
        expected_seq += 1
        checked += 1
        if progress is not None and checked % 5000 == 0:
            progress(checked)
    return Verification(True, checked)


def ledger_head() -> tuple[int, str]:
    head = LedgerEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    return head if head else (0, GENESIS)


def ledger_events_about(*, object_type: str, object_ids: list[str]) -> list[LedgerEvent]:
    return list(
        LedgerEvent.objects.filter(object_type=object_type, object_id__in=object_ids).order_by(
            "seq"
        )
    )


PERSON_ACCESS_ACTIONS = ("search", "view")


def ledger_person_access(
    *,
    agencies: list[str],
    person_id: str = "",
    actor_id: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[LedgerEvent]:
    """Who looked at whom: ``search`` events (saw that persons are known, ids in details)
    and ``view`` events (opened a person), by actors of the given agencies, newest first."""
    events = LedgerEvent.objects.filter(
        action__in=PERSON_ACCESS_ACTIONS, object_type="person", actor_agency__in=agencies
    )
    if person_id:
        events = events.filter(
            Q(action="view", object_id=person_id)
            # person_ids is a JSON list of strings; match the quoted id exactly
            | Q(action="search", details__person_ids__icontains=f'"{person_id}"')
        )
    if actor_id:
        events = events.filter(actor_id=actor_id)
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    return events.order_by("-seq")
