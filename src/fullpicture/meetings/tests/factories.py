"""A small world for meeting tests: three agencies under one agreement, a child, items."""

import datetime as dt
from dataclasses import dataclass

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from fullpicture.meetings.models import Meeting, MeetingKind
from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.people.tests.factories import PersonFactory, SourceRecordFactory
from fullpicture.sharing.tests.factories import AgreementFactory, InformationItemFactory


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    kind = MeetingKind.STRATEGY_DISCUSSION
    title = factory.Sequence(lambda n: f"Strategy discussion {n}")
    partnership = factory.SubFactory(PartnershipFactory)
    starts_at = factory.LazyFunction(timezone.now)
    chair = factory.SubFactory(PractitionerFactory, roles=["mash_manager"])
    host_agency = factory.LazyAttribute(lambda o: o.chair.agency)
    created_by = factory.LazyAttribute(lambda o: o.chair)


@dataclass
class World:
    mash: object
    police: object
    school: object
    chair: object
    officer: object
    teacher: object
    child: object
    other_child: object
    police_items: list
    school_items: list
    secret_item: object


def build_world(prefix: str = "T") -> World:
    partnership = PartnershipFactory(code=f"E0699{prefix}")
    mash = AgencyFactory(
        code=f"{prefix}MASH", name=f"{prefix} MASH", social_care=True, partnership=partnership
    )
    police = AgencyFactory(
        code=f"{prefix}POL", name=f"{prefix} Police", police=True, partnership=partnership
    )
    school = AgencyFactory(code=f"{prefix}SCH", name=f"{prefix} School", partnership=partnership)
    AgreementFactory(
        parties=[mash, police, school],
        purposes=["safeguarding_enquiry", "strategy_discussion", "multi_agency_meeting"],
        # a narrow agreement: only explicit shares bring items across
        categories=["debt"],
    )
    chair = PractitionerFactory(
        username=f"{prefix.lower()}.chair", agency=mash, roles=["mash_manager"]
    )
    officer = PractitionerFactory(username=f"{prefix.lower()}.officer", agency=police)
    teacher = PractitionerFactory(username=f"{prefix.lower()}.teacher", agency=school)
    child = PersonFactory()
    other_child = PersonFactory()
    for agency in (mash, police, school):
        SourceRecordFactory(agency=agency, person=child, given_name="Robin", family_name="Fiction")
    SourceRecordFactory(agency=police, person=other_child, given_name="Other", family_name="Child")
    when = dt.datetime(2026, 5, 1, 10, tzinfo=dt.UTC)
    police_items = [
        InformationItemFactory(
            source_agency=police,
            persons=[child],
            summary="Police called to a domestic incident",
            occurred_at=when,
        ),
        InformationItemFactory(
            source_agency=police,
            persons=[child],
            summary="Police intelligence about a visitor",
            occurred_at=when,
        ),
    ]
    school_items = [
        InformationItemFactory(
            source_agency=school,
            persons=[child],
            summary="School attendance fell to 70%",
            occurred_at=when,
        ),
    ]
    secret_item = InformationItemFactory(
        source_agency=police, persons=[other_child], summary="Not on the agenda"
    )
    return World(
        mash,
        police,
        school,
        chair,
        officer,
        teacher,
        child,
        other_child,
        police_items,
        school_items,
        secret_item,
    )
