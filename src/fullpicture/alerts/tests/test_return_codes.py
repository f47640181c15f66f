"""Statutory returns checked as the DfE checks them (issue #18): every coded field against
the published code sets, and the cross-field rules that decide a flag's dates. Pure: the
readers refuse the file before anything is stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from fullpicture.alerts.dfe import cin_read, code_sets, ssda903_read
from fullpicture.core.csvfile import ImportRejected

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
    "PL_POST,URN\n"
)
GOOD = "C1,10/02/2026,S,C2,N1,U4,PR1,14/05/2026,X1,CARPL,HT1,HT2,SC1"


def _903(tmp_path: Path, *episodes: str, header: str = "C1,1,10/04/2020,WBRI,UN1,,") -> list[str]:
    (tmp_path / "header.csv").write_text(HEADER + header + "\n", encoding="utf-8")
    (tmp_path / "episodes.csv").write_text(EPISODES + "\n".join(episodes) + "\n", "utf-8")
    with pytest.raises(ImportRejected) as refused:
        ssda903_read([tmp_path / "header.csv", tmp_path / "episodes.csv"])
    return [str(e) for e in refused.value.errors]


def test_the_code_sets_are_the_published_ones():
    sets = code_sets()
    assert "Q9" not in sets["ssda903"]["episodes"]["LS"]
    assert set(sets["ssda903"]["episodes"]["LS"]) == {
        "C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3"
    }  # fmt: skip
    assert sets["cin"]["PrimaryNeedCode"] == [f"N{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 0)]


def test_a_legal_status_that_does_not_exist_is_refused(tmp_path):
    errors = _903(tmp_path, GOOD, "C1,14/05/2026,P,Q9,N1,U1,PR1,,,,HT1,HT2,SC2")
    assert len(errors) == 1
    assert errors[0].startswith("episodes.csv, row 3, column LS: 'Q9' is not a code of the return")


@pytest.mark.parametrize(
    ("column", "episode"),
    [
        ("CIN", "C1,14/05/2026,P,C2,N12,U1,PR1,,,,HT1,HT2,SC2"),
        ("PLACE", "C1,14/05/2026,P,C2,N1,U9,PR1,,,,HT1,HT2,SC2"),
        ("PLACE_PROVIDER", "C1,14/05/2026,P,C2,N1,U1,PR9,,,,HT1,HT2,SC2"),
        ("REASON_PLACE_CHANGE", "C1,14/05/2026,P,C2,N1,U1,PR1,,,MOVED,HT1,HT2,SC2"),
        ("REC", "C1,14/05/2026,P,C2,N1,U1,PR1,20/06/2026,E99,,HT1,HT2,SC2"),
        ("LS", "C1,14/05/2026,P,,N1,U1,PR1,,,,HT1,HT2,SC2"),
    ],
)
def test_every_coded_episode_field_is_checked(tmp_path, column, episode):
    errors = _903(tmp_path, GOOD, episode)
    assert [e.split(": ")[0] for e in errors] == [f"episodes.csv, row 3, column {column}"]


def test_an_ethnicity_that_does_not_exist_is_refused(tmp_path):
    errors = _903(tmp_path, GOOD, "C1,14/05/2026,P,C2,N1,U1,PR1,,,,HT1,HT2,SC2",
                  header="C1,1,10/04/2020,XXXX,UN1,,")  # fmt: skip
    assert [e.split(": ")[0] for e in errors] == ["header.csv, row 2, column ETHNIC"]


def test_an_x1_ending_needs_the_next_episode_to_start_that_day(tmp_path):
    assert _903(tmp_path, GOOD) == [
        "episodes.csv, row 2, column REC: is X1 (a new episode follows at once) but no "
        "episode of this child starts on 14/05/2026"
    ]
    errors = _903(tmp_path, GOOD, "C1,20/05/2026,P,C2,N1,U1,PR1,,,,HT1,HT2,SC2")
    assert errors == [
        "episodes.csv, row 2, column REC: is X1 (a new episode follows at once) but the next "
        "episode starts on 20/05/2026, not 14/05/2026"
    ]


def test_only_the_latest_episode_is_open_and_episodes_do_not_overlap(tmp_path):
    errors = _903(
        tmp_path,
        "C1,10/02/2026,S,C2,N1,U4,PR1,,,,HT1,HT2,SC1",
        "C1,14/05/2026,P,C2,N1,U1,PR1,,,,HT1,HT2,SC2",
    )
    assert [e.split(": ")[0] for e in errors] == ["episodes.csv, row 2, column DEC"]
    errors = _903(
        tmp_path,
        "C1,10/02/2026,S,C2,N1,U4,PR1,14/05/2026,E11,,HT1,HT2,SC1",
        "C1,01/05/2026,S,C2,N1,U1,PR1,,,,HT1,HT2,SC2",
    )
    assert [e.split(": ")[0] for e in errors] == ["episodes.csv, row 3, column DECOM"]


def _cin(tmp_path: Path, details: str, characteristics: str = "") -> list[str]:
    path = tmp_path / "cin.xml"
    path.write_text(
        "<Message><Children><Child>\n"
        "<ChildIdentifiers><LAchildID>C1</LAchildID><PersonBirthDate>2015-01-01"
        "</PersonBirthDate><GenderCurrent>1</GenderCurrent></ChildIdentifiers>\n"
        f"<ChildCharacteristics>{characteristics}</ChildCharacteristics>\n"
        f"<CINdetails>{details}</CINdetails>\n"
        "</Child></Children></Message>\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as refused:
        cin_read(path)
    return [str(e).split(": ")[0].rsplit("column ", 1)[-1] for e in refused.value.errors]


PLAN = (
    "<ChildProtectionPlans><CPPstartDate>2025-03-03</CPPstartDate>"
    "<InitialCategoryOfAbuse>{initial}</InitialCategoryOfAbuse>"
    "<LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse></ChildProtectionPlans>"
)


def test_cin_codes_are_checked(tmp_path):
    details = "<CINreferralDate>2025-01-06</CINreferralDate><ReferralSource>99</ReferralSource>"
    details += "<PrimaryNeedCode>N11</PrimaryNeedCode>" + PLAN.format(initial="BAD")
    assert sorted(_cin(tmp_path, details, "<Ethnicity>ZZZZ</Ethnicity>")) == [
        "Ethnicity",
        "InitialCategoryOfAbuse",
        "PrimaryNeedCode",
        "ReferralSource",
    ]


def test_cin_closure_dates_bound_the_plans(tmp_path):
    details = (
        "<CINreferralDate>2025-01-06</CINreferralDate><CINclosureDate>2025-02-01"
        "</CINclosureDate>" + PLAN.format(initial="NEG")
    )
    assert sorted(_cin(tmp_path, details)) == ["CPPendDate", "ReasonForClosure"]
