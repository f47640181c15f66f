"""The JSON API, ``/api/v1/``: the same services, selectors and policy point as the pages.

A bearer token acts as its own principal (its agency, one role); every read and write
is audited by the selector or service it calls. Errors are JSON: ``{"message": ...,
"errors": [...]}`` with 400 (refused), 401 (no or bad token), 404 (missing or not
yours, alike) or 422 (malformed input). Bad input never makes a 500.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from fullpicture.api.limits import FEW, MANY, Code, Line, Name, Text
from fullpicture.api.models import ApiPrincipal
from fullpicture.api.selectors import principal_for_token
from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.frontdoor import selectors as fd
from fullpicture.frontdoor import services as fds
from fullpicture.frontdoor.models import Contact
from fullpicture.partnerships.models import Agency, Practitioner
from fullpicture.sharing.chronology import access_household_by_id, chronology_for_household
from fullpicture.sharing.policy import PurposeRefused, read_purpose
from fullpicture.sharing.selectors import (
    NotFound,
    PersonQuery,
    SearchRefused,
    access_person_by_id,
    person_chronology,
    person_search,
)
from fullpicture.vocabulary.selectors import categories_offered


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiPrincipal | None:
        principal = principal_for_token(secret=token)
        if principal is None:
            ledger_record(
                actor=Actor.system("api"),
                action=Action.DENIED,
                object_type="api_token",
                object_id=token.partition(".")[0][:16],
            )
        return principal


api = NinjaAPI(
    title="Full Picture API",
    version="1",
    description="Contacts, triage, information requests, decisions, feedback, persons "
    "and chronologies, for agencies' systems. Bearer tokens per agency.",
    auth=TokenAuth(),
    urls_namespace="api",
    # The docs and the OpenAPI document are for signed-in practitioners (the sign-in page
    # otherwise); Swagger UI's scripts come from the hub's static files ("ninja" app).
    docs_decorator=login_required,
)


def _error(
    request: HttpRequest, status: int, message: str, errors: list[Any] | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"message": message, "errors": errors or [message]}, status=status
    )


@api.exception_handler(fds.FrontDoorRefused)
def _refused(request: HttpRequest, exc: fds.FrontDoorRefused) -> HttpResponse:
    return _error(request, 400, "The request was refused; nothing was stored.", exc.errors)


@api.exception_handler(fds.ContactNotFound)
def _contact_missing(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "Not found.")


@api.exception_handler(NotFound)
def _missing(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "Not found.")


@api.exception_handler(SearchRefused)
def _search_refused(request: HttpRequest, exc: SearchRefused) -> HttpResponse:
    return _error(request, 422, "The search is outside its bounds.", [str(exc)])


@api.exception_handler(Http404)
def _http404(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "Not found.")


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = _error(request, 401, "Give a valid API token: Authorization: Bearer <token>.")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'body'}: {e.get('msg', 'invalid')}"
        for e in exc.errors
    ]
    return _error(request, 422, "The request is malformed.", errors)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # e.g. a body that is not JSON at all
        return _error(request, 400, "The request is malformed.", [str(exc)])
    return _error(request, exc.status_code, str(exc))


def _principal(request: HttpRequest) -> Practitioner:
    principal = getattr(request, "auth", None)
    if not isinstance(principal, Practitioner):
        raise AuthenticationError
    return principal


# ------------------------------------------------------------------------------ schemas


class PersonIn(Schema):
    role: Code
    given_name: Name = ""
    family_name: Name = ""
    other_names: Name = ""
    date_of_birth: dt.date | None = None
    sex: Code = ""
    address: Line = ""
    postcode: Code = ""
    nhs_number: Code = ""
    upn: Code = ""
    pnc_id: Code = ""


class ContactIn(Schema):
    people: list[PersonIn] = Field(max_length=FEW)
    what_happened: Text
    categories: list[Code] = Field(max_length=FEW)
    consent: Code
    paragraph18_reason: Code = ""
    wants_feedback: bool = True


class PersonOut(Schema):
    role: str
    name: str
    match: str


class DecisionOut(Schema):
    level: int
    outcome: str
    decided_at: dt.datetime
    due_at: dt.datetime
    on_time: bool
    countersigned: bool


class FeedbackOut(Schema):
    relevance: str
    where_recorded: str
    actions_taken: str
    further_action_needed: bool
    further_action: str
    sent_at: dt.datetime


class ContactOut(Schema):
    id: int
    reference: str
    status: str
    rag: str
    received_at: dt.datetime
    decision_due_at: dt.datetime
    rag_due_at: dt.datetime | None
    referrer_agency: str
    wants_feedback: bool
    people: list[PersonOut]
    decision: DecisionOut | None = None
    feedback: FeedbackOut | None = None


class Message(Schema):
    message: str
    errors: list[str]


def _contact_out(contact: Contact, viewer: Practitioner) -> dict[str, Any]:
    decision = fd.decision_of(contact=contact)
    feedback = fd.feedback_of(contact=contact)
    return {
        "id": contact.pk,
        "reference": contact.reference,
        "status": contact.status,
        "rag": contact.rag,
        "received_at": contact.received_at,
        "decision_due_at": contact.decision_due_at,
        "rag_due_at": contact.rag_due_at,
        "referrer_agency": contact.referrer_agency.code,
        "wants_feedback": contact.wants_feedback,
        "people": [
            {
                "role": p.role,
                "name": p.record.display_name,
                # the referrer hears no more than their own search would show (0072)
                "match": fd.match_for_viewer(viewer=viewer, contact=contact, person=p),
            }
            for p in contact.people.select_related("record")
        ],
        "decision": None
        if decision is None
        else {
            "level": decision.level,
            "outcome": decision.outcome,
            "decided_at": decision.decided_at,
            "due_at": decision.due_at,
            "on_time": decision.on_time,
            "countersigned": decision.countersigned_at is not None,
        },
        "feedback": None
        if feedback is None
        else {
            "relevance": feedback.relevance,
            "where_recorded": feedback.where_recorded,
            "actions_taken": feedback.actions_taken,
            "further_action_needed": feedback.further_action_needed,
            "further_action": feedback.further_action,
            "sent_at": feedback.sent_at,
        },
    }


ERRORS: dict[int, Any] = {400: Message, 401: Message, 404: Message, 422: Message}


# ----------------------------------------------------------------------------- contacts


@api.post("/contacts", response={201: ContactOut, **ERRORS}, tags=["contacts"])
def contact_create(request: HttpRequest, body: ContactIn) -> Status[dict[str, Any]]:
    """Record a concern about one or more children and adults; people are matched at once."""
    slugs = {c.slug: c.pk for c in categories_offered()}
    unknown = [s for s in body.categories if s not in slugs]
    if unknown:
        raise fds.FrontDoorRefused(
            f"Unknown categories: {', '.join(unknown)}. Use the shared vocabulary's slugs."
        )
    data = fds.ContactInput(
        people=tuple(fds.PersonEntry(**p.dict()) for p in body.people),
        what_happened=body.what_happened,
        category_ids=tuple(slugs[s] for s in body.categories),
        consent=body.consent,
        paragraph18_reason=body.paragraph18_reason,
        wants_feedback=body.wants_feedback,
    )
    viewer = _principal(request)
    created = fds.contact_create(user=viewer, data=data)
    return Status(201, _contact_out(created.contact, viewer))


@api.get("/contacts", response={200: list[ContactOut], **ERRORS}, tags=["contacts"])
def contact_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Contacts this token's agency system raised (or, for a MASH token, its MASH's)."""
    viewer = _principal(request)
    contacts = list(fd.contacts_visible_to(viewer=viewer).order_by("-received_at", "-id")[:200])
    ledger_record(
        actor=viewer.actor,
        action=Action.VIEW,
        object_type="contact_list",
        purpose=fds.PURPOSE,
        details={"contact_ids": [str(c.pk) for c in contacts]},
    )
    return [_contact_out(c, viewer) for c in contacts]


