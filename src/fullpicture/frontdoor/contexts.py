"""The front-door contact as a work context: it justifies reading for a safeguarding
enquiry or a strategy discussion the persons it names (and their households), for the
MASH practitioners and managers of the MASH that holds it. Registered with the policy
point when Django starts."""

from __future__ import annotations

import datetime as dt

from fullpicture.frontdoor.models import Contact, ContactPerson
from fullpicture.partnerships.models import MASH_ROLES, Practitioner
from fullpicture.sharing.contexts import WorkContext, register_work_context, with_households
from fullpicture.sharing.policy import Purpose

CONTACT_PURPOSES = frozenset(
    {Purpose.SAFEGUARDING_ENQUIRY.value, Purpose.STRATEGY_DISCUSSION.value}
)


def contact_context(viewer: Practitioner, contact_id: int, at: dt.datetime) -> WorkContext | None:
    if viewer.agency_id is None or not viewer.role_codes & MASH_ROLES:
        return None
    if not Contact.objects.filter(pk=contact_id, mash_agency_id=viewer.agency_id).exists():
        return None
    persons = ContactPerson.objects.filter(contact_id=contact_id, person__isnull=False)
    return WorkContext(
        kind="contact",
        object_id=contact_id,
        purposes=CONTACT_PURPOSES,
        person_ids=with_households(persons.values_list("person_id", flat=True)),
    )


def register() -> None:
    register_work_context(
        "contact", contact_context, default_purpose=Purpose.SAFEGUARDING_ENQUIRY.value
    )
