"""Reading the Walsh family as the demo's users do: through the work that justifies it."""

from __future__ import annotations

from fullpicture.frontdoor.models import Contact
from fullpicture.meetings.demo import TITLE
from fullpicture.meetings.models import Meeting
from fullpicture.partnerships.models import Practitioner
from fullpicture.people.models import Person
from fullpicture.sharing.contexts import purpose_in


def walsh_enquiry(mash: Practitioner, person: Person) -> str:
    """A safeguarding enquiry read in the first demo contact of the MASH about the person
    (its persons' households cover the whole Walsh family)."""
    contact = (
        Contact.objects.filter(mash_agency_id=mash.agency_id, people__person=person)
        .order_by("pk")
        .first()
    )
    assert contact is not None
    return purpose_in("safeguarding_enquiry", f"contact:{contact.pk}")


def walsh_meeting() -> str:
    """A multi-agency meeting read in the demo's strategy discussion about the Walsh family."""
    meeting = Meeting.objects.get(title=TITLE)
    return purpose_in("multi_agency_meeting", f"meeting:{meeting.pk}")