@api.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS}, tags=["contacts"])
def contact_get(request: HttpRequest, contact_id: int) -> dict[str, Any]:
    viewer = _principal(request)
    contact = fd.access_contact_by_id(viewer=viewer, contact_id=contact_id)
    return _contact_out(contact, viewer)


# ------------------------------------------------------------------------------- triage


class TriageIn(Schema):
    rag: Code


class QueueRowOut(Schema):
    contact_id: int
    reference: str
    status: str
    rag: str
    due_at: dt.datetime
    working_hours_left: float
    overdue: bool


@api.post("/contacts/{contact_id}/triage", response={200: ContactOut, **ERRORS}, tags=["triage"])
def contact_triage(request: HttpRequest, contact_id: int, body: TriageIn) -> dict[str, Any]:
    """Rate a contact red, amber or green (MASH tokens only)."""
    viewer = _principal(request)
    contact = fds.contact_triage(user=viewer, contact_id=contact_id, rag=body.rag)
    return _contact_out(contact, viewer)


@api.get("/triage/queue", response={200: list[QueueRowOut], **ERRORS}, tags=["triage"])
def triage_queue(request: HttpRequest) -> list[dict[str, Any]]:
    """The MASH's open contacts, least working time left first (empty for other tokens)."""
    return [
        {
            "contact_id": r.contact.pk,
            "reference": r.contact.reference,
            "status": r.contact.status,
            "rag": r.contact.rag,
            "due_at": r.due_at,
            "working_hours_left": round(r.hours_left, 2),
            "overdue": r.overdue,
        }
        for r in fd.mash_queue(viewer=_principal(request))
    ]


