"""Training pages through the test client: joining, deciding, who sees what, the PDF and
the self-assessment with its chart."""

import io

import pytest
from pypdf import PdfReader

from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.training import services
from fullpicture.training.models import AssessmentAction, CardDecision, SelfAssessment
from fullpicture.training.tests.factories import TrainerFactory, walsh_exercise

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    partnership = PartnershipFactory(code="E06000701", name="Trainshire")
    body = AgencyFactory(code="TSCP", name="Trainshire Partnership", partnership=partnership)
    school = AgencyFactory(code="TSCH", name="Trainshire School", partnership=partnership)
    trainer = TrainerFactory(username="t.trainer", agency=body)
    return {
        "partnership": partnership,
        "trainer": trainer,
        "teacher": PractitionerFactory(username="t.teacher", agency=school),
        "scrutineer": PractitionerFactory(
            username="t.scrutineer", agency=body, roles=["board_scrutineer"]
        ),
    }


def _join(client, user, exercise, agency_code="BPS"):
    client.force_login(user)
    response = client.post("/training/join/", {"code": exercise.join_code})
    assert response.status_code == 302
    place = user.exercise_places.get(exercise=exercise)
    agency = exercise.agencies.get(code=agency_code)
    client.post(f"/training/play/{place.pk}/agency/", {"agency": agency.pk})
    return place


def test_a_trainer_creates_an_exercise_from_the_home_page(client, world):
    client.force_login(world["trainer"])
    home = client.get("/training/").content.decode()
    assert "The Walsh family" in home
    scenario_id = home.split('name="scenario" type="radio" value="')[1].split('"')[0]
    response = client.post("/training/exercises/new/", {"scenario": scenario_id}, follow=True)
    body = response.content.decode()
    assert "The join code is" in body
    assert 'id="join-code"' in body


def test_joining_with_a_wrong_code_shows_a_gov_uk_error(client, world):
    walsh_exercise(world["trainer"])
    client.force_login(world["teacher"])
    response = client.post("/training/join/", {"code": "ZZZZZZ"})
    body = response.content.decode()
    assert "<title>Error: Join an exercise" in body
    assert "govuk-error-summary" in body
    assert 'href="#id_code"' in body
    assert "There is no exercise with that join code" in body
    assert 'aria-describedby="code-hint code-error"' in body


def test_joining_with_an_expired_code_says_so(client, world):
    exercise = walsh_exercise(world["trainer"])
    exercise.code_expires_at = exercise.created_at
    exercise.save()
    client.force_login(world["teacher"])
    body = client.post("/training/join/", {"code": exercise.join_code}).content.decode()
    assert "That join code has expired. Ask your trainer for a new one" in body


def test_sharing_without_a_reason_is_refused_and_nothing_is_saved(client, world):
    exercise = walsh_exercise(world["trainer"])
    place = _join(client, world["teacher"], exercise)
    services.exercise_advance(exercise=exercise, step="start", actor=world["trainer"])
    card = exercise.cards.filter(agency__code="BPS").first()
    response = client.post(
        f"/training/play/{place.pk}/cards/{card.pk}/", {"outcome": "share", "reason_share": ""}
    )
    body = response.content.decode()
    assert "Say why you are sharing this card: sharing needs a reason too" in body
    assert f'href="#card-{card.pk}-reason_share"' in body
    assert not CardDecision.objects.exists()
    ok = client.post(
        f"/training/play/{place.pk}/cards/{card.pk}/",
        {"outcome": "withhold", "withhold_reason": "third_party", "reason_note": "Mum's info"},
        follow=True,
    )
    assert f"Card {card.ref} withheld" in ok.content.decode()
    assert CardDecision.objects.get().withhold_reason == "third_party"


def test_a_participant_sees_only_their_agencys_cards(client, world):
    exercise = walsh_exercise(world["trainer"])
    place = _join(client, world["teacher"], exercise)
    services.exercise_advance(exercise=exercise, step="start", actor=world["trainer"])
    body = client.get(f"/training/play/{place.pk}/").content.decode()
    assert "Jayden: &#x27;mummy and Dean shout, Dean hurt mummy&#x27;" in body
    assert "Partner grabbed Katie" not in body  # a police card
    # The full picture stays hidden until the trainer reveals it; the trainer's page too.
    assert client.get(f"/training/exercises/{exercise.pk}/picture/").status_code == 404
    assert client.get(f"/training/exercises/{exercise.pk}/").status_code == 404
    other = PractitionerFactory(username="t.other", agency=world["teacher"].agency)
    client.force_login(other)
    assert client.get(f"/training/play/{place.pk}/").status_code == 404
    services.exercise_advance(exercise=exercise, step="reveal", actor=world["trainer"])
    client.force_login(world["teacher"])
    picture = client.get(f"/training/exercises/{exercise.pk}/picture/").content.decode()
    assert "Partner grabbed Katie" in picture


