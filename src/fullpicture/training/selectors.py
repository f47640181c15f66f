"""Reads for the Sharetown exercise and partnership self-assessment.

Who sees what: the trainer (of the exercise's partnership) sees everything; a
participant sees only their agency's cards until the full picture is revealed, then the
whole picture and the review. Anything else looks like a page that does not exist.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from fullpicture.partnerships.models import Practitioner, RoleCode
from fullpicture.training.models import (
    AssessmentAnswer,
    CardOutcome,
    Exercise,
    ExerciseCard,
    ExerciseState,
    Factor,
    Participant,
    Scenario,
    SelfAssessment,
)
from fullpicture.training.reasons import withhold_reason_label
from fullpicture.training.services import may_run_exercises


class NotFound(Exception):
    """Missing, or not the viewer's to see: the pages answer both with the same 404."""


def scenarios_for(*, viewer: Practitioner) -> QuerySet[Scenario]:
    rows = Scenario.objects.filter(active=True)
    partnership_id = viewer.partnership_id
    if partnership_id is None:
        return rows.filter(partnership__isnull=True)
    return rows.filter(partnership__isnull=True) | rows.filter(partnership_id=partnership_id)


def exercises_for_trainer(*, viewer: Practitioner) -> QuerySet[Exercise]:
    partnership_id = viewer.partnership_id
    if not may_run_exercises(viewer=viewer) or partnership_id is None:
        return Exercise.objects.none()
    return Exercise.objects.filter(partnership_id=partnership_id).select_related("trainer")


def access_exercise_as_trainer(*, viewer: Practitioner, exercise_id: int) -> Exercise:
    exercise = exercises_for_trainer(viewer=viewer).filter(pk=exercise_id).first()
    if exercise is None:
        raise NotFound
    return exercise


def access_participant(*, viewer: Practitioner, participant_id: int) -> Participant:
    participant = (
        Participant.objects.select_related("exercise", "agency")
        .filter(pk=participant_id, user=viewer)
        .first()
    )
    if participant is None:
        raise NotFound
    return participant


def participants_of(*, viewer: Practitioner) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(user=viewer)
        .exclude(exercise__state=ExerciseState.FINISHED)
        .select_related("exercise", "agency")
    )


def access_exercise_picture(*, viewer: Practitioner, exercise_id: int) -> Exercise:
    """The full picture: the trainer at any time, a participant only once it is revealed."""
    exercise = exercises_for_trainer(viewer=viewer).filter(pk=exercise_id).first()
    if exercise is not None:
        return exercise
    place = participants_of_any(viewer=viewer).filter(exercise_id=exercise_id).first()
    if place is None or place.exercise.state not in (
        ExerciseState.REVEALED,
        ExerciseState.FINISHED,
    ):
        raise NotFound
    return place.exercise


def participants_of_any(*, viewer: Practitioner) -> QuerySet[Participant]:
    return Participant.objects.filter(user=viewer).select_related("exercise")


def participant_cards(*, participant: Participant) -> list[ExerciseCard]:
    """Only the participant's own agency's cards, with any decision already made."""
    if participant.agency_id is None:
        return []
    return list(
        ExerciseCard.objects.filter(
            exercise_id=participant.exercise_id, agency_id=participant.agency_id
        )
        .select_related("decision", "decision__participant__user")
        .order_by("occurred_on", "ref")
    )


@dataclass(frozen=True)
class AgencyProgress:
    code: str
    name: str
    participants: list[str]
    cards: int
    decided: int


def exercise_progress(*, exercise: Exercise) -> list[AgencyProgress]:
    agencies = exercise.agencies.prefetch_related(
        Prefetch("participants", queryset=Participant.objects.select_related("user")),
        Prefetch("cards", queryset=ExerciseCard.objects.select_related("decision")),
    )
    rows = []
    for a in agencies:
        cards = list(a.cards.all())
        rows.append(
            AgencyProgress(
                code=a.code,
                name=a.name,
                participants=[str(p.user) for p in a.participants.all()],
                cards=len(cards),
                decided=sum(1 for c in cards if hasattr(c, "decision")),
            )
        )
    return rows


