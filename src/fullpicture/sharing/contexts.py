"""Work contexts: the piece of work that justifies a read for a purpose.

A purpose is a relationship, not a word (docs/decisions/0056-work-contexts.md). A read
for a safeguarding enquiry names a front-door contact of the viewer's MASH or an
information request their agency sent or was sent; a multi-agency meeting names a
meeting the viewer's agency is invited to; early help names an episode with consent on
record; audit and learning review name an approved review grant. The policy point asks
this module whether the viewer is part of the named work and which persons it covers
(the persons it names and their households); it never trusts the word alone.

Contexts live in several apps, some on higher floors than ``sharing`` (front door,
meetings). So that the policy point never imports upward, each app registers a
*checker* for its kind here when Django starts (``AppConfig.ready``); the policy point
looks the kind up by name. A kind nobody registered answers "not part of it", so a
missing app fails closed.

A purpose travels with its context as a ``PurposeInContext``: a ``str`` equal to the
purpose's code (every signature, query and ledger column that takes a purpose keeps
working) that also carries the context's reference (``contact:123``). Anything that
turns it into a plain string drops the context, which reads less, never more.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fullpicture.partnerships.models import Practitioner
from fullpicture.people.models import Person


@dataclass(frozen=True)
class WorkContext:
    """A piece of work the viewer is part of: which purposes it justifies, about whom."""

    kind: str
    object_id: int
    purposes: frozenset[str]
    person_ids: frozenset[int]

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.object_id}"


# A checker answers the context if the viewer is part of the work at that moment, else None.
Checker = Callable[[Practitioner, int, dt.datetime], WorkContext | None]
_CHECKERS: dict[str, Checker] = {}
_DEFAULT_PURPOSE: dict[str, str] = {}
_REF = re.compile(r"^([a-z][a-z_-]{0,31}):([1-9][0-9]{0,17})$")


def register_work_context(kind: str, checker: Checker, *, default_purpose: str) -> None:
    """Called by the app that owns a kind of work, from its ``AppConfig.ready``;
    ``default_purpose`` is the purpose a read in such a context has when none is named."""
    if not re.fullmatch(r"[a-z][a-z_-]{0,31}", kind):
        raise ValueError(f"A work context kind is lower-case letters, '-' and '_': {kind!r}")
    _CHECKERS[kind] = checker
    _DEFAULT_PURPOSE[kind] = default_purpose


def unregister_work_context(kind: str) -> None:
    """Forget a kind (tests that register one of their own)."""
    _CHECKERS.pop(kind, None)
    _DEFAULT_PURPOSE.pop(kind, None)


def default_purpose_of(kind: str) -> str:
    return _DEFAULT_PURPOSE[kind]


def work_context_kinds() -> list[str]:
    return sorted(_CHECKERS)


def parse_context_ref(text: str) -> tuple[str, int] | None:
    """``"contact:123"`` -> ``("contact", 123)``; anything else (or an unknown kind) -> None."""
    found = _REF.match(text.strip()) if text else None
    if found is None or found.group(1) not in _CHECKERS:
        return None
    return found.group(1), int(found.group(2))


def resolve_work_context(
    *, viewer: Practitioner, ref: str, purpose: str, at: dt.datetime
) -> WorkContext | None:
    """The context ``ref`` names, if the viewer is part of it and it justifies ``purpose``."""
    parsed = parse_context_ref(ref)
    if parsed is None:
        return None
    kind, object_id = parsed
    work = _CHECKERS[kind](viewer, object_id, at)
    if work is None or purpose not in work.purposes:
        return None
    return work


def with_households(person_ids: Iterable[int]) -> frozenset[int]:
    """The persons and every member of their households."""
    ids = {int(p) for p in person_ids}
    if not ids:
        return frozenset()
    members = Person.households.through.objects.filter(
        household_id__in=Person.households.through.objects.filter(person_id__in=ids).values(
            "household_id"
        )
    ).values_list("person_id", flat=True)
    return frozenset(ids | set(members))


class PurposeInContext(str):
    """A purpose's code that also names the work context it is read in."""

    context: str

    def __new__(cls, purpose: str, context: str) -> PurposeInContext:
        value = super().__new__(cls, str(purpose))
        value.context = context
        return value


def purpose_in(purpose: str, context: str | None) -> str:
    """The purpose, read in ``context`` (``kind:id``); a plain purpose without one."""
    if not context:
        return str(purpose)
    return PurposeInContext(purpose, context)


def context_of(purpose: str) -> str:
    """The context reference a purpose carries, or ``""``."""
    return getattr(purpose, "context", "") or ""
