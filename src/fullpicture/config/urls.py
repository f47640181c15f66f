"""Top-level URLs."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("fullpicture.web.urls")),
]

handler404 = "fullpicture.web.views.not_found"
