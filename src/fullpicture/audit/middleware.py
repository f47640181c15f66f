"""The ledger's side of each web request: refused reads, the acting user, the Django admin.

- Refused reads (``ledger_record_denied``) are kept aside during the request and written
  when its transaction has ended: a 404 rolls the request's transaction back, and the
  refusal must outlive it. If they cannot be written, the response is an error (reads
  fail closed).
- Receivers of model signals (role and two-factor changes) learn who is acting from
  ``ledger_request_actor``.
- Every Django admin page a signed-in user opens or posts to is an event (the model, the
  object id or the ids listed, the status), written in one transaction with what the admin
  view did: if the event cannot be written, the change is undone.

The audit app is the lowest floor: the user is read duck-typed (``user.actor``), nothing
above is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from fullpicture.audit.models import Action
from fullpicture.audit.services import (
    Actor,
    EventSpec,
    _pending_denials,
    _request_actor,
    ledger_record,
)

ANONYMOUS = Actor.system("anonymous")
MAX_IDS = 500


def _actor_of(request: HttpRequest) -> Actor:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    actor = getattr(user, "actor", None)
    return actor if isinstance(actor, Actor) else Actor(id=f"user:{user.pk}")


def _admin_prefix() -> str | None:
    try:
        return reverse("admin:index")
    except NoReverseMatch:
        return None


class LedgerMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = _admin_prefix()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pending: list[tuple[Actor, EventSpec]] = []
        denials = _pending_denials.set(pending)
        actor = _request_actor.set(lambda: _actor_of(request))
        try:
            if self.admin_prefix and request.path_info.startswith(self.admin_prefix):
                response = self._admin(request)
            else:
                response = self.get_response(request)
            self._write_denials(pending)
        finally:
            _pending_denials.reset(denials)
            _request_actor.reset(actor)
        return response

    @staticmethod
    def _write_denials(pending: list[tuple[Actor, EventSpec]]) -> None:
        if not pending:
            return
        with transaction.atomic():
            for actor, spec in pending:
                ledger_record(
                    actor=actor,
                    action=spec.action,
                    object_type=spec.object_type,
                    object_id=spec.object_id,
                    purpose=spec.purpose,
                    reason_code=spec.reason_code,
                    details=spec.details,
                )

    def _admin(self, request: HttpRequest) -> HttpResponse:
        with transaction.atomic():
            response = self.get_response(request)
            user = getattr(request, "user", None)
            match = request.resolver_match
            if user is None or not user.is_authenticated or match is None:
                return response
            model_admin = getattr(match.func, "model_admin", None)
            object_type = "admin"
            if model_admin is not None:
                object_type = f"admin:{model_admin.model._meta.label_lower}"
            details: dict[str, Any] = {
                "view": match.url_name or "",
                "method": request.method or "",
                "status": str(response.status_code),
            }
            objects = _shown(response)
            ids = _listed_ids(request, objects)
            if ids:
                details["object_ids"] = ids[:MAX_IDS]
                if len(ids) > MAX_IDS:
                    details["more_ids"] = str(len(ids) - MAX_IDS)
            person_ids = sorted({p for p in map(_person_id, objects) if p})
            if person_ids:  # whose records the page showed, for "who looked at whom"
                details["person_ids"] = person_ids[:MAX_IDS]
            read = request.method in {"GET", "HEAD", "OPTIONS"}
            ledger_record(
                actor=_actor_of(request),
                action=Action.VIEW if read else Action.UPDATE,
                object_type=object_type,
                object_id=str(match.kwargs.get("object_id", ""))[:64],
                details=details,
            )
        return response


def _shown(response: HttpResponse) -> list[Any]:
    """The objects an admin page showed: a change list's rows, or the one object."""
    context = getattr(response, "context_data", None) or {}
    change_list = context.get("cl")
    if change_list is not None:
        return list(getattr(change_list, "result_list", []))
    original = context.get("original")
    return [original] if original is not None else []


def _listed_ids(request: HttpRequest, objects: list[Any]) -> list[str]:
    """The ids a bulk action was applied to, or a change list showed."""
    selected = request.POST.getlist("_selected_action") if request.method == "POST" else []
    if selected:
        return [str(i)[:64] for i in selected]
    if len(objects) == 1:
        return []  # one object: its id is the event's object id
    return [str(obj.pk) for obj in objects]


def _person_id(obj: Any) -> str:
    """The person an object is about (``person``, or its ``record``'s person), if any."""
    person_id = getattr(obj, "person_id", None)
    if person_id is None and hasattr(obj, "record_id"):
        person_id = getattr(getattr(obj, "record", None), "person_id", None)
    return str(person_id) if person_id else ""
