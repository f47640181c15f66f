"""Browser: the Sharetown exercise with a trainer and three participants, each in their own
browser context. Joins (with a wrong code first), decisions with reasons (and one refused
for want of a reason), the reveal showing every card and every decision, the review and the
PDF. axe-core on every page each of them visits."""

import pytest

from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.training.models import CardDecision, Exercise, ExerciseCard
from fullpicture.training.reasons import withhold_reason_label
from fullpicture.training.tests.factories import TrainerFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def _sign_in(browser, live_server, username):
    context = browser.new_context()
    context.set_default_timeout(30_000)  # four browsers at once on a busy machine
    page = context.new_page()
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    # Wait until signed in: the sign-in page has a heading too.
    page.wait_for_url(lambda url: "/sign-in/" not in url)
    return context, page


@pytest.fixture
def people():
    partnership = PartnershipFactory(code="E06000901", name="Sharetown")
    body = AgencyFactory(code="XSCP", name="Safeguarding Partnership", partnership=partnership)
    return {
        "trainer": TrainerFactory(
            username="x.trainer", first_name="Daniel", last_name="Pike", agency=body
        ),
        "players": [
            PractitionerFactory(
                username=f"x.player{i}", first_name=name, last_name="Player", agency=body
            )
            for i, name in enumerate(["Gareth", "Martin", "Bronwen"])
        ],
    }


# (agency code, label in the list, what each participant decides for each of their cards)
PLAYS = [
    ("STPOL", "Sharetown Police", "share"),
    ("BPS", "Brookfield Primary School", "withhold"),
    ("STGH", "Sharetown General Hospital (Emergency Department)", "mixed"),
]


def _decide(page, card, outcome, assert_accessible):
    section = page.locator(f"#card-{card.pk}")
    if outcome == "share":
        section.get_by_label("Share it", exact=True).check()
        section.get_by_label(f"If you share it: why are you sharing {card.ref}?").fill(
            f"Sharing {card.ref}: the risk of not sharing is greater"
        )
    else:
        section.get_by_label("Withhold it", exact=True).check()
        section.get_by_label(
            f"If you withhold it: why are you withholding {card.ref}?"
        ).select_option("third_party")
        section.get_by_label("If you withhold it: your note on the card (optional)").fill(
            f"Note on {card.ref}"
        )
    section.get_by_role("button", name=f"Save decision on {card.ref}").click()
    page.get_by_text(f"Card {card.ref} ").first.wait_for()


