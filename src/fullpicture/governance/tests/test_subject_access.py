"""Subject access: the CLI and the IG lead's page, redaction of third parties and protected
sources, the redaction log, and the ledger."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from fullpicture.audit.models import LedgerEvent
from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.people.tests.factories import SourceRecordFactory
from fullpicture.sharing.tests.factories import InformationItemFactory

pytestmark = pytest.mark.django_db
URL = "/governance/subject-access/"
THIRD_PARTY_WORDS = ["Darren", "Far Road", "FR9 9ZZ", "01/06/1985", "1 June 1985"]
SOURCE_WORDS = ["Ada", "Nosey", "number 3"]


@pytest.fixture
def world():
    partnership = PartnershipFactory(code="E06000401")
    council = AgencyFactory(
        code="CSC4", name="Sarville Children's Services", partnership=partnership, social_care=True
    )
    ig = PractitionerFactory(username="ig.lead4", agency=council, roles=["ig_lead"])
    lily = SourceRecordFactory(
        agency=council,
        given_name="Lily",
        family_name="Walsh",
        date_of_birth=dt.date(2015, 3, 14),
        address="1 Jigsaw Lane, Sarville",
        postcode="SV1 1AA",
    ).person
    darren = SourceRecordFactory(
        agency=council,
        given_name="Darren",
        family_name="Walsh",
        date_of_birth=dt.date(1985, 6, 1),
        address="9 Far Road, Sarville",
        postcode="FR9 9ZZ",
    ).person
    shared = InformationItemFactory(
        source_agency=council,
        persons=[lily, darren],
        summary="Lily Walsh seen with Darren Walsh at 9 Far Road, Sarville",
        detail="Darren (born 01/06/1985) shouted at Lily. Lily's home is 1 Jigsaw Lane, Sarville.",
        recorded_by_name="Social worker K. Field",
    )
    protected = InformationItemFactory(
        source_agency=council,
        persons=[lily],
        summary="Neighbour reports shouting late at night",
        detail="Caller asked not to be named.",
        protect_source=True,
        source_description="Ada Nosey at number 3",
    )
    plain = InformationItemFactory(
        source_agency=council, persons=[lily], summary="Lily attended the dentist"
    )
    return {
        "ig": ig,
        "lily": lily,
        "darren": darren,
        "shared": shared,
        "protected": protected,
        "plain": plain,
    }


def _run(tmp_path, person_id, username="ig.lead4"):
    out = io.StringIO()
    call_command(
        "sar", "--person", str(person_id), "--out", str(tmp_path), "--as", username, stdout=out
    )
    files = sorted(tmp_path.iterdir())
    return out.getvalue(), files


def test_cli_writes_redacted_json_and_pdf_with_a_redaction_log(tmp_path, world):
    output, files = _run(tmp_path, world["lily"].pk)
    assert [f.suffix for f in files] == [".json", ".pdf"]
    assert "3 items" in output
    data = json.loads(files[0].read_text())

    # The subject's own details are all there.
    assert data["person_id"] == world["lily"].pk
    (record,) = data["records"]
    assert (record["given_name"], record["family_name"]) == ("Lily", "Walsh")
    assert record["date_of_birth"] == "2015-03-14"
    assert record["address"] == "1 Jigsaw Lane, Sarville"
    items = {i["item_id"]: i for i in data["items"]}
    assert set(items) == {world["shared"].pk, world["protected"].pk, world["plain"].pk}

    # Third party: name, date of birth and address gone; the subject's own kept.
    shared = items[world["shared"].pk]
    assert shared["summary"] == "Lily Walsh seen with [name removed] at [address removed]"
    assert shared["detail"] == (
        "[name removed] (born [date removed]) shouted at Lily. "
        "Lily's home is 1 Jigsaw Lane, Sarville."
    )
    assert shared["other_persons_mentioned"] == 1
    assert shared["recorded_by"] == "Social worker K. Field"  # the professional, not redacted

    # Protected source: what could identify the source is withheld.
    protected = items[world["protected"].pk]
    for name in ("summary", "detail", "recorded_by", "source"):
        assert protected[name] == "[withheld to protect the source]", name
    assert items[world["plain"].pk]["summary"] == "Lily attended the dentist"
    assert items[world["plain"].pk]["redacted"] is False

    text = files[0].read_text()
    for word in THIRD_PARTY_WORDS + SOURCE_WORDS:
        assert word not in text, word

    # The redaction log says where and why, never what.
    log = data["redaction_log"]
    where = {(e["item_id"], e["field"], e["reason"]): e["count"] for e in log}
    assert where[(world["shared"].pk, "summary", "third_party_name")] == 1
    assert where[(world["shared"].pk, "summary", "third_party_address")] == 1
    assert where[(world["shared"].pk, "detail", "third_party_name")] == 1
    assert where[(world["shared"].pk, "detail", "third_party_date_of_birth")] == 1
    for field in ("summary", "detail", "recorded_by", "source"):
        assert (world["protected"].pk, field, "protected_source") in where
    assert not any(e["item_id"] == world["plain"].pk for e in log)
    log_text = json.dumps(log)
    for word in THIRD_PARTY_WORDS + SOURCE_WORDS + ["Neighbour reports", "Caller asked"]:
        assert word not in log_text, word


def test_the_pdf_reads_as_text_and_is_redacted(tmp_path, world):
    _, files = _run(tmp_path, world["lily"].pk)
    reader = PdfReader(str(files[1]))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert "Information Full Picture holds about you" in text
    assert "Lily Walsh" in text
    assert "1 Jigsaw Lane" in text
    assert "Lily attended the dentist" in text
    assert "[name removed]" in text
    assert "[withheld to protect the source]" in text
    assert "What was removed, and why" in text
    assert "Another person's name" in text
    for word in THIRD_PARTY_WORDS + SOURCE_WORDS + ["Neighbour reports"]:
        assert word not in text, word
    title = reader.metadata.title if reader.metadata else None
    assert title is not None
    assert title.startswith("Information Full Picture holds about you")


def test_the_export_is_in_the_ledger_with_ids_only(tmp_path, world):
    _run(tmp_path, world["lily"].pk)
    event = LedgerEvent.objects.get(action="export")
    assert event.object_type == "person"
    assert event.object_id == str(world["lily"].pk)
    assert event.purpose == "subject_access"
    assert event.actor_id == f"user:{world['ig'].pk}"
    assert set(event.details["item_ids"]) == {
        str(world[k].pk) for k in ("shared", "protected", "plain")
    }
    assert event.details["redactions"] >= 7
    stored = json.dumps(event.details)
    for word in ["Lily", "Walsh", *THIRD_PARTY_WORDS, *SOURCE_WORDS]:
        assert word not in stored, word


def test_cli_needs_an_ig_lead_and_a_visible_person(tmp_path, world):
    teacher = PractitionerFactory(username="not.ig", agency=world["ig"].agency)
    with pytest.raises(CommandError, match="information-governance lead"):
        _run(tmp_path, world["lily"].pk, username=teacher.username)
    with pytest.raises(CommandError, match="No person"):
        _run(tmp_path, 999_999)
    assert not LedgerEvent.objects.filter(action="export").exists()


def test_only_an_ig_lead_may_use_the_page(client, world):
    agency = world["ig"].agency
    for roles in (["mash_manager"], ["mash_practitioner"], ["agency_practitioner"], ["trainer"]):
        client.force_login(PractitionerFactory(agency=agency, roles=roles))
        assert client.get(URL).status_code == 404, roles
        post = client.post(URL, {"person": world["lily"].pk, "format": "json"})
        assert post.status_code == 404, roles
    assert not LedgerEvent.objects.filter(action="export").exists()


def test_the_ig_lead_downloads_pdf_and_json(client, world):
    client.force_login(world["ig"])
    page = client.get(URL)
    assert page.status_code == 200
    assert "Answer a subject access request" in page.content.decode()
    pdf = client.post(URL, {"person": world["lily"].pk, "format": "pdf"})
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment; filename=")
    assert pdf.content.startswith(b"%PDF")
    as_json = client.post(URL, {"person": world["lily"].pk, "format": "json"})
    data = json.loads(as_json.content)
    assert data["person_id"] == world["lily"].pk
    assert "Darren" not in as_json.content.decode()
    assert LedgerEvent.objects.filter(action="export").count() == 2


def test_the_page_answers_missing_and_unseen_alike(client, world):
    elsewhere = AgencyFactory(code="FAR4", partnership=PartnershipFactory(code="E06000402"))
    hidden = InformationItemFactory(source_agency=elsewhere, summary="Held elsewhere")
    stranger = SourceRecordFactory(agency=elsewhere, given_name="Zed").person
    hidden.persons.set([stranger])
    client.force_login(world["ig"])
    missing = client.post(URL, {"person": 999_999, "format": "pdf"}).content.decode()
    unseen = client.post(URL, {"person": stranger.pk, "format": "pdf"}).content.decode()
    message = "There is no person with this id that you may see"
    assert message in missing
    assert message in unseen
    assert "govuk-error-summary" in unseen
    bad = client.post(URL, {"person": "abc"}).content.decode()
    assert "Enter the person id as a number" in bad
    assert "Choose a format" in bad


def test_cli_takes_the_only_ig_lead_when_none_is_named(tmp_path, world):
    call_command("sar", "--person", str(world["lily"].pk), "--out", str(tmp_path))
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".pdf"]
    event = LedgerEvent.objects.get(action="export")
    assert event.actor_id == f"user:{world['ig'].pk}"
