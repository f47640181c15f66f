"""Meeting pages. Views parse input, call one selector or service, and render.

A meeting or minutes the viewer may not see is the same 404 as a missing page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record
from fullpicture.meetings.models import ActionStatus, Attendance, MeetingKind
from fullpicture.meetings.pdf import render_minutes_pdf
from fullpicture.meetings.selectors import (
    PURPOSE,
    MeetingNotFound,
    access_meeting,
    contribution_items,
    invitable_practitioners,
    may_read_minutes,
    may_run_meeting,
    meetings_for,
    minutes_for,
    person_labels,
)
from fullpicture.meetings.services import (
    ActionPlan,
    ContributionPlan,
    MeetingPlan,
    MeetingRefused,
    action_add,
    action_set_status,
    attendance_record,
    contribution_prepare,
    decision_add,
    meeting_create,
    minutes_sign_off,
    note_add,
    note_edit,
)
from fullpicture.partnerships.models import MASH_ROLES, Agency, Practitioner
from fullpicture.partnerships.selectors import request_practitioner
from fullpicture.sharing.models import WithholdReason


def _viewer(request: HttpRequest) -> Practitioner:
    return request_practitioner(request)


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _ids(value: str) -> tuple[int, ...]:
    parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
    if any(not p.isdigit() for p in parts):
        raise MeetingRefused("Enter ids as numbers separated by commas, for example 12, 14.")
    return tuple(int(p) for p in parts)


def _errors(refused: MeetingRefused, anchor: str) -> list[tuple[str, str]]:
    return [(anchor, m) for m in refused.messages]


@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    return render(
        request,
        "meetings/list.html",
        {
            "meetings": meetings_for(viewer=viewer)[:100],
            "may_convene": bool(viewer.role_codes & MASH_ROLES),
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not viewer.role_codes & MASH_ROLES or viewer.agency is None:
        raise Http404
    agencies = Agency.objects.filter(partnership_id=viewer.agency.partnership_id or 0).exclude(
        pk=viewer.agency.pk
    )
    colleagues = Practitioner.objects.filter(agency_id=viewer.agency.pk, is_active=True)
    context: dict[str, Any] = {
        "kinds": MeetingKind.choices,
        "agencies": agencies,
        "colleagues": colleagues,
        "data": request.POST,
        "chosen": [int(a) for a in request.POST.getlist("agencies") if a.isdigit()],
    }
    if request.method == "POST":
        try:
            when = dt.datetime.fromisoformat(request.POST.get("starts_at", ""))
        except ValueError:
            context["errors"] = [("#starts_at", "Enter when the meeting starts")]
            return render(request, "meetings/new.html", context)
        try:
            meeting = meeting_create(
                user=viewer,
                plan=MeetingPlan(
                    kind=request.POST.get("kind", ""),
                    title=request.POST.get("title", ""),
                    starts_at=timezone.make_aware(when) if timezone.is_naive(when) else when,
                    chair_id=_int(request.POST.get("chair")) or 0,
                    agency_ids=tuple(context["chosen"]),
                    person_ids=_ids(request.POST.get("person_ids", "")),
                    household_ids=_ids(request.POST.get("household_ids", "")),
                ),
            )
        except MeetingRefused as refused:
            context["errors"] = _errors(refused, "#title")
        else:
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/new.html", context)


def _detail_context(viewer: Practitioner, meeting_id: int) -> dict[str, Any]:
    try:
        meeting = access_meeting(viewer=viewer, meeting_id=meeting_id)
    except MeetingNotFound:
        raise Http404 from None
    agenda = list(meeting.agenda.all())
    labels = person_labels(
        viewer=viewer,
        person_ids=[p for entry in agenda for p in entry.person_ids()],
        meeting_id=meeting.pk,
    )
    current = meeting.minutes.order_by("-number").first()
    runs = may_run_meeting(user=viewer, meeting=meeting)
    return {
        "meeting": meeting,
        "agenda": [
            (
                entry,
                ", ".join(labels[p] for p in entry.person_ids() if p in labels)
                or "A child or family you may not see",
                # each person opens in the meeting's work context (decision 0056)
                [(p, labels[p]) for p in entry.person_ids() if p in labels],
            )
            for entry in agenda
        ],
        "invitations": meeting.invitations.select_related("agency"),
        "attendees": {a.practitioner_id: a.attendance for a in meeting.attendees.all()},
        "practitioners": invitable_practitioners(meeting=meeting) if runs else [],
        "attendance_choices": Attendance.choices,
        "current": current,
        "notes": current.notes.select_related("agenda_entry") if current else [],
        "decisions": current.decisions.all() if current else [],
        "actions": meeting.actions.select_related("owner", "agency"),
        "runs": runs,
        "is_chair": meeting.chair_id == viewer.pk,
        "invited": meeting.invitations.filter(agency_id=viewer.agency_id or 0).exists(),
        "may_read_minutes": may_read_minutes(viewer=viewer, meeting=meeting),
    }


@require_GET
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    viewer = _viewer(request)
    context = _detail_context(viewer, meeting_id)
    ledger_record(
        actor=viewer.actor,
        action=Action.VIEW,
        object_type="meeting",
        object_id=meeting_id,
        purpose=PURPOSE,
    )
    return render(request, "meetings/detail.html", context)


@require_POST
def meeting_record(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The chair's forms on the meeting page: attendance, notes, decisions, actions, sign-off."""
    viewer = _viewer(request)
    context = _detail_context(viewer, meeting_id)
    if not context["runs"]:
        raise Http404
    what = request.POST.get("what", "")
    entry_id = _int(request.POST.get("agenda_entry")) or 0
    amendment = request.POST.get("amendment_reason", "")
    try:
        if what == "attendance":
            attendance_record(
                user=viewer,
                meeting_id=meeting_id,
                entries=[
                    (p.pk, request.POST[f"attendance-{p.pk}"])
                    for p in context["practitioners"]
                    if request.POST.get(f"attendance-{p.pk}")
                ],
            )
        elif what == "note":
            note_add(
                user=viewer,
                meeting_id=meeting_id,
                agenda_entry_id=entry_id,
                text=request.POST.get("text", ""),
                amendment_reason=amendment,
            )
        elif what == "note_edit":
            note_edit(
                user=viewer,
                note_id=_int(request.POST.get("note")) or 0,
                text=request.POST.get("text", ""),
                amendment_reason=amendment,
            )
        elif what == "decision":
            decision_add(
                user=viewer,
                meeting_id=meeting_id,
                agenda_entry_id=entry_id,
                text=request.POST.get("text", ""),
                amendment_reason=amendment,
            )
        elif what == "action":
            due = request.POST.get("due_on", "")
            try:
                due_on = dt.date.fromisoformat(due) if due else None
            except ValueError:
                raise MeetingRefused("Enter the due date as a real date.") from None
            action_add(
                user=viewer,
                meeting_id=meeting_id,
                plan=ActionPlan(
                    agenda_entry_id=entry_id,
                    description=request.POST.get("description", ""),
                    owner_id=_int(request.POST.get("owner")),
                    due_on=due_on,
                ),
                amendment_reason=amendment,
            )
        elif what == "sign_off":
            minutes_sign_off(user=viewer, meeting_id=meeting_id)
        else:
            raise MeetingRefused("Choose what to record.")
    except MeetingRefused as refused:
        context = _detail_context(viewer, meeting_id)
        context["errors"] = _errors(refused, f"#{what or 'record'}-form")
        context["data"] = request.POST
        return render(request, "meetings/detail.html", context, status=400)
    return redirect("meetings:detail", meeting_id=meeting_id)


