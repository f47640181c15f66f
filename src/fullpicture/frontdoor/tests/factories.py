"""A small partnership for front-door tests: a school, police, and the MASH."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fullpicture.frontdoor.services import ContactInput, PersonEntry
from fullpicture.partnerships.models import Agency, AgencyType, Partnership, Practitioner
from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.sharing.tests.factories import AgreementFactory
from fullpicture.vocabulary.models import ConcernCategory


@dataclass
class World:
    partnership: Partnership
    school: Agency
    police: Agency
    mash: Agency
    family_support: Agency
    teacher: Practitioner
    officer: Practitioner
    mash_worker: Practitioner
    manager: Practitioner
    manager2: Practitioner


def make_world() -> World:
    partnership = PartnershipFactory(code="E06000901", name="Testshire")
    school = AgencyFactory(
        code="TSCH", name="Test Primary", type=AgencyType.SCHOOL, partnership=partnership
    )
    police = AgencyFactory(
        code="TPOL", name="Test Police", type=AgencyType.POLICE, partnership=partnership
    )
    mash = AgencyFactory(
        code="TCSC",
        name="Test Children's Social Care",
        type=AgencyType.CHILDRENS_SOCIAL_CARE,
        partnership=partnership,
    )
    vcs = AgencyFactory(
        code="TFFS", name="Test Family Support", type=AgencyType.VOLUNTARY, partnership=partnership
    )
    AgreementFactory(parties=[school, police, mash, vcs])
    return World(
        partnership=partnership,
        school=school,
        police=police,
        mash=mash,
        family_support=vcs,
        teacher=PractitionerFactory(username="t.teacher", agency=school),
        officer=PractitionerFactory(username="t.officer", agency=police),
        mash_worker=PractitionerFactory(
            username="t.mash", agency=mash, roles=["mash_practitioner"]
        ),
        manager=PractitionerFactory(username="t.manager", agency=mash, roles=["mash_manager"]),
        manager2=PractitionerFactory(username="t.manager2", agency=mash, roles=["mash_manager"]),
    )


def category_ids(*slugs: str) -> tuple[int, ...]:
    return tuple(ConcernCategory.objects.filter(slug__in=slugs).values_list("pk", flat=True))


def contact_input(**overrides: object) -> ContactInput:
    values: dict[str, object] = {
        "people": (
            PersonEntry(
                role="child",
                given_name="Poppy",
                family_name="Testcase",
                date_of_birth=dt.date(2018, 4, 2),
                address="1 Test Row",
                postcode="TS1 1AA",
            ),
            PersonEntry(
                role="adult",
                given_name="Morgan",
                family_name="Testcase",
                date_of_birth=dt.date(1990, 1, 9),
            ),
        ),
        "what_happened": "Poppy said she was hungry and had not eaten since yesterday.",
        "category_ids": category_ids("neglect"),
        "consent": "not_sought",
        "paragraph18_reason": "would_prejudice",
        "wants_feedback": True,
    }
    values.update(overrides)
    return ContactInput(**values)
