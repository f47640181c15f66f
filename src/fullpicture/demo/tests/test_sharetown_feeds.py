"""The Sharetown demo's feeds: items, the Walsh family's involvements and each agency's
coverage, all loaded through the feeds' own importers; Lily-Mae's page opens with them."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from fullpicture.audit.triggers import drop_ledger_triggers
from fullpicture.demo.services import sharetown_load
from fullpicture.demo.tests.walsh import walsh_enquiry
from fullpicture.partnerships.models import Practitioner
from fullpicture.people.models import SourceRecord
from fullpicture.sharing.models import FeedKind, FeedStatus, Involvement
from fullpicture.sharing.templatetags.sharing_tags import read_query

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        sharetown_load()
        yield
        drop_ledger_triggers()
        call_command("flush", interactive=False, verbosity=0)


def test_every_agency_with_items_has_a_feed_status_with_its_coverage(loaded):
    statuses = {s.agency.code: s for s in FeedStatus.objects.filter(kind=FeedKind.ITEMS)}
    assert {"STPOL", "SCSC", "BPS", "RMP", "STGH"} <= set(statuses)
    assert all(s.current_to is not None for s in statuses.values() if s.last_import_rows)
    assert (statuses["BPS"].min_age, statuses["BPS"].max_age) == (4, 11)
    assert statuses["STPOL"].area == "ST1 ST2 ST3 ST4"


def test_the_walsh_family_has_involvements_from_the_agencies_working_with_them(loaded):
    walsh = Involvement.objects.filter(record__family_name__in=["Walsh", "Walshe"])
    assert set(walsh.values_list("agency__code", flat=True)) >= {"SCSC", "BPS", "STPOL", "FFS"}
    assert walsh.filter(ended_on__isnull=False).exists()  # Family First has closed


def test_lily_maes_page_opens_with_who_is_involved_and_what_each_feed_covers(loaded, client):
    lily = SourceRecord.objects.get(agency__code="RMP", source_id="GP98817").person
    assert lily is not None
    mash = Practitioner.objects.get(username="mash.practitioner")
    client.force_login(mash)
    read = read_query(walsh_enquiry(mash, lily))
    html = client.get(reverse("web:person", args=[lily.pk]) + f"?{read}").content.decode()
    assert html.index("Who else is involved") < html.index("What each agency holds")
    assert "Nadia Okafor" in html  # her social worker
    assert "Grace Adeyemi" in html  # her health visitor
    assert 'data-agency="SCSC" data-state="found"' in html
