"""Browser journey: a school's concern reaches the MASH, is triaged, gathers what the police
hold (one item shared, one withheld), is decided at level 3 and countersigned, and the
teacher reads all four parts of the feedback. axe-core on every page."""

import pytest

from fullpicture.demo.services import DEMO_PASSWORD, sharetown_load
from fullpicture.frontdoor.models import Contact
from fullpicture.sharing.models import RequestRecipient

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def sign_in(page, url, username):
    page.goto(url + "/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1).wait_for()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").wait_for()


def no_problem(page):
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert summary.count() == 0, summary.inner_text()


def test_a_concern_from_school_to_feedback(live_server, page, assert_accessible):
    sharetown_load()
    url = live_server.url

    # The teacher records a concern about Jayden, with his mother.
    sign_in(page, url, "teacher")
    page.get_by_role("link", name="Your contacts").first.click()
    page.get_by_role("heading", name="Your contacts and feedback").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Record a concern").click()
    page.get_by_role("heading", name="Record a concern").wait_for()
    assert_accessible(page)
    page.get_by_label("Person 1: first name").fill("Jayden")
    page.get_by_label("Person 1: family name").fill("Walsh")
    page.locator("#id_p0_dob_day").fill("14")
    page.locator("#id_p0_dob_month").fill("1")
    page.locator("#id_p0_dob_year").fill("2017")
    page.get_by_label("Person 1: postcode").fill("ST3 8HD")
    page.get_by_role("button", name="Add another person").click()
    page.get_by_label("Person 2: first name").wait_for()
    page.locator("#id_p1_role_adult").check()
    page.get_by_label("Person 2: first name").fill("Katie")
    page.get_by_label("Person 2: family name").fill("Walsh")
    page.get_by_label("What did you see or hear?").fill(
        "Jayden came in with a bruise on his cheek and said Dean pushed him."
    )
    page.get_by_label("Physical abuse or injury").check()
    page.get_by_label("Consent was not sought").check()
    page.get_by_label("If consent was not given").select_option("would_prejudice")
    page.get_by_role("button", name="Send to the MASH").click()
    page.locator("#people").wait_for()
    assert_accessible(page)
    matches = page.locator("#people tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.match)"
    )
    assert matches[0] == "matched"
    assert "P-118206" not in page.content()  # never another agency's reference
    contact = Contact.objects.get(what_happened__contains="Dean pushed him")
    sign_out(page)

    # The MASH practitioner rates it amber and asks the police.
    sign_in(page, url, "mash.practitioner")
    page.get_by_role("link", name="MASH queue").first.click()
    page.locator("#queue").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name=contact.reference).click()
    page.locator("#triage").wait_for()
    assert_accessible(page)
    page.get_by_label("Amber").check()
    page.get_by_role("button", name="Save rating").click()
    page.locator("#rag").wait_for()
    assert page.locator("#rag").inner_text() == "Amber"
    page.get_by_label("About").select_option(label="Jayden Walsh (child)")
    page.get_by_label("Sharetown Police").check()
    page.get_by_label("Question").fill("What do you hold about Jayden and the adults at home?")
    page.get_by_role("button", name="Send information request").click()
    no_problem(page)
    page.locator("table[id^='request-']").first.wait_for()
    assert_accessible(page)
    request_id = contact.requests.get().request_id
    sign_out(page)

    # The police share one item and withhold another.
    sign_in(page, url, "police.officer")
    page.get_by_role("link", name="Your contacts").first.click()
    page.get_by_role("link", name="Information requests to your agency").click()
    page.locator("#requests").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name=f"Request {request_id}", exact=True).click()
    page.get_by_role("heading", name=f"Answer request {request_id}").wait_for()
    assert_accessible(page)
    items = page.locator(".fp-answer-item")
    assert items.count() >= 2
    items.nth(0).get_by_label("Share").check()
    items.nth(1).get_by_label("Withhold").check()
    items.nth(1).get_by_label("If withheld, why?").select_option("risk_to_source")
    withheld_summary = items.nth(1).get_attribute("data-summary")
    page.get_by_label("Why you are sharing").fill("Relevant to the enquiry about Jayden.")
    page.get_by_label("Why you are withholding").fill("The caller would be at risk if named.")
    page.get_by_role("button", name="Send answer").click()
    page.locator("#requests").wait_for()
    assert RequestRecipient.objects.get(request_id=request_id).answered_at is not None
    sign_out(page)

    # The MASH sees one shared, one withheld (with its reason, not its content), decides.
    sign_in(page, url, "mash.practitioner")
    page.goto(f"{url}/front-door/contacts/{contact.pk}/")
    row = page.locator(f"#request-{request_id} tbody tr[data-agency='STPOL']")
    cells = row.locator("td").all_inner_texts()
    assert cells[2:] == ["1", "1", "Risk to the source (1)"]
    assert withheld_summary not in page.locator("#shared").inner_text()
    assert_accessible(page)
    page.get_by_label("Level 3: child in need (section 17)").check()
    page.get_by_label("Outcome").select_option(label="Child and family assessment")
    page.get_by_label("Rationale").fill(
        "Level 3: repeated domestic abuse at home and an injury with an inconsistent account."
    )
    page.get_by_label("Yes: the information was relevant").check()
    page.get_by_label("What actions were taken?").fill(
        "A child and family assessment has started; a social worker is allocated."
    )
    page.locator("#id_further_yes").check()
    page.get_by_label("If yes, what is needed?").fill("Please share Jayden's attendance weekly.")
    page.get_by_role("button", name="Record decision").click()
    page.locator("#decision-summary").wait_for()
    assert_accessible(page)
    sign_out(page)

    # A MASH manager countersigns.
    sign_in(page, url, "mash.manager")
    page.goto(f"{url}/front-door/contacts/{contact.pk}/")
    page.get_by_role("button", name="Countersign decision").click()
    page.locator("#countersigned").wait_for()
    assert "Not yet" not in page.locator("#countersigned").inner_text()
    assert_accessible(page)
    sign_out(page)

    # The teacher reads all four parts of the feedback.
    sign_in(page, url, "teacher")
    page.get_by_role("link", name="Your contacts").first.click()
    assert "New feedback" in page.locator("#inbox").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name=contact.reference).click()
    parts = page.locator("#feedback-parts").inner_text()
    assert "Yes: the information was relevant" in parts
    assert f"contact {contact.reference}" in parts
    assert "A child and family assessment has started" in parts
    assert "Yes: Please share Jayden's attendance weekly." in parts
    assert_accessible(page)
