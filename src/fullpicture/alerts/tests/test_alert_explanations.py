"""What an alert tells a viewer is limited to what the viewer may see (docs/decisions/0072):
items the viewer may not see still count, but the explanation names only the agencies to
ask that the viewer may know are involved, never what their items are about."""

import pytest
from django.urls import reverse

from fullpicture.alerts.models import Alert, Notice
from fullpicture.alerts.selectors import alert_explanation_for
from fullpicture.alerts.services import concern_rules_run
from fullpicture.alerts.tests.test_rules import _family, _feed
from fullpicture.partnerships.models import Agency
from fullpicture.sharing.tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db


def _halcon(world, *, restricted_police: bool, joined=("POLX", "GPX", "DASX")):
    _family(world, ["POLX", "GPX", "DASX"])
    agencies = [world.csc, *Agency.objects.filter(code__in=joined)]
    AgreementFactory(parties=agencies)
    _feed(
        "POLX",
        [("P1", "POLX-M", "domestic_abuse", "2024-01-10")],
        sensitivity="restricted" if restricted_police else "",
    )
    _feed("GPX", [("G1", "GPX-M", "mental_health", "2024-03-02")])
    _feed("DASX", [("D1", "DASX-M", "drugs_alcohol", "2024-06-30")])
    concern_rules_run()
    return Alert.objects.get(rule__slug="halcon-one-team")


def test_everything_visible_reads_as_the_stored_explanation(world):
    alert = _halcon(world, restricted_police=False)
    assert alert_explanation_for(viewer=world.mash, alert=alert) == alert.explanation


def test_a_restricted_item_is_counted_but_never_described(world, client):
    alert = _halcon(world, restricted_police=True)
    assert "POLX (1)" in alert.explanation  # the system's own record of the alert
    said = alert_explanation_for(viewer=world.mash, alert=alert)
    assert "POLX" not in said
    assert "domestic_abuse" not in said
    assert "3 items" not in said  # no total that would count the hidden item
    assert "GPX (1)" in said
    assert "DASX (1)" in said
    police = Agency.objects.get(code="POLX")
    assert f"ask {police.name}" in said  # the MASH may know the police are involved
    client.force_login(world.mash)
    page = client.get(reverse("alerts:alerts")).content.decode()
    assert "domestic_abuse" not in page
    assert "POLX (1)" not in page
    assert said.replace("'", "&#x27;") in page


def test_an_agency_the_viewer_may_not_know_of_is_not_named(world):
    # DAS is in no agreement with social care: its item and its records stay unseen
    alert = _halcon(world, restricted_police=False, joined=("POLX", "GPX"))
    said = alert_explanation_for(viewer=world.mash, alert=alert)
    das = Agency.objects.get(code="DASX")
    assert "DASX" not in said
    assert das.name not in said
    assert "drugs_alcohol" not in said
    assert "ask your MASH manager" in said


def test_the_notification_names_no_agency_or_category(world, client):
    alert = _halcon(world, restricted_police=True)
    notice = Notice.objects.get(alert=alert, recipient=world.mash)
    assert "POLX" not in notice.message
    assert "domestic_abuse" not in notice.message
    client.force_login(world.mash)
    page = client.get(reverse("alerts:notifications")).content.decode()
    assert "domestic_abuse" not in page
    assert "POLX" not in page
    assert alert.rule.name in page
