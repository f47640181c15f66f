"""The exercise's rules through its services: joining, cards per agency, decisions with
reasons, reveal, the review's computed picture, and data kept apart from live records."""

import ast
import datetime as dt
from pathlib import Path

import pytest
import time_machine

from fullpicture.partnerships.tests.factories import AgencyFactory, PractitionerFactory
from fullpicture.sharing.models import WithholdReason
from fullpicture.training import selectors, services
from fullpicture.training.models import ExerciseState
from fullpicture.training.reasons import withhold_reasons
from fullpicture.training.tests.factories import TrainerFactory, walsh_exercise

pytestmark = pytest.mark.django_db


@pytest.fixture
def exercise():
    return walsh_exercise()


def _join(exercise, code, agency_code):
    user = PractitionerFactory()
    p = services.exercise_join(code=code, user=user)
    agency = exercise.agencies.get(code=agency_code)
    return services.participant_take_agency(participant=p, agency_id=agency.pk)


def test_the_walsh_scenario_is_copied_into_the_exercise(exercise):
    assert exercise.state == ExerciseState.READY
    assert exercise.agencies.count() == 11
    assert exercise.cards.count() == 40
    assert len(exercise.join_code) == 6
    assert set(exercise.join_code) <= set(services.CODE_ALPHABET)
    assert not set(exercise.join_code) & set("01OIL")


def test_joining_ignores_case_spaces_and_hyphens(exercise):
    code = exercise.join_code
    messy = f" {code[:3].lower()}-{code[3:]} "
    p = services.exercise_join(code=messy, user=PractitionerFactory())
    assert p.exercise == exercise
    # Joining twice is the same place, not a second one.
    assert services.exercise_join(code=code, user=p.user) == p


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the join code your trainer gave you"),
        ("ABC", "Enter the join code exactly as shown"),
        ("OOOOOO", "Enter the join code exactly as shown"),
        ("ZZZZZZ", "There is no exercise with that join code"),
    ],
)
def test_a_wrong_code_is_refused_clearly(exercise, code, message):
    with pytest.raises(services.TrainingError, match=message):
        services.exercise_join(code=code, user=PractitionerFactory())


def test_an_expired_code_is_refused_and_a_new_one_works(exercise):
    later = exercise.code_expires_at + dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        with pytest.raises(services.TrainingError, match="expired"):
            services.exercise_join(code=exercise.join_code, user=PractitionerFactory())
        fresh = services.exercise_code_reissue(exercise=exercise)
        assert fresh.join_code != exercise.join_code or fresh.code_expires_at > later
        assert services.exercise_join(code=fresh.join_code, user=PractitionerFactory())


def test_each_participant_sees_only_their_agencys_cards(exercise):
    police = _join(exercise, exercise.join_code, "STPOL")
    school = _join(exercise, exercise.join_code, "BPS")
    police_cards = selectors.participant_cards(participant=police)
    assert {c.agency.code for c in police_cards} == {"STPOL"}
    assert len(police_cards) == 5
    assert {c.agency.code for c in selectors.participant_cards(participant=school)} == {"BPS"}
    with pytest.raises(selectors.NotFound):
        selectors.access_participant(viewer=school.user, participant_id=police.pk)


def test_decisions_need_a_started_exercise_and_a_reason(exercise):
    police = _join(exercise, exercise.join_code, "STPOL")
    card = selectors.participant_cards(participant=police)[0]
    with pytest.raises(services.TrainingError, match="has not started"):
        services.card_decide(participant=police, card_id=card.pk, outcome="share", reason="x")
    services.exercise_advance(exercise=exercise, step="start", actor=exercise.trainer)
    with pytest.raises(services.TrainingError, match="sharing needs a reason too") as info:
        services.card_decide(participant=police, card_id=card.pk, outcome="share", reason="  ")
    assert info.value.field == "reason"
    with pytest.raises(services.TrainingError, match="Choose why you are withholding"):
        services.card_decide(participant=police, card_id=card.pk, outcome="withhold")
    with pytest.raises(services.TrainingError, match="Choose why you are withholding"):
        services.card_decide(
            participant=police, card_id=card.pk, outcome="withhold", withhold_reason="whim"
        )
    with pytest.raises(services.TrainingError, match="Choose whether to share or withhold"):
        services.card_decide(participant=police, card_id=card.pk, outcome="")
    assert not hasattr(card, "decision") or card.decision is None
    decision = services.card_decide(
        participant=police,
        card_id=card.pk,
        outcome="withhold",
        withhold_reason=WithholdReason.PREJUDICE_INVESTIGATION,
        reason="Live investigation",
    )
    assert decision.version == 1
    changed = services.card_decide(
        participant=police, card_id=card.pk, outcome="share", reason="Risk of not sharing"
    )
    assert (changed.version, changed.withhold_reason) == (2, "")


