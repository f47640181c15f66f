"""The Sharetown demo loads through the feeds, once, and holds the Walsh family's jigsaw."""

import pytest
from django.core.management import call_command

from fullpicture.audit.selectors import ledger_verify
from fullpicture.audit.triggers import drop_ledger_triggers
from fullpicture.demo.services import sharetown_load
from fullpicture.people.models import Person, SourceRecord
from fullpicture.sharing.models import InformationItem

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Load Sharetown once for this module's read-only tests, then empty the database."""
    with django_db_blocker.unblock():
        sharetown_load()
        yield
        drop_ledger_triggers()
        call_command("flush", interactive=False, verbosity=0)  # post_migrate re-seeds


def test_the_walsh_items_come_from_at_least_seven_agencies(loaded):
    walsh_items = InformationItem.objects.filter(
        persons__source_records__family_name="Walsh"
    ).distinct()
    assert walsh_items.count() >= 40
    assert walsh_items.values("source_agency").distinct().count() >= 7


def test_the_youngest_child_is_one_person_seen_by_seven_agencies(loaded):
    lily = SourceRecord.objects.get(
        agency__code="RMP", given_name="Lily-Mae", date_of_birth="2024-05-18"
    ).person
    agencies = set(
        InformationItem.objects.filter(persons=lily).values_list("source_agency__code", flat=True)
    )
    assert len(agencies) >= 7


def test_nhs_numbers_are_from_the_test_range_only(loaded):
    numbers = SourceRecord.objects.exclude(nhs_number="").values_list("nhs_number", flat=True)
    assert numbers
    assert all(n.startswith("999") for n in numbers)


def test_the_demo_ledger_verifies(loaded):
    result = ledger_verify()
    assert result.ok
    assert result.checked > 1000  # imports and one link event per record


def test_loading_again_adds_nothing(loaded):
    counts = (SourceRecord.objects.count(), InformationItem.objects.count(), Person.objects.count())
    assert sharetown_load() is False
    assert counts == (
        SourceRecord.objects.count(),
        InformationItem.objects.count(),
        Person.objects.count(),
    )


def test_the_tour_mash_opens_lily_mae_from_the_nurserys_contact(loaded, client):
    """README tour step 2: the MASH practitioner opens the nursery's contact from the queue
    and follows Lily-Mae's name; the page reads in the contact's work context and shows
    items from many agencies, where a bare search for her shows only their own agency's."""
    import re

    from fullpicture.frontdoor.models import Contact
    from fullpicture.partnerships.models import Practitioner

    mash = Practitioner.objects.get(username="mash.practitioner")
    client.force_login(mash)
    queue = client.get("/front-door/queue/").content.decode()
    lily = SourceRecord.objects.get(
        agency__code="RMP", given_name="Lily-Mae", date_of_birth="2024-05-18"
    ).person_id
    contact = (
        Contact.objects.filter(referrer__username="nursery.manager", people__person_id=lily)
        .order_by("pk")
        .first()
    )
    assert contact is not None
    assert f"/front-door/contacts/{contact.pk}/" in queue
    page = client.get(f"/front-door/contacts/{contact.pk}/").content.decode()
    link = f"/people/{lily}/?context=contact:{contact.pk}"
    assert f'href="{link}"' in page
    opened = client.get(link).content.decode()
    agencies = re.search(r"(\d+) items? from (\d+) agenc", opened)
    assert agencies is not None
    assert int(agencies.group(2)) >= 5
    bare = client.get(f"/people/{lily}/", {"purpose": "safeguarding_enquiry"})
    assert bare.status_code in (200, 404)  # 404: her own agency holds nothing of her
    shown = re.search(r"(\d+) items? from (\d+) agenc", bare.content.decode())
    assert shown is None or int(shown.group(2)) <= 1
