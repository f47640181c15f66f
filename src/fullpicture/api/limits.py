"""Bounded input for every machine endpoint (``/api/...`` and ``/fhir/...``).

Two layers, so that no request can make the database work for long:

* :class:`BoundedQueryMiddleware` caps the query string of every machine request (its
  length, the number of parameters and each value's length) before any view runs, so a
  parameter added later is bounded too. Over a cap: 422, naming the rule (JSON in the
  API's ``{"message", "errors"}`` shape; an ``OperationOutcome`` under ``/fhir/``).
* The request bodies' schemas bound each string and list with the types below
  (django-ninja answers 422 naming the field). Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``
  caps the body as a whole.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from pydantic import Field

MACHINE_PREFIXES = ("/api/", "/fhir/")
MAX_QUERY_STRING = 2048
MAX_QUERY_PARAMETERS = 20
MAX_QUERY_VALUE = 200

# Strings in request bodies.
Code = Annotated[str, Field(max_length=64)]  # slugs, codes, choices, source ids, dates
Name = Annotated[str, Field(max_length=200)]  # a name, a phone number, an e-mail address
Line = Annotated[str, Field(max_length=500)]  # an address, a summary, a short reason
Text = Annotated[str, Field(max_length=20_000)]  # free text: what happened, a rationale
# Lists in request bodies.
FEW = 50  # people on a contact, categories, agencies asked, golden rules
MANY = 1_000  # items shared or withheld in one answer


def _refusal(path: str, message: str) -> HttpResponse:
    if path.startswith("/fhir/"):
        body = {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": "too-long", "diagnostics": message}],
        }
        content_type = "application/fhir+json"
    else:
        body = {"message": "The request is malformed.", "errors": [message]}
        content_type = "application/json"
    response = HttpResponse(json.dumps(body), status=422, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response


def query_problem(request: HttpRequest) -> str | None:
    """What is wrong with the request's query string, or None."""
    raw = request.META.get("QUERY_STRING", "")
    if len(raw) > MAX_QUERY_STRING:
        return f"query: the query string can be at most {MAX_QUERY_STRING} characters."
    if raw.count("&") + 1 > MAX_QUERY_PARAMETERS:
        return f"query: give at most {MAX_QUERY_PARAMETERS} parameters."
    for key, values in request.GET.lists():
        if len(key) > MAX_QUERY_VALUE:
            return f"query: a parameter's name can be at most {MAX_QUERY_VALUE} characters."
        for value in values:
            if len(value) > MAX_QUERY_VALUE:
                return f"query.{key}: can be at most {MAX_QUERY_VALUE} characters."
    return None


class BoundedQueryMiddleware:
    """422 for a machine request whose query string is over a cap (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(MACHINE_PREFIXES):
            problem = query_problem(request)
            if problem is not None:
                return _refusal(request.path, problem)
        return self.get_response(request)