def test_a_participant_cannot_decide_another_agencys_card(exercise):
    police = _join(exercise, exercise.join_code, "STPOL")
    school = _join(exercise, exercise.join_code, "BPS")
    services.exercise_advance(exercise=exercise, step="start", actor=exercise.trainer)
    school_card = selectors.participant_cards(participant=school)[0]
    with pytest.raises(services.TrainingError, match="not one of your agency's cards"):
        services.card_decide(
            participant=police, card_id=school_card.pk, outcome="share", reason="mine"
        )


def test_after_the_reveal_decisions_and_joining_are_closed(exercise):
    police = _join(exercise, exercise.join_code, "STPOL")
    trainer = exercise.trainer
    with pytest.raises(services.TrainingError, match="cannot reveal now"):
        services.exercise_advance(exercise=exercise, step="reveal", actor=trainer)
    services.exercise_advance(exercise=exercise, step="start", actor=trainer)
    other_trainer = TrainerFactory(agency=trainer.agency)
    with pytest.raises(services.TrainingError, match="Only the exercise's trainer"):
        services.exercise_advance(exercise=exercise, step="reveal", actor=other_trainer)
    services.exercise_advance(exercise=exercise, step="reveal", actor=trainer)
    card = selectors.participant_cards(participant=police)[0]
    with pytest.raises(services.TrainingError, match="decisions are closed"):
        services.card_decide(participant=police, card_id=card.pk, outcome="share", reason="x")
    with pytest.raises(services.TrainingError, match="closed to new participants"):
        services.exercise_join(code=exercise.join_code, user=PractitionerFactory())


def test_the_review_computes_when_three_agencies_concerns_were_known(exercise):
    """Nothing hard-coded: the dates come from the cards and the decisions."""
    trainer = exercise.trainer
    police = _join(exercise, exercise.join_code, "STPOL")
    school = _join(exercise, exercise.join_code, "BPS")
    hospital = _join(exercise, exercise.join_code, "STGH")
    services.exercise_advance(exercise=exercise, step="start", actor=trainer)
    for p in (police, school):
        for card in selectors.participant_cards(participant=p):
            services.card_decide(participant=p, card_id=card.pk, outcome="share", reason="Risk")
    for card in selectors.participant_cards(participant=hospital):
        services.card_decide(
            participant=hospital,
            card_id=card.pk,
            outcome="withhold",
            withhold_reason=WithholdReason.THIRD_PARTY,
        )
    services.exercise_advance(exercise=exercise, step="reveal", actor=trainer)
    review = selectors.exercise_review(exercise=exercise)
    # Everything shared: probation (Oct 2024), police (Feb 2025) and the hospital's card
    # of 15 April 2025 fall within a year of each other.
    assert review.if_all_shared is not None
    assert review.if_all_shared.on == dt.date(2025, 4, 15)
    assert review.if_all_shared.agencies == (
        "Probation Service",
        "Sharetown General Hospital (Emergency Department)",
        "Sharetown Police",
    )
    # Only police and school shared: two agencies never make three.
    assert review.as_shared is None
    assert review.shared == 9
    assert review.withheld == 4
    assert review.undecided == 27
    # The hospital's withheld cards each would have completed the picture.
    brought_forward = {c.entry.ref for c in review.would_have_changed}
    assert "ED-2" in brought_forward
    ed2 = next(c for c in review.would_have_changed if c.entry.ref == "ED-2")
    assert ed2.met.on == dt.date(2025, 11, 2)
    assert ed2.days_earlier is None
    assert review.reasons == [("Third-party information", 4)]
    assert [a.agency for a in review.by_agency][:2] == [
        "Sharetown Police",
        "Probation Service",
    ]