# ------------------------------------------------------------------ information requests


class RequestIn(Schema):
    person_id: int
    agencies: list[Code] = Field(max_length=FEW)
    question: Text = ""
    include_household: bool = False


class AgencyAnswerOut(Schema):
    agency: str
    answered_at: dt.datetime | None
    shared: int
    withheld: int
    withheld_reasons: list[str]


class RequestOut(Schema):
    id: int
    requested_at: dt.datetime
    due_at: dt.datetime
    answers: list[AgencyAnswerOut]


class ItemOut(Schema):
    id: int
    occurred_at: dt.datetime
    agency: str
    category: str
    summary: str


class InformationOut(Schema):
    requests: list[RequestOut]
    shared_items: list[ItemOut]
    withheld: int


class ReceivedRequestOut(Schema):
    id: int
    from_agency: str
    person_id: int
    question: str
    due_at: dt.datetime
    answered_at: dt.datetime | None
    version: int


class WithholdIn(Schema):
    item_id: int
    reason: Code


class AnswerIn(Schema):
    version: int
    share_item_ids: list[int] = Field(default=[], max_length=MANY)
    withhold: list[WithholdIn] = Field(default=[], max_length=MANY)
    reason: Text = ""
    withhold_note: Text = ""
    golden_rules: list[Code] = Field(
        default=[],
        max_length=FEW,
        description="The golden rules considered (codes: protection, engage, consent, "
        "advice, identities, relevant, record).",
    )
    risk_judgement: Code = Field(
        default="",
        description="The balance of risk: not_sharing_greater or balanced (sharing_greater "
        "is refused: withhold instead).",
    )
    paragraph18_reason: Code = Field(
        default="",
        description="For a share outside the agreements: the DPA 2018 Sch 1 para 18 reason.",
    )


def _agency_ids(codes: list[str]) -> list[int]:
    found = dict(Agency.objects.filter(code__in=codes).values_list("code", "pk"))
    unknown = [c for c in codes if c not in found]
    if unknown or not codes:
        raise fds.FrontDoorRefused(f"Unknown agency codes: {', '.join(unknown) or '(none given)'}.")
    return [found[c] for c in codes]


@api.post(
    "/contacts/{contact_id}/information-requests",
    response={201: InformationOut, **ERRORS},
    tags=["information requests"],
)
def information_request(
    request: HttpRequest, contact_id: int, body: RequestIn
) -> Status[dict[str, Any]]:
    """Ask agencies what they hold on one of the contact's people (MASH tokens only)."""
    viewer = _principal(request)
    fds.contact_request_information(
        user=viewer,
        contact_id=contact_id,
        person_id=body.person_id,
        agency_ids=_agency_ids(body.agencies),
        question=body.question,
        include_household=body.include_household,
    )
    return Status(201, _information(viewer, contact_id))


def _information(viewer: Practitioner, contact_id: int) -> dict[str, Any]:
    contact = fd.access_contact_by_id(viewer=viewer, contact_id=contact_id)
    if not fd.is_mash(viewer) or contact.mash_agency_id != viewer.agency_id:
        raise fds.ContactNotFound
    info = fd.enquiry_information(viewer=viewer, contact=contact)
    return {
        "requests": [
            {
                "id": r.request.pk,
                "requested_at": r.request.requested_at,
                "due_at": r.request.due_at,
                "answers": [
                    {
                        "agency": a.agency.code,
                        "answered_at": a.answered_at,
                        "shared": a.shared,
                        "withheld": a.withheld,
                        "withheld_reasons": a.withheld_reasons,
                    }
                    for a in r.answers
                ],
            }
            for r in info.requests
        ],
        "shared_items": [
            {
                "id": i.pk,
                "occurred_at": i.occurred_at,
                "agency": i.source_agency.code,
                "category": i.category.slug,
                "summary": i.summary,
            }
            for i in info.items
        ],
        "withheld": info.withheld,
    }


