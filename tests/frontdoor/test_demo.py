"""The Sharetown demo holds contacts in every state, the Walsh family's among them."""

import pytest

from fullpicture.demo.services import sharetown_load
from fullpicture.frontdoor.models import Contact, Feedback, Match, OnwardReferral, Status

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_sharetown_has_contacts_in_every_state():
    sharetown_load()
    statuses = set(Contact.objects.values_list("status", flat=True))
    assert statuses >= {
        Status.NEW,
        Status.TRIAGED,
        Status.INFORMATION_REQUESTED,
        Status.DECIDED,
        Status.COUNTERSIGNED,
        Status.ESCALATED,
    }
    assert Feedback.objects.exists()
    assert OnwardReferral.objects.filter(state="declined").exclude(decline_reason="").exists()
    disclosure = Contact.objects.get(what_happened__contains="Dean hurt mummy")
    jayden = disclosure.people.get(record__given_name="Jayden")
    assert jayden.match == Match.MATCHED
    assert disclosure.routed_team == "Children in Need Team 2"
    bruising = Contact.objects.get(what_happened__contains="left upper arm")
    assert bruising.status == Status.INFORMATION_REQUESTED
    # the police's later contact about the same children is a re-referral
    assert Contact.objects.get(what_happened__contains="23:10").is_re_referral
