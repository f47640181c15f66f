"""Putting an agreement in force: every party partnership's IG lead accepts its current
version, one of them not its last editor; any edit needs accepting again; suspending asks
for a confirmation (issue 14, docs/decisions/0064-four-eyes.md)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fullpicture.audit.models import LedgerEvent
from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.people.tests.factories import PersonFactory, SourceRecordFactory
from fullpicture.sharing.contexts import purpose_in
from fullpicture.sharing.models import (
    Agreement,
    AgreementAcceptance,
    AgreementStatus,
    InformationRequest,
    RequestRecipient,
)
from fullpicture.sharing.policy import decide
from fullpicture.sharing.tests.factories import InformationItemFactory

pytestmark = pytest.mark.django_db
SE = "safeguarding_enquiry"


@pytest.fixture
def towns():
    home, away = PartnershipFactory(code="E06000441"), PartnershipFactory(code="E06000442")
    csc = AgencyFactory(code="HCSC", partnership=home, social_care=True)
    police = AgencyFactory(code="APOL", partnership=away, police=True)
    child = PersonFactory()
    SourceRecordFactory(agency=csc, person=child)
    item = InformationItemFactory(source_agency=police, persons=[child], summary="Stop check")
    return {
        "home": home,
        "away": away,
        "csc": csc,
        "police": police,
        "item": item,
        "manager": PractitionerFactory(agency=csc, roles=["mash_manager"]),
        "ig": PractitionerFactory(agency=csc, roles=["ig_lead"]),
        "ig2": PractitionerFactory(agency=csc, roles=["ig_lead"]),
        "away_ig": PractitionerFactory(agency=police, roles=["ig_lead"]),
    }


def _post(towns, *agencies, **changes):
    data = {
        "reference": "ISA-X-1",
        "title": "Cross-border agreement",
        "purposes": [SE],
        "article6": "6_1_e",
        "article9": "9_2_g",
        "schedule1": "para_18",
        "starts_on": "2026-01-01",
        "status": "in_force",
        "version": "",
        **{f"party_{a.pk}": "1" for a in agencies},
    }
    data.update(changes)
    return data


def _reads(towns) -> bool:
    """Does the MASH manager read the police item, in the work of a request the MASH sent
    the police about the child (a purpose is read in a work context: decision 0056)?"""
    if "request" not in towns:
        now = timezone.now()
        request = InformationRequest.objects.create(
            person=towns["item"].persons.get(),
            purpose=SE,
            requested_by=towns["manager"],
            from_agency=towns["csc"],
            requested_at=now,
            due_at=now + dt.timedelta(days=1),
        )
        RequestRecipient.objects.create(request=request, agency=towns["police"])
        towns["request"] = request
    purpose = purpose_in(SE, f"request:{towns['request'].pk}")
    return decide(viewer=towns["manager"], item=towns["item"], purpose=purpose).allowed


def _accept(client, user, agreement):
    client.force_login(user)
    return client.post(
        reverse("sharing:agreement_accept", args=[agreement.pk]), {"version": agreement.version}
    )


def test_an_agreement_naming_another_partnership_is_in_force_only_when_both_accept(client, towns):
    client.force_login(towns["ig"])
    made = client.post(
        reverse("sharing:agreement_new"), _post(towns, towns["csc"], towns["police"])
    )
    assert made.status_code == 302
    agreement = Agreement.objects.get(reference="ISA-X-1")
    assert agreement.status == AgreementStatus.IN_FORCE
    assert not _reads(towns)  # one IG lead's say-so binds nobody
    page = client.get(reverse("sharing:agreements")).content.decode()
    assert "Awaiting acceptance" in page
    assert towns["away"].name in page

    assert _accept(client, towns["ig"], agreement).status_code == 302  # the drafter, for home
    assert not _reads(towns)
    assert _accept(client, towns["away_ig"], agreement).status_code == 302
    assert _reads(towns)
    agreement.refresh_from_db()
    assert agreement.accepted_version == agreement.version
    assert list(
        AgreementAcceptance.objects.values_list("partnership__code", flat=True).order_by("pk")
    ) == ["E06000441", "E06000442"]
    assert LedgerEvent.objects.filter(object_type="agreement", reason_code="in_force").exists()

    # any edit needs accepting again: out of force until both accept the new version
    client.force_login(towns["ig"])
    edit = reverse("sharing:agreement_edit", args=[agreement.pk])
    client.post(edit, _post(towns, towns["csc"], towns["police"], title="Wider", version="1"))
    agreement.refresh_from_db()
    assert agreement.version == 2
    assert not _reads(towns)


def test_the_last_editor_alone_cannot_put_it_in_force(client, towns):
    other = AgencyFactory(partnership=towns["home"])
    client.force_login(towns["ig"])
    client.post(reverse("sharing:agreement_new"), _post(towns, towns["csc"], other))
    agreement = Agreement.objects.get(reference="ISA-X-1")
    refused = _accept(client, towns["ig"], agreement)
    assert refused.status_code == 400
    assert "your acceptance alone cannot put it in force" in refused.content.decode()
    assert not AgreementAcceptance.objects.exists()
    assert LedgerEvent.objects.get(action="denied", object_type="agreement").reason_code == (
        "four_eyes"
    )
    assert _accept(client, towns["ig2"], agreement).status_code == 302
    agreement.refresh_from_db()
    assert agreement.accepted_version == agreement.version


def test_an_ig_lead_of_a_partnership_not_named_cannot_accept(client, towns):
    stranger = PractitionerFactory(
        agency=AgencyFactory(partnership=PartnershipFactory(code="E06000443")), roles=["ig_lead"]
    )
    client.force_login(towns["ig"])
    client.post(reverse("sharing:agreement_new"), _post(towns, towns["csc"], towns["police"]))
    agreement = Agreement.objects.get(reference="ISA-X-1")
    refused = _accept(client, stranger, agreement)
    assert refused.status_code == 400
    assert "Only an information-governance lead of a partnership" in refused.content.decode()
    assert not AgreementAcceptance.objects.exists()
    assert LedgerEvent.objects.filter(action="denied", reason_code="agreement_partnership").exists()
    # and an agreement naming none of their agencies is not theirs to list or edit
    assert "ISA-X-1" not in client.get(reverse("sharing:agreements")).content.decode()


def test_suspending_asks_for_a_confirmation_first(client, towns):
    client.force_login(towns["ig"])
    client.post(reverse("sharing:agreement_new"), _post(towns, towns["csc"], towns["police"]))
    agreement = Agreement.objects.get(reference="ISA-X-1")
    url = reverse("sharing:agreement_suspend", args=[agreement.pk])
    asked = client.post(url, {"version": "1"})
    assert asked.status_code == 200
    assert "Yes, suspend ISA-X-1 now" in asked.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_FORCE
    client.post(url, {"version": "1", "confirm": "yes"})
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SUSPENDED


def test_the_admin_cannot_put_an_agreement_in_force(client, towns):
    from fullpicture.sharing.tests.factories import AgreementFactory

    admin_user = PractitionerFactory(
        agency=towns["csc"], roles=["administrator"], is_staff=True, is_superuser=True
    )
    made = AgreementFactory(parties=[towns["csc"], towns["police"]], purposes=[SE])
    agreement = Agreement.objects.get(pk=made.pk)
    assert _reads(towns)
    client.force_login(admin_user)
    page = client.get(f"/admin/sharing/agreement/{agreement.pk}/change/").content.decode()
    assert 'name="accepted_version"' not in page  # read-only there
    agreement.title = "Changed in the admin"
    from django.contrib.admin.sites import site

    model_admin = site._registry[Agreement]
    request = type("R", (), {"user": admin_user})()
    model_admin.save_model(request, agreement, form=None, change=True)
    agreement.refresh_from_db()
    assert agreement.version == 2
    assert agreement.accepted_version == 1
    assert not _reads(towns)  # changed alone: out of force until accepted again
