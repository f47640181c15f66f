"""A small partnership whose chronology has every case the same-event rule must handle.

The MASH (children's social care) shares with police, health and the school under a
safeguarding agreement; housing is in no agreement with it. One night's domestic
incident is reported by police, health and the school (one event, three sources);
police record a second, separate item in the same hour (never merged with their
first); housing's report of the same night, a restricted police item and an item
health withheld are all invisible to the MASH and must contribute nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.people.models import Household
from fullpicture.people.tests.factories import SourceRecordFactory
from fullpicture.sharing.models import Outcome
from fullpicture.sharing.tests.factories import (
    AgreementFactory,
    InformationItemFactory,
    ItemDecisionFactory,
    work_context_for,
)
from fullpicture.vocabulary.models import ConcernCategory

NIGHT = dt.datetime(2025, 5, 1, 22, 0, tzinfo=dt.UTC)


def at(hours: float) -> dt.datetime:
    return NIGHT + dt.timedelta(hours=hours)


def make_town() -> dict[str, Any]:
    partnership = PartnershipFactory(code="E06000777")
    csc = AgencyFactory(
        code="CCSC", name="Chrontown CSC", partnership=partnership, social_care=True
    )
    police = AgencyFactory(
        code="CPOL", name="Chrontown Police", type="police", partnership=partnership
    )
    health = AgencyFactory(
        code="CHLT", name="Chrontown Hospital", type="acute_hospital", partnership=partnership
    )
    school = AgencyFactory(code="CSCH", name="Chrontown Primary", partnership=partnership)
    housing = AgencyFactory(
        code="CHOU", name="Chrontown Housing", type="housing", partnership=partnership
    )
    AgreementFactory(parties=[csc, police, health, school], purposes=["safeguarding_enquiry"])
    child_record = SourceRecordFactory(agency=school, given_name="Ivy", family_name="Chronos")
    child: Any = child_record.person
    SourceRecordFactory(agency=csc, given_name="Ivy", family_name="Chronos", person=child)
    mother_record = SourceRecordFactory(
        agency=police, given_name="Dora", family_name="Chronos", date_of_birth=dt.date(1990, 1, 2)
    )
    mother: Any = mother_record.person
    household = Household.objects.create()
    household.members.set([child, mother])
    da = ConcernCategory.objects.get(slug="domestic_abuse")
    neglect = ConcernCategory.objects.get(slug="neglect")

    def item(agency: Any, summary: str, hours: float, persons: list[Any], **kw: Any) -> Any:
        return InformationItemFactory(
            source_agency=agency,
            summary=summary,
            occurred_at=at(hours),
            recorded_at=at(hours + 1),
            category=kw.pop("category", da),
            persons=persons,
            **kw,
        )

    items = {
        "police_callout": item(police, "Police called to a domestic incident", 0, [child, mother]),
        "housing_same_night": item(housing, "Neighbour reported shouting", 0.25, [child]),
        "police_restricted": item(
            police, "Covert intelligence note", 0.1, [mother], restricted=True
        ),
        "police_second": item(
            police, "Officer returned to check on the family", 0.5, [child, mother]
        ),
        "health_ae": item(health, "Mother seen at A&E with bruising", 1.5, [mother]),
        "health_withheld": item(health, "Health visitor's private note", 2, [child]),
        "school_disclosure": item(
            school, "Ivy told her teacher about a fight at home", 11, [child]
        ),
        "school_neglect": item(school, "Ivy arrived hungry", 11.5, [child], category=neglect),
        "police_later": item(police, "Second call-out to the address", 60, [child, mother]),
        "csc_mother_only": item(csc, "Mother asked for advice", 80, [mother], category=neglect),
    }
    ItemDecisionFactory(
        item=items["health_withheld"],
        to_agency=csc,
        outcome=Outcome.WITHHOLD,
        withhold_reason="risk_to_source",
    )
    mash = PractitionerFactory(agency=csc, roles=["mash_practitioner"])
    teacher = PractitionerFactory(agency=school)
    outsider = PractitionerFactory(
        agency=AgencyFactory(code="FARX", partnership=PartnershipFactory(code="E06000888")),
        roles=["mash_manager"],
    )
    return {
        # the MASH reads the family in an information request it sent (a work context)
        "se": work_context_for(viewer=mash, person=child),
        "csc": csc,
        "police": police,
        "health": health,
        "school": school,
        "housing": housing,
        "child": child,
        "mother": mother,
        "household": household,
        "items": items,
        "mash": mash,
        "teacher": teacher,
        "outsider": outsider,
        "domestic_abuse": da,
        "neglect": neglect,
    }