@api.get(
    "/contacts/{contact_id}/information",
    response={200: InformationOut, **ERRORS},
    tags=["information requests"],
)
def information_compiled(request: HttpRequest, contact_id: int) -> dict[str, Any]:
    """Answers compiled on the enquiry: shared items, and withheld counts and reasons only."""
    return _information(_principal(request), contact_id)


@api.get(
    "/information-requests",
    response={200: list[ReceivedRequestOut], **ERRORS},
    tags=["information requests"],
)
def requests_received(request: HttpRequest) -> list[dict[str, Any]]:
    """Requests sent to this token's agency, unanswered first."""
    viewer = _principal(request)
    rows = list(fd.requests_for_agency(viewer=viewer)[:200])
    ledger_record(
        actor=viewer.actor,
        action=Action.VIEW,
        object_type="information_request_list",
        details={"request_ids": [str(r.request_id) for r in rows]},
    )
    return [
        {
            "id": r.request_id,
            "from_agency": r.request.from_agency.code,
            "person_id": r.request.person_id,
            "question": r.request.question,
            "due_at": r.request.due_at,
            "answered_at": r.answered_at,
            "version": r.version,
        }
        for r in rows
    ]


@api.post(
    "/information-requests/{request_id}/answer",
    response={200: Message, **ERRORS},
    tags=["information requests"],
)
def request_answer(request: HttpRequest, request_id: int, body: AnswerIn) -> dict[str, Any]:
    """Answer item by item: which of the agency's items to share, which to withhold and why."""
    viewer = _principal(request)
    fd.request_for_agency(viewer=viewer, request_id=request_id)
    fds.request_answer(
        user=viewer,
        request_id=request_id,
        version=body.version,
        share_item_ids=body.share_item_ids,
        withhold=[(w.item_id, w.reason) for w in body.withhold],
        reason=body.reason,
        withhold_reason=body.withhold_note,
        golden_rules=body.golden_rules,
        risk_judgement=body.risk_judgement,
        paragraph18_reason=body.paragraph18_reason,
    )
    return {"message": "Answered.", "errors": []}


# ---------------------------------------------------------------- decisions and feedback


class FeedbackIn(Schema):
    relevance: Code
    where_recorded: Line
    actions_taken: Text
    further_action_needed: bool
    further_action: Text = ""


class DecisionIn(Schema):
    level: int
    outcome: Code
    rationale: Text
    feedback: FeedbackIn | None = None


class EscalationIn(Schema):
    reason: Text


def _parts(body: FeedbackIn) -> fds.FeedbackParts:
    return fds.FeedbackParts(**body.dict())


@api.post(
    "/contacts/{contact_id}/decision", response={201: ContactOut, **ERRORS}, tags=["decisions"]
)
def decision(request: HttpRequest, contact_id: int, body: DecisionIn) -> Status[dict[str, Any]]:
    """Decide on the continuum of need, with a rationale (and the feedback, sent with it)."""
    viewer = _principal(request)
    fds.decision_record(
        user=viewer,
        contact_id=contact_id,
        level=body.level,
        outcome=body.outcome,
        rationale=body.rationale,
        feedback=_parts(body.feedback) if body.feedback else None,
    )
    return Status(
        201, _contact_out(fd.access_contact_by_id(viewer=viewer, contact_id=contact_id), viewer)
    )


@api.post(
    "/contacts/{contact_id}/escalations", response={201: Message, **ERRORS}, tags=["decisions"]
)
def escalate(request: HttpRequest, contact_id: int, body: EscalationIn) -> Status[dict[str, Any]]:
    """Record a disagreement with the decision."""
    fds.escalation_raise(user=_principal(request), contact_id=contact_id, reason=body.reason)
    return Status(201, {"message": "Escalated.", "errors": []})


@api.post(
    "/contacts/{contact_id}/feedback", response={201: ContactOut, **ERRORS}, tags=["feedback"]
)
def feedback_send(
    request: HttpRequest, contact_id: int, body: FeedbackIn
) -> Status[dict[str, Any]]:
    """Send the four-part feedback on a decided contact (refused if the referrer opted out)."""
    viewer = _principal(request)
    fds.feedback_send(user=viewer, contact_id=contact_id, parts=_parts(body))
    return Status(
        201, _contact_out(fd.access_contact_by_id(viewer=viewer, contact_id=contact_id), viewer)
    )


@api.get("/feedback", response={200: list[ContactOut], **ERRORS}, tags=["feedback"])
def feedback_inbox(request: HttpRequest) -> list[dict[str, Any]]:
    """The token's own contacts that have feedback: the referrer's inbox."""
    viewer = _principal(request)
    contacts = [c for c in fd.inbox(viewer=viewer) if fd.feedback_of(contact=c) is not None]
    ledger_record(
        actor=viewer.actor,
        action=Action.VIEW,
        object_type="feedback_list",
        purpose=fds.PURPOSE,
        details={"contact_ids": [str(c.pk) for c in contacts]},
    )
    return [_contact_out(c, viewer) for c in contacts]


