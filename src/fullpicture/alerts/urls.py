from django.urls import path

from fullpicture.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="alerts"),
    path("point-of-care/", views.point_of_care, name="point_of_care"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<int:transfer_id>/", views.transfer_update, name="transfer_update"),
]
