"""Top-level URLs."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    # The admin signs in through the one sign-in page, so two-factor applies there too.
    path("admin/login/", RedirectView.as_view(pattern_name="web:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("governance/", include("fullpicture.governance.urls")),
    path("front-door/", include("fullpicture.frontdoor.urls")),
    path("api/v1/", include("fullpicture.api.urls")),
    path("meetings/", include("fullpicture.meetings.urls")),
    path("linkage/", include("fullpicture.linkage.urls")),
    path("vocabulary/", include("fullpicture.vocabulary.urls")),
    path("training/", include("fullpicture.training.urls")),
    path("alerts/", include("fullpicture.alerts.urls")),
    path("", include("fullpicture.alerts.api_urls")),  # /fhir/CareTeam, /api/alerts/...
    path("sharing/", include("fullpicture.sharing.urls")),
    path("", include("fullpicture.web.urls")),
]

handler404 = "fullpicture.web.views.not_found"
