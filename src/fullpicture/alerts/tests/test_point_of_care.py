"""The point-of-care check through FHIR, JSON and the page: shape, access, notices, audit."""

import datetime as dt
import io
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome

from fullpicture.alerts.models import Alert, AlertKind, Notice, PointOfCareAccess
from fullpicture.alerts.services import point_of_care_check
from fullpicture.alerts.tests.factories import ProtectionFlagFactory
from fullpicture.audit.models import LedgerEvent
from fullpicture.people.tests.factories import SourceRecordFactory

pytestmark = pytest.mark.urls("fullpicture.alerts.tests.urls")

NHS = "9996431274"
OTHER = "9992743425"  # valid, never flagged
UNKNOWN = "9991801367"  # valid, nobody holds it
CARE_TEAM = "/fhir/CareTeam?patient:identifier=https://fhir.nhs.uk/Id/nhs-number|"


def _flag(world, **kwargs):
    record = SourceRecordFactory(
        agency=world.csc, source_id="C1", given_name="Amber", family_name="Jones", nhs_number=NHS
    )
    return ProtectionFlagFactory(
        partnership=world.home, record=record, person=record.person, **kwargs
    )


def _bearer(agency, setting=None):
    """A token issued to the agency's system (by the API app's own command) as headers."""
    out = io.StringIO()
    call_command("api-token", "create", "--agency", agency.code, "--name", "system", stdout=out)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {out.getvalue().strip()}"}
    if setting:
        headers["HTTP_X_CARE_SETTING"] = setting
    return headers


def _bundle(response):
    assert response["Content-Type"] == "application/fhir+json"
    body = json.loads(response.content)
    Bundle.model_validate(body)  # an independent FHIR R4 validator accepts it
    return body


def test_a_flag_is_a_care_team_like_cp_is(client, world):
    _flag(world)
    client.force_login(world.clinician)
    body = _bundle(client.get(CARE_TEAM + NHS))
    assert body["type"] == "searchset"
    assert body["total"] == 1
    team = body["entry"][0]["resource"]
    assert team["category"][0]["coding"][0] == {
        "system": "http://snomed.info/sct",
        "code": "342191000000101",
        "display": "Subject to child protection plan",
    }
    assert team["name"] == "Hometown"
    assert {"system": "phone", "value": "01632 960100", "use": "work"} in team["telecom"]
    assert {"system": "phone", "value": "01632 960101", "use": "mobile"} in team["telecom"]
    assert team["period"] == {"start": "2026-06-01"}
    assert team["subject"]["identifier"]["value"] == NHS
    assert team["status"] == "active"


@pytest.mark.parametrize(
    ("trait", "code"), [("looked_after", "764841000000100"), ("unborn", "818901000000100")]
)
def test_looked_after_and_unborn_carry_their_snomed_codes(client, world, trait, code):
    _flag(world, **{trait: True})
    client.force_login(world.clinician)
    team = _bundle(client.get(CARE_TEAM + NHS))["entry"][0]["resource"]
    assert team["category"][0]["coding"][0]["code"] == code
    if trait == "unborn":
        assert "2027-01-20" in team["note"][0]["text"]


def test_an_ended_plan_stays_visible_for_12_months_marked_ended(client, world):
    today = timezone.localdate()
    _flag(world, end_date=today - dt.timedelta(days=300))
    client.force_login(world.clinician)
    team = _bundle(client.get(CARE_TEAM + NHS))["entry"][0]["resource"]
    assert team["status"] == "inactive"
    assert team["period"]["end"] == (today - dt.timedelta(days=300)).isoformat()


def test_a_plan_ended_over_12_months_ago_is_not_shown(client, world):
    _flag(world, end_date=timezone.localdate() - dt.timedelta(days=400))
    client.force_login(world.clinician)
    assert _bundle(client.get(CARE_TEAM + NHS))["total"] == 0


def test_no_flag_and_an_unknown_number_answer_alike(client, world):
    _flag(world)
    SourceRecordFactory(agency=world.csc, source_id="C2", nhs_number=OTHER)
    client.force_login(world.clinician)
    known, unknown = (_bundle(client.get(CARE_TEAM + n)) for n in (OTHER, UNKNOWN))
    for body in (known, unknown):
        del body["id"], body["meta"], body["link"]
    assert (
        known == unknown == {"resourceType": "Bundle", "type": "searchset", "total": 0, "entry": []}
    )