def test_picture_met_on_respects_the_window():
    from fullpicture.training.selectors import PictureEntry, picture_met_on

    def e(day, agency, concern=True):
        return PictureEntry(
            ref=f"{agency}{day}", occurred_on=day, agency=agency, category="", title="",
            text="", is_concern=concern, outcome="", outcome_label="", withhold_reason="",
            reason="", decided_by="",
        )  # fmt: skip

    d = dt.date
    spread = [e(d(2024, 1, 1), "A"), e(d(2025, 6, 1), "B"), e(d(2025, 7, 1), "C")]
    assert picture_met_on(spread, agencies=3, window_days=365) is None
    close = [*spread, e(d(2025, 8, 1), "A")]
    met = picture_met_on(close, agencies=3, window_days=365)
    assert met is not None
    assert met.on == d(2025, 8, 1)
    not_concerns = [e(d(2025, 1, 1), "A", False), e(d(2025, 1, 2), "B"), e(d(2025, 1, 3), "C")]
    assert picture_met_on(not_concerns, agencies=3, window_days=365) is None


def test_the_withhold_reasons_are_the_sharing_apps_list():
    assert withhold_reasons() == [(v, str(label)) for v, label in WithholdReason.choices if v]


def test_exercise_data_never_touches_live_records():
    """The training app imports nothing of people, linkage or items (only sharing's reasons)."""
    root = Path(services.__file__).resolve().parent
    offenders = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module.startswith(("fullpicture.people", "fullpicture.linkage")):
                    offenders.append((path.name, node.module))
                if node.module.startswith("fullpicture.sharing") and node.module not in {
                    "fullpicture.sharing",
                }:
                    offenders.append((path.name, node.module))
    assert offenders == []


def test_a_scenario_file_with_a_bad_card_is_refused_clearly(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"slug": "bad", "title": "Bad", "introduction": "x", "meeting_on": "2026-01-01",'
        ' "agencies": [{"code": "A", "name": "Agency A"}],'
        ' "cards": [{"ref": "A-1", "agency": "A", "occurred_on": "2026-01-01",'
        ' "category": "not_a_category", "title": "t", "text": "x"}]}'
    )
    with pytest.raises(services.TrainingError, match="'not_a_category' is not a shared category"):
        services.scenarios_sync(folder=tmp_path)
    bad.write_text("{not json")
    with pytest.raises(services.TrainingError, match=r"bad\.json: not valid JSON"):
        services.scenarios_sync(folder=tmp_path)


def test_a_partnership_can_drop_in_its_own_scenario(tmp_path):
    own = tmp_path / "own.json"
    own.write_text(
        '{"slug": "own-family", "title": "Our own family", "introduction": "x",'
        ' "meeting_on": "2026-01-10", "agencies": [{"code": "A", "name": "Agency A"}],'
        ' "cards": [{"ref": "A-1", "agency": "A", "occurred_on": "2026-01-01",'
        ' "category": "3A", "title": "t", "text": "x"}]}'.replace('"3A"', '"domestic_abuse"')
    )
    (scenario,) = services.scenarios_sync(folder=tmp_path)
    trainer = TrainerFactory(agency=AgencyFactory())
    exercise = services.exercise_create(scenario=scenario, trainer=trainer)
    assert exercise.cards.get().category_label == "Domestic abuse"


def test_scenario_files_are_reloaded_only_when_they_change(tmp_path):
    own = tmp_path / "own.json"
    data = (
        '{"slug": "own", "title": "TITLE", "introduction": "x", "meeting_on": "2026-01-10",'
        ' "agencies": [{"code": "A", "name": "Agency A"}],'
        ' "cards": [{"ref": "A-1", "agency": "A", "occurred_on": "2026-01-01",'
        ' "category": "neglect", "title": "t", "text": "x"}]}'
    )
    own.write_text(data.replace("TITLE", "First"))
    (first,) = services.scenarios_sync(folder=tmp_path)
    card_id = first.cards.get().pk
    (again,) = services.scenarios_sync(folder=tmp_path)
    assert again.cards.get().pk == card_id  # unchanged file: nothing rewritten
    own.write_text(data.replace("TITLE", "Second"))
    (changed,) = services.scenarios_sync(folder=tmp_path)
    assert changed.pk == first.pk
    assert changed.title == "Second"
