from django.urls import path

from fullpicture.linkage import views

app_name = "linkage"

urlpatterns = [
    path("review/", views.review_queue_page, name="review_queue"),
    path("review/<int:record_id>/", views.review_case_page, name="review_case"),
    path("review/proposals/<int:proposal_id>/", views.relink_proposal_page, name="relink_proposal"),
    path("persons/<int:person_id>/", views.person_records_page, name="person_records"),
    path("persons/<int:person_id>/merge/", views.person_merge_page, name="person_merge"),
    path("quality/", views.quality_page, name="quality"),
]
