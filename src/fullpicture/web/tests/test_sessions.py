"""Sessions: the idle timeout, and one active session per practitioner."""

import datetime as dt

import pytest
from django.test import Client

from fullpicture.audit.models import LedgerEvent
from fullpicture.partnerships.tests.factories import PractitionerFactory
from fullpicture.web.models import ActiveSession

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _sign_in(client, username):
    response = client.post("/sign-in/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_idle_timeout_is_fifteen_minutes_of_inactivity(client, settings, time_machine):
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    PractitionerFactory(username="idle")
    time_machine.move_to(START, tick=False)
    _sign_in(client, "idle")
    time_machine.move_to(START + dt.timedelta(minutes=14), tick=False)
    assert client.get("/").status_code == 200  # activity restarts the clock
    time_machine.move_to(START + dt.timedelta(minutes=28), tick=False)
    assert client.get("/").status_code == 200  # 14 minutes idle: still signed in
    time_machine.move_to(START + dt.timedelta(minutes=43, seconds=1), tick=False)
    response = client.get("/")  # 15 minutes and a second idle: signed out
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_signing_in_elsewhere_ends_the_older_session(client):
    user = PractitionerFactory(username="two.places")
    first, second = client, Client()
    _sign_in(first, "two.places")
    assert first.get("/").status_code == 200
    _sign_in(second, "two.places")
    assert second.get("/").status_code == 200
    ended = first.get("/")
    assert ended.status_code == 302
    assert ended["Location"].startswith("/sign-in/")
    assert second.get("/").status_code == 200
    current = ActiveSession.objects.get(practitioner_id=user.pk)
    assert current.session_key == second.session.session_key
    replaced = LedgerEvent.objects.get(action="sign_out", reason_code="replaced_by_new_sign_in")
    assert replaced.actor_id == f"user:{user.pk}"


def test_signing_out_forgets_the_session(client):
    user = PractitionerFactory(username="leaver")
    _sign_in(client, "leaver")
    client.post("/sign-out/")
    assert not ActiveSession.objects.filter(practitioner_id=user.pk).exists()
    assert client.get("/")["Location"].startswith("/sign-in/")


def test_another_practitioner_signing_in_ends_nothing(client):
    PractitionerFactory(username="alice")
    PractitionerFactory(username="bob")
    other = Client()
    _sign_in(client, "alice")
    _sign_in(other, "bob")
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 200
