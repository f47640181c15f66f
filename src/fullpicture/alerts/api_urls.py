"""Machine endpoints: the FHIR R4 facade and the JSON point-of-care check."""

from django.urls import path

from fullpicture.alerts import api

urlpatterns = [
    path("fhir/CareTeam", api.fhir_care_team, name="fhir_care_team"),
    path("fhir/AuditEvent", api.fhir_audit_event, name="fhir_audit_event"),
    path("api/alerts/point-of-care", api.json_point_of_care, name="alerts_json_point_of_care"),
    path("api/alerts/ping", api.json_ping, name="alerts_json_ping"),
]
