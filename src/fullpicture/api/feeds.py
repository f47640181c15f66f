"""The agency feeds over the API: ``POST /api/v1/items`` and ``POST /api/v1/involvements``.

The same fields as the CSV feeds, as JSON; the agency is the token's (an agency sends
only its own items). All or nothing per batch; errors name the item index and field
exactly as the CSV's name row and column: ``{"message": ..., "errors": ["items[3].category:
..."], "problems": [{"index": 3, "field": "category", "message": ...}]}``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import AuthenticationError

from fullpicture.api.limits import FEW, Code, Line, Name, Text
from fullpicture.core.csvfile import ImportRejected, RowError
from fullpicture.partnerships.models import Agency, Practitioner
from fullpicture.sharing.feeds import (
    INVOLVEMENT_COLUMNS,
    ITEM_COLUMNS,
    involvements_import,
    items_import,
)

router = Router(tags=["feeds"])
MAX_BATCH = 5000


class ItemIn(Schema):
    source_id: Code
    person_source_ids: list[Code] = Field(max_length=FEW)
    category: Code
    occurred_at: Code
    recorded_at: Code
    summary: Line
    detail: Text = ""
    sensitivity: Code = ""
    consent: Code = ""


class ItemsIn(Schema):
    agency: Code = ""  # optional: if given, it must be the token's own agency
    current_to: dt.datetime | None = None
    items: list[ItemIn]


class InvolvementIn(Schema):
    person_source_id: Code
    practitioner_name: Name
    role: Name
    phone: Name = ""
    email: Name = ""
    started_on: Code
    latest_contact_on: Code = ""
    ended_on: Code = ""


class InvolvementsIn(Schema):
    agency: Code = ""
    current_to: dt.datetime | None = None
    involvements: list[InvolvementIn]


class OutcomeOut(Schema):
    index: int
    source_id: str
    id: int
    status: str


class FeedOut(Schema):
    created: int
    updated: int
    unchanged: int
    results: list[OutcomeOut]


class Problem(Schema):
    index: int
    field: str
    message: str


class FeedRefused(Schema):
    message: str
    errors: list[str]
    problems: list[Problem] = []


ERRORS: dict[int, Any] = {
    400: FeedRefused,
    401: FeedRefused,
    403: FeedRefused,
    413: FeedRefused,
    422: FeedRefused,
}


def _principal(request: HttpRequest) -> Practitioner:
    principal = getattr(request, "auth", None)
    if not isinstance(principal, Practitioner) or principal.agency is None:
        raise AuthenticationError
    return principal


def _refused(status: int, message: str, errors: list[RowError] | None = None) -> Status[Any]:
    problems = [{"index": e.row, "field": e.column, "message": e.message} for e in errors or []]
    return Status(
        status,
        {
            "message": message,
            "errors": [f"{e.file}[{e.row}].{e.column}: {e.message}" for e in errors or []]
            or [message],
            "problems": problems,
        },
    )


def _own_agency(principal: Practitioner, claimed: str) -> Agency | Status[Any]:
    agency = principal.agency
    assert agency is not None  # noqa: S101  (_principal checks it)
    if claimed and claimed != agency.code:
        return _refused(
            403,
            f"This token belongs to {agency.code}: it can send only {agency.code}'s own "
            "items. Nothing was stored.",
        )
    return agency


def _imported(run: Callable[[], Any]) -> Any:
    """Run one all-or-nothing import and answer with each row's outcome, or 400 and why."""
    try:
        result = run()
    except ImportRejected as exc:
        return _refused(400, "The batch was refused; nothing was stored.", exc.errors)
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "results": [
            {"index": o.row, "source_id": o.source_id, "id": o.id, "status": o.status}
            for o in result.outcomes
        ],
    }


@router.post("/items", response={200: FeedOut, **ERRORS})
def items_feed(request: HttpRequest, body: ItemsIn) -> Any:
    """Send a batch of the token's agency's items (events, facts, concerns).

    Each answers created, updated or unchanged; any bad item refuses the whole batch.
    """
    principal = _principal(request)
    agency = _own_agency(principal, body.agency)
    if not isinstance(agency, Agency):
        return agency
    if len(body.items) > MAX_BATCH:
        return _refused(413, f"Send at most {MAX_BATCH} items in one batch.")
    rows = []
    for index, item in enumerate(body.items):
        row = {c: str(getattr(item, c)).strip() for c in ITEM_COLUMNS if c != "person_source_ids"}
        row["person_source_ids"] = ";".join(p.strip() for p in item.person_source_ids)
        rows.append((index, row))
    return _imported(
        lambda: items_import(
            agency=agency,
            rows=rows,
            file="items",
            actor=principal.actor,
            current_to=body.current_to,
        )
    )


@router.post("/involvements", response={200: FeedOut, **ERRORS})
def involvements_feed(request: HttpRequest, body: InvolvementsIn) -> Any:
    """Send the token's agency's involvements: who works with each person, how to reach them."""
    principal = _principal(request)
    agency = _own_agency(principal, body.agency)
    if not isinstance(agency, Agency):
        return agency
    if len(body.involvements) > MAX_BATCH:
        return _refused(413, f"Send at most {MAX_BATCH} involvements in one batch.")
    rows = [
        (index, {c: str(getattr(i, c)).strip() for c in INVOLVEMENT_COLUMNS})
        for index, i in enumerate(body.involvements)
    ]
    return _imported(
        lambda: involvements_import(
            agency=agency,
            rows=rows,
            file="involvements",
            actor=principal.actor,
            current_to=body.current_to,
        )
    )
