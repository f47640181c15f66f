"""Writes for the Sharetown exercise and partnership self-assessment.

Exercise data never touches live records: scenarios are copied into the exercise's own
tables when it is created, and nothing here imports people, linkage or items.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from fullpicture.partnerships.models import Partnership, Practitioner, RoleCode
from fullpicture.training.models import (
    AssessmentAction,
    AssessmentAnswer,
    AssessmentQuestion,
    CardDecision,
    CardOutcome,
    Exercise,
    ExerciseAgency,
    ExerciseCard,
    ExerciseState,
    Factor,
    Participant,
    Scenario,
    ScenarioAgency,
    ScenarioCard,
    ScenarioSource,
    SelfAssessment,
)
from fullpicture.training.reasons import withhold_reasons
from fullpicture.vocabulary.models import ConcernCategory

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
# Join codes: six characters a person can read aloud and type without confusing 0/O or 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CODE_LIFETIME = dt.timedelta(hours=12)
TRAINER_ROLES = frozenset({RoleCode.TRAINER.value, RoleCode.ADMINISTRATOR.value})


class TrainingError(Exception):
    """A request the exercise refuses, with a message fit to show and the field it is about."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def may_run_exercises(*, viewer: Practitioner) -> bool:
    return bool(viewer.is_active and viewer.role_codes & TRAINER_ROLES)


def normalise_join_code(code: str) -> str:
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


# --------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------


def _need(data: dict[str, Any], key: str, where: str) -> Any:
    if key not in data or data[key] in ("", None):
        raise TrainingError(f"{where}: '{key}' is missing")
    return data[key]


@transaction.atomic
def scenario_load(
    *, data: dict[str, Any], source: str = ScenarioSource.FILE, file_hash: str = ""
) -> Scenario:
    """Create or replace a scenario from its JSON form (see training/scenarios/)."""
    slug = str(_need(data, "slug", "scenario"))
    try:
        meeting_on = dt.date.fromisoformat(str(_need(data, "meeting_on", slug)))
    except ValueError as exc:
        raise TrainingError(f"{slug}: meeting_on must be a date like 2026-07-13") from exc
    categories = {c.slug: c for c in ConcernCategory.objects.all()}
    scenario, _ = Scenario.objects.update_or_create(
        slug=slug,
        defaults={
            "title": str(_need(data, "title", slug)),
            "introduction": str(_need(data, "introduction", slug)),
            "outcome": str(data.get("outcome", "")),
            "meeting_on": meeting_on,
            "concern_agencies": int(data.get("concern_agencies", 3)),
            "window_days": int(data.get("window_days", 365)),
            "source": source,
            "file_hash": file_hash,
        },
    )
    scenario.cards.all().delete()
    scenario.agencies.all().delete()
    agencies: dict[str, ScenarioAgency] = {}
    for order, a in enumerate(_need(data, "agencies", slug)):
        code = str(_need(a, "code", f"{slug} agency"))
        agencies[code] = ScenarioAgency.objects.create(
            scenario=scenario,
            code=code,
            name=str(_need(a, "name", f"{slug} agency {code}")),
            briefing=str(a.get("briefing", "")),
            sort_order=order,
        )
    for c in _need(data, "cards", slug):
        ref = str(_need(c, "ref", f"{slug} card"))
        where = f"{slug} card {ref}"
        agency = agencies.get(str(_need(c, "agency", where)))
        if agency is None:
            raise TrainingError(f"{where}: agency '{c['agency']}' is not in the agencies list")
        category = categories.get(str(_need(c, "category", where)))
        if category is None:
            raise TrainingError(f"{where}: '{c['category']}' is not a shared category slug")
        try:
            occurred_on = dt.date.fromisoformat(str(_need(c, "occurred_on", where)))
        except ValueError as exc:
            raise TrainingError(f"{where}: occurred_on must be a date") from exc
        if occurred_on > meeting_on:
            raise TrainingError(f"{where}: happens after the meeting on {meeting_on}")
        ScenarioCard.objects.create(
            scenario=scenario,
            agency=agency,
            ref=ref,
            occurred_on=occurred_on,
            category=category,
            title=str(_need(c, "title", where)),
            text=str(_need(c, "text", where)),
            is_concern=bool(c.get("is_concern", True)),
        )
    return scenario


