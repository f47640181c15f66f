"""Template tags the shared layout and the person page use to show sharing's parts."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template

from fullpicture.partnerships.models import MASH_ROLES, Practitioner
from fullpicture.sharing.contexts import context_of
from fullpicture.sharing.policy import may_break_glass
from fullpicture.sharing.selectors import (
    break_glass_active,
    own_items_about,
    person_withheld_summary,
)

register = template.Library()


@register.filter
def read_query(purpose: str) -> str:
    """``purpose=...&context=...`` for a link that reads in the same work context."""
    pairs = [("purpose", str(purpose))]
    if context_of(purpose):
        pairs.append(("context", context_of(purpose)))
    return urlencode(pairs)


@register.filter
def context_ref(purpose: str) -> str:
    """The work context a purpose is read in (``kind:id``), or ``""``."""
    return context_of(purpose)


def _user(context: template.Context) -> Practitioner | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    return user if isinstance(user, Practitioner) and user.agency_id is not None else None


@register.inclusion_tag("sharing/break_glass_banner.html", takes_context=True)
def break_glass_banner(context: template.Context) -> dict[str, Any]:
    user = _user(context)
    grants = break_glass_active(viewer=user) if user is not None else []
    return {"grants": grants, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("sharing/person_panel.html", takes_context=True)
def sharing_person_panel(context: template.Context, person: Any, purpose: str) -> dict[str, Any]:
    user = _user(context)
    if user is None:
        return {"show": False}
    active = {g.person_id for g in break_glass_active(viewer=user) if g.purpose == purpose}
    return {
        "show": True,
        "person": person,
        "purpose": purpose,
        "withheld": person_withheld_summary(viewer=user, person=person, purpose=purpose),
        "own_items": own_items_about(viewer=user, person_ids=[person.pk], purpose=purpose),
        "may_break_glass": may_break_glass(viewer=user) and person.pk not in active,
        "may_request": bool(user.role_codes & MASH_ROLES),
    }
