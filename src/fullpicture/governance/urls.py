from django.urls import path

from fullpicture.governance import learning_views, scrutiny_views, views

app_name = "governance"

urlpatterns = [
    path("audit/who-looked/", views.access_log_page, name="access_log"),
    path("subject-access/", views.subject_access_page, name="subject_access"),
    path("scrutiny/", scrutiny_views.scrutiny_page, name="scrutiny"),
    path("scrutiny/<slug:key>.csv", scrutiny_views.scrutiny_csv, name="scrutiny_csv"),
    path("learning-reviews/", learning_views.learning_reviews_page, name="learning_reviews"),
    path(
        "learning-reviews/<int:review_id>/decide/",
        learning_views.learning_review_decide_page,
        name="learning_review_decide",
    ),
    path(
        "learning-reviews/<int:review_id>/close/",
        learning_views.learning_review_close_page,
        name="learning_review_close",
    ),
    path(
        "learning-reviews/<int:review_id>/download/",
        learning_views.learning_review_download,
        name="learning_review_download",
    ),
]
