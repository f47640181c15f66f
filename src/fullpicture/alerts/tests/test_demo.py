"""The Sharetown demo: FHIR answers for every demo NHS number; flags, moves and the Walsh
family's first alert, months before Lily-Mae's death."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from fullpicture.alerts.models import Alert, CaseTransfer, Notice, ProtectionFlag
from fullpicture.audit.triggers import drop_ledger_triggers
from fullpicture.linkage.engine.identifiers import clean_nhs_number
from fullpicture.partnerships.models import Practitioner
from fullpicture.people.models import SourceRecord

pytestmark = [pytest.mark.django_db, pytest.mark.urls("fullpicture.alerts.tests.urls")]
LILY_MAE_DIED = dt.date(2026, 8, 14)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("demo", "--no-serve")  # the CLI: alerts sits below the demo app
        yield
        drop_ledger_triggers()
        call_command("flush", interactive=False, verbosity=0)


def test_every_demo_nhs_number_gets_a_valid_bundle(loaded, client):
    client.force_login(Practitioner.objects.get(username="ae.nurse"))
    numbers = {
        clean_nhs_number(n) for n in SourceRecord.objects.values_list("nhs_number", flat=True)
    } - {""}
    assert len(numbers) > 100
    cutoff = timezone.localdate() - dt.timedelta(days=365)
    flagged = set(
        ProtectionFlag.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=cutoff)
        ).values_list("nhs_number", flat=True)
    )
    totals = {}
    for nhs in sorted(numbers):
        response = client.get(
            "/fhir/CareTeam?patient:identifier=https://fhir.nhs.uk/Id/nhs-number|" + nhs
        )
        assert response.status_code == 200
        body = json.loads(response.content)
        Bundle.model_validate(body)
        totals[nhs] = body["total"]
    assert {n for n, t in totals.items() if t} == flagged & numbers
    assert len(flagged & numbers) >= 5


def test_the_demo_has_flags_accesses_and_a_family_moving_in(loaded):
    types = set(ProtectionFlag.objects.values_list("flag_type", flat=True))
    assert types == {"cpp", "lac", "unborn"}
    message = Notice.objects.filter(kind="access", recipient__username="mash.practitioner")
    assert any("seen at Sharetown General Hospital A&E, 02:13" in n.message for n in message)
    transfer = CaseTransfer.objects.get()
    assert (transfer.from_partnership.code, transfer.to_partnership.code) == (
        "E06000998",
        "E06000999",
    )
    assert Alert.objects.filter(kind="repeat_attendance").count() == 1


def test_the_walsh_familys_first_alert_comes_months_before_the_death(loaded):
    lily = SourceRecord.objects.get(agency__code="SCSC", source_id="1048826").person
    first = Alert.objects.filter(kind="cumulative", persons=lily).order_by("evidence_date").first()
    assert first is not None
    assert first.evidence_date is not None
    lead = LILY_MAE_DIED - first.evidence_date
    assert lead.days > 180


def test_the_walsh_household_forms_from_the_feeds_and_raises_one_halcon_alert(loaded):
    from fullpicture.people.models import Household, Relationship

    def person(agency, source_id):
        return SourceRecord.objects.get(agency__code=agency, source_id=source_id).person_id

    katie, dean = person("SCSC", "1048823"), person("SCSC", "1061390")
    children = {person("SCSC", "1048824"), person("SCSC", "1048825"), person("SCSC", "1048826")}
    ryan = person("SCSC", "1079204")  # the older children's father, living elsewhere
    walsh = {katie, dean, *children}
    # No hand-written relationship row names any of them: the feeds alone form the family.
    assert not Relationship.objects.filter(
        Q(from_record__person_id__in=walsh) | Q(to_record__person_id__in=walsh)
    ).exists()
    household = Household.objects.get(members=person("SCSC", "1048826"), status="active")
    assert set(household.members.values_list("pk", flat=True)) == walsh
    assert ryan not in set(household.members.values_list("pk", flat=True))
    halcon = Alert.objects.filter(rule__slug="halcon-one-team", household=household)
    assert halcon.count() == 1
    alert = halcon.get()
    assert walsh <= set(alert.persons.values_list("pk", flat=True))
    assert alert.evidence_date is not None
    assert (LILY_MAE_DIED - alert.evidence_date).days > 180
