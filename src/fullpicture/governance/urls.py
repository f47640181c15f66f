from django.urls import path

from fullpicture.governance import views

app_name = "governance"

urlpatterns = [
    path("audit/who-looked/", views.access_log_page, name="access_log"),
    path("subject-access/", views.subject_access_page, name="subject_access"),
]
