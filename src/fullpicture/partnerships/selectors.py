"""Reads about practitioners."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from fullpicture.partnerships.models import Practitioner


def request_practitioner(request: HttpRequest, *, in_agency: bool = False) -> Practitioner:
    """The signed-in practitioner behind a request (``in_agency``: one who belongs to an
    agency). Anyone else gets the same 404 as a page that does not exist, so nothing is
    learnt from the answer. Views call this first; LoginRequiredMiddleware has already sent
    anonymous visitors to sign in."""
    user = request.user
    if not isinstance(user, Practitioner) or (in_agency and user.agency_id is None):
        raise Http404
    return user
