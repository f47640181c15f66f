"""Writing to the ledger: one small function every app calls.

``ledger_record`` runs in the caller's transaction, so if the ledger write
fails the access it records fails too (audit fails closed). Writes are
serialised so the chain never forks: PostgreSQL takes a transaction-level
advisory lock; SQLite's IMMEDIATE transactions already hold the write lock.

Each event's hash is an HMAC-SHA256, keyed with ``FULLPICTURE_LEDGER_KEY`` (kept
outside the database), over the event's canonical form, which carries the previous
hash: whoever can edit the database file but not read the key cannot recompute the
chain after an edit (docs/decisions/0080-keyed-ledger-and-checkpoints.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from fullpicture.audit.models import LedgerEvent

GENESIS = "0" * 64
_LOCK_KEY = 0x46504C45  # "FPLE": the ledger's advisory lock


@dataclass(frozen=True)
class Actor:
    """Who did something: a practitioner (``user:<id>``) or a named system actor."""

    id: str
    agency: str = ""
    roles: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def system(cls, name: str) -> Actor:
        return cls(id=f"system:{name}")


def canonical_timestamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_form(event: LedgerEvent) -> str:
    """Sorted keys, no whitespace, UTC with microseconds, ids as strings."""
    return _canonical(
        {
            "seq": str(event.seq),
            "at": canonical_timestamp(event.at),
            "action": event.action,
            "actor_id": event.actor_id,
            "actor_agency": event.actor_agency,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "purpose": event.purpose,
            "legal_basis": event.legal_basis,
            "reason_code": event.reason_code,
            "details": event.details,
            "prev_hash": event.prev_hash,
        }
    )


def _canonical(body: Mapping[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def ledger_key() -> bytes:
    """The ledger's HMAC key from settings; refuses to go on without one."""
    key = getattr(settings, "FULLPICTURE_LEDGER_KEY", "") or ""
    if not key:
        raise ImproperlyConfigured(
            "FULLPICTURE_LEDGER_KEY is not set: the audit ledger cannot be written or "
            "verified without its key (docs/operating.md, 'The ledger')."
        )
    return str(key).encode("utf-8")


def key_id(key: bytes | None = None) -> str:
    """A short fingerprint of the key (never the key): which key a chain or checkpoint
    was made with, so a wrong key is named as such."""
    return hmac.new(key or ledger_key(), b"fullpicture ledger key id", "sha256").hexdigest()[:16]


def event_hash(event: LedgerEvent, *, key: bytes | None = None) -> str:
    """The keyed hash: HMAC-SHA256 over the canonical form (which holds the previous hash)."""
    return hmac.new(
        key or ledger_key(), canonical_form(event).encode("ascii"), "sha256"
    ).hexdigest()


def event_hash_unkeyed(event: LedgerEvent) -> str:
    """The hash events had before the ledger was keyed (kept to verify those events)."""
    return hashlib.sha256(canonical_form(event).encode("ascii")).hexdigest()


def _normalise_details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    # Round-trip through JSON so what we hash is exactly what the database returns.
    return json.loads(json.dumps(details or {}, sort_keys=True, default=str))