# --------------------------------------------------------------------------------------
# The full picture and the review
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PictureEntry:
    ref: str
    occurred_on: dt.date
    agency: str
    category: str
    title: str
    text: str
    is_concern: bool
    outcome: str  # "share", "withhold" or "" (not decided)
    outcome_label: str
    withhold_reason: str
    reason: str
    decided_by: str


def _decision_label(outcome: str) -> str:
    return {"share": "Shared", "withhold": "Withheld"}.get(outcome, "Not decided")


def exercise_picture(*, exercise: Exercise) -> list[PictureEntry]:
    """Every card in date order: what each agency knew, what it shared, what it withheld
    and why."""
    cards = (
        ExerciseCard.objects.filter(exercise=exercise)
        .select_related("agency", "decision", "decision__participant__user")
        .order_by("occurred_on", "agency__sort_order", "ref")
    )
    entries = []
    for c in cards:
        decision = getattr(c, "decision", None)
        outcome = decision.outcome if decision else ""
        entries.append(
            PictureEntry(
                ref=c.ref,
                occurred_on=c.occurred_on,
                agency=c.agency.name,
                category=c.category_label,
                title=c.title,
                text=c.text,
                is_concern=c.is_concern,
                outcome=outcome,
                outcome_label=_decision_label(outcome),
                withhold_reason=withhold_reason_label(decision.withhold_reason)
                if decision and decision.withhold_reason
                else "",
                reason=decision.reason if decision else "",
                decided_by=str(decision.participant.user) if decision else "",
            )
        )
    return entries


@dataclass(frozen=True)
class PictureMet:
    on: dt.date
    agencies: tuple[str, ...]


def picture_met_on(
    entries: Iterable[PictureEntry], *, agencies: int, window_days: int
) -> PictureMet | None:
    """The first date by which concern cards from ``agencies`` different agencies had all
    happened within ``window_days`` of each other (a cumulative-concern picture), or None.
    """
    concerns = sorted((e for e in entries if e.is_concern), key=lambda e: (e.occurred_on, e.ref))
    window = dt.timedelta(days=window_days)
    for i, entry in enumerate(concerns):
        seen: dict[str, dt.date] = {}
        for earlier in concerns[: i + 1]:
            if entry.occurred_on - earlier.occurred_on < window:
                seen[earlier.agency] = earlier.occurred_on
        if len(seen) >= agencies:
            return PictureMet(on=entry.occurred_on, agencies=tuple(sorted(seen)))
    return None


@dataclass(frozen=True)
class WouldHaveChanged:
    entry: PictureEntry
    met: PictureMet
    days_earlier: int | None  # None: without it the picture was never met


@dataclass(frozen=True)
class AgencyKnew:
    agency: str
    cards: list[PictureEntry]
    shared: int
    withheld: int
    undecided: int
    first_concern: dt.date | None


@dataclass
class Review:
    entries: list[PictureEntry]
    agencies: int
    window_days: int
    meeting_on: dt.date
    if_all_shared: PictureMet | None
    as_shared: PictureMet | None
    would_have_changed: list[WouldHaveChanged] = field(default_factory=list)
    by_agency: list[AgencyKnew] = field(default_factory=list)
    reasons: list[tuple[str, int]] = field(default_factory=list)
    shared: int = 0
    withheld: int = 0
    undecided: int = 0

    @property
    def days_lost(self) -> int | None:
        if self.if_all_shared is None:
            return None
        end = self.as_shared.on if self.as_shared else self.meeting_on
        return (end - self.if_all_shared.on).days


