"""Single sign-on through OpenID Connect against a real provider on loopback.

mozilla-django-oidc runs unmocked: it redirects to the provider, exchanges the
code (with PKCE) over HTTP, fetches the JWKS and checks the RS256 signature and
nonce, then asks userinfo. Full Picture matches the email to a practitioner.
"""

import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings as django_settings

from fullpicture.audit.models import LedgerEvent
from fullpicture.partnerships.models import Practitioner
from fullpicture.partnerships.tests.factories import PractitionerFactory
from fullpicture.web.models import ActiveSession
from fullpicture.web.tests.oidc_provider import LoopbackProvider

pytestmark = pytest.mark.django_db
OIDC_BACKEND = "fullpicture.web.oidc.PractitionerOIDCBackend"


@pytest.fixture
def provider(settings):
    with LoopbackProvider(client_id="full-picture", client_secret="s3cret-for-tests") as op:
        for name, value in op.settings().items():
            setattr(settings, name, value)
        settings.AUTHENTICATION_BACKENDS = [*django_settings.AUTHENTICATION_BACKENDS, OIDC_BACKEND]
        yield op


def _council_sign_in(client, provider, email, *, next_url=""):
    provider.claims = {"email": email, "email_verified": True, "sub": "council-123"}
    start = client.get("/sign-in/council/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    assert start["Location"].startswith(provider.base + "/authorize?")
    with requests.Session() as browser:
        at_provider = browser.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == "/sign-in/council/callback/"
    return client.get(f"{back.path}?{back.query}")


def test_the_council_button_shows_only_when_configured(client, settings):
    settings.OIDC_ENABLED = False
    assert "Sign in with your council account" not in client.get("/sign-in/").content.decode()
    assert client.get("/sign-in/council/").status_code == 404


def test_a_known_practitioner_signs_in_with_the_council_account(client, provider, settings):
    settings.FULLPICTURE_REQUIRE_2FA = True  # the council's provider owns the second factor
    user = PractitionerFactory(username="sso.user", email="Sam.Worker@council.example")
    page = client.get("/sign-in/").content.decode()
    assert "Sign in with your council account" in page
    response = _council_sign_in(client, provider, "sam.worker@council.example")
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert home.wsgi_request.user == user
    assert provider.token_requests == 1
    assert LedgerEvent.objects.filter(action="sign_in", actor_id=f"user:{user.pk}").exists()
    assert ActiveSession.objects.filter(practitioner_id=user.pk).exists()


def test_an_unknown_email_is_refused_and_nobody_is_created(client, provider):
    PractitionerFactory(username="someone", email="someone@council.example")
    before = Practitioner.objects.count()
    response = _council_sign_in(client, provider, "stranger@council.example")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Your council account is not set up for Full Picture" in body
    assert "stranger@council.example" not in body
    assert Practitioner.objects.count() == before
    assert client.get("/")["Location"].startswith("/sign-in/")
    failed = LedgerEvent.objects.get(action="sign_in_failed")
    assert "stranger" not in str(failed.details)


def test_an_inactive_practitioner_is_refused(client, provider):
    PractitionerFactory(username="gone", email="gone@council.example", is_active=False)
    response = _council_sign_in(client, provider, "gone@council.example")
    assert response.status_code == 403
    assert client.get("/")["Location"].startswith("/sign-in/")


def test_a_forged_token_is_refused(client, provider):
    """A token signed by another key does not verify against the provider's JWKS."""
    PractitionerFactory(username="target", email="target@council.example")
    with LoopbackProvider(client_id="full-picture", client_secret="s3cret-for-tests") as forger:
        forger.claims = {"email": "target@council.example"}
        # The forger answers the token request, but the JWKS still comes from the real provider.
        provider._private_pem = forger._private_pem
        response = _council_sign_in(client, provider, "target@council.example")
    assert response.status_code == 400  # SuspiciousOperation: the signature does not verify
    assert client.get("/")["Location"].startswith("/sign-in/")


def test_oidc_is_configured_only_from_the_environment():
    names = {
        "OIDC_RP_CLIENT_ID": "fp",
        "OIDC_RP_CLIENT_SECRET": "x",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.invalid/auth",
        "OIDC_OP_TOKEN_ENDPOINT": "https://idp.invalid/token",
        "OIDC_OP_USER_ENDPOINT": "https://idp.invalid/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": "https://idp.invalid/jwks",
    }
    code = (
        "from fullpicture.config.settings import test as s;"
        "print(s.OIDC_ENABLED, 'PractitionerOIDCBackend' in ' '.join(s.AUTHENTICATION_BACKENDS))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    off = subprocess.run(  # noqa: S603  (this interpreter, a fixed snippet)
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=True
    )
    on = subprocess.run(  # noqa: S603  (this interpreter, a fixed snippet)
        [sys.executable, "-c", code],
        env={**clean, **names},
        capture_output=True,
        text=True,
        check=True,
    )
    assert off.stdout.split() == ["False", "False"]
    assert on.stdout.split() == ["True", "True"]