# ---------------------------------------------------------------- persons and chronology


class PersonSummaryOut(Schema):
    id: int
    names: list[str]
    dates_of_birth: list[dt.date]
    agencies: list[str]


class ChronologyItemOut(Schema):
    id: int
    occurred_at: dt.datetime
    agency: str
    category: str
    summary: str
    detail: str
    source: str


def _purpose(purpose: str, context: str) -> str:
    """The purpose a read asks for, carried by its work context (docs/decisions/0056)."""
    try:
        return read_purpose(purpose=purpose, context=context)
    except PurposeRefused as refused:
        where = "context" if context else "purpose"
        raise ValidationError([{"loc": ("query", where), "msg": str(refused)}]) from None


@api.get("/persons", response={200: list[PersonSummaryOut], **ERRORS}, tags=["persons"])
def persons(
    request: HttpRequest,
    purpose: str,
    name: str = "",
    date_of_birth: dt.date | None = None,
    identifier: str = "",
    context: str = "",
) -> list[dict[str, Any]]:
    """Find persons among the records this token may see, for a stated purpose."""
    query = PersonQuery(name=name, date_of_birth=date_of_birth, identifier=identifier)
    if query.is_empty:
        raise fds.FrontDoorRefused("Give a name, a date of birth or an identifier.")
    results = person_search(
        viewer=_principal(request), purpose=_purpose(purpose, context), query=query
    )
    return [
        {
            "id": s.person.pk,
            "names": s.names,
            "dates_of_birth": s.dates_of_birth,
            "agencies": [a.code for a in s.agencies],
        }
        for s in results
    ]


@api.get(
    "/persons/{person_id}/chronology",
    response={200: list[ChronologyItemOut], **ERRORS},
    tags=["persons"],
)
def chronology(
    request: HttpRequest, person_id: int, purpose: str, context: str = ""
) -> list[dict[str, Any]]:
    """Every item about the person this token may see for the purpose, in order: a purpose
    other than direct care is read in a work context (``context=contact:12``)."""
    viewer = _principal(request)
    purpose = _purpose(purpose, context)
    summary = access_person_by_id(viewer=viewer, person_id=person_id, purpose=purpose)
    result = person_chronology(viewer=viewer, person=summary.person, purpose=purpose)
    return [
        {
            "id": i.pk,
            "occurred_at": i.occurred_at,
            "agency": i.source_agency.code,
            "category": i.category.slug,
            "summary": i.summary,
            "detail": i.detail,
            "source": i.source_description,
        }
        for i in result.items
    ]


class ChronologySourceOut(Schema):
    id: int
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    recorded_by: str
    agency: str
    summary: str
    detail: str
    source: str
    sensitivity: str


class ChronologyEntryOut(Schema):
    occurred_at: dt.datetime
    category: str
    person_ids: list[int]
    sources: list[ChronologySourceOut]


@api.get(
    "/households/{household_id}/chronology",
    response={200: list[ChronologyEntryOut], **ERRORS},
    tags=["persons"],
)
def household_chronology(
    request: HttpRequest, household_id: int, purpose: str, context: str = ""
) -> list[dict[str, Any]]:
    """Every item about the household's members this token may see for the purpose, in
    order; the same event reported by several agencies is one entry with every source."""
    viewer = _principal(request)
    purpose = _purpose(purpose, context)
    household = access_household_by_id(viewer=viewer, household_id=household_id, purpose=purpose)
    result = chronology_for_household(viewer=viewer, household=household, purpose=purpose)
    return [
        {
            "occurred_at": entry.occurred_at,
            "category": entry.category.slug,
            "person_ids": sorted(entry.person_ids),
            "sources": [
                {
                    "id": i.pk,
                    "occurred_at": i.occurred_at,
                    "recorded_at": i.recorded_at,
                    "recorded_by": i.recorded_by_label,
                    "agency": i.source_agency.code,
                    "summary": i.summary,
                    "detail": i.detail,
                    "source": i.source_description,
                    "sensitivity": i.sensitivity,
                }
                for i in entry.sources
            ],
        }
        for entry in result.entries
    ]


# ---------------------------------------------------------------------------- feeds

from fullpicture.api.feeds import router as feeds_router  # noqa: E402

api.add_router("", feeds_router)
