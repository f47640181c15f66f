from django.contrib.auth import views as auth_views
from django.urls import path

from fullpicture.web import chronology_views, menu_views, observability, oidc, signin, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", signin.SignInView.as_view(), name="login"),
    path("sign-in/code/", signin.sign_in_code, name="sign_in_code"),
    path("sign-in/set-up-code/", signin.sign_in_set_up_code, name="sign_in_set_up_code"),
    path("sign-in/council/", oidc.council_sign_in, name="oidc_sign_in"),
    path("sign-in/council/callback/", oidc.CouncilCallbackView.as_view(), name="oidc_callback"),
    path("account/two-factor/", signin.account_two_factor, name="account_two_factor"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("people/search/", views.person_search_page, name="person_search"),
    path("people/<int:person_id>/", views.person_page, name="person"),
    path(
        "people/<int:person_id>/chronology/print/",
        chronology_views.person_chronology_print,
        name="person_chronology_print",
    ),
    path(
        "people/<int:person_id>/chronology.pdf",
        chronology_views.person_chronology_pdf,
        name="person_chronology_pdf",
    ),
    path("households/<int:household_id>/", chronology_views.household_page, name="household"),
    path(
        "households/<int:household_id>/print/",
        chronology_views.household_print,
        name="household_print",
    ),
    path(
        "households/<int:household_id>/chronology.pdf",
        chronology_views.household_pdf,
        name="household_pdf",
    ),
    path("inbox/", menu_views.inbox, name="inbox"),
    path("more/", menu_views.more, name="more"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", observability.readyz, name="readyz"),
    path("metrics", observability.metrics, name="metrics"),
]
