"""Sign-in, sign-out and failed sign-in go into the audit ledger (ids only, never names)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record
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