def scenarios_sync(*, folder: Path = SCENARIOS) -> list[Scenario]:
    """Load every ``*.json`` scenario file in the folder (a partnership may drop its own).

    A file is read again only when its content has changed since it was last loaded.
    """
    loaded = []
    for path in sorted(folder.glob("*.json")):
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        known = Scenario.objects.filter(file_hash=digest, source=ScenarioSource.FILE).first()
        if known is not None:
            loaded.append(known)
            continue
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise TrainingError(f"{path.name}: not UTF-8 text") from exc
        except json.JSONDecodeError as exc:
            raise TrainingError(
                f"{path.name}: not valid JSON ({exc.msg}, line {exc.lineno})"
            ) from exc
        loaded.append(scenario_load(data=data, source=ScenarioSource.FILE, file_hash=digest))
    return loaded


# --------------------------------------------------------------------------------------
# Exercises
# --------------------------------------------------------------------------------------


def _new_code() -> str:
    for _ in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Exercise.objects.filter(join_code=code).exists():
            return code
    raise TrainingError("Could not make a unique join code; try again")  # pragma: no cover


def _locked(exercise: Exercise) -> Exercise:
    return Exercise.objects.select_for_update().get(pk=exercise.pk)


@transaction.atomic
def exercise_create(*, scenario: Scenario, trainer: Practitioner) -> Exercise:
    """A new exercise from a scenario, ready for participants to join with its code."""
    if not may_run_exercises(viewer=trainer):
        raise TrainingError("Only a trainer can start an exercise")
    if trainer.partnership_id is None:
        raise TrainingError("Your account belongs to no partnership")
    now = timezone.now()
    exercise = Exercise.objects.create(
        scenario=scenario,
        partnership_id=trainer.partnership_id,
        title=scenario.title,
        introduction=scenario.introduction,
        outcome=scenario.outcome,
        meeting_on=scenario.meeting_on,
        concern_agencies=scenario.concern_agencies,
        window_days=scenario.window_days,
        trainer=trainer,
        join_code=_new_code(),
        code_expires_at=now + CODE_LIFETIME,
        created_at=now,
    )
    agencies = {
        a.pk: ExerciseAgency.objects.create(
            exercise=exercise,
            code=a.code,
            name=a.name,
            briefing=a.briefing,
            sort_order=a.sort_order,
        )
        for a in scenario.agencies.all()
    }
    ExerciseCard.objects.bulk_create(
        ExerciseCard(
            exercise=exercise,
            agency=agencies[c.agency_id],
            ref=c.ref,
            occurred_on=c.occurred_on,
            category=c.category,
            category_label=c.category.name,
            title=c.title,
            text=c.text,
            is_concern=c.is_concern,
        )
        for c in scenario.cards.select_related("category")
    )
    return exercise


@transaction.atomic
def exercise_code_reissue(*, exercise: Exercise) -> Exercise:
    """A fresh join code, valid for another 12 hours (the old one stops working)."""
    current = _locked(exercise)
    if current.state == ExerciseState.FINISHED:
        raise TrainingError("This exercise has finished: nobody can join it")
    current.join_code = _new_code()
    current.code_expires_at = timezone.now() + CODE_LIFETIME
    current.version += 1
    current.save(update_fields=["join_code", "code_expires_at", "version"])
    return current


