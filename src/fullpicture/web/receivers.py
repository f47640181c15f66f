"""Sign-in, sign-out, failed sign-in and two-factor changes go into the audit ledger (ids
only, never names)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record, ledger_request_actor
from fullpicture.partnerships.models import Practitioner


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: Practitioner, **kwargs: Any) -> None:
    ledger_record(actor=user.actor, action=Action.SIGN_IN, object_type="session")


@receiver(user_logged_out)
def _signed_out(sender: Any, request: Any, user: Practitioner | None, **kwargs: Any) -> None:
    if user is not None:
        ledger_record(actor=user.actor, action=Action.SIGN_OUT, object_type="session")


@receiver(user_login_failed)
def _sign_in_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # The attempted username may be a mistyped name: record only that it happened.
    ledger_record(
        actor=Actor.system("sign-in"), action=Action.SIGN_IN_FAILED, object_type="session"
    )


@receiver(user_logged_in)
def _one_session_each(sender: Any, request: Any, user: Practitioner, **kwargs: Any) -> None:
    # One active session per practitioner: this sign-in ends any older one.
    from fullpicture.web.sessions import session_begin

    if request is not None and hasattr(request, "session"):
        session_begin(request=request, user=user)


@receiver(user_logged_out)
def _forget_session(sender: Any, request: Any, user: Practitioner | None, **kwargs: Any) -> None:
    from fullpicture.web.sessions import session_end

    if user is not None and request is not None:
        session_end(request=request, user=user)


# Two-factor changes: a device added, confirmed, changed (its key) or removed, by any path
# (the set-up pages, the Django admin). django-otp saves a device on every code checked
# (throttling, drift); those saves change neither its key nor its confirmation and are
# not events.
_DEVICE_FIELDS = ("confirmed", "key", "user_id")


@receiver(pre_save, sender=TOTPDevice)
def _remember_device(sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    if instance.pk is None or kwargs.get("raw"):
        return
    before = TOTPDevice.objects.filter(pk=instance.pk).values_list(*_DEVICE_FIELDS).first()
    instance._fp_before = before


def _two_factor_event(device: TOTPDevice, change: str) -> None:
    ledger_record(
        actor=ledger_request_actor(),
        action=Action.UPDATE,
        object_type="two_factor_device",
        object_id=device.pk,
        reason_code=f"two_factor_{change}",
        details={"practitioner": str(device.user_id), "confirmed": str(device.confirmed).lower()},
    )


@receiver(post_save, sender=TOTPDevice)
def _device_saved(sender: Any, instance: TOTPDevice, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if created:
        _two_factor_event(instance, "added")
        return
    before = getattr(instance, "_fp_before", None)
    if before is None:
        return
    confirmed, key, user_id = before
    if not confirmed and instance.confirmed:
        _two_factor_event(instance, "confirmed")
    elif (confirmed, key, user_id) != (instance.confirmed, instance.key, instance.user_id):
        _two_factor_event(instance, "changed")


@receiver(post_delete, sender=TOTPDevice)
def _device_removed(sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    _two_factor_event(instance, "removed")
