import time

import factory
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from fullpicture.partnerships.tests.factories import PractitionerFactory


class TOTPDeviceFactory(DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(PractitionerFactory)
    name = "Authenticator app"
    confirmed = True

    class Params:
        unconfirmed = factory.Trait(confirmed=False)


def totp_code(key: bytes, *, at: float | None = None, steps_ahead: int = 0) -> str:
    """The code an authenticator app with this key shows at a time (now by default)."""
    totp = TOTP(key, step=30, t0=0, digits=6, drift=0)
    totp.time = (time.time() if at is None else at) + 30 * steps_ahead
    return f"{totp.token():06d}"
