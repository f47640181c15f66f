"""Answering a challenge "removed": a second person of the owning agency confirms (never
the raiser, never the proposer), and the removed item leaves a tombstone: who, why, when,
never its words (issue 14, docs/decisions/0064-four-eyes.md). Legal holds:
governance/tests/test_four_eyes_holds.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.services import Actor
from fullpicture.partnerships.tests.factories import PractitionerFactory
from fullpicture.sharing.feeds import items_import
from fullpicture.sharing.models import Challenge, InformationRequest, ItemRemoval, RequestRecipient
from fullpicture.sharing.selectors import items_visible_to
from fullpicture.sharing.tests.feeds_town import item_row, make_town

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")
PURPOSE = "safeguarding_enquiry"


@pytest.fixture
def town():
    town = make_town()
    items_import(
        agency=town.police,
        rows=[(2, item_row("INC-9", summary="Seen with a named adult at the flat"))],
        file="p.csv",
        actor=ACTOR,
    )
    town.colleague = PractitionerFactory(agency=town.police, roles=["agency_practitioner"])
    return town


def _item(town):
    return items_visible_to(viewer=town.officer, purpose=PURPOSE).get(source_id="INC-9")


def _raise(client, town, who, purpose="direct_care", context=""):
    client.force_login(who)
    response = client.post(
        reverse("sharing:challenge_new"),
        {
            "person": town.child.pk,
            "purpose": purpose,
            "context": context,
            "about": "item",
            "object": _item(town).pk,
            "reason": "Recorded against the wrong child.",
        },
    )
    assert response.status_code == 302
    return Challenge.objects.get()


def _answer(client, who, challenge, answer="removed", note=""):
    client.force_login(who)
    return client.post(
        reverse("sharing:challenge_answer", args=[challenge.pk]), {"answer": answer, "note": note}
    )


def test_one_person_cannot_raise_and_remove_their_agencys_item(client, town):
    item = _item(town)
    challenge = _raise(client, town, town.officer)  # on their own agency's item
    assert _answer(client, town.officer, challenge).status_code == 302  # proposes
    challenge.refresh_from_db()
    assert challenge.removal_proposed_by == town.officer
    assert challenge.answered_at is None
    refused = _answer(client, town.officer, challenge)  # and confirms? no
    assert refused.status_code == 400
    assert "You proposed this removal, so you cannot confirm it" in refused.content.decode()
    assert items_visible_to(viewer=town.officer, purpose=PURPOSE).filter(pk=item.pk).exists()
    assert not ItemRemoval.objects.exists()
    denied = LedgerEvent.objects.get(action="denied", object_type="challenge")
    assert (denied.reason_code, denied.object_id) == ("four_eyes", str(challenge.pk))
    listing = _answer(client, town.colleague, challenge, answer="")  # bad input: shown again
    assert listing.status_code == 400


def test_the_raiser_cannot_be_the_second_person(client, town):
    challenge = _raise(client, town, town.officer)
    _answer(client, town.colleague, challenge, note="Checked: wrong child.")  # proposes
    refused = _answer(client, town.officer, challenge)
    assert refused.status_code == 400
    assert "You raised this challenge" in refused.content.decode()
    assert not ItemRemoval.objects.exists()


def test_a_second_person_removes_it_and_a_tombstone_remains(client, town):
    item = _item(town)
    # the MASH reads the police item in the work of a request it sent the police
    now = timezone.now()
    request = InformationRequest.objects.create(
        person=town.child,
        purpose=PURPOSE,
        requested_by=town.mash_worker,
        from_agency=town.mash,
        requested_at=now,
        due_at=now + dt.timedelta(days=1),
    )
    RequestRecipient.objects.create(request=request, agency=town.police)
    challenge = _raise(
        client, town, town.mash_worker, purpose=PURPOSE, context=f"request:{request.pk}"
    )
    _answer(client, town.officer, challenge, note="Wrong child: our error.")
    page = client.get(reverse("sharing:challenges")).content.decode()
    assert f'data-removal-proposed="{town.officer.pk}"' in page
    assert _answer(client, town.colleague, challenge, note="Confirmed.").status_code == 302
    assert not items_visible_to(viewer=town.officer, purpose=PURPOSE).filter(pk=item.pk).exists()
    challenge.refresh_from_db()
    assert (challenge.answer, challenge.answered_by, challenge.item_id) == (
        "removed",
        town.colleague,
        None,
    )
    tomb = ItemRemoval.objects.get()
    assert (tomb.item_id, tomb.agency, tomb.challenge) == (item.pk, town.police, challenge)
    assert (tomb.proposed_by, tomb.removed_by) == (town.officer, town.colleague)
    assert "Recorded against the wrong child." in tomb.reason
    assert "Wrong child: our error." in tomb.reason
    assert tomb.person_ids == [town.child.pk]
    assert len(tomb.content_hmac) == 64
    # the item's words are not kept in the clear
    kept = " ".join(str(v) for v in ItemRemoval.objects.values().get().values())
    assert "Seen with a named adult" not in kept
    steps = list(
        LedgerEvent.objects.filter(object_type="challenge", action="update").values_list(
            "reason_code", flat=True
        )
    )
    assert steps == ["removal_proposed", "removed"]
