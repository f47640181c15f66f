from django.urls import path

from fullpicture.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_new, name="new"),
    path("<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("<int:meeting_id>/record/", views.meeting_record, name="record"),
    path("<int:meeting_id>/prepare/", views.meeting_prepare, name="prepare"),
    path("<int:meeting_id>/minutes/", views.minutes_page, name="minutes"),
    path("<int:meeting_id>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("actions/<int:action_id>/status/", views.action_status, name="action_status"),
]
