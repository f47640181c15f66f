"""Consent on every path (docs/decisions/0072): under an agreement that rests on consent
(early help) another agency's records of a person, its involvements ("who else is
involved"), "known to" in search and the coverage panel follow the agency's consent for
that record exactly as its items do. A refusal stands; consent given opens them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from fullpicture.audit.services import Actor
from fullpicture.people.models import SourceRecord
from fullpicture.people.tests.factories import SourceRecordFactory
from fullpicture.sharing.contexts import purpose_in
from fullpicture.sharing.feed_selectors import person_coverage, person_involvements
from fullpicture.sharing.feeds import involvements_import, items_import
from fullpicture.sharing.models import Consent, EarlyHelpEpisode, RecordConsent
from fullpicture.sharing.policy import decide_record_for, policy_context
from fullpicture.sharing.selectors import (
    PersonQuery,
    person_search,
    records_visible_to,
)
from fullpicture.sharing.tests.factories import AgreementFactory
from fullpicture.sharing.tests.feeds_town import involvement_row, item_row, make_town

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")
EARLY_HELP = "early_help"
SOCIAL_WORKER = "Sam Fictional-Socialworker"
SOCIAL_WORKER_PHONE = "01632 960 777"


@pytest.fixture
def town():
    return make_consent_town()


def make_consent_town():
    """Feedtown with an early-help agreement (consent-based) joining the school and social
    care; social care holds a record of the child, a child-protection involvement and an
    item whose consent the family refused."""
    town = make_town()
    AgreementFactory(early_help=True, parties=[town.school, town.mash])
    record = SourceRecordFactory(
        agency=town.mash,
        source_id="C-child",
        given_name="Patrice",
        family_name="Feedcase",
        date_of_birth=town.records["S-child"].date_of_birth,
        postcode="FT1 1AA",
        person=town.child,
    )
    town.records["C-child"] = SourceRecord.objects.get(pk=record.pk)
    items_import(
        agency=town.mash,
        rows=[(2, item_row("CSC-1", who="C-child", category="neglect", consent="refused"))],
        file="c.csv",
        actor=ACTOR,
    )
    involvements_import(
        agency=town.mash,
        rows=[
            (
                2,
                involvement_row(
                    "C-child",
                    practitioner_name=SOCIAL_WORKER,
                    role="Child protection social worker",
                    phone=SOCIAL_WORKER_PHONE,
                    email="sam@csc.test",
                ),
            )
        ],
        file="ci.csv",
        actor=ACTOR,
    )
    # the early-help episode the school leads, with the family's consent to it on record:
    # the work context every early-help read here is in (docs/decisions/0056)
    episode = EarlyHelpEpisode.objects.create(
        person=town.child,
        lead_agency=town.school,
        consent_given=True,
        consent_recorded_at=timezone.now(),
        started_on=timezone.localdate(),
    )
    episode.agencies.set([town.mash])
    town.eh_ref = f"episode:{episode.pk}"
    town.eh = purpose_in(EARLY_HELP, town.eh_ref)
    return town


def give_consent(town):
    items_import(
        agency=town.mash,
        rows=[
            (
                2,
                item_row(
                    "CSC-2",
                    who="C-child",
                    category="neglect",
                    consent="given",
                    recorded_at="2025-04-02T09:00:00",
                ),
            )
        ],
        file="c2.csv",
        actor=ACTOR,
    )


def test_the_records_consent_follows_the_latest_given_or_refused_item(town):
    record = town.records["C-child"]
    assert RecordConsent.objects.get(record=record).state == Consent.REFUSED
    give_consent(town)
    assert RecordConsent.objects.get(record=record).state == Consent.GIVEN
    # "not sought" later changes nothing
    items_import(
        agency=town.mash,
        rows=[(2, item_row("CSC-3", who="C-child", recorded_at="2025-05-01T09:00:00"))],
        file="c3.csv",
        actor=ACTOR,
    )
    assert RecordConsent.objects.get(record=record).state == Consent.GIVEN


def test_a_refused_consent_hides_the_record_under_early_help(town):
    record = town.records["C-child"]
    visible = set(records_visible_to(viewer=town.teacher, purpose=town.eh))
    assert record not in visible
    assert town.records["S-child"] in visible  # the school's own record
    ctx = policy_context(viewer=town.teacher, purpose=town.eh)
    decision = decide_record_for(ctx, record=record)
    assert not decision.allowed
    assert "rests on consent" in decision.reason
    give_consent(town)
    assert record in set(records_visible_to(viewer=town.teacher, purpose=town.eh))
    ctx = policy_context(viewer=town.teacher, purpose=town.eh)
    assert decide_record_for(ctx, record=record).allowed


def test_a_refused_consent_hides_the_involvement_and_the_social_workers_phone(town):
    names = [
        i.practitioner_name
        for i in person_involvements(viewer=town.teacher, person=town.child, purpose=town.eh)
    ]
    assert SOCIAL_WORKER not in names
    give_consent(town)
    names = [
        i.practitioner_name
        for i in person_involvements(viewer=town.teacher, person=town.child, purpose=town.eh)
    ]
    assert SOCIAL_WORKER in names


def test_search_does_not_say_known_to_social_care_when_consent_is_refused(town):
    results = person_search(
        viewer=town.teacher, purpose=town.eh, query=PersonQuery(name="Feedcase")
    )
    assert [r.person for r in results] == [town.child]
    assert [a.code for a in results[0].agencies] == ["FSCH"]
    assert "Patrice" not in results[0].names
    give_consent(town)
    results = person_search(viewer=town.teacher, purpose=town.eh, query=PersonQuery(name="Patrice"))
    assert sorted(a.code for a in results[0].agencies) == ["FCSC", "FSCH"]


def test_a_person_known_only_to_the_refusing_agency_is_not_found(town):
    SourceRecordFactory(agency=town.mash, source_id="C-other", given_name="Nobody", person=None)
    only = SourceRecordFactory(
        agency=town.mash, source_id="C-only", given_name="Onlyknown", family_name="Refusedcase"
    )
    items_import(
        agency=town.mash,
        rows=[(2, item_row("CSC-9", who="C-only", consent="refused"))],
        file="c9.csv",
        actor=ACTOR,
    )
    assert only.person_id is not None
    found = person_search(
        viewer=town.teacher, purpose=town.eh, query=PersonQuery(name="Refusedcase")
    )
    assert found == []


def test_the_coverage_panel_says_only_with_consent_never_none_found(town):
    ctx_records = list(
        records_visible_to(viewer=town.teacher, purpose=town.eh).filter(person=town.child)
    )
    panel = {
        c.agency.code: c.state
        for c in person_coverage(
            viewer=town.teacher,
            person=town.child,
            purpose=town.eh,
            records=ctx_records,
            items=[],
        )
    }
    assert panel["FCSC"] == "consent_only"


def test_the_person_page_and_search_page_under_early_help(client, town):
    client.force_login(town.teacher)
    html = client.get(
        reverse("web:person", args=[town.child.pk]) + f"?context={town.eh_ref}"
    ).content.decode()
    assert SOCIAL_WORKER not in html
    assert SOCIAL_WORKER_PHONE not in html
    assert "01632960777" not in html
    assert "Patrice" not in html
    assert 'data-agency="FCSC" data-state="consent_only"' in html
    search = client.get(
        reverse("web:person_search"),
        {"name": "Feedcase", "purpose": EARLY_HELP, "context": town.eh_ref},
    ).content.decode()
    assert "Feedtown Social Care" not in search
    assert "Feedtown Primary" in search


def test_the_printed_chronology_names_no_refused_record(client, town):
    client.force_login(town.teacher)
    response = client.get(
        reverse("web:person_chronology_print", args=[town.child.pk]) + f"?context={town.eh_ref}"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Patrice" not in html
    assert "Feedtown Social Care" not in html
    give_consent(town)
    html = client.get(
        reverse("web:person_chronology_print", args=[town.child.pk]) + f"?context={town.eh_ref}"
    ).content.decode()
    assert "Patrice" in html
