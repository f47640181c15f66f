"""Legal holds and four eyes: nothing under a legal hold is removed through a challenge,
and ending a hold takes a second information-governance lead (issue 14,
docs/decisions/0064-four-eyes.md)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.services import Actor
from fullpicture.governance.models import LegalHold
from fullpicture.governance.retention import legal_hold_place
from fullpicture.partnerships.tests.factories import AgencyFactory, PractitionerFactory
from fullpicture.sharing.feeds import items_import
from fullpicture.sharing.models import Challenge, ItemRemoval
from fullpicture.sharing.selectors import items_visible_to
from fullpicture.sharing.tests.feeds_town import item_row, make_town

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


@pytest.fixture
def town():
    town = make_town()
    items_import(agency=town.police, rows=[(2, item_row("INC-7"))], file="p.csv", actor=ACTOR)
    board = AgencyFactory(code="FSCP", partnership=town.police.partnership)
    town.placer = PractitionerFactory(username="h.placer", agency=board, roles=["ig_lead"])
    town.asker = PractitionerFactory(username="h.asker", agency=board, roles=["ig_lead"])
    town.ender = PractitionerFactory(username="h.ender", agency=board, roles=["ig_lead"])
    town.colleague = PractitionerFactory(agency=town.police, roles=["agency_practitioner"])
    town.hold = legal_hold_place(
        actor=town.placer.actor,
        reason="Serious case review",
        person_id=town.child.pk,
        placed_by_id=town.placer.pk,
    )
    return town


def _challenge(client, town):
    item = items_visible_to(viewer=town.officer, purpose="direct_care").get(source_id="INC-7")
    client.force_login(town.officer)
    client.post(
        reverse("sharing:challenge_new"),
        {
            "person": town.child.pk,
            "purpose": "direct_care",
            "about": "item",
            "object": item.pk,
            "reason": "Not about this child.",
        },
    )
    return item, Challenge.objects.get()


def _answer(client, who, challenge):
    client.force_login(who)
    return client.post(
        reverse("sharing:challenge_answer", args=[challenge.pk]), {"answer": "removed"}
    )


def test_an_item_under_a_legal_hold_is_not_removed(client, town):
    item, challenge = _challenge(client, town)
    refused = _answer(client, town.officer, challenge)
    assert refused.status_code == 400
    assert "under a legal hold (Serious case review)" in refused.content.decode()
    challenge.refresh_from_db()
    assert challenge.removal_proposed_by is None
    assert challenge.answered_at is None
    assert items_visible_to(viewer=town.officer, purpose="direct_care").filter(pk=item.pk)
    assert not ItemRemoval.objects.exists()
    event = LedgerEvent.objects.get(action="denied", object_type="challenge")
    assert event.reason_code == "legal_hold"


def test_a_hold_placed_after_the_proposal_still_stops_the_removal(client, town):
    LegalHold.objects.filter(pk=town.hold.pk).update(lifted_at=town.hold.placed_at)
    item, challenge = _challenge(client, town)
    assert _answer(client, town.officer, challenge).status_code == 302  # proposed
    legal_hold_place(
        actor=town.placer.actor, reason="Court proceedings", record=("information_item", item.pk)
    )
    refused = _answer(client, town.colleague, challenge)
    assert refused.status_code == 400
    assert "Court proceedings" in refused.content.decode()
    assert not ItemRemoval.objects.exists()


def _hold(*args, **kwargs):
    call_command("legal-hold", *args, **kwargs)


def test_ending_a_hold_takes_a_second_ig_lead(client, town):
    hold = str(town.hold.pk)
    with pytest.raises(CommandError, match="Ask to end legal hold"):
        _hold("lift", hold, "--by", "h.ender")
    _hold("lift-request", hold, "--by", "h.asker", "--reason", "Review finished")
    with pytest.raises(CommandError, match="you cannot end it"):
        _hold("lift", hold, "--by", "h.asker")  # who asked never ends it
    with pytest.raises(CommandError, match="you cannot end it"):
        _hold("lift", hold, "--by", "h.placer")  # nor who placed it
    town.hold.refresh_from_db()
    assert town.hold.lifted_at is None
    assert (
        LedgerEvent.objects.filter(
            action="denied", object_type="legal_hold", reason_code="four_eyes"
        ).count()
        == 3
    )
    _hold("lift", hold, "--by", "h.ender")
    town.hold.refresh_from_db()
    assert (town.hold.lifted_by, town.hold.lift_requested_by) == (town.ender, town.asker)
    # the hold ended, a removal confirmed by a second person goes through
    item, challenge = _challenge(client, town)
    _answer(client, town.officer, challenge)
    assert _answer(client, town.colleague, challenge).status_code == 302
    assert ItemRemoval.objects.get().item_id == item.pk


def test_an_ig_lead_of_another_partnership_sees_no_hold(town):
    from fullpicture.partnerships.tests.factories import PartnershipFactory

    PractitionerFactory(
        username="far.ig",
        agency=AgencyFactory(partnership=PartnershipFactory(code="E06000767")),
        roles=["ig_lead"],
    )
    with pytest.raises(CommandError, match=f"There is no live legal hold {town.hold.pk}"):
        _hold("lift-request", str(town.hold.pk), "--by", "far.ig", "--reason", "Mine now")
    town.hold.refresh_from_db()
    assert town.hold.lift_requested_by is None