@pytest.mark.parametrize("value", ["9996431275", "12345", "999643127X", ""])
def test_an_invalid_nhs_number_gets_an_operation_outcome_400(client, world, value):
    client.force_login(world.clinician)
    response = client.get(CARE_TEAM + value)
    assert response.status_code == 400
    OperationOutcome.model_validate(json.loads(response.content))


def test_another_identifier_system_is_refused(client, world):
    client.force_login(world.clinician)
    response = client.get("/fhir/CareTeam?patient:identifier=urn:other|" + NHS)
    assert response.status_code == 400


def test_an_unauthenticated_check_gets_401_and_is_recorded(client, world):
    _flag(world)
    before = LedgerEvent.objects.filter(action="denied").count()
    response = client.get(CARE_TEAM + NHS)
    assert response.status_code == 401
    OperationOutcome.model_validate(json.loads(response.content))
    denied = LedgerEvent.objects.filter(action="denied", object_type="point_of_care_check")
    assert denied.count() == before + 1
    last = denied.last()
    assert last is not None
    assert NHS not in json.dumps(last.details)
    assert not PointOfCareAccess.objects.exists()
    assert client.get("/api/alerts/point-of-care?nhs_number=" + NHS).status_code == 401


def test_an_api_token_checks_at_the_point_of_care_until_revoked(client, world):
    """The settings' default authenticator is the API app's real token check: a token
    issued to the hospital's system (by the API app's own command: alerts never imports
    it) gets the Bundle, the access is the hospital's; revoked, it gets 401, recorded."""
    _flag(world)
    out = io.StringIO()
    call_command(
        "api-token", "create", "--agency", world.hospital.code, "--name", "ED system", stdout=out
    )
    secret = out.getvalue().strip()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_X_CARE_SETTING": "ae"}
    bundle = _bundle(client.get(CARE_TEAM + NHS, **bearer))
    assert bundle["total"] == 1
    access = PointOfCareAccess.objects.get()
    assert (access.agency_id, access.setting) == (world.hospital.pk, "ae")
    json_check = client.get("/api/alerts/point-of-care?nhs_number=" + NHS, **bearer)
    assert json_check.status_code == 200
    event = LedgerEvent.objects.filter(object_type="point_of_care_check", action="view").last()
    assert event is not None
    assert event.actor_id.startswith("system:api-token:")  # the ledger names the token
    assert secret not in json.dumps(event.details)

    call_command("api-token", "revoke", secret.partition(".")[0], stdout=io.StringIO())
    denied = LedgerEvent.objects.filter(action="denied", object_type="point_of_care_check")
    before = denied.count()
    refused = client.get(CARE_TEAM + NHS, **bearer)
    assert refused.status_code == 401
    OperationOutcome.model_validate(json.loads(refused.content))
    assert denied.count() == before + 1
    assert PointOfCareAccess.objects.count() == 2  # nothing recorded for the refused check
    wrong = client.get(CARE_TEAM + NHS, HTTP_AUTHORIZATION="Bearer fp_00000000.not-a-token")
    assert wrong.status_code == 401


def test_a_teacher_may_not_check(client, world):
    _flag(world)
    client.force_login(world.teacher)
    assert client.get(CARE_TEAM + NHS).status_code == 403
    assert client.get("/alerts/point-of-care/").status_code == 403
    assert LedgerEvent.objects.filter(action="denied").exists()


def test_every_check_is_audited_without_the_number(client, world):
    _flag(world)
    client.force_login(world.clinician)
    client.get(CARE_TEAM + NHS)
    event = LedgerEvent.objects.filter(object_type="point_of_care_check", action="view").last()
    assert event is not None
    assert event.purpose == "direct_care"
    assert NHS not in json.dumps(event.details)
    assert NHS not in event.object_id


