"""Giving a role: whoever asks never approves; the Django admin refuses the roles that widen
access (issue 14, docs/decisions/0064-four-eyes.md)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fullpicture.audit.models import LedgerEvent
from fullpicture.partnerships.models import Practitioner, RoleRequest
from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    home = PartnershipFactory(code="E06000551")
    csc = AgencyFactory(code="RCSC", partnership=home, type="childrens_social_care")
    return {
        "worker": PractitionerFactory(username="r.worker", agency=csc),
        "admin": PractitionerFactory(
            username="r.admin",
            agency=csc,
            roles=["administrator"],
            is_staff=True,
            is_superuser=True,
        ),
        "ig": PractitionerFactory(username="r.ig", agency=csc, roles=["ig_lead"]),
        "far": PractitionerFactory(
            username="r.far",
            agency=AgencyFactory(partnership=PartnershipFactory(code="E06000552")),
            roles=["ig_lead"],
        ),
    }


def _role(*args):
    call_command("role", *args)


def _codes(user: Practitioner) -> set[str]:
    return set(Practitioner.objects.get(pk=user.pk).roles.values_list("code", flat=True))


def test_a_role_is_given_only_when_a_second_person_approves(town):
    _role(
        "request",
        "--user",
        "r.worker",
        "--role",
        "mash_manager",
        "--by",
        "r.admin",
        "--reason",
        "Joins the MASH as a manager",
    )
    request = RoleRequest.objects.get()
    assert "mash_manager" not in _codes(town["worker"])
    with pytest.raises(CommandError, match="you cannot approve it"):
        _role("approve", str(request.pk), "--by", "r.admin")  # who asked
    with pytest.raises(CommandError, match=f"There is no open role request {request.pk}"):
        _role("approve", str(request.pk), "--by", "r.far")  # another partnership
    with pytest.raises(CommandError, match=f"There is no open role request {request.pk}"):
        _role("approve", str(request.pk), "--by", "r.worker")  # not a keeper of roles
    assert "mash_manager" not in _codes(town["worker"])
    assert LedgerEvent.objects.filter(action="denied", object_type="role_request").count() == 3
    _role("approve", str(request.pk), "--by", "r.ig")
    assert "mash_manager" in _codes(town["worker"])
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", town["ig"])
    assert LedgerEvent.objects.filter(
        object_type="role_request", action="update", reason_code="approved"
    ).exists()


def test_the_practitioner_cannot_approve_their_own_role(town):
    _role(
        "request",
        "--user",
        "r.ig",
        "--role",
        "administrator",
        "--by",
        "r.admin",
        "--reason",
        "Covers the hub administrator",
    )
    with pytest.raises(CommandError, match="would hold the role"):
        _role("approve", str(RoleRequest.objects.get().pk), "--by", "r.ig")
    assert "administrator" not in _codes(town["ig"])


def test_a_request_for_someone_outside_the_partnership_is_refused(town):
    with pytest.raises(
        CommandError, match=r"There is no practitioner 'r\.far' in your partnership"
    ):
        _role(
            "request",
            "--user",
            "r.far",
            "--role",
            "mash_manager",
            "--by",
            "r.admin",
            "--reason",
            "Cover",
        )
    assert not RoleRequest.objects.exists()


def _change_form(user: Practitioner, roles: list[int]) -> dict[str, object]:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "agency": user.agency_id,
        "roles": roles,
        "job_title": "",
        "phone": "",
    }


def test_the_admin_refuses_a_role_that_widens_access(client, town):
    from fullpicture.partnerships.models import Role

    worker = town["worker"]
    client.force_login(town["admin"])
    url = f"/admin/partnerships/practitioner/{worker.pk}/change/"
    mash = Role.objects.get(code="mash_manager")
    practitioner = Role.objects.get(code="agency_practitioner")
    trainer = Role.objects.get(code="trainer")
    response = client.post(url, _change_form(worker, [practitioner.pk, mash.pk]))
    assert response.status_code == 200  # the form again, with the rule
    assert "Roles that widen access (mash_manager)" in response.content.decode()
    assert _codes(worker) == {"agency_practitioner"}
    event = LedgerEvent.objects.get(action="denied", object_type="practitioner_roles")
    assert (event.reason_code, event.object_id) == ("four_eyes", str(worker.pk))
    # a role that does not widen access may still be given here
    saved = client.post(url, _change_form(worker, [practitioner.pk, trainer.pk]))
    assert saved.status_code == 302
    assert _codes(worker) == {"agency_practitioner", "trainer"}
