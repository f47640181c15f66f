"""Clerical review pages (MASH managers and administrators) and match quality.

Reviewers see the two records of a possible match side by side, so these pages
are theirs alone: anyone else, and any case outside the reviewer's partnership,
gets the same 404 as a page that does not exist. Viewing a case is recorded in
the ledger (ids only) like any other view of personal data.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record, ledger_record_denied
from fullpicture.linkage.forms import (
    MergeForm,
    ProposalDecisionForm,
    ReviewDecisionForm,
    SplitForm,
    UnlinkForm,
)
from fullpicture.linkage.relink import Conflict as RelinkConflict
from fullpicture.linkage.relink import relink_decide
from fullpicture.linkage.selectors import (
    NotFound,
    access_person_records,
    access_review_case,
    match_quality,
    may_review,
    relink_proposals_waiting,
    review_queue,
)
from fullpicture.linkage.services import (
    Conflict,
    person_split,
    persons_merge,
    record_unlink,
    review_decide,
)
from fullpicture.partnerships.models import Practitioner

PURPOSE = "audit"  # data quality: who is who
CONFLICT_MESSAGE = (
    "Someone else changed these records while you were looking. Nothing was changed by "
    "you: check the records again before deciding."
)


def _reviewer(request: HttpRequest) -> tuple[Practitioner, int]:
    user = request.user
    if not isinstance(user, Practitioner) or not may_review(roles=user.role_codes):
        raise Http404
    partnership_id = user.partnership_id
    if partnership_id is None:
        raise Http404
    return user, partnership_id


def _errors(form: Form, first_choice: dict[str, str] | None = None) -> list[tuple[str, str]]:
    first_choice = first_choice or {}
    return [
        (first_choice.get(name) or f"#{form[name].id_for_label}", str(error))
        for name, errs in form.errors.items()
        if name in form.fields
        for error in errs
    ]


def _record_view(viewer: Practitioner, object_type: str, object_id: int, **ids: Any) -> None:
    ledger_record(
        actor=viewer.actor,
        action=Action.VIEW,
        object_type=object_type,
        object_id=object_id,
        purpose=PURPOSE,
        details={
            k: [str(v) for v in vs] if isinstance(vs, list) else str(vs) for k, vs in ids.items()
        },
    )


def _record_denied(viewer: Practitioner, object_type: str, person_id: int) -> None:
    ledger_record_denied(
        actor=viewer.actor, object_type=object_type, object_id=person_id, purpose=PURPOSE
    )


@require_GET
def review_queue_page(request: HttpRequest) -> HttpResponse:
    _viewer, partnership_id = _reviewer(request)
    cases = list(review_queue(partnership_id=partnership_id)[:200])
    proposals = list(relink_proposals_waiting(partnership_id=partnership_id)[:200])
    return render(request, "linkage/review_queue.html", {"cases": cases, "proposals": proposals})


@require_http_methods(["POST"])
def relink_proposal_page(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """A reviewer's decision on a move a new model proposed (from the queue page)."""
    viewer, partnership_id = _reviewer(request)
    if not relink_proposals_waiting(partnership_id=partnership_id).filter(pk=proposal_id).exists():
        messages.error(request, "This proposed move has already been decided.")
        return redirect("linkage:review_queue")
    form = ProposalDecisionForm(request.POST)
    if not form.is_valid():
        for _field, error in _errors(form):
            messages.error(request, error)
        return redirect("linkage:review_queue")
    accept = form.cleaned_data["decision"] == "accept"
    try:
        relink_decide(
            proposal_id=proposal_id,
            accept=accept,
            reason=form.cleaned_data["reason"],
            actor=viewer.actor,
        )
    except RelinkConflict:
        messages.error(request, CONFLICT_MESSAGE)
        return redirect("linkage:review_queue")
    messages.success(
        request,
        "Decision recorded: "
        + ("the record has moved." if accept else "the records stay as they are."),
    )
    return redirect("linkage:review_queue")


@require_http_methods(["GET", "POST"])
def review_case_page(request: HttpRequest, record_id: int) -> HttpResponse:
    viewer, partnership_id = _reviewer(request)
    try:
        case = access_review_case(partnership_id=partnership_id, record_id=record_id)
    except NotFound:
        if request.method == "POST":
            messages.error(request, "This case has already been decided.")
            return redirect("linkage:review_queue")
        raise Http404 from None
    form = ReviewDecisionForm(request.POST or None, initial={"version": case.link.version})
    if request.method == "POST" and form.is_valid():
        try:
            review_decide(
                record_id=case.record.pk,
                version=form.cleaned_data["version"],
                same_person=form.cleaned_data["decision"] == "same",
                reason=form.cleaned_data["reason"],
                actor=viewer.actor,
            )
        except Conflict:
            messages.error(request, CONFLICT_MESSAGE)
            return redirect("linkage:review_queue")
        messages.success(
            request,
            "Decision recorded: "
            + (
                "the records are now one person."
                if form.cleaned_data["decision"] == "same"
                else "the records will be kept apart."
            ),
        )
        return redirect("linkage:review_queue")
    _record_view(
        viewer,
        "review_case",
        case.record.pk,
        record_ids=[case.record.pk, case.candidate.pk],
        person_ids=[p for p in (case.record.person_id, case.candidate.person_id) if p],
    )
    return render(
        request,
        "linkage/review_case.html",
        {
            "case": case,
            "form": form,
            "errors": _errors(form, {"decision": "#id_decision_0"}),
            "total_weight": case.match_weight,
        },
    )


