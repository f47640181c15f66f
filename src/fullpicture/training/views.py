"""Training pages: the Sharetown exercise (trainer and participants) and self-assessment.

Views parse input, call one selector or service, and render. Anything a viewer may not
see answers with the same 404 as a page that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fullpicture.partnerships.models import Practitioner
from fullpicture.partnerships.selectors import request_practitioner
from fullpicture.training import selectors, services
from fullpicture.training.chart import trend_svg
from fullpicture.training.forms import ActionForm, AssessmentForm, JoinForm
from fullpicture.training.models import (
    CardOutcome,
    Exercise,
    ExerciseState,
    Factor,
    Participant,
    Score,
)
from fullpicture.training.pdf import render_exercise_pdf
from fullpicture.training.reasons import withhold_reasons


def _viewer(request: HttpRequest) -> Practitioner:
    return request_practitioner(request)


def _trainer_exercise(request: HttpRequest, exercise_id: int) -> tuple[Practitioner, Exercise]:
    viewer = _viewer(request)
    try:
        return viewer, selectors.access_exercise_as_trainer(viewer=viewer, exercise_id=exercise_id)
    except selectors.NotFound as exc:
        raise Http404 from exc


def _participant(request: HttpRequest, participant_id: int) -> Participant:
    try:
        return selectors.access_participant(viewer=_viewer(request), participant_id=participant_id)
    except selectors.NotFound as exc:
        raise Http404 from exc


# --------------------------------------------------------------------------------------
# Home, joining
# --------------------------------------------------------------------------------------


@require_GET
def home_page(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    is_trainer = services.may_run_exercises(viewer=viewer)
    if is_trainer:
        services.scenarios_sync()
    return render(
        request,
        "training/home.html",
        {
            "is_trainer": is_trainer,
            "exercises": selectors.exercises_for_trainer(viewer=viewer)[:20],
            "scenarios": selectors.scenarios_for(viewer=viewer) if is_trainer else [],
            "places": selectors.participants_of(viewer=viewer),
            "may_assess": selectors.may_read_assessments(viewer=viewer),
        },
    )


@require_http_methods(["GET", "POST"])
def join_page(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    form = JoinForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.exercise_join(code=form.cleaned_data["code"], user=viewer)
        except services.TrainingError as exc:
            error = exc.message
        else:
            return redirect("training:play", participant_id=participant.pk)
    return render(
        request,
        "training/join.html",
        {
            "form": form,
            "error": error,
            "errors": [("#id_code", error)] if error else [],
        },
    )


# --------------------------------------------------------------------------------------
# Participants
# --------------------------------------------------------------------------------------


def _play_context(
    participant: Participant,
    card_errors: dict[int, dict[str, str]] | None = None,
    posted: dict[str, str] | None = None,
) -> dict[str, Any]:
    exercise = participant.exercise
    cards = selectors.participant_cards(participant=participant)
    card_errors = card_errors or {}
    rows = []
    for card in cards:
        decision = getattr(card, "decision", None)
        values = {
            "outcome": decision.outcome if decision else "",
            "withhold_reason": decision.withhold_reason if decision else "",
            "reason_share": decision.reason if decision and decision.outcome == "share" else "",
            "reason_note": decision.reason if decision and decision.outcome == "withhold" else "",
        }
        if posted and posted.get("card") == str(card.pk):
            values = {key: posted.get(key, "") for key in values}
        rows.append(
            {
                "card": card,
                "decision": decision,
                "values": values,
                "errors": card_errors.get(card.pk, {}),
            }
        )
    errors = [
        (f"#card-{card_id}-{field}", message)
        for card_id, fields in card_errors.items()
        for field, message in fields.items()
    ]
    return {
        "participant": participant,
        "exercise": exercise,
        "agencies": exercise.agencies.all(),
        "rows": rows,
        "decided": sum(1 for r in rows if r["decision"]),
        "reasons": withhold_reasons(),
        "errors": errors,
        "State": ExerciseState,
        # Waiting pages poll the exercise's state; 0 switches polling off (a refresh link
        # is always there too).
        "poll_seconds": getattr(settings, "FULLPICTURE_TRAINING_POLL_SECONDS", 5),
    }


@require_GET
def play_page(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = _participant(request, participant_id)
    return render(request, "training/play.html", _play_context(participant))


@require_POST
def take_agency(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = _participant(request, participant_id)
    raw = request.POST.get("agency", "")
    try:
        services.participant_take_agency(
            participant=participant, agency_id=int(raw) if raw.isdigit() else None
        )
    except services.TrainingError as exc:
        context = _play_context(participant)
        context["agency_error"] = exc.message
        context["errors"] = [("#id_agency_0", exc.message)]
        return render(request, "training/play.html", context, status=200)
    return redirect("training:play", participant_id=participant.pk)


@require_POST
def decide(request: HttpRequest, participant_id: int, card_id: int) -> HttpResponse:
    participant = _participant(request, participant_id)
    outcome = request.POST.get("outcome", "")
    try:
        decision = services.card_decide(
            participant=participant,
            card_id=card_id,
            outcome=outcome,
            withhold_reason=request.POST.get("withhold_reason", ""),
            reason=request.POST.get("reason_share" if outcome == "share" else "reason_note", ""),
        )
    except services.TrainingError as exc:
        field = {"reason": "reason_share", "withhold_reason": "withhold_reason"}.get(
            exc.field, "outcome"
        )
        posted = {"card": str(card_id), **request.POST.dict()}
        context = _play_context(participant, {card_id: {field: exc.message}}, posted)
        return render(request, "training/play.html", context)
    label = "shared" if decision.outcome == CardOutcome.SHARE else "withheld"
    messages.success(
        request, f"Card {decision.card.ref} {label}. You can change it until the reveal."
    )
    url = reverse("training:play", kwargs={"participant_id": participant.pk})
    return redirect(f"{url}#card-{card_id}")


@require_GET
def status_json(request: HttpRequest, exercise_id: int) -> JsonResponse:
    """What a waiting page polls: the exercise's state (no card content)."""
    viewer = _viewer(request)
    place = selectors.participants_of_any(viewer=viewer).filter(exercise_id=exercise_id).first()
    exercise = place.exercise if place else None
    if exercise is None:
        try:
            exercise = selectors.access_exercise_as_trainer(viewer=viewer, exercise_id=exercise_id)
        except selectors.NotFound as exc:
            raise Http404 from exc
    return JsonResponse({"state": exercise.state, "version": exercise.version})


