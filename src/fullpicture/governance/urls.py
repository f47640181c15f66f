from django.urls import path

from fullpicture.governance import scrutiny_views, views

app_name = "governance"

urlpatterns = [
    path("audit/who-looked/", views.access_log_page, name="access_log"),
    path("subject-access/", views.subject_access_page, name="subject_access"),
    path("scrutiny/", scrutiny_views.scrutiny_page, name="scrutiny"),
    path("scrutiny/<slug:key>.csv", scrutiny_views.scrutiny_csv, name="scrutiny_csv"),
]