def ledger_record(
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str | int = "",
    purpose: str = "",
    legal_basis: str = "",
    reason_code: str = "",
    details: Mapping[str, Any] | None = None,
) -> LedgerEvent:
    """Append one event to the ledger, in the caller's transaction."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        head = LedgerEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
        now = timezone.now()
        event = LedgerEvent(
            seq=seq,
            at=now,
            action=action,
            actor_id=actor.id,
            actor_agency=actor.agency,
            object_type=object_type,
            object_id=str(object_id),
            purpose=purpose,
            legal_basis=legal_basis,
            reason_code=reason_code,
            details=_normalise_details(details),
            prev_hash=prev,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
        return event


@dataclass(frozen=True)
class EventSpec:
    """One event for :func:`ledger_record_many`."""

    action: str
    object_type: str
    object_id: str | int = ""
    purpose: str = ""
    legal_basis: str = ""
    reason_code: str = ""
    details: Mapping[str, Any] | None = None


def ledger_record_many(*, actor: Actor, events: list[EventSpec]) -> int:
    """Append many events at once (bulk linking, a sweep's alerts), chained in order, in the
    caller's transaction.

    The same events, hashes and stored values as one ``ledger_record`` each, without a
    model instance per event: each event's canonical form is keyed in one loop (the
    body ``canonical_form`` builds, through the same ``_canonical``) and the rows are
    inserted together, the values adapted as the ORM adapts them: on SQLite with one
    ``executemany``; on PostgreSQL with ``COPY ... FROM STDIN`` (psycopg's client-side
    binding makes an ``executemany`` there slow to send)."""
    if not events:
        return 0
    table = connection.ops.quote_name(LedgerEvent._meta.db_table)
    columns = (
        "seq, at, action, actor_id, actor_agency, object_type, object_id, purpose, "
        "legal_basis, reason_code, details, prev_hash, hash"
    )
    # S608: the table name comes from the model's own metadata, quoted; values are params.
    if connection.vendor == "postgresql":
        insert = f"COPY {table} ({columns}) FROM STDIN"
    else:
        insert = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 13)})"  # noqa: S608
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        head = LedgerEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev = (head[0], head[1]) if head else (0, GENESIS)
        now = timezone.now()
        at = canonical_timestamp(now)
        stored_at = connection.ops.adapt_datetimefield_value(now)
        actor_id, actor_agency = actor.id, actor.agency
        keyed, canonical = hmac.new(ledger_key(), digestmod="sha256"), _canonical
        rows = []
        for spec in events:
            seq += 1
            details = _normalise_details(spec.details)
            object_id = str(spec.object_id)
            mac = keyed.copy()
            mac.update(
                canonical(
                    {
                        "seq": str(seq),
                        "at": at,
                        "action": spec.action,
                        "actor_id": actor_id,
                        "actor_agency": actor_agency,
                        "object_type": spec.object_type,
                        "object_id": object_id,
                        "purpose": spec.purpose,
                        "legal_basis": spec.legal_basis,
                        "reason_code": spec.reason_code,
                        "details": details,
                        "prev_hash": prev,
                    }
                ).encode("ascii")
            )
            digest = mac.hexdigest()
            rows.append(
                (
                    seq,
                    stored_at,
                    spec.action,
                    actor_id,
                    actor_agency,
                    spec.object_type,
                    object_id,
                    spec.purpose,
                    spec.legal_basis,
                    spec.reason_code,
                    json.dumps(details),
                    prev,
                    digest,
                )
            )
            prev = digest
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(insert) as stream:
                    for row in rows:
                        stream.write_row(row)
            else:
                cursor.executemany(insert, rows)
    return len(rows)


# ------------------------------------------------------------------ denied reads, request actor

_pending_denials: ContextVar[list[tuple[Actor, EventSpec]] | None] = ContextVar(
    "ledger_pending_denials", default=None
)
_request_actor: ContextVar[Callable[[], Actor | None] | None] = ContextVar(
    "ledger_request_actor", default=None
)
COMMAND_ACTOR = Actor.system("command")


def ledger_record_denied(
    *,
    actor: Actor,
    object_type: str,
    object_id: str | int = "",
    purpose: str = "",
    reason_code: str = "",
    details: Mapping[str, Any] | None = None,
) -> None:
    """A refused read: the caller answers as for a missing record, and the ledger keeps a
    ``denied`` event (ids and kinds only).

    In a web request the refusal usually ends the request's transaction in a rollback (a
    404), which would take the event with it: there the event is kept aside and written by
    ``LedgerMiddleware`` once the request's transaction has ended, in a transaction of its
    own; if it cannot be written the response is an error, never a quiet 404. Outside a
    request (commands, tasks) it is written at once, in the caller's transaction."""
    spec = EventSpec(
        action="denied",
        object_type=object_type,
        object_id=object_id,
        purpose=purpose,
        reason_code=reason_code,
        details=details,
    )
    pending = _pending_denials.get()
    if pending is not None:
        pending.append((actor, spec))
        return
    ledger_record(
        actor=actor,
        action=spec.action,
        object_type=object_type,
        object_id=object_id,
        purpose=purpose,
        reason_code=reason_code,
        details=details,
    )


def ledger_request_actor() -> Actor:
    """Who is acting in this request (the signed-in practitioner), for receivers of model
    signals that have no request (role and two-factor changes); outside a request, or before
    sign-in, the named system actor ``system:command``."""
    resolve = _request_actor.get()
    found = resolve() if resolve is not None else None
    return found or COMMAND_ACTOR