def test_the_pdf_summary_is_for_a_finished_exercise(client, world):
    exercise = walsh_exercise(world["trainer"])
    trainer = world["trainer"]
    client.force_login(trainer)
    assert client.get(f"/training/exercises/{exercise.pk}/summary.pdf").status_code == 404
    for step in ("start", "reveal"):
        client.post(f"/training/exercises/{exercise.pk}/advance/", {"step": step})
    client.post(
        f"/training/exercises/{exercise.pk}/review/",
        {"review_notes": "Nobody joined up the bruising.", "recommendations": "1. Share."},
    )
    client.post(f"/training/exercises/{exercise.pk}/advance/", {"step": "finish"})
    response = client.get(f"/training/exercises/{exercise.pk}/summary.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Exercise summary" in text
    assert "Nobody joined up the bruising." in text
    assert "Lily-Mae" in text


def test_the_self_assessment_chart_and_table_show_the_same_scores(client, world):
    trainer = world["trainer"]
    services._demo_assessments(partnership=world["partnership"], actor=trainer)
    client.force_login(world["scrutineer"])
    body = client.get("/training/self-assessment/").content.decode()
    assert 'role="img"' in body
    assert '<title id="trend-title">' in body
    assert "Spring 2025" in body
    assert "Autumn 2025" in body
    assert "Start a new assessment" not in body  # a scrutineer reads, a trainer edits
    # Spring 2025: leadership 1 with every fourth question one higher -> 1.25
    assert "1.2" in body or "1.3" in body
    client.force_login(world["teacher"])
    assert client.get("/training/self-assessment/").status_code == 404


def test_a_trainer_runs_an_assessment_with_an_action_plan(client, world):
    client.force_login(world["trainer"])
    missing = client.post("/training/self-assessment/", {"title": "", "assessed_on": "2026-13-01"})
    body = missing.content.decode()
    assert "Enter a name for the assessment" in body
    assert "Enter the date of the assessment as a real date" in body
    created = client.post(
        "/training/self-assessment/", {"title": "Spring 2026", "assessed_on": "2026-04-30"}
    )
    assessment = SelfAssessment.objects.get(title="Spring 2026")
    assert created["Location"] == f"/training/self-assessment/{assessment.pk}/"
    answers = list(assessment.answers.all())
    form = {"form": "answers", "complete": "yes", f"score_{answers[0].question_id}": "3"}
    refused = client.post(f"/training/self-assessment/{assessment.pk}/", form)
    assert "Score every question before completing" in refused.content.decode()
    for a in answers:
        form[f"score_{a.question_id}"] = "3"
        form[f"evidence_{a.question_id}"] = "Seen in the audit."
    client.post(f"/training/self-assessment/{assessment.pk}/", form)
    assessment.refresh_from_db()
    assert assessment.completed_at is not None
    client.post(
        f"/training/self-assessment/{assessment.pk}/",
        {
            "form": "action",
            "factor": "capability",
            "description": "Train nursery staff",
            "owner": "Trainer",
            "due_on": "2026-09-30",
        },
    )
    assert AssessmentAction.objects.get().owner == "Trainer"
    page = client.get("/training/self-assessment/").content.decode()
    assert "3.0" in page


def test_the_waiting_page_polls_a_state_only_endpoint(client, world, settings):
    settings.FULLPICTURE_TRAINING_POLL_SECONDS = 7
    exercise = walsh_exercise(world["trainer"])
    place = _join(client, world["teacher"], exercise)
    body = client.get(f"/training/play/{place.pk}/").content.decode()
    assert f'data-fp-poll="/training/exercises/{exercise.pk}/status.json"' in body
    assert 'data-fp-every="7"' in body
    status = client.get(f"/training/exercises/{exercise.pk}/status.json").json()
    assert status == {"state": "ready", "version": exercise.version}
    client.force_login(PractitionerFactory(username="t.stranger"))
    assert client.get(f"/training/exercises/{exercise.pk}/status.json").status_code == 404
