"""Local accounts with TOTP two-factor: set up, sign in with a code, lock-out, enforcement."""

import base64
import re
import time

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from fullpicture.audit.models import LedgerEvent
from fullpicture.partnerships.tests.factories import PractitionerFactory
from fullpicture.web.tests.factories import TOTPDeviceFactory, totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture
def require_2fa(settings):
    settings.FULLPICTURE_REQUIRE_2FA = True


def _password(client, username, follow=False):
    return client.post("/sign-in/", {"username": username, "password": PASSWORD}, follow=follow)


def test_without_the_requirement_a_password_is_enough(client):
    PractitionerFactory(username="demo.user")
    response = _password(client, "demo.user")
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_password_then_code_signs_in(client, require_2fa):
    device = TOTPDeviceFactory(user=PractitionerFactory(username="two.step"))
    response = _password(client, "two.step")
    assert response["Location"] == reverse("web:sign_in_code")
    # Not signed in yet: the password alone opens nothing.
    assert client.get("/")["Location"].startswith("/sign-in/")
    page = client.get(reverse("web:sign_in_code")).content.decode()
    assert "Enter the code from your authenticator app" in page
    response = client.post(reverse("web:sign_in_code"), {"code": totp_code(device.bin_key)})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert LedgerEvent.objects.filter(action="sign_in").count() == 1


def test_a_wrong_code_is_refused_and_recorded(client, require_2fa):
    device = TOTPDeviceFactory(user=PractitionerFactory(username="wrong.code"))
    _password(client, "wrong.code")
    good = totp_code(device.bin_key)
    bad = "000000" if good != "000000" else "111111"
    response = client.post(reverse("web:sign_in_code"), {"code": bad})
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert "The code is not correct" in body
    assert client.get("/")["Location"].startswith("/sign-in/")
    assert LedgerEvent.objects.filter(action="sign_in_failed").count() == 1


def test_code_step_failures_count_towards_lock_out(client, require_2fa):
    device = TOTPDeviceFactory(user=PractitionerFactory(username="guessing"))
    _password(client, "guessing")
    good = totp_code(device.bin_key)
    bad = "000000" if good != "000000" else "111111"
    statuses = [
        client.post(reverse("web:sign_in_code"), {"code": bad}).status_code for _ in range(5)
    ]
    assert statuses[-1] == 429  # the fifth wrong code locks the account out
    # Locked out: neither the right code nor the right password gets in now.
    again = _password(client, "guessing")
    assert again.status_code == 429
    assert "Too many attempts" in again.content.decode()
    assert client.get("/")["Location"].startswith("/sign-in/")


def test_password_failures_and_code_failures_add_up(client, require_2fa):
    device = TOTPDeviceFactory(user=PractitionerFactory(username="mixed"))
    for _ in range(3):
        client.post("/sign-in/", {"username": "mixed", "password": "wrong"})
    _password(client, "mixed")
    bad = "000000" if totp_code(device.bin_key) != "000000" else "111111"
    client.post(reverse("web:sign_in_code"), {"code": bad})
    response = client.post(reverse("web:sign_in_code"), {"code": bad})
    assert response.status_code == 429


def test_first_sign_in_sets_up_the_authenticator(client, require_2fa):
    user = PractitionerFactory(username="new.starter")
    response = _password(client, "new.starter")
    assert response["Location"] == reverse("web:sign_in_set_up_code")
    page = client.get(response["Location"]).content.decode()
    assert "Set up your authenticator app" in page
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code, as an SVG image
    found = re.search(r'id="setup-key"><code>([A-Z2-7 ]+)</code>', page)
    assert found is not None
    key_text = found.group(1)
    secret = key_text.replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    assert "otpauth://totp/" in page
    response = client.post(reverse("web:sign_in_set_up_code"), {"code": totp_code(key)})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert TOTPDevice.objects.get(user=user).confirmed


def test_a_practitioner_may_set_up_an_app_when_not_required(client):
    user = PractitionerFactory(username="keen")
    client.force_login(user)
    page = client.get(reverse("web:account_two_factor")).content.decode()
    assert "Setup key" in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(
        reverse("web:account_two_factor"),
        {"code": totp_code(device.bin_key), "password": PASSWORD},
    )
    assert "Authenticator app set up" in response.content.decode()
    client.logout()
    # Once set up, sign-in asks for the code even though it is not required.
    assert _password(client, "keen")["Location"] == reverse("web:sign_in_code")