# --------------------------------------------------------------------------------------
# Trainer
# --------------------------------------------------------------------------------------


@require_POST
def exercise_new(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not services.may_run_exercises(viewer=viewer):
        raise Http404
    scenario = selectors.scenarios_for(viewer=viewer).filter(pk=request.POST.get("scenario") or 0)
    if not scenario.exists():
        messages.error(request, "Choose the scenario to run")
        return redirect("training:home")
    exercise = services.exercise_create(scenario=scenario.get(), trainer=viewer)
    messages.success(request, f"Exercise created. The join code is {exercise.join_code}.")
    return redirect("training:exercise", exercise_id=exercise.pk)


@require_GET
def exercise_page(request: HttpRequest, exercise_id: int) -> HttpResponse:
    _, exercise = _trainer_exercise(request, exercise_id)
    return render(
        request,
        "training/exercise.html",
        {
            "exercise": exercise,
            "progress": selectors.exercise_progress(exercise=exercise),
            "State": ExerciseState,
            "code_expired": exercise.code_expires_at <= timezone.now(),
        },
    )


@require_POST
def exercise_advance(request: HttpRequest, exercise_id: int) -> HttpResponse:
    viewer, exercise = _trainer_exercise(request, exercise_id)
    step = request.POST.get("step", "")
    try:
        if step == "code":
            exercise = services.exercise_code_reissue(exercise=exercise)
            messages.success(request, f"New join code: {exercise.join_code}")
        else:
            exercise = services.exercise_advance(exercise=exercise, step=step, actor=viewer)
            messages.success(request, f"Exercise now: {exercise.get_state_display()}")
    except services.TrainingError as exc:
        messages.error(request, exc.message)
    if step == "reveal" and exercise.state == ExerciseState.REVEALED:
        return redirect("training:picture", exercise_id=exercise.pk)
    return redirect("training:exercise", exercise_id=exercise.pk)


def _picture_exercise(request: HttpRequest, exercise_id: int) -> tuple[Practitioner, Exercise]:
    viewer = _viewer(request)
    try:
        return viewer, selectors.access_exercise_picture(viewer=viewer, exercise_id=exercise_id)
    except selectors.NotFound as exc:
        raise Http404 from exc


@require_GET
def picture_page(request: HttpRequest, exercise_id: int) -> HttpResponse:
    viewer, exercise = _picture_exercise(request, exercise_id)
    return render(
        request,
        "training/picture.html",
        {
            "exercise": exercise,
            "entries": selectors.exercise_picture(exercise=exercise),
            "is_trainer": exercise.trainer_id == viewer.pk,
            "State": ExerciseState,
        },
    )


@require_http_methods(["GET", "POST"])
def review_page(request: HttpRequest, exercise_id: int) -> HttpResponse:
    viewer, exercise = _picture_exercise(request, exercise_id)
    is_trainer = exercise.trainer_id == viewer.pk
    if exercise.state not in (ExerciseState.REVEALED, ExerciseState.FINISHED):
        messages.error(request, "Reveal the full picture before the review")
        return redirect("training:exercise", exercise_id=exercise.pk)
    if request.method == "POST":
        if not is_trainer:
            raise Http404
        try:
            services.exercise_review_save(
                exercise=exercise,
                review_notes=request.POST.get("review_notes", ""),
                recommendations=request.POST.get("recommendations", ""),
                actor=viewer,
            )
        except services.TrainingError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Review notes saved.")
        return redirect("training:review", exercise_id=exercise.pk)
    return render(
        request,
        "training/review.html",
        {
            "exercise": exercise,
            "review": selectors.exercise_review(exercise=exercise),
            "is_trainer": is_trainer,
            "State": ExerciseState,
        },
    )


@require_GET
def summary_pdf(request: HttpRequest, exercise_id: int) -> HttpResponse:
    _, exercise = _trainer_exercise(request, exercise_id)
    if exercise.state != ExerciseState.FINISHED:
        raise Http404
    pdf = render_exercise_pdf(
        exercise=exercise, review=selectors.exercise_review(exercise=exercise)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="exercise-{exercise.pk}-summary.pdf"'
    return response


# --------------------------------------------------------------------------------------
# Self-assessment
# --------------------------------------------------------------------------------------


def _errors(form: Any) -> list[tuple[str, str]]:
    return [
        (f"#id_{name}", error)
        for name, errs in form.errors.items()
        if name in form.fields
        for error in errs
    ]


@require_http_methods(["GET", "POST"])
def assessments_page(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not selectors.may_read_assessments(viewer=viewer):
        raise Http404
    may_edit = selectors.may_edit_assessments(viewer=viewer)
    form = AssessmentForm(request.POST or None)
    if request.method == "POST":
        if not may_edit or viewer.agency is None or viewer.agency.partnership is None:
            raise Http404
        if form.is_valid():
            assessment = services.assessment_create(
                partnership=viewer.agency.partnership,
                title=form.cleaned_data["title"],
                assessed_on=form.cleaned_data["assessed_on"],
                actor=viewer,
            )
            return redirect("training:assessment", assessment_id=assessment.pk)
    trend = selectors.assessment_trend(viewer=viewer)
    rows = [
        {"assessment": a, "scores": [f.scores[i] for f in trend.factors]}
        for i, a in enumerate(trend.assessments)
    ]
    return render(
        request,
        "training/assessments.html",
        {
            "form": form,
            "errors": _errors(form) if request.method == "POST" else [],
            "may_edit": may_edit,
            "trend": trend,
            "rows": rows,
            "chart": mark_safe(trend_svg(trend)),  # noqa: S308  (every text escaped in trend_svg)
        },
    )


@require_http_methods(["GET", "POST"])
def assessment_page(request: HttpRequest, assessment_id: int) -> HttpResponse:
    viewer = _viewer(request)
    try:
        assessment = selectors.access_assessment(viewer=viewer, assessment_id=assessment_id)
    except selectors.NotFound as exc:
        raise Http404 from exc
    may_edit = selectors.may_edit_assessments(viewer=viewer)
    errors: list[tuple[str, str]] = []
    action_form = ActionForm()
    answers = selectors.assessment_answers(assessment=assessment)
    if request.method == "POST":
        if not may_edit:
            raise Http404
        if request.POST.get("form") == "action":
            action_form = ActionForm(request.POST)
            if action_form.is_valid():
                data = action_form.cleaned_data
                try:
                    services.assessment_action_add(
                        assessment=assessment,
                        factor=data["factor"],
                        description=data["description"],
                        owner=data["owner"],
                        due_on=data["due_on"],
                    )
                except services.TrainingError as exc:
                    errors = [(f"#id_{exc.field}", exc.message)]
                else:
                    messages.success(request, "Action added to the plan.")
                    return redirect("training:assessment", assessment_id=assessment.pk)
            else:
                errors = _errors(action_form)
        else:
            posted: dict[int, tuple[int | None, str]] = {}
            for a in answers:
                raw = request.POST.get(f"score_{a.question_id}", "")
                posted[a.question_id] = (
                    int(raw) if raw.isdigit() else None,
                    request.POST.get(f"evidence_{a.question_id}", ""),
                )
            try:
                services.assessment_answers_save(
                    assessment=assessment,
                    answers=posted,
                    complete=request.POST.get("complete") == "yes",
                )
            except services.TrainingError as exc:
                errors = [(f"#{exc.field}_1" if exc.field else "#main-content", exc.message)]
            else:
                messages.success(request, "Answers saved.")
                return redirect("training:assessment", assessment_id=assessment.pk)
            answers = selectors.assessment_answers(assessment=assessment)
    groups = [
        {
            "factor": f,
            "answers": [a for a in answers if a.question.factor == f.value],
            "score": selectors.factor_score(answers, f.value),
        }
        for f in Factor
    ]
    return render(
        request,
        "training/assessment.html",
        {
            "assessment": assessment,
            "groups": groups,
            "scores": Score.choices,
            "factors": Factor.choices,
            "actions": assessment.actions.all(),
            "action_form": action_form,
            "errors": errors,
            "may_edit": may_edit,
        },
    )