def test_the_sharetown_exercise_with_three_participants(
    browser, live_server, people, assert_accessible, settings
):
    # Waiting pages poll every few seconds; here every step is driven explicitly (the
    # refresh link), so polling is off and nothing races the test's own requests.
    settings.FULLPICTURE_TRAINING_POLL_SECONDS = 0
    trainer_ctx, trainer = _sign_in(browser, live_server, "x.trainer")
    trainer.get_by_role("link", name="Training").first.click()
    trainer.get_by_role("heading", name="Run an exercise").wait_for()
    assert_accessible(trainer)
    trainer.get_by_role("button", name="Create the exercise").click()
    trainer.get_by_role("heading", name="The Walsh family: Sharetown community meeting").wait_for()
    assert_accessible(trainer)
    code = trainer.locator("#join-code").inner_text().strip()
    exercise = Exercise.objects.get(join_code=code)

    players: list = []
    for (agency_code, agency_name, _), user in zip(PLAYS, people["players"], strict=True):
        ctx, page = _sign_in(browser, live_server, user.username)
        page.goto(live_server.url + "/training/join/")
        assert_accessible(page)
        if not players:  # the first participant mistypes the code
            page.get_by_label("Join an exercise").fill("ZZZZZZ")
            page.get_by_role("button", name="Join").click()
            summary = page.locator(".govuk-error-summary")
            summary.wait_for()
            assert "There is no exercise with that join code" in summary.inner_text()
            assert page.title().startswith("Error:")
            assert_accessible(page)
        page.get_by_label("Join an exercise").fill(code.lower())
        page.get_by_role("button", name="Join").click()
        page.get_by_role("heading", name="Which agency will you play?").wait_for()
        assert_accessible(page)
        page.get_by_label(agency_name, exact=True).check()
        page.get_by_role("button", name="Take this agency").click()
        page.get_by_text("Waiting for the trainer to start the exercise").wait_for()
        assert_accessible(page)
        players.append((ctx, page, agency_code))

    trainer.reload()
    progress = trainer.locator("#progress").inner_text()
    for user in people["players"]:
        assert str(user) in progress
    trainer.get_by_role("button", name="Start: open the cards").click()
    trainer.get_by_text("Running: participants deciding").first.wait_for()
    assert_accessible(trainer)

    decided = {}
    for (_ctx, page, agency_code), (_, _, plan) in zip(players, PLAYS, strict=True):
        page.get_by_role("link", name="Refresh this page").click()
        cards = list(
            ExerciseCard.objects.filter(exercise=exercise, agency__code=agency_code).order_by(
                "occurred_on", "ref"
            )
        )
        page.locator(f"#card-{cards[0].pk}").wait_for()
        assert_accessible(page)
        # Each participant sees only their own agency's cards.
        assert page.locator("section.govuk-summary-card").count() == len(cards)
        if agency_code == "STPOL":  # sharing without a reason is refused
            section = page.locator(f"#card-{cards[0].pk}")
            section.get_by_label("Share it", exact=True).check()
            section.get_by_role("button", name=f"Save decision on {cards[0].ref}").click()
            summary = page.locator(".govuk-error-summary")
            summary.wait_for()
            assert "Say why you are sharing this card" in summary.inner_text()
            assert_accessible(page)
        for i, card in enumerate(cards):
            outcome = plan if plan != "mixed" else ("share" if i % 2 == 0 else "withhold")
            _decide(page, card, outcome, assert_accessible)
            decided[card.ref] = outcome
        assert_accessible(page)
    assert CardDecision.objects.filter(card__exercise=exercise).count() == len(decided)

    trainer.reload()
    trainer.get_by_role("button", name="Reveal the full picture").click()
    trainer.get_by_role("heading", name="The full picture").wait_for()
    assert_accessible(trainer)
    timeline = trainer.locator("#timeline")
    rows = timeline.locator("tbody tr")
    assert rows.count() == exercise.cards.count()
    for card in exercise.cards.all():
        row = trainer.locator(f"#entry-{card.ref}")
        text = row.inner_text()
        assert card.title in text
        if card.ref in decided:
            if decided[card.ref] == "share":
                assert "Shared" in text
                assert f"Sharing {card.ref}: the risk of not sharing is greater" in text
            else:
                assert "Withheld" in text
                assert withhold_reason_label("third_party") in text
                assert f"Note on {card.ref}" in text
        else:
            assert "Not decided" in text

    for _ctx, page, _agency in players:
        page.reload()
        page.get_by_role("link", name="See the full picture").click()
        page.get_by_role("heading", name="The full picture").wait_for()
        assert_accessible(page)
        page.get_by_role("link", name="Go to the review: who knew what, when").click()
        page.get_by_role("heading", name="The review: who knew what, when").wait_for()
        assert_accessible(page)

    trainer.get_by_role("link", name="Go to the review: who knew what, when").click()
    trainer.get_by_role("heading", name="Where sharing would have changed the picture").wait_for()
    dates = trainer.locator("#picture-dates").inner_text()
    assert "Had every agency shared everything" in dates
    assert_accessible(trainer)
    trainer.get_by_label("Three recommendations").fill("1. Share bruising on babies.")
    trainer.get_by_role("button", name="Save the review").click()
    trainer.get_by_text("Review notes saved.").wait_for()
    trainer.get_by_role("link", name="Back to running the exercise").click()
    trainer.get_by_role("button", name="Finish the exercise").click()
    trainer.get_by_role("link", name="Download the summary (PDF)").wait_for()
    assert_accessible(trainer)
    with trainer.expect_download() as download:
        trainer.get_by_role("link", name="Download the summary (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    for ctx, _page, _agency in players:
        ctx.close()
    trainer_ctx.close()