@require_http_methods(["GET", "POST"])
def meeting_prepare(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """An invited agency decides, item by item, what it shares for the meeting."""
    viewer = _viewer(request)
    try:
        meeting = access_meeting(viewer=viewer, meeting_id=meeting_id)
    except MeetingNotFound:
        raise Http404 from None
    if not meeting.invitations.filter(agency_id=viewer.agency_id or 0).exists():
        raise Http404
    context: dict[str, Any] = {
        "meeting": meeting,
        "reasons": WithholdReason.choices,
        "data": request.POST,
    }
    if request.method == "POST":
        share: list[int] = []
        withhold: list[tuple[int, str]] = []
        for key in request.POST:
            value = request.POST.get(key, "")
            if key.startswith("item-") and key[5:].isdigit() and value:
                if value == "share":
                    share.append(int(key[5:]))
                else:
                    withhold.append((int(key[5:]), value))
        try:
            contribution_prepare(
                user=viewer,
                meeting_id=meeting_id,
                plan=ContributionPlan(
                    share_item_ids=tuple(share),
                    withhold=tuple(withhold),
                    share_reason=request.POST.get("share_reason", ""),
                    withhold_reason=request.POST.get("withhold_reason", ""),
                ),
            )
        except MeetingRefused as refused:
            context["errors"] = _errors(refused, "#items")
        else:
            return redirect("meetings:detail", meeting_id=meeting_id)
    decided = {
        c.item_id: ("share" if c.shared else c.withhold_reason)
        for c in meeting.contributions.filter(agency_id=viewer.agency_id or 0)
    }
    context["items"] = [
        (item, request.POST.get(f"item-{item.pk}", decided.get(item.pk, "")))
        for item in contribution_items(user=viewer, meeting=meeting, audit=True)
    ]
    return render(
        request, "meetings/prepare.html", context, status=400 if "errors" in context else 200
    )


def _minutes(request: HttpRequest, meeting_id: int) -> Any:
    viewer = _viewer(request)
    number = _int(request.GET.get("version"))
    try:
        return minutes_for(viewer=viewer, meeting_id=meeting_id, number=number)
    except MeetingNotFound:
        raise Http404 from None


@require_GET
def minutes_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return render(request, "meetings/minutes.html", {"view": _minutes(request, meeting_id)})


@require_GET
def minutes_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    viewer = _viewer(request)
    view = _minutes(request, meeting_id)
    ledger_record(
        actor=viewer.actor,
        action=Action.EXPORT,
        object_type="meeting_minutes",
        object_id=meeting_id,
        purpose=PURPOSE,
        details={"version": view.minutes.number, "format": "pdf"},
    )
    response = HttpResponse(render_minutes_pdf(view), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="minutes-meeting-{meeting_id}-v{view.minutes.number}.pdf"'
    )
    return response


@require_POST
def action_status(request: HttpRequest, action_id: int) -> HttpResponse:
    viewer = _viewer(request)
    status = request.POST.get("status", "")
    try:
        action = action_set_status(
            user=viewer,
            action_id=action_id,
            version=_int(request.POST.get("version")) or 0,
            status=status if status in ActionStatus.values else "",
        )
    except MeetingRefused:
        raise Http404 from None
    if request.POST.get("next") == "home":
        return redirect("web:home")
    return redirect("meetings:detail", meeting_id=action.meeting_id)
