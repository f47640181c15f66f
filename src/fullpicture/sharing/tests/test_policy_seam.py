"""The policy seam: own agency's items; MASH sees the agreement parties' items for the
agreement's purposes; everything else denied; the SQL filter and decide() agree."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.people.tests.factories import PersonFactory
from fullpicture.sharing.models import InformationItem
from fullpicture.sharing.policy import Purpose, decide
from fullpicture.sharing.selectors import NotFound, access_person_by_id, items_visible_to
from fullpicture.sharing.tests.factories import (
    AgreementFactory,
    InformationItemFactory,
    work_context_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    home = PartnershipFactory(code="E06000001")
    away = PartnershipFactory(code="E06000002")
    school = AgencyFactory(code="SCH", partnership=home)
    police = AgencyFactory(code="POL", partnership=home, police=True)
    csc = AgencyFactory(code="CSC", partnership=home, social_care=True)
    other = AgencyFactory(code="OTH", partnership=away)
    child = PersonFactory()
    items = {
        code: InformationItemFactory(source_agency=agency, persons=[child])
        for code, agency in {"SCH": school, "POL": police, "CSC": csc, "OTH": other}.items()
    }
    return {
        "school": school,
        "police": police,
        "csc": csc,
        "other": other,
        "items": items,
        "child": child,
    }


def _visible(viewer, purpose):
    return set(
        items_visible_to(viewer=viewer, purpose=purpose).values_list(
            "source_agency__code", flat=True
        )
    )


def test_practitioner_sees_only_own_agency(world):
    teacher = PractitionerFactory(agency=world["school"], roles=["agency_practitioner"])
    for purpose in Purpose.values:
        assert _visible(teacher, purpose) == {"SCH"}


def test_mash_sees_the_agreement_parties_only_for_its_purposes(world):
    AgreementFactory(
        parties=[world["school"], world["police"], world["csc"]],
        purposes=["safeguarding_enquiry"],
    )
    mash = PractitionerFactory(agency=world["csc"], roles=["mash_practitioner"])
    enquiry = work_context_for(viewer=mash, person=world["child"])
    assert _visible(mash, enquiry) == {"SCH", "POL", "CSC"}
    # the word alone, with no piece of work behind it, unlocks nothing
    assert _visible(mash, Purpose.SAFEGUARDING_ENQUIRY) == {"CSC"}
    assert _visible(mash, Purpose.EARLY_HELP) == {"CSC"}


def test_viewer_without_agency_sees_nothing(world):
    admin = PractitionerFactory(agency=None, roles=["administrator"])
    assert _visible(admin, Purpose.AUDIT) == set()


def test_denied_person_answers_like_a_missing_one(world):
    elsewhere = AgencyFactory(code="FAR", partnership=PartnershipFactory(code="E06000003"))
    outsider = PractitionerFactory(agency=elsewhere, roles=["mash_manager"])
    PersonFactory()  # exists but nothing of it is visible
    with pytest.raises(NotFound):
        access_person_by_id(
            viewer=outsider, person_id=world["child"].pk, purpose=Purpose.SAFEGUARDING_ENQUIRY
        )
    with pytest.raises(NotFound):
        access_person_by_id(viewer=outsider, person_id=987654, purpose=Purpose.SAFEGUARDING_ENQUIRY)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    roles=st.sets(
        st.sampled_from(
            ["agency_practitioner", "mash_practitioner", "mash_manager", "ig_lead", "trainer"]
        ),
        max_size=3,
    ),
    home=st.sampled_from(["school", "police", "csc", "other"]),
    purpose=st.sampled_from(Purpose.values),
)
def test_sql_filter_agrees_with_decide(world, roles, home, purpose):
    viewer = PractitionerFactory(agency=world[home], roles=sorted(roles))
    visible = set(items_visible_to(viewer=viewer, purpose=purpose).values_list("pk", flat=True))
    for item in InformationItem.objects.select_related("source_agency"):  # the oracle reads all
        assert (item.pk in visible) == decide(viewer=viewer, item=item, purpose=purpose).allowed


def test_a_read_fails_when_its_audit_event_cannot_be_written(world):
    from django.db import DatabaseError

    from fullpicture.audit.tests.test_ledger import _RefuseInserts

    mash = PractitionerFactory(agency=world["csc"], roles=["mash_practitioner"])
    AgreementFactory(parties=[world["school"], world["csc"]])
    with _RefuseInserts(), pytest.raises(DatabaseError):
        access_person_by_id(
            viewer=mash, person_id=world["child"].pk, purpose=Purpose.SAFEGUARDING_ENQUIRY
        )
