"""Every read, refusal and change of powers leaves a ledger event, through the real pages, and
every kind of read of a person shows on "who looked at whom" (docs/decisions/0080)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from fullpicture.alerts.models import Alert, AlertKind, Notice, NoticeKind
from fullpicture.alerts.tests.factories import ProtectionFlagFactory
from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.tests.test_ledger import _RefuseInserts
from fullpicture.governance.learning import learning_review_decide, learning_review_request
from fullpicture.linkage.tests.factories import RecordLinkFactory
from fullpicture.partnerships.models import AgencyType, Role
from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.people.models import Household
from fullpicture.people.tests.factories import SourceRecordFactory
from fullpicture.sharing.models import Notification
from fullpicture.sharing.tests.factories import AgreementFactory, InformationItemFactory
from fullpicture.web.tests.factories import totp_code

pytestmark = pytest.mark.django_db
WHO_LOOKED = "/governance/audit/who-looked/"
NHS = "9996431274"


@pytest.fixture
def town():
    home = PartnershipFactory(code="E06000881", name="Ledgertown")
    csc = AgencyFactory(code="LCSC", name="Ledgertown CSC", partnership=home, social_care=True)
    school = AgencyFactory(code="LSCH", name="Ledgertown School", partnership=home)
    other_school = AgencyFactory(code="LOTH", name="Other School", partnership=home)
    hospital = AgencyFactory(code="LHOS", type=AgencyType.ACUTE_HOSPITAL, partnership=home)
    board = AgencyFactory(code="LSCP", name="Ledgertown Partnership", partnership=home)
    record = SourceRecordFactory(
        agency=csc, given_name="Nora", family_name="Ledger", nhs_number=NHS, source_id="L1"
    )
    child = record.person
    InformationItemFactory(source_agency=csc, persons=[child], summary="Seen at home")
    household = Household.objects.create()
    household.members.add(child)
    AgreementFactory(parties=[board, csc, school], purposes=["learning_review"])
    return {
        "home": home,
        "csc": csc,
        "child": child,
        "household": household,
        "record": record,
        "mash": PractitionerFactory(username="l.mash", agency=csc, roles=["mash_practitioner"]),
        "manager": PractitionerFactory(username="l.manager", agency=csc, roles=["mash_manager"]),
        "ig": PractitionerFactory(username="l.ig", agency=csc, roles=["ig_lead"]),
        "ig2": PractitionerFactory(username="l.ig2", agency=csc, roles=["ig_lead"]),
        "outsider": PractitionerFactory(username="l.outsider", agency=other_school),
        "clinician": PractitionerFactory(
            username="l.clinician", agency=hospital, roles=["unscheduled_care_clinician"]
        ),
        "admin": PractitionerFactory(
            username="l.admin", agency=csc, is_staff=True, is_superuser=True
        ),
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _events(**filters) -> list[LedgerEvent]:
    return list(LedgerEvent.objects.filter(**filters).order_by("seq"))


def _who_looked(town, **query) -> str:
    response = _client(town["manager"]).get(WHO_LOOKED, query)
    assert response.status_code == 200
    return response.content.decode()


# ------------------------------------------------------------------ refused reads


def test_a_refused_read_answers_404_and_leaves_a_denied_event(town):
    child = town["child"]
    client = _client(town["outsider"])
    denied = client.get(reverse("web:person", args=[child.pk]))
    missing = client.get(reverse("web:person", args=[999_999]))
    assert denied.status_code == missing.status_code == 404
    refused = _events(action="denied", object_type="person")
    assert [(e.object_id, e.reason_code, e.actor_id) for e in refused] == [
        (str(child.pk), "policy", f"user:{town['outsider'].pk}"),
        ("999999", "missing", f"user:{town['outsider'].pk}"),
    ]
    assert not _events(action="view", object_type="person")
    body = _who_looked(town, person=child.pk)
    assert "Refused (answered as if missing)" in body
    assert "l.outsider" in body


def test_a_refusal_that_cannot_be_recorded_fails_the_request(town):
    """Reads fail closed, refusals too: no quiet 404 without its event."""
    client = _client(town["outsider"])
    with _RefuseInserts(), pytest.raises(DatabaseError):
        client.get(reverse("web:person", args=[town["child"].pk]))
    assert not _events(action="denied")


def test_a_read_that_cannot_be_recorded_fails(town):
    client = _client(town["mash"])
    url = reverse("web:person", args=[town["child"].pk])
    with _RefuseInserts(), pytest.raises(DatabaseError):
        client.get(url, {"purpose": "safeguarding_enquiry"})
    assert not _events(action="view")
    assert client.get(url, {"purpose": "safeguarding_enquiry"}).status_code == 200


# ------------------------------------------------------------------ every kind of read of a person


def test_household_views_are_listed(town):
    client = _client(town["mash"])
    url = reverse("web:household", args=[town["household"].pk])
    assert client.get(url, {"purpose": "safeguarding_enquiry"}).status_code == 200
    assert _events(action="view", object_type="household")
    body = _who_looked(town, person=town["child"].pk)
    assert "Opened the household" in body
    assert "Read the household&#x27;s chronology" in body


def test_linkage_views_are_listed(town):
    # a reviewer reads a person's records only while a pair of theirs waits for review
    other = SourceRecordFactory(agency=town["csc"], source_id="L-2", given_name="Lilah")
    RecordLinkFactory(record=town["record"])
    RecordLinkFactory(record=other, review=True, review_with=town["record"])
    client = _client(town["manager"])
    url = f"/linkage/persons/{town['child'].pk}/"
    assert client.get(url).status_code == 200
    assert _events(action="view", object_type="person_records", object_id=str(town["child"].pk))
    assert "Linkage: read the person&#x27;s records" in _who_looked(town, person=town["child"].pk)


def test_point_of_care_checks_are_listed(town):
    ProtectionFlagFactory(partnership=town["home"], record=town["record"], person=town["child"])
    client = _client(town["clinician"])
    response = client.post("/alerts/point-of-care/", {"nhs_number": NHS, "setting": "ae"})
    assert response.status_code == 200
    body = _who_looked(town, person=town["child"].pk)
    assert "Point-of-care check" in body
    assert "l.clinician" in body


def test_subject_access_is_listed(town):
    client = _client(town["ig"])
    response = client.post(
        "/governance/subject-access/", {"person": town["child"].pk, "format": "json"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "Subject access export" in _who_looked(town, person=town["child"].pk)


def test_learning_review_reads_are_listed(town):
    today = timezone.localdate()
    review = learning_review_request(
        requested_by=town["ig2"],
        person_id=town["child"].pk,
        period_from=today - dt.timedelta(days=1000),
        period_to=today,
        terms_of_reference="Rapid review",
    )
    learning_review_decide(approver=town["ig"], review_id=review.pk, approve=True)
    client = _client(town["ig"])
    url = reverse("governance:learning_review_download", args=[review.pk])
    response = client.post(url, {"format": "json"})
    assert response.status_code == 200
    export = _events(action="export", object_type="learning_review")[-1]
    assert export.details["person_ids"] == [str(town["child"].pk)]
    assert "Learning review: downloaded" in _who_looked(town, person=town["child"].pk)
    # A refused download is a refusal in the ledger, too.
    missing = reverse("governance:learning_review_download", args=[999_999])
    assert client.post(missing, {"format": "json"}).status_code == 404
    assert _events(action="denied", object_type="learning_review", object_id="999999")


def test_the_alerts_page_is_an_event_and_listed(town):
    now = timezone.now()
    alert = Alert.objects.create(
        kind=AlertKind.CUMULATIVE,
        partnership=town["home"],
        explanation="Several agencies",
        raised_at=now,
        updated_at=now,
    )
    alert.persons.add(town["child"])
    assert _client(town["mash"]).get("/alerts/").status_code == 200
    (event,) = _events(action="view", object_type="alert_list")
    assert event.details == {"alert_ids": [str(alert.pk)], "person_ids": [str(town["child"].pk)]}
    assert "Alerts page: saw alerts about" in _who_looked(town, person=town["child"].pk)


def test_both_notifications_pages_are_events(town):
    now = timezone.now()
    notice = Notice.objects.create(
        recipient=town["mash"],
        kind=NoticeKind.ACCESS,
        message="A child was checked",
        person=town["child"],
        created_at=now,
    )
    note = Notification.objects.create(
        recipient=town["mash"],
        kind="request",
        object_type="information_request",
        object_id="1",
        message="You were asked",
        created_at=now,
    )
    client = _client(town["mash"])
    assert client.get("/alerts/notifications/").status_code == 200
    assert client.get("/sharing/notifications/").status_code == 200
    (notices,) = _events(action="view", object_type="notice_list")
    assert notices.details["notice_ids"] == [str(notice.pk)]
    (notes,) = _events(action="view", object_type="notification_list")
    assert notes.details == {"notification_ids": [str(note.pk)]}
    assert "Notifications page: saw notices about" in _who_looked(town, person=town["child"].pk)


# ------------------------------------------------------------------ the Django admin


def test_admin_reads_are_events_with_the_ids_shown(town):
    client = _client(town["admin"])
    assert client.get("/admin/partnerships/agency/").status_code == 200
    listed = _events(object_type="admin:partnerships.agency")[-1]
    assert listed.action == "view"
    assert listed.details["view"] == "partnerships_agency_changelist"
    assert str(town["csc"].pk) in listed.details["object_ids"]
    url = f"/admin/partnerships/agency/{town['csc'].pk}/change/"
    assert client.get(url).status_code == 200
    detail = _events(object_type="admin:partnerships.agency")[-1]
    assert (detail.action, detail.object_id) == ("view", str(town["csc"].pk))
    assert detail.actor_id == f"user:{town['admin'].pk}"


def test_admin_reads_of_records_about_a_person_are_listed(town):
    from fullpicture.linkage.tests.factories import RecordLinkFactory

    RecordLinkFactory(record=town["record"])
    assert _client(town["admin"]).get("/admin/linkage/recordlink/").status_code == 200
    (event,) = _events(object_type="admin:linkage.recordlink")
    assert event.details["person_ids"] == [str(town["child"].pk)]
    assert "Django admin: viewed" in _who_looked(town, person=town["child"].pk)


def test_admin_changes_and_role_changes_are_events(town):
    target = town["outsider"]
    client = _client(town["admin"])
    url = f"/admin/partnerships/practitioner/{target.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"password", "groups", "user_permissions", "roles"}
    }
    joined = timezone.localtime(target.date_joined)
    data.update(
        {
            "date_joined_0": joined.date().isoformat(),
            "date_joined_1": joined.time().strftime("%H:%M:%S"),
            "agency": town["csc"].pk,
            "roles": [Role.objects.get(code="trainer").pk],  # widening roles need four eyes
            "is_active": "on",
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    target.refresh_from_db()
    assert target.has_role("trainer")
    admin_event = _events(object_type="admin:partnerships.practitioner", action="update")[-1]
    assert admin_event.object_id == str(target.pk)
    assert admin_event.details["status"] == "302"
    changes = _events(object_type="practitioner", object_id=str(target.pk), action="update")
    by_admin = [e for e in changes if e.actor_id == f"user:{town['admin'].pk}"]
    assert {e.reason_code for e in by_admin} == {"roles_change", "membership_change"}
    roles = [e.details for e in by_admin if e.reason_code == "roles_change"]
    assert roles == [
        {"kind": "roles", "removed": ["agency_practitioner"]},
        {"kind": "roles", "added": ["trainer"]},
    ]
    membership = next(e for e in by_admin if e.reason_code == "membership_change")
    assert membership.details["agency"] == {
        "from": str(AgencyFactory._meta.model.objects.get(code="LOTH").pk),
        "to": str(town["csc"].pk),
    }
    # Taking a role away is an event too, by whatever path.
    target.roles.clear()
    removed = _events(object_type="practitioner", object_id=str(target.pk))[-1]
    assert removed.details == {"kind": "roles", "removed": ["trainer"]}
    assert removed.actor_id == "system:command"


# ------------------------------------------------------------------ two-factor changes


def test_two_factor_set_up_confirm_and_removal_are_events(town):
    user = town["mash"]
    client = _client(user)
    assert client.get(reverse("web:account_two_factor")).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(
        reverse("web:account_two_factor"),
        {"code": totp_code(device.bin_key), "password": "correct-horse-battery"},
    )
    assert response.status_code == 200
    events = _events(object_type="two_factor_device", object_id=str(device.pk))
    assert [e.reason_code for e in events] == ["two_factor_added", "two_factor_confirmed"]
    assert {e.actor_id for e in events} == {f"user:{user.pk}"}
    assert events[0].details == {"practitioner": str(user.pk), "confirmed": "false"}
    # Checking a code saves the device (throttling, drift): not a change, not an event.
    device.refresh_from_db()
    device.verify_token(totp_code(device.bin_key, steps_ahead=1))
    assert len(_events(object_type="two_factor_device")) == 2
    # An administrator removes it in the admin: an event, by the administrator.
    admin = _client(town["admin"])
    url = f"/admin/otp_totp/totpdevice/{device.pk}/delete/"
    assert admin.post(url, {"post": "yes"}).status_code == 302
    removed = _events(object_type="two_factor_device")[-1]
    assert (removed.reason_code, removed.actor_id) == (
        "two_factor_removed",
        f"user:{town['admin'].pk}",
    )


def test_a_refused_meeting_is_a_denied_event(town):
    from fullpicture.meetings.services import MeetingPlan, meeting_create
    from fullpicture.meetings.tests.factories import build_world

    world = build_world("M")
    meeting = meeting_create(
        user=world.chair,
        plan=MeetingPlan(
            kind="strategy_discussion",
            title="Strategy discussion",
            starts_at=timezone.now(),
            chair_id=world.chair.pk,
            agency_ids=(world.police.pk,),
            person_ids=(world.child.pk,),
        ),
    )
    assert _client(world.chair).get(f"/meetings/{meeting.pk}/").status_code == 200
    assert _client(town["outsider"]).get(f"/meetings/{meeting.pk}/").status_code == 404
    (refused,) = _events(action="denied", object_type="meeting")
    assert (refused.object_id, refused.reason_code) == (str(meeting.pk), "policy")
    assert refused.actor_id == f"user:{town['outsider'].pk}"
