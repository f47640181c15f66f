"""SSDA903 and CIN imports (all or nothing, errors naming file, row and field, idempotent);
families that move; case transfers."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from fullpicture.alerts.models import (
    Alert,
    AlertKind,
    CaseTransfer,
    Notice,
    ProtectionFlag,
    TransferStatus,
)
from fullpicture.alerts.services import (
    TransferRefused,
    case_transfer_acknowledge,
    case_transfer_tick,
    moves_detect,
)
from fullpicture.alerts.tests.factories import ProtectionFlagFactory
from fullpicture.people.models import SourceRecord
from fullpicture.people.tests.factories import PersonFactory, SourceRecordFactory

pytestmark = pytest.mark.urls("fullpicture.alerts.tests.urls")

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
    "PL_POST,URN\n"
)


def _files(tmp_path, header_rows, episode_rows):
    header = tmp_path / "header.csv"
    header.write_text(HEADER + header_rows, encoding="utf-8")
    episodes = tmp_path / "episodes.csv"
    episodes.write_text(EPISODES + episode_rows, encoding="utf-8")
    return header, episodes


def test_ssda903_links_through_the_la_record_and_is_idempotent(world, tmp_path):
    SourceRecordFactory(agency=world.csc, source_id="C77", nhs_number="9999940501")
    header, episodes = _files(
        tmp_path,
        "C77,1,10/04/2022,WBRI,UN1,,\n",
        "C77,10/02/2026,S,C2,N1,U4,PR1,14/05/2026,X1,,HT1,HT2,SC1\n"
        "C77,14/05/2026,P,C2,N1,U1,PR1,,,,HT1,HT2,SC2\n",
    )
    call_command("import-ssda903", "--agency", "HCSC", str(header), str(episodes))
    flag = ProtectionFlag.objects.get()
    assert (flag.flag_type, flag.start_date, flag.end_date) == ("lac", dt.date(2026, 2, 10), None)
    assert flag.nhs_number == "9999940501"
    assert flag.partnership == world.home
    call_command("import-ssda903", "--agency", "HCSC", str(header), str(episodes))
    assert ProtectionFlag.objects.count() == 1


def test_a_bad_ssda903_file_names_file_row_and_field_and_stores_nothing(world, tmp_path):
    header, episodes = _files(
        tmp_path,
        "C1,3,31/02/2020,WBRI,UN1,,\n",
        "C1,01/01/2026,Q,C2,N1,U4,PR1,,,,HT1,HT2,SC1\nC9,01/01/2026,S,C2,N1,U4,PR1,,,,,,\n",
    )
    with pytest.raises(CommandError) as caught:
        call_command("import-ssda903", "--agency", "HCSC", str(header), str(episodes))
    text = str(caught.value)
    assert "header.csv, row 2, column SEX" in text
    assert "header.csv, row 2, column DOB" in text
    assert "episodes.csv, row 2, column RNE" in text
    assert "episodes.csv, row 3, column CHILD" in text
    assert not ProtectionFlag.objects.exists()
    assert not SourceRecord.objects.filter(agency=world.csc).exists()


def test_a_missing_ssda903_column_is_named(world, tmp_path):
    header = tmp_path / "header.csv"
    header.write_text("CHILD,SEX,DOB\nC1,1,01/01/2020\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"header\.csv, row 1, column ETHNIC"):
        call_command("import-ssda903", "--agency", "HCSC", str(header))


CIN = """<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header><CollectionDetails><Collection>CIN</Collection></CollectionDetails></Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID>{child}</LAchildID>
        <UPN>{upn}</UPN>
        <PersonBirthDate>{dob}</PersonBirthDate>
        <GenderCurrent>2</GenderCurrent>
      </ChildIdentifiers>
      <CINdetails>
        <ChildProtectionPlans>
          <CPPstartDate>{start}</CPPstartDate>
          <CPPendDate>{end}</CPPendDate>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>
  </Children>
