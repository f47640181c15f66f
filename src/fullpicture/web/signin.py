"""Sign-in in two steps for local accounts: password, then the code from an authenticator app.

After the password is right, the practitioner is *pending*: their id is kept in
the session for five minutes, but they are not signed in until the code is
right. A wrong code counts as a failed sign-in, so django-axes locks the
account out after repeated failures at either step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from fullpicture.partnerships.models import Practitioner
from fullpicture.web import views
from fullpicture.web.two_factor import (
    TotpSetup,
    totp_confirmed_device,
    totp_remove,
    totp_setup_begin,
    totp_setup_confirm,
    totp_verify,
    two_factor_needed,
)

PENDING = "fp_pending_sign_in"
PENDING_SECONDS = 5 * 60


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the code as 6 digits, for example 123456")
        return code


class SignInView(views.SignInView):
    """The password step; the code step follows when two-factor applies."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = bool(getattr(settings, "OIDC_ENABLED", False))
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not two_factor_needed(user=user):
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user_id": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "since": time.time(),
        }
        if totp_confirmed_device(user=user) is None:
            return redirect("web:sign_in_set_up_code")
        return redirect("web:sign_in_code")


@dataclass(frozen=True)
class Pending:
    user: Practitioner
    backend: str
    next: str


def _pending(request: HttpRequest) -> Pending | None:
    data = request.session.get(PENDING)
    if not isinstance(data, dict) or time.time() - float(data.get("since", 0)) > PENDING_SECONDS:
        return None
    user_id = data.get("user_id")
    if not isinstance(user_id, int):
        return None
    user = Practitioner.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    return Pending(user=user, backend=str(data["backend"]), next=str(data["next"]))


def _finish(request: HttpRequest, pending: Pending, device: Any) -> HttpResponse:
    request.session.pop(PENDING, None)
    login(request, pending.user, backend=pending.backend)
    otp_login(request, device)
    return redirect(pending.next or reverse(settings.LOGIN_REDIRECT_URL))


def _failed(request: HttpRequest, user: Practitioner) -> None:
    """A wrong code is a failed sign-in: django-axes counts it, the ledger records it."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )


def _locked_out(request: HttpRequest, user: Practitioner) -> HttpResponse | None:
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_allowed(request, credentials):
        return None
    request.session.pop(PENDING, None)
    response: HttpResponse = get_lockout_response(request, None, credentials)
    return response


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Step two: the code from the practitioner's authenticator app."""
    pending = _pending(request)
    if pending is None or totp_confirmed_device(user=pending.user) is None:
        return redirect("web:login")
    if (locked := _locked_out(request, pending.user)) is not None:
        return locked
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = totp_verify(user=pending.user, token=form.cleaned_data["code"])
        if device is not None:
            return _finish(request, pending, device)
        _failed(request, pending.user)
        if (locked := _locked_out(request, pending.user)) is not None:
            return locked
        form.add_error("code", "The code is not correct. Enter the latest code from your app")
    return render(request, "web/sign_in_code.html", {"form": form})


@require_http_methods(["GET", "POST"])
def sign_in_set_up_code(request: HttpRequest) -> HttpResponse:
    """Step two for a practitioner with no authenticator yet, where two-factor is required."""
    pending = _pending(request)
    if pending is None:
        return redirect("web:login")
    if totp_confirmed_device(user=pending.user) is not None:
        return redirect("web:sign_in_code")
    if (locked := _locked_out(request, pending.user)) is not None:
        return locked
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = totp_setup_confirm(user=pending.user, token=form.cleaned_data["code"])
        if device is not None:
            return _finish(request, pending, device)
        _failed(request, pending.user)
        if (locked := _locked_out(request, pending.user)) is not None:
            return locked
        form.add_error("code", "The code is not correct. Enter the latest code from your app")
    setup: TotpSetup = totp_setup_begin(user=pending.user)
    return render(
        request,
        "web/two_factor_set_up.html",
        {"form": form, "setup": setup, "during_sign_in": True},
    )


class DeviceChangeForm(CodeForm):
    """Setting up a new authenticator app (or removing one) from the account page: the
    practitioner's password, and the current app's code when one is set up, so that a
    session left open (or taken) cannot swap the second factor for the taker's own."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter your password"},
    )
    current_code = forms.CharField(
        label="Code from your current authenticator app",
        max_length=12,
        required=False,
    )

    def __init__(self, *args: Any, user: Practitioner, removing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        self.has_device = totp_confirmed_device(user=user) is not None
        self.credentials_wrong = False
        if removing:
            del self.fields["code"]

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        if not self.user.check_password(password):
            self.credentials_wrong = True
            raise forms.ValidationError("The password is not correct")
        return password

    def clean_current_code(self) -> str:
        code = "".join(str(self.cleaned_data.get("current_code") or "").split())
        if not self.has_device:
            return ""
        if not code:
            raise forms.ValidationError("Enter the code from your current authenticator app")
        if (
            not (code.isdigit() and len(code) == 6)
            or totp_verify(user=self.user, token=code) is None
        ):
            self.credentials_wrong = True
            raise forms.ValidationError(
                "The code from your current app is not correct. Enter its latest code"
            )
        return code


def _credentials_refused(request: HttpRequest, user: Practitioner, form: DeviceChangeForm) -> None:
    """A wrong password or current code counts as a failed sign-in (django-axes)."""
    if form.credentials_wrong:
        _failed(request, user)


@require_http_methods(["GET", "POST"])
def account_two_factor(request: HttpRequest) -> HttpResponse:
    """A signed-in practitioner sets up, replaces or removes their authenticator app:
    with their password, and the current app's code when one is set up."""
    user = request.user
    assert isinstance(user, Practitioner)  # noqa: S101  (LoginRequiredMiddleware guarantees it)
    if not user.has_usable_password():
        return render(request, "web/two_factor_council.html", status=403)
    removing = request.method == "POST" and request.POST.get("action") == "remove"
    if request.method == "POST" and (locked := _locked_out(request, user)) is not None:
        return locked
    form = DeviceChangeForm(
        request.POST if request.method == "POST" and not removing else None, user=user
    )
    remove_form = DeviceChangeForm(
        request.POST if removing else None, user=user, removing=True, prefix="remove"
    )
    done = removed = False
    if removing:
        if settings.FULLPICTURE_REQUIRE_2FA:
            remove_form.add_error(None, "An authenticator app is required here: replace it instead")
        elif remove_form.is_valid():
            totp_remove(user=user)
            removed = True
        else:
            _credentials_refused(request, user, remove_form)
    elif request.method == "POST":
        if form.is_valid():
            device = totp_setup_confirm(user=user, token=form.cleaned_data["code"])
            if device is not None:
                otp_login(request, device)
                done = True
            else:
                form.add_error(
                    "code", "The code is not correct. Enter the latest code from your app"
                )
        else:
            _credentials_refused(request, user, form)
        if not done and (locked := _locked_out(request, user)) is not None:
            return locked
    context: dict[str, Any] = {
        "form": form,
        "remove_form": remove_form,
        "done": done,
        "removed": removed,
        "has_device": totp_confirmed_device(user=user) is not None,
        "may_remove": not settings.FULLPICTURE_REQUIRE_2FA,
        "during_sign_in": False,
    }
    if not (done or removed):
        context["setup"] = totp_setup_begin(user=user)
    status = 400 if (form.errors or remove_form.errors) else 200
    return render(request, "web/two_factor_set_up.html", context, status=status)
