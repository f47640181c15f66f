from django.urls import path

from fullpicture.training import views

app_name = "training"

urlpatterns = [
    path("", views.home_page, name="home"),
    path("join/", views.join_page, name="join"),
    path("play/<int:participant_id>/", views.play_page, name="play"),
    path("play/<int:participant_id>/agency/", views.take_agency, name="take_agency"),
    path("play/<int:participant_id>/cards/<int:card_id>/", views.decide, name="decide"),
    path("exercises/new/", views.exercise_new, name="exercise_new"),
    path("exercises/<int:exercise_id>/", views.exercise_page, name="exercise"),
    path("exercises/<int:exercise_id>/advance/", views.exercise_advance, name="advance"),
    path("exercises/<int:exercise_id>/status.json", views.status_json, name="status"),
    path("exercises/<int:exercise_id>/picture/", views.picture_page, name="picture"),
    path("exercises/<int:exercise_id>/review/", views.review_page, name="review"),
    path("exercises/<int:exercise_id>/summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("self-assessment/", views.assessments_page, name="assessments"),
    path("self-assessment/<int:assessment_id>/", views.assessment_page, name="assessment"),
]
