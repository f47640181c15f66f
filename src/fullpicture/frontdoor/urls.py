from django.urls import path

from fullpicture.frontdoor import views

app_name = "frontdoor"

urlpatterns = [
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/<int:contact_id>/", views.contact_page, name="contact"),
    path("contacts/<int:contact_id>/triage/", views.contact_triage, name="triage"),
    path("contacts/<int:contact_id>/assign/", views.contact_assign, name="assign"),
    path("contacts/<int:contact_id>/request/", views.contact_request, name="request"),
    path("contacts/<int:contact_id>/decide/", views.contact_decide, name="decide"),
    path("contacts/<int:contact_id>/countersign/", views.contact_countersign, name="countersign"),
    path("contacts/<int:contact_id>/feedback/", views.contact_feedback, name="feedback"),
    path(
        "contacts/<int:contact_id>/feedback/read/",
        views.contact_feedback_read,
        name="feedback_read",
    ),
    path("contacts/<int:contact_id>/escalate/", views.contact_escalate, name="escalate"),
    path(
        "contacts/<int:contact_id>/escalations/<int:escalation_id>/resolve/",
        views.escalation_resolve,
        name="resolve",
    ),
    path("contacts/<int:contact_id>/onward/", views.contact_onward, name="onward"),
    path("queue/", views.queue, name="queue"),
    path("inbox/", views.inbox, name="inbox"),
    path("feedback/overdue/", views.feedback_overdue, name="feedback_overdue"),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/<int:referral_id>/answer/", views.onward_respond, name="onward_respond"),
    path("requests/", views.requests_list, name="requests"),
    path("requests/<int:request_id>/", views.request_answer, name="request_answer"),
]
