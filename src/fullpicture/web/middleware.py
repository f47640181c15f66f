"""Every page needs a signed-in practitioner, except sign-in itself and static files; no
response but a static asset may be cached."""

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


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response that is not a static asset.

    Pages, PDFs, CSV exports and API answers carry personal data, and the sign-in pages
    carry a two-factor secret: no browser, proxy or shared cache may keep any of them.
    Static assets (served by WhiteNoise, which answers before this middleware) keep
    their long-lived caching. The rule is by route, not by response: a view cannot
    forget it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
        return response