@transaction.atomic
def exercise_join(*, code: str, user: Practitioner) -> Participant:
    """Join an exercise with its code. A wrong, expired or closed code is refused."""
    normalised = normalise_join_code(code)
    if not normalised:
        raise TrainingError("Enter the join code your trainer gave you", field="code")
    if len(normalised) != CODE_LENGTH or set(normalised) - set(CODE_ALPHABET):
        raise TrainingError(
            f"Enter the join code exactly as shown: {CODE_LENGTH} letters and numbers, "
            "for example K7PR2M",
            field="code",
        )
    exercise = Exercise.objects.select_for_update().filter(join_code=normalised).first()
    if exercise is None:
        raise TrainingError(
            "There is no exercise with that join code. Check it with your trainer", field="code"
        )
    if exercise.state in (ExerciseState.REVEALED, ExerciseState.FINISHED):
        raise TrainingError(
            "That exercise has closed to new participants. Ask your trainer", field="code"
        )
    existing = Participant.objects.filter(exercise=exercise, user=user).first()
    if existing is not None:
        return existing
    if exercise.code_expires_at <= timezone.now():
        raise TrainingError(
            "That join code has expired. Ask your trainer for a new one", field="code"
        )
    try:
        with transaction.atomic():
            return Participant.objects.create(
                exercise=exercise, user=user, joined_at=timezone.now()
            )
    except IntegrityError:
        return Participant.objects.get(exercise=exercise, user=user)


@transaction.atomic
def participant_take_agency(*, participant: Participant, agency_id: int | None) -> Participant:
    exercise = _locked(participant.exercise)
    if exercise.state in (ExerciseState.REVEALED, ExerciseState.FINISHED):
        raise TrainingError("The exercise has moved on: agencies can no longer change")
    agency = (
        ExerciseAgency.objects.filter(exercise=exercise, pk=agency_id).first()
        if agency_id is not None
        else None
    )
    if agency is None:
        raise TrainingError("Choose the agency you will play", field="agency")
    if participant.decisions.exists() and participant.agency_id != agency.pk:
        raise TrainingError(
            "You have already decided cards for your agency: it cannot change now",
            field="agency",
        )
    participant.agency = agency
    participant.save(update_fields=["agency"])
    return participant


_NEXT: dict[str, tuple[str, str]] = {
    "start": (ExerciseState.READY, ExerciseState.RUNNING),
    "reveal": (ExerciseState.RUNNING, ExerciseState.REVEALED),
    "finish": (ExerciseState.REVEALED, ExerciseState.FINISHED),
}
_STAMP = {"start": "started_at", "reveal": "revealed_at", "finish": "finished_at"}


@transaction.atomic
def exercise_advance(*, exercise: Exercise, step: str, actor: Practitioner) -> Exercise:
    """Move an exercise on: start (cards open), reveal (the full picture), finish."""
    current = _locked(exercise)
    if current.trainer_id != actor.pk and not actor.is_superuser:
        raise TrainingError("Only the exercise's trainer can do that")
    if step not in _NEXT:
        raise TrainingError("There is no such step")
    before, after = _NEXT[step]
    if current.state != before:
        raise TrainingError(
            f"The exercise is '{current.get_state_display()}': it cannot {step} now"
        )
    current.state = after
    setattr(current, _STAMP[step], timezone.now())
    current.version += 1
    current.save()
    return current


