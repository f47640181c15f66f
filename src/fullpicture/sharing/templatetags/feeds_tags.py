"""Template tags the person page uses to show the feeds' parts: who else is involved and
how to reach them, what each agency's feed covers, and the 'report as wrong' forms."""

from __future__ import annotations

from typing import Any

from django import template

from fullpicture.partnerships.models import Practitioner
from fullpicture.sharing.challenges import challenges_raised_about
from fullpicture.sharing.feed_selectors import (
    family_involvements,
    person_coverage,
    person_involvements,
)

register = template.Library()


def _user(context: template.Context) -> Practitioner | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    return user if isinstance(user, Practitioner) and user.agency_id is not None else None


@register.inclusion_tag("sharing/feeds_person_opening.html", takes_context=True)
def feeds_person_opening(
    context: template.Context, summary: Any, chronology: Any, purpose: str
) -> dict[str, Any]:
    """'Who else is involved and how to reach them', then per agency found / none found /
    not covered and how current. Both read through the policy point."""
    user = _user(context)
    if user is None:
        return {"show": False}
    person = summary.person
    involvements = person_involvements(viewer=user, person=person, purpose=purpose)
    return {
        "show": True,
        "current": [i for i in involvements if i.ended_on is None],
        "ended": [i for i in involvements if i.ended_on is not None],
        "coverage": person_coverage(
            viewer=user,
            person=person,
            purpose=purpose,
            records=summary.records,
            items=chronology.items,
        ),
        "challenges": challenges_raised_about(viewer=user, person_id=person.pk),
    }


@register.inclusion_tag("sharing/_challenge_form.html", takes_context=True)
def challenge_form(
    context: template.Context, about: str, object_id: int, person_id: int, purpose: str
) -> dict[str, Any]:
    """A 'report as wrong' form beside an item or a record."""
    return {
        "show": _user(context) is not None,
        "about": about,
        "object_id": object_id,
        "person_id": person_id,
        "purpose": purpose,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("sharing/feeds_family_opening.html", takes_context=True)
def feeds_family_opening(context: template.Context, members: Any, purpose: str) -> dict[str, Any]:
    """The family page's 'who else is involved': every member's involvements."""
    user = _user(context)
    if user is None:
        return {"show": False}
    names = {m.person.pk: m.display_name for m in members}
    rows = family_involvements(viewer=user, persons=[m.person for m in members], purpose=purpose)
    return {
        "show": True,
        "rows": [(names[person.pk], involvement) for person, involvement in rows],
    }