</Message>
"""


def test_cin_creates_the_la_record_and_linkage_finds_the_child(world, tmp_path):
    person = PersonFactory()
    SourceRecordFactory(
        agency=world.hospital, source_id="H9", nhs_number="9991863478", person=person, upn=""
    )
    school = SourceRecordFactory(source_id="S9", upn="A989204119024", person=person)
    assert school.person == person
    path = tmp_path / "cin.xml"
    path.write_text(
        CIN.format(child="L1", upn="A989204119024", dob="2015-08-19", start="2026-09-14", end=""),
        encoding="utf-8",
    )
    call_command("import-cin", "--agency", "HCSC", str(path))
    flag = ProtectionFlag.objects.get()
    assert flag.flag_type == "cpp"
    assert flag.record is not None
    assert flag.record.agency == world.csc
    assert flag.record.upn == "A989204119024"
    call_command("import-cin", "--agency", "HCSC", str(path))
    assert ProtectionFlag.objects.count() == 1


def test_a_bad_cin_file_names_file_line_and_field(world, tmp_path):
    path = tmp_path / "cin.xml"
    path.write_text(
        CIN.format(child="L1", upn="BAD", dob="2015-13-45", start="", end=""), encoding="utf-8"
    )
    with pytest.raises(CommandError) as caught:
        call_command("import-cin", "--agency", "HCSC", str(path))
    text = str(caught.value)
    assert "cin.xml, row 6, column UPN" in text
    assert "cin.xml, row 6, column PersonBirthDate" in text
    assert "cin.xml, row 13, column CPPstartDate" in text
    assert not ProtectionFlag.objects.exists()
    broken = tmp_path / "broken.xml"
    broken.write_text("<Message><Children>", encoding="utf-8")
    with pytest.raises(CommandError, match=r"broken\.xml"):
        call_command("import-cin", "--agency", "HCSC", str(broken))


def test_only_childrens_social_care_may_import(world, tmp_path):
    path = tmp_path / "cin.xml"
    path.write_text(
        CIN.format(child="L1", upn="", dob="2015-08-19", start="2026-09-14", end=""),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="not a local authority"):
        call_command("import-cin", "--agency", "HGH", str(path))


def _moving_child(world):
    child = PersonFactory()
    SourceRecordFactory(
        agency=world.away_csc,
        source_id="A1",
        person=child,
        postcode="AW1 2AB",
        recorded_at=dt.date(2025, 1, 1),
    )
    return child


def test_moves_ask_the_policy_point_and_read_nothing_when_refused(world, monkeypatch):
    from fullpicture.sharing import policy

    child = _moving_child(world)
    ProtectionFlagFactory(partnership=world.away, person=child)
    moves_detect(person_ids=[child.pk])
    SourceRecordFactory(
        agency=world.hospital,
        source_id="H1",
        person=child,
        postcode="HT2 9ZZ",
        recorded_at=dt.date(2026, 3, 1),
    )
    monkeypatch.delitem(policy.SYSTEM_ACCESS, ("system:alerts", "alerting", "record-postcodes"))
    with pytest.raises(policy.SystemAccessRefused, match="record-postcodes"):
        moves_detect(person_ids=[child.pk])
    assert not CaseTransfer.objects.exists()
    monkeypatch.undo()
    assert moves_detect(person_ids=[child.pk]).moves == 1


def test_a_flagged_child_moving_in_notifies_both_and_opens_a_transfer(world):
    child = _moving_child(world)
    ProtectionFlagFactory(partnership=world.away, person=child)
    moves_detect(person_ids=[child.pk])
    assert not CaseTransfer.objects.exists()  # first sight: where they live now
    SourceRecordFactory(
        agency=world.hospital,
        source_id="H1",
        person=child,
        postcode="HT2 9ZZ",
        recorded_at=dt.date(2026, 3, 1),
    )
    summary = moves_detect(person_ids=[child.pk])
    assert summary.moves == 1
    transfer = CaseTransfer.objects.get()
    assert (transfer.from_partnership, transfer.to_partnership) == (world.away, world.home)
    assert set(transfer.checklist) == {
        "chronology",
        "plan",
        "open_actions",
        "key_contacts",
        "risk_summary",
    }
    notified = set(Notice.objects.filter(kind="move").values_list("recipient__username", flat=True))
    assert {"away.mash", "mash.user", "sw.user"} <= notified
    assert Alert.objects.filter(kind=AlertKind.MOVE, partnership=world.home).exists()
    moves_detect(person_ids=[child.pk])
    assert CaseTransfer.objects.count() == 1

    with pytest.raises(TransferRefused):
        case_transfer_tick(viewer=world.mash, transfer_id=transfer.pk, item="plan")
    case_transfer_tick(viewer=world.away_mash, transfer_id=transfer.pk, item="plan")
    with pytest.raises(TransferRefused):
        case_transfer_acknowledge(viewer=world.away_mash, transfer_id=transfer.pk)
    case_transfer_acknowledge(viewer=world.mash, transfer_id=transfer.pk)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ACKNOWLEDGED
    assert transfer.checklist["plan"] is True
    assert Notice.objects.filter(kind="transfer", recipient=world.away_mash).exists()


def test_a_family_of_no_concern_moving_raises_nothing(world):
    child = _moving_child(world)
    SourceRecordFactory(
        agency=world.hospital,
        source_id="H1",
        person=child,
        postcode="HT2 9ZZ",
        recorded_at=dt.date(2026, 3, 1),
    )
    assert moves_detect(person_ids=[child.pk]).moves == 1
    assert not CaseTransfer.objects.exists()
    assert not Notice.objects.exists()


def test_the_transfers_page_tracks_acknowledgement(client, world):
    child = _moving_child(world)
    ProtectionFlagFactory(partnership=world.away, person=child)
    SourceRecordFactory(
        agency=world.hospital,
        source_id="H1",
        person=child,
        postcode="HT1 1AA",
        recorded_at=dt.date(2026, 3, 1),
    )
    moves_detect(person_ids=[child.pk])
    transfer = CaseTransfer.objects.get()
    client.force_login(world.mash)
    assert "Acknowledge transfer" in client.get("/alerts/transfers/").content.decode()
    client.post(f"/alerts/transfers/{transfer.pk}/", {"action": "acknowledge"})
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ACKNOWLEDGED
    client.force_login(world.teacher)
    assert "no case transfers" in client.get("/alerts/transfers/").content.decode()
