"""Reading the ledger: verification, the published head and signed checkpoints."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from fullpicture.audit.models import Action, LedgerEvent
from fullpicture.audit.services import (
    GENESIS,
    _canonical,
    canonical_form,
    canonical_timestamp,
    key_id,
    ledger_key,
)


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    broken_seq: int | None = None
    problem: str = ""


def ledger_key_epoch() -> int | None:
    """The sequence of the event from which the chain is keyed (events before it were
    written before keying and are hashed plainly), or None for a ledger keyed from its
    first event."""
    return (
        LedgerEvent.objects.filter(action=Action.KEY_EPOCH)
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )


def ledger_verify(
    *, progress: Callable[[int], None] | None = None, key: bytes | None = None
) -> Verification:
    """Walk the chain from the start; stop at the first event that does not verify.

    From the key epoch on (from the first event if there is none) every hash must be
    the HMAC under this host's ledger key, so an edit with the chain recomputed by
    someone without the key fails here; the plainly hashed events before the epoch are
    anchored by the keyed epoch event, which carries the last of their hashes."""
    key = key or ledger_key()
    epoch = ledger_key_epoch()
    keyed_from = epoch if epoch is not None else 1
    base = hmac.new(key, digestmod="sha256")
    prev = GENESIS
    expected_seq = 1
    checked = 0
    for event in LedgerEvent.objects.order_by("seq").iterator(chunk_size=5000):
        if event.seq != expected_seq:
            return Verification(False, checked, event.seq, f"expected event #{expected_seq}")
        if event.prev_hash != prev:
            return Verification(False, checked, event.seq, "previous-hash link is broken")
        body = canonical_form(event).encode("ascii")
        if event.seq >= keyed_from:
            mac = base.copy()
            mac.update(body)
            expected = mac.hexdigest()
        else:
            expected = hashlib.sha256(body).hexdigest()
        if not hmac.compare_digest(expected, event.hash):
            problem = "content does not match its keyed hash"
            if event.seq == epoch and (event.details or {}).get("key_id") != key_id(key):
                problem = (
                    "the ledger was keyed with another key than this host's ledger key "
                    f"(key id {(event.details or {}).get('key_id', '?')}, this host "
                    f"{key_id(key)})"
                )
            elif event.seq < keyed_from:
                problem = "content does not match its hash"
            elif (
                event.seq == 1 and epoch is None and hashlib.sha256(body).hexdigest() == event.hash
            ):
                problem = (
                    "the ledger has plain, unkeyed hashes and no key epoch: written before "
                    "keying and not migrated yet (`fullpicture migrate` keys it), or rewritten "
                    "by someone without the key"
                )
            return Verification(False, checked, event.seq, problem)
        prev = event.hash
        expected_seq += 1
        checked += 1
        if progress is not None and checked % 5000 == 0:
            progress(checked)
    return Verification(True, checked)


def ledger_head() -> tuple[int, str]:
    head = LedgerEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    return head if head else (0, GENESIS)


CHECKPOINT_FORMAT = "fullpicture-ledger-checkpoint/1"
_CHECKPOINT_FIELDS = ("format", "seq", "hash", "at", "key_id")


class CheckpointInvalid(ValueError):
    """A checkpoint file that cannot be read as one (bad JSON, fields missing)."""


def _checkpoint_signature(body: Mapping[str, Any], key: bytes) -> str:
    fields = {name: str(body[name]) for name in _CHECKPOINT_FIELDS}
    return hmac.new(key, _canonical(fields).encode("ascii"), "sha256").hexdigest()


def ledger_checkpoint(*, key: bytes | None = None) -> dict[str, str]:
    """A signed checkpoint of the head: sequence, head hash, time, key id and an HMAC
    signature over them, to keep outside the hub (docs/decisions/0080)."""
    key = key or ledger_key()
    seq, digest = ledger_head()
    body = {
        "format": CHECKPOINT_FORMAT,
        "seq": str(seq),
        "hash": digest,
        "at": canonical_timestamp(timezone.now()),
        "key_id": key_id(key),
    }
    return {**body, "signature": _checkpoint_signature(body, key)}


def checkpoint_parse(text: str) -> dict[str, str]:
    """Read a checkpoint file's text; raises CheckpointInvalid naming what is wrong."""
    try:
        body = json.loads(text)
    except json.JSONDecodeError as error:
        raise CheckpointInvalid(f"the checkpoint is not JSON ({error.msg})") from None
    if not isinstance(body, dict):
        raise CheckpointInvalid("the checkpoint must be a JSON object")
    missing = [name for name in (*_CHECKPOINT_FIELDS, "signature") if name not in body]
    if missing:
        raise CheckpointInvalid(f"the checkpoint lacks {', '.join(missing)}")
    if body["format"] != CHECKPOINT_FORMAT:
        raise CheckpointInvalid(f"the checkpoint's format must be {CHECKPOINT_FORMAT}")
    if not str(body["seq"]).isdigit():
        raise CheckpointInvalid("the checkpoint's seq must be a whole number")
    return {name: str(value) for name, value in body.items()}