@require_http_methods(["GET", "POST"])
def person_records_page(request: HttpRequest, person_id: int) -> HttpResponse:
    viewer, partnership_id = _reviewer(request)
    try:
        person = access_person_records(partnership_id=partnership_id, person_id=person_id)
    except NotFound:
        _record_denied(viewer, "person_records", person_id)
        raise Http404 from None
    ids = [r.pk for r in person.records]
    split_form = SplitForm(None, record_ids=ids, initial={"token": person.token})
    unlink_form = UnlinkForm()
    action = request.POST.get("action")
    try:
        if request.method == "POST" and action == "split":
            split_form = SplitForm(request.POST, record_ids=ids)
            if split_form.is_valid():
                try:
                    new_person = person_split(
                        person_id=person_id,
                        record_ids=split_form.cleaned_data["records"],
                        token=split_form.cleaned_data["token"],
                        reason=split_form.cleaned_data["reason"],
                        actor=viewer.actor,
                    )
                except ValueError:
                    split_form.add_error(
                        "records", "Select some, but not all, of this person's records"
                    )
                else:
                    messages.success(request, f"Records moved to a new person, {new_person}.")
                    return redirect("linkage:person_records", person_id=person_id)
        elif request.method == "POST" and action == "unlink":
            unlink_form = UnlinkForm(request.POST)
            if unlink_form.is_valid():
                record_id, version = unlink_form.record_and_version()
                if record_id not in ids:
                    raise Conflict
                new_person = record_unlink(
                    record_id=record_id,
                    version=version,
                    reason=unlink_form.cleaned_data["reason"],
                    actor=viewer.actor,
                )
                messages.success(request, f"Link undone: the record is now person {new_person}.")
                return redirect("linkage:person_records", person_id=person_id)
    except Conflict:
        messages.error(request, CONFLICT_MESSAGE)
        return redirect("linkage:person_records", person_id=person_id)
    _record_view(viewer, "person_records", person_id, record_ids=ids)
    errors = _errors(split_form, {"records": "#id_records_0", "reason": "#id_split_reason"})
    errors += _errors(unlink_form, {"record": "#id_unlink_0", "reason": "#id_unlink_reason"})
    return render(
        request,
        "linkage/person_records.html",
        {
            "person": person,
            "split_form": split_form,
            "unlink_form": unlink_form,
            "errors": errors,
            "merge_form": MergeForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def person_merge_page(request: HttpRequest, person_id: int) -> HttpResponse:
    """Step 1 (GET ?other=ID): both persons' records side by side; step 2 (POST): merge."""
    viewer, partnership_id = _reviewer(request)
    try:
        keep = access_person_records(partnership_id=partnership_id, person_id=person_id)
    except NotFound:
        _record_denied(viewer, "person_merge", person_id)
        raise Http404 from None
    other = None
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        form = MergeForm(request.POST)
    elif "other" in request.GET:
        form = MergeForm({"other": request.GET["other"]})
        form.is_valid()  # cleaned, so that a refusal below can be added to the field
    else:
        form = MergeForm()
    raw = (request.POST if request.method == "POST" else request.GET).get("other", "").strip()
    if raw:
        try:
            if not raw.isdigit() or int(raw) == person_id:
                raise NotFound
            other = access_person_records(partnership_id=partnership_id, person_id=int(raw))
        except NotFound:
            form.add_error("other", "Enter the id of another person in your partnership")
    if request.method == "POST" and other is not None and form.is_valid():
        try:
            persons_merge(
                keep_id=person_id,
                other_id=other.person_id,
                keep_token=form.cleaned_data["token"],
                other_token=form.cleaned_data["other_token"],
                reason=form.cleaned_data["reason"],
                actor=viewer.actor,
            )
        except Conflict:
            messages.error(request, CONFLICT_MESSAGE)
        else:
            messages.success(request, f"Person {other.person_id} merged into this person.")
        return redirect("linkage:person_records", person_id=person_id)
    if form.is_bound and form.errors:
        errors = _errors(form)
        if request.method == "GET":  # the compare step asks only for the other person
            errors = [e for e in errors if e[0] == f"#{form['other'].id_for_label}"]
    record_ids = [r.pk for r in keep.records] + ([r.pk for r in other.records] if other else [])
    others = [other.person_id] if other else []
    _record_view(
        viewer, "person_merge", person_id, record_ids=record_ids, person_ids=[person_id, *others]
    )
    return render(
        request,
        "linkage/person_merge.html",
        {"keep": keep, "other": other, "form": form, "errors": errors},
    )


@require_GET
def quality_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, Practitioner) or not may_review(roles=user.role_codes):
        raise Http404
    if user.partnership_id is None:
        raise Http404
    rows = match_quality(partnership_id=user.partnership_id)
    return render(request, "linkage/quality.html", {"rows": rows})
