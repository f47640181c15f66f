"""Pages for the feeds: raising a challenge from the person page, and the owning agency's
list of challenges to answer. Parse, call one service or selector, render."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from fullpicture.partnerships.models import Practitioner
from fullpicture.partnerships.selectors import request_practitioner
from fullpicture.sharing.challenges import (
    ANSWERS,
    ChallengeRefused,
    challenge_answer,
    challenge_raise,
    challenges_for_agency,
)
from fullpicture.sharing.models import ChallengeAnswer
from fullpicture.sharing.policy import PurposeRefused, read_purpose
from fullpicture.sharing.selectors import NotFound
from fullpicture.sharing.templatetags.sharing_tags import read_query


def _viewer(request: HttpRequest) -> Practitioner:
    return request_practitioner(request, in_agency=True)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@require_POST
def challenge_new(request: HttpRequest) -> HttpResponse:
    """Report an item or a record as wrong (the form beside it on the person page)."""
    viewer = _viewer(request)
    person_id = _int(request.POST.get("person"))
    try:
        purpose = read_purpose(
            purpose=request.POST.get("purpose", ""), context=request.POST.get("context")
        )
    except PurposeRefused:
        raise Http404 from None
    about = request.POST.get("about", "")
    object_id = _int(request.POST.get("object"))
    if person_id is None or object_id is None:
        raise Http404
    if about not in {"item", "record"}:
        raise Http404
    reason = request.POST.get("reason", "")
    try:
        challenge_raise(
            viewer=viewer,
            person_id=person_id,
            purpose=purpose,
            reason=reason,
            item_id=object_id if about == "item" else None,
            record_id=object_id if about == "record" else None,
        )
    except NotFound:
        raise Http404 from None
    except ChallengeRefused as exc:
        context = {
            "error": str(exc),
            "person_id": person_id,
            "purpose": purpose,
            "about": about,
            "object_id": object_id,
            "reason": reason,
        }
        return render(request, "sharing/challenge_new.html", context, status=400)
    url = reverse("web:person", args=[person_id])
    return redirect(f"{url}?{read_query(purpose)}&challenged=1#your-challenges")


def challenges_page(request: HttpRequest) -> HttpResponse:
    """The agency's challenges: open ones to answer first, then the answered."""
    viewer = _viewer(request)
    challenges = list(challenges_for_agency(viewer=viewer)[:200])
    return render(
        request,
        "sharing/challenges.html",
        {
            "open": [c for c in challenges if c.answered_at is None],
            "answered": [c for c in challenges if c.answered_at is not None],
            "answers": [(a.value, ChallengeAnswer(a).label) for a in ANSWERS],
        },
    )


@require_http_methods(["POST"])
def challenge_answer_view(request: HttpRequest, challenge_id: int) -> HttpResponse:
    viewer = _viewer(request)
    try:
        challenge_answer(
            user=viewer,
            challenge_id=challenge_id,
            answer=request.POST.get("answer", ""),
            note=request.POST.get("note", ""),
        )
    except NotFound:
        raise Http404 from None
    except ChallengeRefused as exc:
        challenges = list(challenges_for_agency(viewer=viewer)[:200])
        return render(
            request,
            "sharing/challenges.html",
            {
                "open": [c for c in challenges if c.answered_at is None],
                "answered": [c for c in challenges if c.answered_at is not None],
                "answers": [(a.value, ChallengeAnswer(a).label) for a in ANSWERS],
                "error": str(exc),
                "error_for": challenge_id,
            },
            status=400,
        )
    return redirect(reverse("sharing:challenges") + f"#challenge-{challenge_id}")