def test_a_session_without_the_second_factor_is_signed_out(client, require_2fa):
    """No path skips the code: a password-only session (e.g. the admin's form) is ended."""
    user = PractitionerFactory(username="skipper", is_staff=True, is_superuser=True)
    client.force_login(user)
    assert client.get("/")["Location"].startswith("/sign-in/")
    admin = client.get("/admin/", follow=True)
    assert admin.redirect_chain[-1][0] == "/sign-in/?next=%2Fadmin%2F"


def test_the_admin_signs_in_through_the_one_sign_in_page(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/admin/"


def _other(code):
    return "000000" if code != "000000" else "111111"


def test_replacing_the_app_needs_the_password_and_the_current_code(client, time_machine):
    """A session left open (or taken) cannot swap the second factor for the taker's own."""
    user = PractitionerFactory(username="owner")
    old = TOTPDeviceFactory(user=user)
    client.force_login(user)
    page = client.get(reverse("web:account_two_factor")).content.decode()
    assert "Your password" in page
    assert "Code from your current authenticator app" in page
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    url = reverse("web:account_two_factor")
    attempts = [
        ({"code": totp_code(new.bin_key)}, "Enter your password"),
        (
            {"code": totp_code(new.bin_key), "password": "wrong"},
            "The password is not correct",
        ),
        (
            {"code": totp_code(new.bin_key), "password": PASSWORD},
            "Enter the code from your current authenticator app",
        ),
        (
            {
                "code": totp_code(new.bin_key),
                "password": PASSWORD,
                "current_code": _other(totp_code(old.bin_key)),
            },
            "The code from your current app is not correct",
        ),
    ]
    for data, message in attempts:
        response = client.post(url, data)
        assert response.status_code == 400
        body = response.content.decode()
        assert message in body
        assert "govuk-error-summary" in body
        assert set(TOTPDevice.objects.filter(user=user, confirmed=True)) == {old}
    # wrong passwords and wrong current codes count as failed sign-ins
    assert LedgerEvent.objects.filter(action="sign_in_failed").count() == 2
    # a wrong code throttles the current device for a moment (django-otp): a minute on
    time_machine.move_to(time.time() + 60)
    response = client.post(
        url,
        {
            "code": totp_code(new.bin_key),
            "password": PASSWORD,
            "current_code": totp_code(old.bin_key),
        },
    )
    assert "Authenticator app set up" in response.content.decode()
    assert list(TOTPDevice.objects.filter(user=user)) == [new]
    new.refresh_from_db()
    assert new.confirmed


def test_removing_the_app_needs_the_password_and_the_current_code(client, time_machine):
    user = PractitionerFactory(username="remover")
    device = TOTPDeviceFactory(user=user)
    client.force_login(user)
    url = reverse("web:account_two_factor")
    assert "Remove the authenticator app" in client.get(url).content.decode()
    wrong = client.post(
        url,
        {
            "action": "remove",
            "remove-password": PASSWORD,
            "remove-current_code": _other(totp_code(device.bin_key)),
        },
    )
    assert wrong.status_code == 400
    assert "The code from your current app is not correct" in wrong.content.decode()
    no_password = client.post(
        url, {"action": "remove", "remove-current_code": totp_code(device.bin_key)}
    )
    assert no_password.status_code == 400
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    time_machine.move_to(time.time() + 60)  # past the wrong code's throttle
    done = client.post(
        url,
        {
            "action": "remove",
            "remove-password": PASSWORD,
            "remove-current_code": totp_code(device.bin_key),
        },
    )
    assert "Authenticator app removed" in done.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_where_two_factor_is_required_the_app_cannot_be_removed(client, require_2fa):
    user = PractitionerFactory(username="required")
    device = TOTPDeviceFactory(user=user)
    _password(client, "required")
    client.post(reverse("web:sign_in_code"), {"code": totp_code(device.bin_key)})
    url = reverse("web:account_two_factor")
    assert "Remove the authenticator app" not in client.get(url).content.decode()
    refused = client.post(
        url,
        {
            "action": "remove",
            "remove-password": PASSWORD,
            "remove-current_code": totp_code(device.bin_key, steps_ahead=1),
        },
    )
    assert refused.status_code == 400
    assert "An authenticator app is required here" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
