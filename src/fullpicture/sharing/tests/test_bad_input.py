"""Bad input, clearly (issue #18): future dates, control characters, one-line summaries,
encoding errors that say where, on SQLite and PostgreSQL alike; nothing stored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from fullpicture.audit.services import Actor
from fullpicture.core.csvfile import ImportRejected
from fullpicture.sharing.feeds import items_import, items_import_file
from fullpicture.sharing.models import FeedStatus, InformationItem
from fullpicture.sharing.tests.feeds_town import item_row, make_town, write_csv

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


@pytest.fixture
def town():
    return make_town()


def _refused(path: Path, agency) -> list[str]:
    with pytest.raises(ImportRejected) as refused:
        items_import_file(agency=agency, path=path, actor=ACTOR)
    assert not InformationItem.objects.exists()
    return [str(e) for e in refused.value.errors]


def test_an_item_dated_more_than_a_day_ahead_is_a_row_error(town, tmp_path):
    soon = (timezone.localtime() + dt.timedelta(hours=12)).isoformat(timespec="seconds")
    path = write_csv(
        tmp_path / "police.csv",
        [
            item_row("I1", occurred_at="2099-01-01", recorded_at="2099-01-02"),
            item_row("I2", occurred_at=soon, recorded_at=soon),  # within the day: fine
        ],
    )
    errors = _refused(path, town.police)
    assert errors == [
        "police.csv, row 2, column occurred_at: '2099-01-01' is more than a day in the future",
        "police.csv, row 2, column recorded_at: '2099-01-02' is more than a day in the future",
    ]
    assert not FeedStatus.objects.filter(agency=town.police).exists()


@pytest.mark.parametrize(
    ("value", "what"), [("a\x00b", "a NUL byte"), ("bell\x07", "the control character 0x07")]
)
def test_control_characters_are_row_errors_in_a_file(town, tmp_path, value, what):
    path = write_csv(tmp_path / "police.csv", [item_row("I1", detail=value)])
    assert _refused(path, town.police) == [
        f"police.csv, row 2, column detail: contains {what}, which no field may hold"
    ]


def test_a_nul_byte_sent_through_the_api_is_a_row_error_not_a_database_error(town):
    with pytest.raises(ImportRejected) as refused:
        items_import(
            agency=town.police,
            rows=[(1, item_row("I1", summary="an\x00item"))],
            file="batch",
            actor=ACTOR,
        )
    assert [e.column for e in refused.value.errors] == ["summary"]
    assert not InformationItem.objects.exists()


def test_a_summary_is_one_line(town, tmp_path):
    path = write_csv(tmp_path / "police.csv", [item_row("I1", summary="first\nsecond")])
    assert _refused(path, town.police) == [
        "police.csv, row 2, column summary: must be one line (put the rest in detail)"
    ]


def test_an_encoding_error_names_the_line_and_the_byte(town, tmp_path):
    path = write_csv(tmp_path / "police.csv", [item_row("I1"), item_row("I2")])
    raw = path.read_bytes().replace(b"I2,", b"I\xe92,")  # Latin-1 e-acute on line 3
    path.write_bytes(raw)
    offset = raw.index(b"\xe9")
    assert _refused(path, town.police) == [
        f"police.csv, row 3: is not UTF-8 text: byte 0xE9 at offset {offset} of the file "
        "(line 3, byte 2 of the line); save the file as UTF-8"
    ]
