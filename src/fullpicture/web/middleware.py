"""Every page needs a signed-in practitioner, except sign-in itself and static files."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

OPEN_PREFIXES = ("/sign-in/", "/static/", "/healthz", "/readyz", "/metrics", "/api/", "/fhir/")


class LoginRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if request.user.is_authenticated or path.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        if path.startswith("/admin/"):
            return self.get_response(request)
        return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
