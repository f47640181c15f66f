"""A meeting pack names people only from records the viewer may see: under an agreement
for multi-agency meetings that rests on consent, a record whose consent was refused
gives no name (docs/decisions/0072)."""

import pytest
from django.utils import timezone

from fullpicture.audit.services import Actor
from fullpicture.meetings.models import AgendaEntry, Invitation
from fullpicture.meetings.selectors import person_labels
from fullpicture.meetings.tests.factories import MeetingFactory
from fullpicture.partnerships.tests.factories import AgencyFactory, PractitionerFactory
from fullpicture.people.tests.factories import PersonFactory, SourceRecordFactory
from fullpicture.sharing.feeds import items_import
from fullpicture.sharing.tests.factories import AgreementFactory
from fullpicture.sharing.tests.feeds_town import item_row

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("consent", "named"), [("refused", False), ("given", True)])
def test_the_pack_names_a_person_only_from_a_record_with_consent(consent, named):
    school = AgencyFactory(code="MSCH")
    csc = AgencyFactory(code="MCSC", social_care=True)
    AgreementFactory(early_help=True, purposes=["multi_agency_meeting"], parties=[school, csc])
    child = PersonFactory()
    SourceRecordFactory(agency=csc, source_id="C-1", given_name="Quill", person=child)
    items_import(
        agency=csc,
        rows=[(2, item_row("CSC-1", who="C-1", consent=consent))],
        file="c.csv",
        actor=Actor.system("test"),
    )
    teacher = PractitionerFactory(username="m.teacher", agency=school)
    chair = PractitionerFactory(username="m.chair", agency=csc, roles=["mash_manager"])
    meeting = MeetingFactory(chair=chair, partnership=csc.partnership)
    Invitation.objects.create(meeting=meeting, agency=school, invited_at=timezone.now())
    AgendaEntry.objects.create(meeting=meeting, person=child)
    labels = person_labels(viewer=teacher, person_ids=[child.pk], meeting_id=meeting.pk)
    assert (child.pk in labels) is named
