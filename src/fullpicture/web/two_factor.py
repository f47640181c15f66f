"""TOTP two-factor for local accounts (django-otp): set up, confirm and verify a device.

The secret never goes to logs. The QR code is an SVG image; the same secret is
shown as text for people who cannot scan it.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from fullpicture.partnerships.models import Practitioner

DEVICE_NAME = "Authenticator app"


def totp_confirmed_device(*, user: Practitioner) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def two_factor_needed(*, user: Practitioner) -> bool:
    """A second factor is asked for when required, or when the practitioner has set one up."""
    return bool(settings.FULLPICTURE_REQUIRE_2FA) or totp_confirmed_device(user=user) is not None


@dataclass(frozen=True)
class TotpSetup:
    device: TOTPDevice
    secret: str
    uri: str
    qr_svg_data_uri: str

    @property
    def secret_groups(self) -> str:
        """The secret in groups of four, easier to read aloud or type."""
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))


def totp_setup_begin(*, user: Practitioner) -> TotpSetup:
    """An unconfirmed device to set up: the same one until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    uri = device.config_url
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    data_uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return TotpSetup(device=device, secret=secret, uri=uri, qr_svg_data_uri=data_uri)


def totp_setup_confirm(*, user: Practitioner, token: str) -> TOTPDevice | None:
    """Confirm the device being set up with a code from it; replaces any older device."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None or not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def totp_remove(*, user: Practitioner) -> int:
    """Remove the practitioner's authenticator apps (the account page checks the password
    and the current code first). Answers how many devices went."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    return deleted


def totp_verify(*, user: Practitioner, token: str) -> TOTPDevice | None:
    device = totp_confirmed_device(user=user)
    if device is None or not device.verify_token(token):
        return None
    return device
