from django.urls import path

from fullpicture.sharing import feed_views, views

app_name = "sharing"

urlpatterns = [
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/new/", views.agreement_edit, name="agreement_new"),
    path("agreements/<int:agreement_id>/", views.agreement_edit, name="agreement_edit"),
    path(
        "agreements/<int:agreement_id>/suspend/",
        views.agreement_suspend_view,
        name="agreement_suspend",
    ),
    path(
        "agreements/<int:agreement_id>/accept/",
        views.agreement_accept_view,
        name="agreement_accept",
    ),
    path("decide/", views.decide_page, name="decide"),
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:request_id>/", views.request_page, name="request"),
    path("break-glass/reviews/", views.break_glass_reviews, name="break_glass_reviews"),
    path("break-glass/<int:person_id>/", views.break_glass_page, name="break_glass"),
    path("break-glass/end/<int:grant_id>/", views.break_glass_end_view, name="break_glass_end"),
    path("notifications/", views.notifications_page, name="notifications"),
    path("challenges/", feed_views.challenges_page, name="challenges"),
    path("challenges/new/", feed_views.challenge_new, name="challenge_new"),
    path(
        "challenges/<int:challenge_id>/answer/",
        feed_views.challenge_answer_view,
        name="challenge_answer",
    ),
    path("api/persons/<int:person_id>/chronology", views.chronology_json, name="chronology_json"),
    path("api/break-glass", views.break_glass_json, name="break_glass_json"),
]
