"""The item and involvement feeds through the CLI: semantics, every bad input, history,
relinking, replay order, and an import stopped midway then run again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models.signals import post_save
from django.utils import timezone

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.services import Actor
from fullpicture.core.csvfile import ImportRejected
from fullpicture.people.models import Person
from fullpicture.people.signals import records_relinked
from fullpicture.sharing import feeds
from fullpicture.sharing.feeds import INVOLVEMENT_COLUMNS, items_import_file
from fullpicture.sharing.models import (
    FeedKind,
    FeedStatus,
    InformationItem,
    Involvement,
    ItemVersion,
)
from fullpicture.sharing.services import items_refresh_policy_facts
from fullpicture.sharing.tests.feeds_town import (
    Town,
    involvement_row,
    item_row,
    make_town,
    write_csv,
)
from fullpicture.vocabulary.models import CinFactor, ConcernCategory, UnmappedCode
from fullpicture.vocabulary.services import mapping_save

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


@pytest.fixture
def town() -> Town:
    return make_town()


def run(path: Path, agency: str = "FPOL", *extra: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import-items", str(path), "--agency", agency, *extra, stdout=out, stderr=out)
    return out.getvalue()


def items(agency_code: str = "FPOL") -> list[InformationItem]:
    return list(
        InformationItem.objects.filter(source_agency__code=agency_code).order_by("source_id")
    )


# ------------------------------------------------------------------ what the issue lists


ISSUE_SLUGS = [
    "domestic_abuse",
    "mental_health",
    "drugs_alcohol",
    "offending",
    "debt",
    "neglect",
    "physical_injury",
    "sexual_abuse",
    "emotional_abuse",
    "sexual_exploitation",
    "missing",
    "self_harm",
    "school_attendance",
    "missed_appointment",
    "housing",
    "other",
]


def test_every_shared_slug_the_issue_names_exists_with_its_cin_factor_where_one_exists():
    found = {c.slug: c for c in ConcernCategory.objects.filter(slug__in=ISSUE_SLUGS)}
    assert sorted(found) == sorted(ISSUE_SLUGS)
    for slug in ("domestic_abuse", "mental_health", "neglect", "missing", "self_harm"):
        assert found[slug].cin_factor_codes or CinFactor.objects.filter(category=found[slug])


def test_import_links_items_to_persons_through_records_and_records_freshness(town, tmp_path):
    path = write_csv(
        tmp_path / "police.csv",
        [
            item_row("INC-1", "P-child;P-mother"),
            item_row("INC-2", "P-mother", category="mental_health", recorded_at="2025-03-05"),
        ],
    )
    assert "2 created, 0 updated, 0 unchanged" in run(path)
    first, second = items()
    assert set(first.persons.all()) == {town.child, town.mother}
    assert list(second.persons.all()) == [town.mother]
    assert first.recorded_by_name == "Feedtown Police feed"
    assert first.subject_min_age == 8
    assert first.subject_max_age == 35
    events = LedgerEvent.objects.filter(object_type="information_item_file")
    assert [e.details["created"] for e in events] == [2]
    status = FeedStatus.objects.get(agency=town.police, kind=FeedKind.ITEMS)
    assert status.current_to == second.recorded_at
    assert status.last_import_rows == 2


def test_categories_by_slug_cin_code_and_the_agencys_own_mapped_code(town, tmp_path):
    mapping_save(
        agency=town.police,
        code="DA-VERBAL",
        category=ConcernCategory.objects.get(slug="domestic_abuse"),
        actor=None,
    )
    cin = CinFactor.objects.filter(category__slug="neglect").first()
    assert cin is not None
    path = write_csv(
        tmp_path / "police.csv",
        [
            item_row("A", category="offending"),
            item_row("B", category="da-verbal"),
            item_row("C", category=cin.code),
        ],
    )
    run(path)
    assert [i.category.slug for i in items()] == ["offending", "domestic_abuse", "neglect"]


def test_an_unmapped_local_code_fails_the_row_naming_it_and_is_listed_for_mapping(town, tmp_path):
    path = write_csv(tmp_path / "police.csv", [item_row("A"), item_row("B", category="XQ-99")])
    with pytest.raises(CommandError) as caught:
        run(path)
    message = str(caught.value)
    assert "police.csv, row 3, column category" in message
    assert "'XQ-99'" in message
    assert "nothing was stored" in message
    assert items() == []
    assert UnmappedCode.objects.filter(agency=town.police, code="XQ-99").exists()


BAD_ROWS: list[tuple[str, dict[str, str], str, str]] = [
    ("unknown person record", {"person_source_ids": "P-nobody"}, "person_source_ids", "P-nobody"),
    ("another agency's record", {"person_source_ids": "S-child"}, "person_source_ids", "S-child"),
    ("bad date", {"occurred_at": "2025-13-45"}, "occurred_at", "ISO 8601"),
    ("bad date-time", {"recorded_at": "yesterday"}, "recorded_at", "ISO 8601"),
    (
        "recorded before it occurred",
        {"occurred_at": "2025-03-02", "recorded_at": "2025-03-01"},
        "recorded_at",
        "before occurred_at",
    ),
    ("no category", {"category": ""}, "category", "required"),
    ("bad sensitivity", {"sensitivity": "secret"}, "sensitivity", "standard, special"),
    ("bad consent", {"consent": "maybe"}, "consent", "given, refused"),
    ("no summary", {"summary": ""}, "summary", "required"),
]


@pytest.mark.parametrize(
    ("case", "values", "column", "words"), BAD_ROWS, ids=[b[0] for b in BAD_ROWS]
)
def test_each_bad_row_refuses_the_file_naming_file_row_and_column(
    town, tmp_path, case, values, column, words
):
    path = write_csv(tmp_path / "police.csv", [item_row("GOOD"), item_row("BAD", **values)])
    with pytest.raises(CommandError) as caught:
        run(path)
    message = str(caught.value)
    assert f"police.csv, row 3, column {column}" in message
    assert words in message
    assert items() == []
    assert not LedgerEvent.objects.filter(object_type="information_item_file").exists()
    assert not FeedStatus.objects.exists()


def test_a_duplicate_source_id_in_one_file_names_both_rows(town, tmp_path):
    path = write_csv(tmp_path / "police.csv", [item_row("A"), item_row("B"), item_row("A")])
    with pytest.raises(
        CommandError, match=r"police\.csv, row 4, column source_id: 'A' also appears on row 2"
    ):
        run(path)
    assert items() == []


@pytest.mark.parametrize(
    ("header", "words"),
    [
        (
            "source_id,person_source_ids,category,occurred_at,recorded_at,summary,detail,sensitivity",
            "row 1, column consent: missing column",
        ),
        (
            "source_id,person_source_ids,category,occurred_at,recorded_at,summary,detail,sensitivity,"
            "consent,colour",
            "row 1, column colour: unexpected column",
        ),
    ],
)
def test_wrong_columns_refuse_the_file(town, tmp_path, header, words):
    path = tmp_path / "police.csv"
    path.write_text(header + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match=words):
        run(path)


def test_an_unknown_agency_is_refused(town, tmp_path):
    path = write_csv(tmp_path / "police.csv", [item_row("A")])
    with pytest.raises(CommandError, match="unknown agency 'NOPE'"):
        run(path, "NOPE")
    assert not InformationItem.objects.exists()


def test_skip_bad_rows_stores_the_good_and_writes_the_rejects(town, tmp_path):
    path = write_csv(tmp_path / "police.csv", [item_row("A"), item_row("B", category="XQ")])
    out = run(path, "FPOL", "--skip-bad-rows")
    assert "1 created" in out
    rejects = (tmp_path / "police.rejects.csv").read_text(encoding="utf-8")
    assert "3,category" in rejects


# ---------------------------------------------------------------- idempotence and history


def test_sending_the_same_file_again_changes_nothing(town, tmp_path):
    path = write_csv(tmp_path / "police.csv", [item_row("A"), item_row("B", "P-mother")])
    run(path)
    before = [(i.pk, i.updated_at, i.recency_rank) for i in items()]
    assert "0 created, 0 updated, 2 unchanged" in run(path)
    assert [(i.pk, i.updated_at, i.recency_rank) for i in items()] == before
    assert not ItemVersion.objects.exists()
    assert not LedgerEvent.objects.filter(action="update", object_type="information_item").exists()


def test_a_changed_item_is_updated_with_its_history_kept_and_the_change_in_the_ledger(
    town, tmp_path
):
    run(write_csv(tmp_path / "v1.csv", [item_row("A"), item_row("B")]))
    original = items()[0]
    changed = item_row("A", "P-child;P-mother", summary="Corrected fictional summary")
    assert "0 created, 1 updated, 1 unchanged" in run(
        write_csv(tmp_path / "v2.csv", [changed, item_row("B")])
    )
    item = items()[0]
    assert item.pk == original.pk
    assert item.summary == "Corrected fictional summary"
    assert set(item.persons.all()) == {town.child, town.mother}
    (version,) = ItemVersion.objects.filter(item=item)
    assert version.version == 1
    assert version.summary == original.summary
    assert version.record_ids == [town.records["P-child"].pk]
    (event,) = LedgerEvent.objects.filter(action="update", object_type="information_item")
    assert event.object_id == str(item.pk)
    assert event.actor_id == "system:import-items"
    assert event.details == {
        "agency": "FPOL",
        "fields": ["summary", "person_source_ids"],
        "version": 1,
    }
    assert "Corrected" not in str(event.details)  # ids and field names only
    run(write_csv(tmp_path / "v3.csv", [item_row("A", summary="Third fictional summary")]))
    assert list(ItemVersion.objects.filter(item=item).values_list("version", flat=True)) == [1, 2]


def test_items_move_with_their_records_when_linkage_relinks_them(town, tmp_path):
    run(write_csv(tmp_path / "police.csv", [item_row("A", "P-child")]))
    record = town.records["P-child"]
    someone_else = Person.objects.create()
    record.person = someone_else
    record.save()
    records_relinked.send(sender=type(record), record_ids=[record.pk])
    assert list(items()[0].persons.all()) == [someone_else]


def test_policy_facts_match_the_services_own_computation(town, tmp_path):
    rows = [
        item_row("A", "P-child", occurred_at="2025-01-01", recorded_at="2025-01-01"),
        item_row("B", "P-child;P-mother", occurred_at="2025-02-01", recorded_at="2025-02-01"),
        item_row("C", "P-mother", occurred_at="2025-03-01", recorded_at="2025-03-01"),
        item_row(
            "D", "P-mother", category="debt", occurred_at="2025-03-01", recorded_at="2025-03-01"
        ),
    ]
    run(write_csv(tmp_path / "one.csv", rows))
    later = [
        item_row("E", "P-child", occurred_at="2025-04-01", recorded_at="2025-04-01"),
        item_row("F", "P-mother", occurred_at="2024-12-01", recorded_at="2024-12-01"),
        item_row("C", "P-child", occurred_at="2025-05-01", recorded_at="2025-05-01"),
    ]
    run(write_csv(tmp_path / "two.csv", later))
    fed = {i.source_id: (i.recency_rank, i.subject_min_age, i.subject_max_age) for i in items()}
    items_refresh_policy_facts(item_ids=[i.pk for i in items()])
    assert {
        i.source_id: (i.recency_rank, i.subject_min_age, i.subject_max_age) for i in items()
    } == fed
    assert fed["C"][0] == 1
    assert fed["E"][0] == 2


def test_new_and_changed_items_are_saved_in_occurred_at_order_for_the_alert_rules(town, tmp_path):
    seen: list[tuple[str, bool]] = []

    def listen(sender: Any, instance: InformationItem, created: bool, **kwargs: Any) -> None:
        seen.append((instance.source_id, created))

    run(
        write_csv(
            tmp_path / "one.csv",
            [item_row("LATE", occurred_at="2025-06-01", recorded_at="2025-06-01")],
        )
    )
    post_save.connect(listen, sender=InformationItem, dispatch_uid="test-feed-order")
    try:
        run(
            write_csv(
                tmp_path / "two.csv",
                [
                    item_row("MID", occurred_at="2025-04-01", recorded_at="2025-04-01"),
                    item_row("LATE", occurred_at="2025-06-01", recorded_at="2025-06-02"),
                    item_row("EARLY", occurred_at="2025-01-01", recorded_at="2025-01-01"),
                ],
            )
        )
    finally:
        post_save.disconnect(dispatch_uid="test-feed-order", sender=InformationItem)
    assert seen == [("EARLY", True), ("MID", True), ("LATE", False)]


def test_an_import_stopped_midway_leaves_nothing_and_running_it_again_stores_each_once(
    town, tmp_path, monkeypatch
):
    monkeypatch.setattr(feeds, "BATCH", 2)
    rows = [
        item_row(f"I-{n}", occurred_at=f"2025-01-0{n}", recorded_at=f"2025-01-0{n}")
        for n in range(1, 8)
    ]
    path = write_csv(tmp_path / "police.csv", rows)

    class Killed(Exception):
        pass

    def die_midway(done: int, total: int) -> None:
        if done >= 4:
            raise Killed

    with pytest.raises(Killed):
        items_import_file(agency=town.police, path=path, actor=ACTOR, progress=die_midway)
    assert not InformationItem.objects.exists()
    assert not InformationItem.persons.through.objects.exists()
    assert not LedgerEvent.objects.filter(object_type="information_item_file").exists()
    first = items_import_file(agency=town.police, path=path, actor=ACTOR)
    again = items_import_file(agency=town.police, path=path, actor=ACTOR)
    assert (first.created, again.created, again.unchanged) == (7, 0, 7)
    assert sorted(i.source_id for i in items()) == [f"I-{n}" for n in range(1, 8)]


def test_current_to_and_coverage_can_be_given(town, tmp_path):
    path = write_csv(tmp_path / "police.csv", [item_row("A")])
    run(
        path,
        "FPOL",
        "--current-to",
        "2025-06-30",
        "--covers-from",
        "2020-01-01",
        "--area",
        "ft1 ft2",
        "--ages",
        "0-17",
    )
    status = FeedStatus.objects.get(agency=town.police, kind=FeedKind.ITEMS)
    assert timezone.localdate(status.current_to) == dt.date(2025, 6, 30)
    assert (status.covers_from, status.area, status.min_age, status.max_age) == (
        dt.date(2020, 1, 1),
        "FT1 FT2",
        0,
        17,
    )


def test_a_file_refused_by_the_reader_raises_import_rejected(town, tmp_path):
    path = tmp_path / "police.csv"
    path.write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(ImportRejected):
        items_import_file(agency=town.police, path=path, actor=ACTOR)


# ------------------------------------------------------------------------- involvements


def run_involvements(path: Path, agency: str = "FPOL") -> str:
    from io import StringIO

    out = StringIO()
    call_command("import-involvements", str(path), "--agency", agency, stdout=out, stderr=out)
    return out.getvalue()


def test_involvements_import_update_and_stay_unchanged(town, tmp_path):
    path = write_csv(
        tmp_path / "inv.csv",
        [involvement_row(), involvement_row("P-mother", ended_on="2025-05-01")],
        INVOLVEMENT_COLUMNS,
    )
    assert "2 created" in run_involvements(path)
    assert "0 created, 0 updated, 2 unchanged" in run_involvements(path)
    changed = write_csv(
        tmp_path / "inv2.csv",
        [involvement_row(practitioner_name="PC Lee Fictional", phone="01632 960 002")],
        INVOLVEMENT_COLUMNS,
    )
    assert "1 updated" in run_involvements(changed)
    current = Involvement.objects.get(record=town.records["P-child"])
    assert (current.practitioner_name, current.phone) == ("PC Lee Fictional", "01632 960 002")
    assert FeedStatus.objects.filter(agency=town.police, kind=FeedKind.INVOLVEMENTS).exists()


@pytest.mark.parametrize(
    ("values", "column", "words"),
    [
        ({"person_source_id": "P-nobody"}, "person_source_id", "no record 'P-nobody'"),
        ({"email": "not-an-email"}, "email", "not an email"),
        ({"phone": "call me"}, "phone", "telephone"),
        ({"started_on": "01/03/2025"}, "started_on", "ISO 8601"),
        ({"ended_on": "2024-01-01"}, "ended_on", "before started_on"),
        ({"practitioner_name": ""}, "practitioner_name", "required"),
    ],
)
def test_bad_involvement_rows_refuse_the_file(town, tmp_path, values, column, words):
    path = write_csv(
        tmp_path / "inv.csv",
        [involvement_row("P-mother"), involvement_row(**values)],
        INVOLVEMENT_COLUMNS,
    )
    with pytest.raises(CommandError) as caught:
        run_involvements(path)
    assert f"inv.csv, row 3, column {column}" in str(caught.value)
    assert words in str(caught.value)
    assert not Involvement.objects.exists()


def test_a_duplicate_involvement_in_one_file_is_refused(town, tmp_path):
    path = write_csv(
        tmp_path / "inv.csv", [involvement_row(), involvement_row()], INVOLVEMENT_COLUMNS
    )
    with pytest.raises(CommandError, match="row 3, column person_source_id: the same person"):
        run_involvements(path)