@transaction.atomic
def card_decide(
    *,
    participant: Participant,
    card_id: int,
    outcome: str,
    withhold_reason: str = "",
    reason: str = "",
) -> CardDecision:
    """Share or withhold one of the participant's agency's cards, always with a reason.

    Sharing needs the reason written down; withholding needs one of the sharing app's
    withhold reasons (the written note is optional). Decisions can change until the
    trainer reveals the full picture.
    """
    exercise = _locked(participant.exercise)
    if exercise.state == ExerciseState.READY:
        raise TrainingError("The trainer has not started the exercise yet")
    if exercise.state != ExerciseState.RUNNING:
        raise TrainingError("The full picture has been revealed: decisions are closed")
    card = ExerciseCard.objects.filter(
        exercise=exercise, pk=card_id, agency_id=participant.agency_id
    ).first()
    if card is None or participant.agency_id is None:
        raise TrainingError("That card is not one of your agency's cards")
    reason = reason.strip()
    if outcome not in CardOutcome.values:
        raise TrainingError("Choose whether to share or withhold this card", field="outcome")
    if outcome == CardOutcome.SHARE and not reason:
        raise TrainingError(
            "Say why you are sharing this card: sharing needs a reason too", field="reason"
        )
    if outcome == CardOutcome.WITHHOLD and withhold_reason not in dict(withhold_reasons()):
        raise TrainingError("Choose why you are withholding this card", field="withhold_reason")
    if outcome == CardOutcome.SHARE:
        withhold_reason = ""
    now = timezone.now()
    decision = CardDecision.objects.select_for_update().filter(card=card).first()
    if decision is None:
        return CardDecision.objects.create(
            card=card,
            outcome=outcome,
            withhold_reason=withhold_reason,
            reason=reason,
            participant=participant,
            decided_at=now,
        )
    decision.outcome = outcome
    decision.withhold_reason = withhold_reason
    decision.reason = reason
    decision.participant = participant
    decision.decided_at = now
    decision.version += 1
    decision.save()
    return decision


@transaction.atomic
def exercise_review_save(
    *, exercise: Exercise, review_notes: str, recommendations: str, actor: Practitioner
) -> Exercise:
    current = _locked(exercise)
    if current.trainer_id != actor.pk and not actor.is_superuser:
        raise TrainingError("Only the exercise's trainer can record the review")
    if current.state not in (ExerciseState.REVEALED, ExerciseState.FINISHED):
        raise TrainingError("Reveal the full picture before the review")
    current.review_notes = review_notes.strip()
    current.recommendations = recommendations.strip()
    current.version += 1
    current.save(update_fields=["review_notes", "recommendations", "version"])
    return current


# --------------------------------------------------------------------------------------
# Self-assessment against the report's three factors
# --------------------------------------------------------------------------------------

QUESTIONS: list[tuple[str, str, str]] = [
    (
        Factor.UNDERSTANDING,
        "Practitioners see the whole family's history before deciding what to share.",
        "For example: chronologies bring together every agency's contacts with the family.",
    ),
    (
        Factor.UNDERSTANDING,
        "The voice of the child is recorded and shared.",
        "What children say and how they seem is written down and reaches the people deciding.",
    ),
    (
        Factor.UNDERSTANDING,
        "Practitioners recognise and challenge false compliance.",
        "Parents' accounts are checked against what other agencies know.",
    ),
    (
        Factor.UNDERSTANDING,
        "Decisions weigh the risk of not sharing as well as the risk of sharing.",
        "Decisions to share and to withhold are recorded with their reasons.",
    ),
    (
        Factor.LEADERSHIP,
        "Leaders give a clear, shared vision that sharing to protect children is expected.",
        "Senior leaders of every agency sign up to it and say so to their staff.",
    ),
    (
        Factor.LEADERSHIP,
        "Decisions to share and to withhold are scrutinised and learned from.",
        "The board reviews sharing decisions, feedback and timeliness regularly.",
    ),
    (
        Factor.LEADERSHIP,
        "Thresholds are agreed with partners, written in plain English and reviewed.",
        "Including with neighbouring partnerships for families who move.",
    ),
    (
        Factor.LEADERSHIP,
        "Agencies use a shared language for concerns.",
        "Local codes are mapped to shared categories that everyone understands.",
    ),
    (
        Factor.CAPABILITY,
        "Staff have time and space to reflect on their sharing decisions.",
        "Supervision covers decisions to share and to withhold.",
    ),
    (
        Factor.CAPABILITY,
        "Multi-agency induction and training cover information sharing.",
        "Including early help staff, schools, nurseries and the voluntary sector.",
    ),
    (
        Factor.CAPABILITY,
        "Practitioners know who to ask for advice about sharing.",
        "A named point of contact in each agency answers quickly.",
    ),
    (
        Factor.CAPABILITY,
        "Agencies learn from each other and from reviews.",
        "Lessons from reviews reach frontline practice, not just reports.",
    ),
]