def ledger_verify_checkpoint(
    *,
    checkpoint: Mapping[str, str],
    progress: Callable[[int], None] | None = None,
    key: bytes | None = None,
) -> Verification:
    """Verify the chain, then that the checkpoint was signed with this ledger's key and that
    the event it names is still there, unchanged: nothing up to it was removed or altered
    (a cut tail leaves a chain that verifies on its own, but not against the checkpoint)."""
    key = key or ledger_key()
    signature = _checkpoint_signature(checkpoint, key)
    if not hmac.compare_digest(signature, checkpoint.get("signature", "")):
        problem = "the checkpoint's signature does not match: it was altered"
        if checkpoint.get("key_id") != key_id(key):
            problem = (
                f"the checkpoint was signed with another key (key id {checkpoint.get('key_id')}, "
                f"this host {key_id(key)})"
            )
        return Verification(False, 0, None, problem)
    result = ledger_verify(progress=progress, key=key)
    if not result.ok:
        return result
    seq = int(checkpoint["seq"])
    if seq == 0:
        return result
    event = LedgerEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if event is None:
        return Verification(
            False,
            result.checked,
            seq,
            f"the checkpoint names event #{seq} but the ledger ends at #{result.checked}: "
            "events were removed",
        )
    if not hmac.compare_digest(event, checkpoint["hash"]):
        return Verification(
            False,
            result.checked,
            seq,
            "the event differs from the checkpoint: it or an event before it was changed",
        )
    return result


def ledger_events_about(*, object_type: str, object_ids: list[str]) -> list[LedgerEvent]:
    return list(
        LedgerEvent.objects.filter(object_type=object_type, object_id__in=object_ids).order_by(
            "seq"
        )
    )


# "Who looked at whom": every kind of event that reads (or tried to read) a person.
PERSON_ACCESS_ACTIONS = ("search", "view", "export", "break_glass", "denied")
# Object types whose object id is the person read; every other read of persons carries
# their ids in ``details["person_ids"]`` (a JSON list of strings): search results,
# households and their chronologies, linkage pairs, alerts and notifications pages,
# learning-review downloads, admin lists.
PERSON_OBJECT_TYPES = (
    "person",
    "person_chronology",
    "person_records",
    "person_merge",
    "point_of_care_check",
    "admin:people.person",
)


def ledger_person_access(
    *,
    agencies: list[str],
    person_id: str = "",
    actor_id: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[LedgerEvent]:
    """Who looked at whom: every event that read or tried to read a person (see
    ``PERSON_OBJECT_TYPES``), by actors of the given agencies, newest first."""
    events = LedgerEvent.objects.filter(
        Q(object_type__in=PERSON_OBJECT_TYPES) & ~Q(object_id="")
        | Q(details__has_key="person_ids"),
        action__in=PERSON_ACCESS_ACTIONS,
        actor_agency__in=agencies,
    )
    if person_id:
        events = events.filter(
            Q(object_type__in=PERSON_OBJECT_TYPES, object_id=person_id)
            # person_ids is a JSON list of strings; match the quoted id exactly
            | Q(details__person_ids__icontains=f'"{person_id}"')
        )
    if actor_id:
        events = events.filter(actor_id=actor_id)
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    return events.order_by("-seq")
