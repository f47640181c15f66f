"""The Sharetown exercise and partnership self-assessment.

Exercise data is fiction and lives in its own tables: nothing here refers to, reads or
writes a live person, record or information item (docs/decisions/0013-exercise-apart.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fullpicture.partnerships.models import Partnership
from fullpicture.vocabulary.models import ConcernCategory

# --------------------------------------------------------------------------------------
# Scenarios: data, from a JSON file per scenario or written in the admin
# --------------------------------------------------------------------------------------


class ScenarioSource(models.TextChoices):
    FILE = "file", "Scenario file"
    ADMIN = "admin", "Written in the admin"


class Scenario(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    introduction = models.TextField(help_text="What every participant reads first.")
    outcome = models.TextField(
        blank=True, help_text="What happened next: revealed to everyone at the review."
    )
    meeting_on = models.DateField(help_text="The day of the meeting the exercise plays out.")
    concern_agencies = models.PositiveSmallIntegerField(
        default=3, help_text="The review asks when concerns from this many agencies were known."
    )
    window_days = models.PositiveSmallIntegerField(
        default=365, help_text="…within this many days of each other."
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scenarios",
        help_text="Leave empty to offer it to every partnership.",
    )
    source = models.CharField(
        max_length=8, choices=ScenarioSource.choices, default=ScenarioSource.ADMIN
    )
    active = models.BooleanField(default=True)
    file_hash = models.CharField(
        max_length=64, blank=True, editable=False, help_text="Of the file it was loaded from."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ScenarioAgency(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="agencies")
    code = models.CharField(max_length=16)
    name = models.CharField(max_length=200)
    briefing = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scenario_id", "sort_order", "name"]
        verbose_name_plural = "scenario agencies"
        constraints = [
            models.UniqueConstraint(fields=["scenario", "code"], name="uniq_scenario_agency")
        ]

    def __str__(self) -> str:
        return self.name


class ScenarioCard(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="cards")
    agency = models.ForeignKey(ScenarioAgency, on_delete=models.CASCADE, related_name="cards")
    ref = models.CharField(max_length=16)
    occurred_on = models.DateField()
    category = models.ForeignKey(ConcernCategory, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    text = models.TextField()
    is_concern = models.BooleanField(
        default=True, help_text="Counts towards the review's 'concerns from N agencies'."
    )

    class Meta:
        ordering = ["scenario_id", "occurred_on", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "ref"], name="uniq_scenario_card")
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


# --------------------------------------------------------------------------------------
# Exercises: a copy of the scenario as played, so editing a scenario never changes one
# --------------------------------------------------------------------------------------


class ExerciseState(models.TextChoices):
    READY = "ready", "Ready: participants joining"
    RUNNING = "running", "Running: participants deciding"
    REVEALED = "revealed", "Full picture revealed"
    FINISHED = "finished", "Finished"


class Exercise(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="exercises")
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="exercises")
    title = models.CharField(max_length=200)
    introduction = models.TextField()
    outcome = models.TextField(blank=True)
    meeting_on = models.DateField()
    concern_agencies = models.PositiveSmallIntegerField()
    window_days = models.PositiveSmallIntegerField()
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exercises_run"
    )
    state = models.CharField(
        max_length=16, choices=ExerciseState.choices, default=ExerciseState.READY
    )
    join_code = models.CharField(max_length=8, unique=True)
    code_expires_at = models.DateTimeField()
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    review_notes = models.TextField(blank=True)
    recommendations = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.join_code})"


class ExerciseAgency(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="agencies")
    code = models.CharField(max_length=16)
    name = models.CharField(max_length=200)
    briefing = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["exercise_id", "sort_order", "name"]
        verbose_name_plural = "exercise agencies"
        constraints = [
            models.UniqueConstraint(fields=["exercise", "code"], name="uniq_exercise_agency")
        ]

    def __str__(self) -> str:
        return self.name


class ExerciseCard(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="cards")
    agency = models.ForeignKey(ExerciseAgency, on_delete=models.CASCADE, related_name="cards")
    ref = models.CharField(max_length=16)
    occurred_on = models.DateField()
    category = models.ForeignKey(ConcernCategory, on_delete=models.PROTECT, related_name="+")
    category_label = models.CharField(max_length=120)
    title = models.CharField(max_length=200)
    text = models.TextField()
    is_concern = models.BooleanField(default=True)

    class Meta:
        ordering = ["exercise_id", "occurred_on", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "ref"], name="uniq_exercise_card")
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class Participant(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_places"
    )
    agency = models.ForeignKey(
        ExerciseAgency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
    )
    joined_at = models.DateTimeField()

    class Meta:
        ordering = ["exercise_id", "joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "user"], name="uniq_exercise_participant")
        ]

    def __str__(self) -> str:
        return f"Participant {self.pk}"


class CardOutcome(models.TextChoices):
    SHARE = "share", "Share"
    WITHHOLD = "withhold", "Withhold"


class CardDecision(models.Model):
    """The agency's decision about one card. The withhold reason is a value of the sharing
    app's withhold-reason list, checked by the service (no choices here, so that list can
    grow without a migration)."""

    card = models.OneToOneField(ExerciseCard, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(max_length=8, choices=CardOutcome.choices)
    withhold_reason = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="decisions")
    decided_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["card_id"]

    def __str__(self) -> str:
        return f"{self.card_id}: {self.outcome}"


# --------------------------------------------------------------------------------------
# Partnership self-assessment against the report's three factors
# --------------------------------------------------------------------------------------


class Factor(models.TextChoices):
    UNDERSTANDING = "understanding", "Understanding vulnerability and risk"
    LEADERSHIP = "leadership", "Providing strategic leadership and communication"
    CAPABILITY = "capability", "Developing professional capability"


class Score(models.IntegerChoices):
    NOT_IN_PLACE = 1, "1: not in place"
    DEVELOPING = 2, "2: developing"
    ESTABLISHED = 3, "3: established"
    EMBEDDED = 4, "4: embedded and improving"


class AssessmentQuestion(models.Model):
    factor = models.CharField(max_length=16, choices=Factor.choices)
    text = models.CharField(max_length=300)
    hint = models.CharField(max_length=400, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["factor", "sort_order", "id"]

    def __str__(self) -> str:
        return self.text


class SelfAssessment(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="self_assessments"
    )
    title = models.CharField(max_length=120)
    assessed_on = models.DateField()
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partnership_id", "assessed_on", "id"]

    def __str__(self) -> str:
        return self.title


class AssessmentAnswer(models.Model):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(AssessmentQuestion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(choices=Score.choices, null=True, blank=True)
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["assessment_id", "question__factor", "question__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="uniq_answer")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.question_id}"


class AssessmentAction(models.Model):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="actions")
    factor = models.CharField(max_length=16, choices=Factor.choices)
    description = models.TextField()
    owner = models.CharField(max_length=120)
    due_on = models.DateField()
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["assessment_id", "due_on", "id"]

    def __str__(self) -> str:
        return self.description[:60]