def exercise_review(*, exercise: Exercise) -> Review:
    """Who knew what, when; and where sharing would have changed the picture."""
    entries = exercise_picture(exercise=exercise)
    n, w = exercise.concern_agencies, exercise.window_days
    shared = [e for e in entries if e.outcome == CardOutcome.SHARE]
    as_shared = picture_met_on(shared, agencies=n, window_days=w)
    review = Review(
        entries=entries,
        agencies=n,
        window_days=w,
        meeting_on=exercise.meeting_on,
        if_all_shared=picture_met_on(entries, agencies=n, window_days=w),
        as_shared=as_shared,
        shared=len(shared),
        withheld=sum(1 for e in entries if e.outcome == CardOutcome.WITHHOLD),
        undecided=sum(1 for e in entries if not e.outcome),
    )
    for entry in entries:
        if entry.outcome == CardOutcome.SHARE or not entry.is_concern:
            continue
        met = picture_met_on([*shared, entry], agencies=n, window_days=w)
        if met is None or (as_shared is not None and met.on >= as_shared.on):
            continue
        days = (as_shared.on - met.on).days if as_shared else None
        review.would_have_changed.append(WouldHaveChanged(entry=entry, met=met, days_earlier=days))
    review.would_have_changed.sort(key=lambda c: (c.met.on, c.entry.occurred_on, c.entry.ref))
    grouped: dict[str, list[PictureEntry]] = defaultdict(list)
    for e in entries:
        grouped[e.agency].append(e)
    review.by_agency = [
        AgencyKnew(
            agency=name,
            cards=cards,
            shared=sum(1 for c in cards if c.outcome == CardOutcome.SHARE),
            withheld=sum(1 for c in cards if c.outcome == CardOutcome.WITHHOLD),
            undecided=sum(1 for c in cards if not c.outcome),
            first_concern=min((c.occurred_on for c in cards if c.is_concern), default=None),
        )
        for name, cards in sorted(grouped.items(), key=lambda kv: min(c.occurred_on for c in kv[1]))
    ]
    review.reasons = Counter(
        e.withhold_reason for e in entries if e.outcome == CardOutcome.WITHHOLD
    ).most_common()
    return review


# --------------------------------------------------------------------------------------
# Self-assessment
# --------------------------------------------------------------------------------------


def may_edit_assessments(*, viewer: Practitioner) -> bool:
    return may_run_exercises(viewer=viewer)


def may_read_assessments(*, viewer: Practitioner) -> bool:
    return may_run_exercises(viewer=viewer) or viewer.has_role(
        RoleCode.BOARD_SCRUTINEER.value, RoleCode.IG_LEAD.value
    )


def assessments_for(*, viewer: Practitioner) -> QuerySet[SelfAssessment]:
    if not may_read_assessments(viewer=viewer) or viewer.partnership_id is None:
        return SelfAssessment.objects.none()
    return SelfAssessment.objects.filter(partnership_id=viewer.partnership_id)


def access_assessment(*, viewer: Practitioner, assessment_id: int) -> SelfAssessment:
    assessment = assessments_for(viewer=viewer).filter(pk=assessment_id).first()
    if assessment is None:
        raise NotFound
    return assessment


def assessment_answers(*, assessment: SelfAssessment) -> list[AssessmentAnswer]:
    return list(
        assessment.answers.select_related("question").order_by(
            "question__factor", "question__sort_order", "question_id"
        )
    )


@dataclass(frozen=True)
class FactorTrend:
    factor: str
    label: str
    scores: list[float | None]


@dataclass(frozen=True)
class Trend:
    assessments: list[SelfAssessment]
    factors: list[FactorTrend]


def factor_score(answers: Sequence[AssessmentAnswer], factor: str) -> float | None:
    scores = [a.score for a in answers if a.question.factor == factor and a.score is not None]
    return round(sum(scores) / len(scores), 2) if scores else None


def assessment_trend(*, viewer: Practitioner) -> Trend:
    """Each factor's mean score (1 to 4) across the partnership's assessments, oldest first."""
    assessments = list(
        assessments_for(viewer=viewer)
        .order_by("assessed_on", "id")
        .prefetch_related(
            Prefetch("answers", queryset=AssessmentAnswer.objects.select_related("question"))
        )
    )
    factors = [
        FactorTrend(
            factor=f.value,
            label=str(f.label),
            scores=[factor_score(list(a.answers.all()), f.value) for a in assessments],
        )
        for f in Factor
    ]
    return Trend(assessments=assessments, factors=factors)