def assessment_questions_seed() -> int:
    """The default questions, added once; a partnership may edit them in the admin."""
    if AssessmentQuestion.objects.exists():
        return 0
    AssessmentQuestion.objects.bulk_create(
        AssessmentQuestion(factor=factor, text=text, hint=hint, sort_order=order)
        for order, (factor, text, hint) in enumerate(QUESTIONS)
    )
    return len(QUESTIONS)


@transaction.atomic
def assessment_create(
    *, partnership: Partnership, title: str, assessed_on: dt.date, actor: Practitioner
) -> SelfAssessment:
    assessment_questions_seed()
    title = title.strip()
    if not title:
        raise TrainingError(
            "Enter a name for the assessment, for example Spring 2026", field="title"
        )
    assessment = SelfAssessment.objects.create(
        partnership=partnership, title=title, assessed_on=assessed_on, created_by=actor
    )
    AssessmentAnswer.objects.bulk_create(
        AssessmentAnswer(assessment=assessment, question=q)
        for q in AssessmentQuestion.objects.filter(active=True)
    )
    return assessment


@transaction.atomic
def assessment_answers_save(
    *,
    assessment: SelfAssessment,
    answers: dict[int, tuple[int | None, str]],
    complete: bool = False,
) -> SelfAssessment:
    """Save scores (1 to 4) and evidence; completing needs every question scored."""
    rows = {a.question_id: a for a in assessment.answers.select_for_update()}
    for question_id, (score, evidence) in answers.items():
        row = rows.get(question_id)
        if row is None:
            continue
        if score is not None and score not in (1, 2, 3, 4):
            raise TrainingError("Score each question from 1 to 4", field=f"score_{question_id}")
        row.score = score
        row.evidence = evidence.strip()
        row.save(update_fields=["score", "evidence"])
    if complete:
        missing = [a for a in rows.values() if a.score is None]
        if missing:
            raise TrainingError(
                f"Score every question before completing: {len(missing)} not scored",
                field=f"score_{missing[0].question_id}",
            )
        assessment.completed_at = timezone.now()
        assessment.save(update_fields=["completed_at"])
    return assessment


def assessment_action_add(
    *, assessment: SelfAssessment, factor: str, description: str, owner: str, due_on: dt.date
) -> AssessmentAction:
    if factor not in Factor.values:
        raise TrainingError("Choose the factor the action improves", field="factor")
    if not description.strip():
        raise TrainingError("Describe the action", field="description")
    if not owner.strip():
        raise TrainingError("Enter who owns the action", field="owner")
    return AssessmentAction.objects.create(
        assessment=assessment,
        factor=factor,
        description=description.strip(),
        owner=owner.strip(),
        due_on=due_on,
    )


# --------------------------------------------------------------------------------------
# The demo
# --------------------------------------------------------------------------------------

DEMO_TRAINER = "trainer"


def training_demo_load(*, say: Callable[[str], None] = lambda _m: None) -> Exercise | None:
    """A ready Sharetown exercise (created, not started) and two past self-assessments."""
    from fullpicture.vocabulary.services import threshold_defaults_load

    trainer = Practitioner.objects.filter(username=DEMO_TRAINER).first()
    if trainer is None or trainer.agency is None or trainer.agency.partnership is None:
        return None
    partnership = trainer.agency.partnership
    for p in Partnership.objects.all():
        threshold_defaults_load(partnership=p)
    _demo_northvale_thresholds()
    scenarios = {s.slug: s for s in scenarios_sync()}
    exercise = exercise_create(scenario=scenarios["walsh-family"], trainer=trainer)
    _demo_assessments(partnership=partnership, actor=trainer)
    say(f"Sharetown exercise ready: join code {exercise.join_code} (trainer: {DEMO_TRAINER}).")
    return exercise