def test_the_json_endpoint_shows_flag_la_and_phones_never_the_chronology(client, world):
    _flag(world)
    bearer = _bearer(world.hospital, "ae")
    body = client.get("/api/alerts/point-of-care?nhs_number=" + NHS, **bearer).json()
    assert body["flags"][0]["local_authority"] == "Hometown"
    assert body["flags"][0]["out_of_hours_phone"] == "01632 960101"
    assert body["accesses"][0]["site"] == "Hometown General Hospital A&E"
    assert body["attendance_recorded"] is True
    assert set(body) == {"nhs_number", "attendance_recorded", "flags", "accesses"}


@pytest.mark.parametrize(
    "url", [CARE_TEAM + NHS, "/api/alerts/point-of-care?care-setting=ae&nhs_number=" + NHS]
)
def test_a_check_carried_by_a_session_cookie_is_read_only(client, world, url):
    """A GET a link from another site can carry (SameSite=Lax sends the cookie) shows the
    flags and is in the ledger, but records no attendance and tells nobody."""
    _flag(world)
    client.force_login(world.clinician)
    views = LedgerEvent.objects.filter(object_type="point_of_care_check", action="view")
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Attendance-Recorded"] == "false"
    assert b"Hometown" in response.content  # the flag is shown
    assert views.count() == 1  # the read is in the ledger
    assert not PointOfCareAccess.objects.exists()
    assert not Notice.objects.exists()
    assert not LedgerEvent.objects.filter(object_type="point_of_care_notice").exists()


def test_a_check_through_an_agency_token_records_and_notifies(client, world):
    _flag(world)
    response = client.get(CARE_TEAM + NHS, **_bearer(world.hospital, "ae"))
    assert response["X-Attendance-Recorded"] == "true"
    access = PointOfCareAccess.objects.get()
    assert access.agency_id == world.hospital.pk
    notices = Notice.objects.filter(kind="access", access=access)
    assert {n.recipient.username for n in notices} == {"mash.user", "sw.user"}


def test_the_page_records_an_attendance_only_on_its_csrf_checked_post(world):
    _flag(world)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.clinician)
    page = browser.get("/alerts/point-of-care/?nhs_number=" + NHS + "&setting=ae")
    assert page.status_code == 200
    assert not PointOfCareAccess.objects.exists()
    forged = browser.post("/alerts/point-of-care/", {"nhs_number": NHS, "setting": "ae"})
    assert forged.status_code == 403  # no CSRF token: refused
    assert not PointOfCareAccess.objects.exists()
    token = browser.cookies["csrftoken"].value
    posted = browser.post(
        "/alerts/point-of-care/",
        {"nhs_number": NHS, "setting": "ae", "csrfmiddlewaretoken": token},
    )
    assert posted.status_code == 200
    assert PointOfCareAccess.objects.count() == 1
    assert Notice.objects.filter(kind="access").exists()


def test_an_unscheduled_check_notifies_the_local_authority_at_once(world):
    _flag(world)
    at = dt.datetime(2026, 11, 21, 2, 13, tzinfo=timezone.get_current_timezone())
    point_of_care_check(viewer=world.clinician, nhs_number=NHS, setting="ae", channel="page", at=at)
    notices = Notice.objects.filter(kind="access")
    assert {n.recipient.username for n in notices} == {"mash.user", "sw.user"}
    first = notices.first()
    assert first is not None
    assert "seen at Hometown General Hospital A&E, 02:13" in first.message
    assert not Notice.objects.filter(recipient=world.away_mash).exists()


def test_the_email_leaves_after_commit_without_personal_data(
    world, django_capture_on_commit_callbacks
):
    _flag(world)
    with django_capture_on_commit_callbacks(execute=True):
        point_of_care_check(viewer=world.clinician, nhs_number=NHS, setting="ae", channel="page")
    assert sorted(m.to[0] for m in mail.outbox) == ["mash@example.org", "sw@example.org"]
    for message in mail.outbox:
        assert NHS not in message.body
        assert "Amber" not in message.body


def test_a_scheduled_check_is_recorded_without_notifying(client, world):
    _flag(world)
    bearer = _bearer(world.gp.agency)
    assert _bundle(client.get(CARE_TEAM + NHS, **bearer))["total"] == 1  # a GP's default
    access = PointOfCareAccess.objects.get()
    assert access.setting == "scheduled"
    assert not Notice.objects.exists()


