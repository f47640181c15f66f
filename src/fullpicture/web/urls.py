from django.contrib.auth import views as auth_views
from django.urls import path

from fullpicture.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("people/search/", views.person_search_page, name="person_search"),
    path("people/<int:person_id>/", views.person_page, name="person"),
    path("healthz", views.healthz, name="healthz"),
]
