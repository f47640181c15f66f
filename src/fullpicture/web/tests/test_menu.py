"""The menu leads with each role's work, in at most seven items; one inbox for all notices."""

import re

import pytest
from django.utils import timezone

from fullpicture.alerts.models import Notice
from fullpicture.audit.models import LedgerEvent
from fullpicture.partnerships.models import AgencyType
from fullpicture.partnerships.tests.factories import AgencyFactory, PractitionerFactory
from fullpicture.sharing.models import Notification
from fullpicture.web.menu import MAX_ITEMS

pytestmark = pytest.mark.django_db

FIRST = {
    "unscheduled_care_clinician": ("Point-of-care check", AgencyType.ACUTE_HOSPITAL),
    "mash_practitioner": ("MASH queue", AgencyType.CHILDRENS_SOCIAL_CARE),
    "mash_manager": ("MASH queue", AgencyType.CHILDRENS_SOCIAL_CARE),
    "agency_practitioner": ("Find a person", AgencyType.SCHOOL),
    "ig_lead": ("Agreements", AgencyType.OTHER),
    "board_scrutineer": ("Scrutiny", AgencyType.OTHER),
    "trainer": ("Training", AgencyType.OTHER),
    "administrator": ("Possible matches", AgencyType.OTHER),
}


def _menu(page: str) -> list[str]:
    nav = re.search(
        r'<ul class="govuk-service-navigation__list" id="navigation">(.*?)</ul>', page, re.S
    )
    assert nav is not None
    return [
        re.sub(r"<.*?>", "", label).strip()
        for label in re.findall(r'data-menu="[^"]+">(.*?)</a>', nav.group(1), re.S)
    ]


@pytest.mark.parametrize("role", sorted(FIRST))
def test_each_role_sees_its_work_first_in_at_most_seven_items(client, role):
    first, agency_type = FIRST[role]
    user = PractitionerFactory(agency=AgencyFactory(type=agency_type), roles=[role])
    client.force_login(user)
    labels = _menu(client.get("/").content.decode())
    assert labels[0] == first
    assert len(labels) <= MAX_ITEMS
    response = client.get("/more/")
    assert response.status_code == 200
    more = response.content.decode()
    if "More" in labels:
        assert labels[-1] == "More"
        # what does not fit is one level down, nothing is lost
        hidden = re.findall(r'<li><a class="govuk-link" href="[^"]+">([^<]+)</a></li>', more)
        assert set(labels[:-1]) < set(hidden)  # More lists every page, and more besides


def test_the_nurse_reaches_the_check_first_and_no_ig_pages(client):
    nurse = PractitionerFactory(
        agency=AgencyFactory(type=AgencyType.ACUTE_HOSPITAL), roles=["unscheduled_care_clinician"]
    )
    client.force_login(nurse)
    labels = _menu(client.get("/").content.decode())
    assert labels[:2] == ["Point-of-care check", "Find a person"]
    more = client.get("/more/").content.decode()
    assert "Agreements" not in more
    assert "MASH queue" not in more


def test_one_inbox_holds_both_kinds_of_notice_and_marks_them_read(client):
    social_worker = PractitionerFactory(
        agency=AgencyFactory(type=AgencyType.CHILDRENS_SOCIAL_CARE), roles=["mash_practitioner"]
    )
    now = timezone.now()
    request = Notification.objects.create(
        recipient=social_worker,
        kind="request",
        object_type="information_request",
        object_id="7",
        message="Sharetown Police asked for information.",
        created_at=now,
    )
    check = Notice.objects.create(
        recipient=social_worker,
        kind="access",
        message="A child on a plan was seen at A&E.",
        created_at=now,
    )
    client.force_login(social_worker)
    home = client.get("/").content.decode()
    assert re.search(r'data-menu="inbox">Inbox <span class="govuk-tag govuk-tag--red">2<', home)
    before = LedgerEvent.objects.filter(object_type="inbox").count()
    page = client.get("/inbox/").content.decode()
    assert "Sharetown Police asked for information." in page
    assert "A child on a plan was seen at A&amp;E." in page
    assert LedgerEvent.objects.filter(object_type="inbox").count() == before + 1
    response = client.post("/inbox/", {"notification": [request.pk], "notice": [check.pk]})
    assert response.status_code == 302
    request.refresh_from_db()
    check.refresh_from_db()
    assert request.read_at is not None
    assert check.read_at is not None
    assert 'data-menu="inbox">Inbox</a>' in client.get("/").content.decode()


def test_no_one_marks_another_persons_notice_read(client):
    owner = PractitionerFactory(agency=AgencyFactory(), roles=["agency_practitioner"])
    other = PractitionerFactory(agency=AgencyFactory(), roles=["agency_practitioner"])
    notice = Notice.objects.create(
        recipient=owner, kind="access", message="m", created_at=timezone.now()
    )
    client.force_login(other)
    client.post("/inbox/", {"notice": [notice.pk]})
    notice.refresh_from_db()
    assert notice.read_at is None