def training_demo_code() -> str | None:
    """The demo exercise's join code, reissued if it has expired; None without the demo."""
    exercise = (
        Exercise.objects.filter(trainer__username=DEMO_TRAINER, scenario__slug="walsh-family")
        .exclude(state=ExerciseState.FINISHED)
        .order_by("created_at", "id")
        .first()
    )
    if exercise is None:
        return None
    if exercise.code_expires_at <= timezone.now():
        exercise = exercise_code_reissue(exercise=exercise)
    return exercise.join_code


NORTHVALE_CODE = "E06000998"
# Northvale words some descriptors differently, so the cross-border comparison has
# something to show (a real partnership edits its own in the thresholds page).
NORTHVALE_WORDING: dict[tuple[int, str], str] = {
    (2, "summary"): "Children with additional needs who need a coordinated early help offer"
    " from more than one agency, agreed with the family.",
    (2, "family_environment"): "Money worries, rent arrears, overcrowding or a recent move."
    " Any argument at home is discussed with the family's lead professional.",
    (3, "summary"): "Children in need (Children Act 1989, section 17) whose needs are complex"
    " and will not be met without a social work assessment.",
    (3, "parenting_capacity"): "A parent's drinking, drug use or mental ill health affects"
    " their care of the child, and the family has not engaged with early help.",
    (4, "family_environment"): "Domestic abuse graded high risk at a MARAC, a known offender"
    " against children in the home, or the child has nowhere safe to stay.",
}


def _demo_northvale_thresholds() -> None:
    from fullpicture.vocabulary.services import threshold_descriptor_update

    northvale = Partnership.objects.filter(code=NORTHVALE_CODE).first()
    if northvale is None:
        return
    for (level, domain), text in NORTHVALE_WORDING.items():
        threshold_descriptor_update(
            partnership=northvale, level=level, domain=domain, text=text, actor=None
        )


def _demo_assessments(*, partnership: Partnership, actor: Practitioner) -> None:
    assessment_questions_seed()
    questions = list(AssessmentQuestion.objects.filter(active=True))
    rounds = [
        (
            "Spring 2025",
            dt.date(2025, 4, 30),
            {Factor.UNDERSTANDING: 2, Factor.LEADERSHIP: 1, Factor.CAPABILITY: 2},
            "Baseline before the hub: each agency sees only its own records.",
        ),
        (
            "Autumn 2025",
            dt.date(2025, 10, 31),
            {Factor.UNDERSTANDING: 3, Factor.LEADERSHIP: 2, Factor.CAPABILITY: 2},
            "Chronologies now bring agencies' records together; thresholds agreed.",
        ),
    ]
    for title, on, base, evidence in rounds:
        assessment = assessment_create(
            partnership=partnership, title=title, assessed_on=on, actor=actor
        )
        answers: dict[int, tuple[int | None, str]] = {}
        for i, q in enumerate(questions):
            score = max(1, min(4, base[Factor(q.factor)] + (1 if i % 4 == 0 else 0)))
            answers[q.pk] = (score, evidence)
        assessment_answers_save(assessment=assessment, answers=answers, complete=True)
        assessment_action_add(
            assessment=assessment,
            factor=Factor.CAPABILITY,
            description="Run the Sharetown exercise with every agency's safeguarding leads.",
            owner="Multi-Agency Safeguarding Trainer",
            due_on=on + dt.timedelta(days=90),
        )
        assessment_action_add(
            assessment=assessment,
            factor=Factor.LEADERSHIP,
            description="Board to review a sample of decisions to withhold each quarter.",
            owner="Independent Scrutineer",
            due_on=on + dt.timedelta(days=120),
        )
