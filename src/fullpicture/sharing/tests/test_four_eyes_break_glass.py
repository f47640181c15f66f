"""Break-glass: a reason from the list plus a real sentence, one live grant per person and
viewer, renewals counted and shown to the IG lead (issue 14, docs/decisions/0064)."""

import pytest
from django.urls import reverse

from fullpicture.audit.models import LedgerEvent
from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.people.tests.factories import PersonFactory, SourceRecordFactory
from fullpicture.sharing.models import BreakGlassGrant
from fullpicture.sharing.tests.factories import InformationItemFactory

pytestmark = pytest.mark.django_db
SE = "safeguarding_enquiry"
GOOD = "Child reported missing overnight with an adult known to police"


@pytest.fixture
def town():
    partnership = PartnershipFactory(code="E06000433")
    police = AgencyFactory(code="BPOL", partnership=partnership, police=True)
    csc = AgencyFactory(code="BCSC", partnership=partnership, social_care=True)
    child = PersonFactory()
    SourceRecordFactory(agency=csc, person=child)
    InformationItemFactory(source_agency=police, persons=[child], summary="Stop check")
    return {
        "child": child,
        "manager": PractitionerFactory(agency=csc, roles=["mash_manager"]),
        "ig": PractitionerFactory(agency=csc, roles=["ig_lead"]),
    }


def _start(client, town, **form):
    data = {"purpose": SE, "reason_code": "missing", "reason": GOOD, **form}
    return client.post(reverse("sharing:break_glass", args=[town["child"].pk]), data)


@pytest.mark.parametrize(
    "reason",
    [
        "aaaaaaaaaa",
        "aaaaaaaaaa bbbbbbbbb",
        "zzz zzz zzz zzz zzz",
        "risk risk risk risk",
        "1234 5678",
    ],
)
def test_filler_is_refused_with_a_message_naming_the_rule_and_an_event(client, town, reason):
    client.force_login(town["manager"])
    response = _start(client, town, reason=reason)
    assert response.status_code == 400
    assert "at least a sentence" in response.content.decode()
    assert not BreakGlassGrant.objects.exists()
    event = LedgerEvent.objects.get(action="denied", object_type="break_glass")
    assert event.reason_code == "break_glass_reason"
    assert event.object_id == str(town["child"].pk)


def test_a_reason_from_the_list_is_required(client, town):
    client.force_login(town["manager"])
    response = _start(client, town, reason_code="")
    assert response.status_code == 400
    assert "Choose the reason for breaking glass from the list" in response.content.decode()
    refused = client.post(
        reverse("sharing:break_glass_json"),
        {"person": town["child"].pk, "purpose": SE, "reason_code": "bored", "reason": GOOD},
    )
    assert refused.status_code == 403
    assert "Choose the reason for breaking glass from the list." in refused.json()["errors"]
    assert not BreakGlassGrant.objects.exists()


def test_a_second_start_renews_the_live_grant_and_the_ig_lead_sees_the_count(client, town):
    client.force_login(town["manager"])
    assert _start(client, town).status_code == 302
    again = _start(client, town, reason_code="immediate_risk", reason="Still missing after a day")
    assert again.status_code == 302
    grant = BreakGlassGrant.objects.get()  # one grant, not two
    assert grant.renewals == 1
    assert "Still missing after a day" in grant.reason
    assert [e.reason_code for e in LedgerEvent.objects.filter(action="break_glass")] == [
        "start",
        "renew",
    ]
    # a start for another purpose while one is live is refused: one live grant per person
    other = _start(client, town, purpose="strategy_discussion")
    assert other.status_code == 400
    assert "One grant per person is open at a time" in other.content.decode()
    assert BreakGlassGrant.objects.count() == 1
    assert LedgerEvent.objects.filter(reason_code="break_glass_one_live_grant").exists()

    client.force_login(town["ig"])
    page = client.get(reverse("sharing:break_glass_reviews")).content.decode()
    assert 'data-renewals="1"' in page
    assert "Renewed 1 time" in page


def test_after_the_grant_ends_a_new_start_is_a_new_grant(client, town):
    client.force_login(town["manager"])
    _start(client, town)
    grant = BreakGlassGrant.objects.get()
    client.post(reverse("sharing:break_glass_end", args=[grant.pk]))
    _start(client, town)
    assert BreakGlassGrant.objects.count() == 2
    assert BreakGlassGrant.objects.filter(renewals=0).count() == 2