def test_the_last_25_accesses_are_shown_and_served_as_audit_events(client, world):
    _flag(world)
    start = timezone.now() - dt.timedelta(days=40)
    for n in range(27):
        point_of_care_check(
            viewer=world.clinician,
            nhs_number=NHS,
            setting="ae",
            channel="page",
            at=start + dt.timedelta(days=n),
        )
    client.force_login(world.clinician)
    body = _bundle(
        client.get("/fhir/AuditEvent?patient:identifier=https://fhir.nhs.uk/Id/nhs-number|" + NHS)
    )
    assert body["total"] == 25
    event = body["entry"][0]["resource"]
    assert event["agent"][0]["who"]["display"] == "Hometown General Hospital A&E"
    unknown = client.get(
        "/fhir/AuditEvent?patient:identifier=https://fhir.nhs.uk/Id/nhs-number|" + UNKNOWN
    )
    assert _bundle(unknown)["total"] == 0


def test_three_attendances_in_90_days_raise_a_repeat_attendance_alert(world):
    SourceRecordFactory(agency=world.hospital, source_id="H1", nhs_number=OTHER)
    base = dt.datetime(2026, 9, 1, 20, 0, tzinfo=timezone.get_current_timezone())
    for days in (0, 40):
        point_of_care_check(
            viewer=world.clinician,
            nhs_number=OTHER,
            setting="ae",
            channel="page",
            at=base + dt.timedelta(days=days),
        )
    assert not Alert.objects.filter(kind=AlertKind.REPEAT_ATTENDANCE).exists()
    point_of_care_check(
        viewer=world.clinician,
        nhs_number=OTHER,
        setting="walk_in",
        channel="page",
        at=base + dt.timedelta(days=85),
    )
    alert = Alert.objects.get(kind=AlertKind.REPEAT_ATTENDANCE)
    assert alert.partnership == world.home
    assert Notice.objects.filter(alert=alert, recipient=world.mash).exists()
    assert not Notice.objects.filter(alert=alert, recipient=world.social_worker).exists()
    point_of_care_check(
        viewer=world.clinician,
        nhs_number=OTHER,
        setting="ae",
        channel="page",
        at=base + dt.timedelta(days=86),
    )
    assert Alert.objects.filter(kind=AlertKind.REPEAT_ATTENDANCE).count() == 1  # updated


def test_attendances_spread_over_more_than_90_days_raise_nothing(world):
    base = dt.datetime(2026, 1, 1, 20, 0, tzinfo=timezone.get_current_timezone())
    for days in (0, 50, 100):
        point_of_care_check(
            viewer=world.clinician,
            nhs_number=OTHER,
            setting="ae",
            channel="page",
            at=base + dt.timedelta(days=days),
        )
    assert not Alert.objects.exists()


def test_the_page_shows_the_flag_and_contacts(client, world):
    _flag(world)
    client.force_login(world.clinician)
    page = client.post("/alerts/point-of-care/", {"nhs_number": NHS, "setting": "ae"})
    text = page.content.decode()
    assert "Child protection plan" in text
    assert "01632 960101" in text
    assert "Hometown General Hospital A&amp;E" in text
    # the result leads the page, with the numbers to tap and who has been told
    assert text.index('id="result"') < text.index('id="nhs_number"')
    assert '<a class="govuk-link govuk-!-font-weight-bold" href="tel:01632960101">' in text
    assert 'href="tel:01632960100"' in text
    assert "Hometown has been told" in text
    assert "Amber Jones" in text  # to confirm it is the right child
    # an NHS number with no plan: no identity, no call, and no false reassurance
    other = client.post("/alerts/point-of-care/", {"nhs_number": "9990001006", "setting": "ae"})
    none_found = other.content.decode()
    assert 'id="no-plan"' in none_found
    assert "does not mean the child is known to be safe" in none_found
    assert "tel:" not in none_found
    bad = client.post("/alerts/point-of-care/", {"nhs_number": "123", "setting": "ae"})
    assert "Enter a valid 10-digit NHS number" in bad.content.decode()
