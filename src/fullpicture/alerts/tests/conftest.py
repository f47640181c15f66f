import pytest

from fullpicture.partnerships.models import AgencyType
from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)


class World:
    pass


@pytest.fixture
def world(db):
    """Two partnerships, each with children's social care; a hospital and a GP in the first."""
    w = World()
    w.home = PartnershipFactory(
        code="E06000901",
        name="Hometown",
        postcode_districts=["HT1", "HT2"],
        office_phone="01632 960100",
        out_of_hours_phone="01632 960101",
    )
    w.away = PartnershipFactory(
        code="E06000902",
        name="Awayshire",
        postcode_districts=["AW1"],
        office_phone="01632 960200",
        out_of_hours_phone="01632 960201",
    )
    w.csc = AgencyFactory(code="HCSC", type=AgencyType.CHILDRENS_SOCIAL_CARE, partnership=w.home)
    w.away_csc = AgencyFactory(
        code="ACSC", type=AgencyType.CHILDRENS_SOCIAL_CARE, partnership=w.away
    )
    w.hospital = AgencyFactory(
        code="HGH",
        name="Hometown General Hospital (Emergency Department)",
        type=AgencyType.ACUTE_HOSPITAL,
        partnership=w.home,
    )
    w.gp_practice = AgencyFactory(code="HGP", type=AgencyType.GP, partnership=w.home)
    w.clinician = PractitionerFactory(
        username="clinician", agency=w.hospital, roles=["unscheduled_care_clinician"]
    )
    w.gp = PractitionerFactory(username="gp.user", agency=w.gp_practice)
    w.teacher = PractitionerFactory(username="teacher.user")
    w.mash = PractitionerFactory(
        username="mash.user", agency=w.csc, roles=["mash_practitioner"], email="mash@example.org"
    )
    w.social_worker = PractitionerFactory(username="sw.user", agency=w.csc, email="sw@example.org")
    w.away_mash = PractitionerFactory(
        username="away.mash", agency=w.away_csc, roles=["mash_practitioner"]
    )
    return w
