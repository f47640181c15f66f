"""Stored households: updated, never rebuilt. Ids kept, members join and leave with
dates, merges redirect, splits keep both, stale merges and splits are refused."""

from __future__ import annotations

import datetime as dt

import pytest

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.services import Actor
from fullpicture.core.csvfile import ImportRejected
from fullpicture.partnerships.tests.factories import AgencyFactory
from fullpicture.people.households import (
    HouseholdConflict,
    household_merge,
    household_resolve,
    household_split,
    households_rebuild,
    households_update,
)
from fullpicture.people.models import (
    Household,
    HouseholdMembership,
    HouseholdStatus,
    HouseholdTie,
    Relationship,
)
from fullpicture.people.services import relationships_import
from fullpicture.people.tests.factories import PersonFactory, SourceRecordFactory

pytestmark = pytest.mark.django_db
MANAGER = Actor(id="user:9", agency="CSC", roles=frozenset({"mash_manager"}))


def lives(person, surname, address, postcode, on, agency=None, **extra):
    kwargs = {"agency": agency} if agency is not None else {}
    return SourceRecordFactory(
        person=person,
        family_name=surname,
        address=address,
        postcode=postcode,
        recorded_at=on,
        **kwargs,
        **extra,
    )


def only_household():
    (household,) = Household.objects.filter(status=HouseholdStatus.ACTIVE)
    return household


def members(household):
    return set(household.members.values_list("pk", flat=True))


def test_a_household_keeps_its_id_when_a_member_joins_and_records_when():
    ann, bob, cat = PersonFactory(), PersonFactory(), PersonFactory()
    lives(ann, "Ames", "2 Mill Lane", "ST1 2BB", dt.date(2020, 1, 1))
    lives(bob, "Ames", "2 Mill Lane, Sharetown", "ST1 2BB", dt.date(2020, 3, 1))
    households_update()
    household = only_household()
    assert members(household) == {ann.pk, bob.pk}
    # A newborn's first record at the same address.
    lives(cat, "Ames", "2 MILL LANE", "st1 2bb", dt.date(2024, 5, 1))
    summary = households_update(person_ids=[cat.pk])
    assert summary.changed == 1
    assert only_household().pk == household.pk
    spell = HouseholdMembership.objects.get(household=household, person=cat)
    assert (spell.basis, spell.since, spell.left_at) == ("address", dt.date(2024, 5, 1), None)
    assert HouseholdTie.objects.filter(household=household, person_b=cat).exists()
    assert only_household().version == household.version + 1


def test_an_update_that_finds_nothing_new_changes_nothing():
    ann, bob = PersonFactory(), PersonFactory()
    lives(ann, "Ames", "2 Mill Lane", "ST1 2BB", dt.date(2020, 1, 1))
    lives(bob, "Ames", "2 Mill Lane", "ST1 2BB", dt.date(2020, 3, 1))
    households_update()
    before = only_household()
    events = LedgerEvent.objects.count()
    summary = households_update()
    assert (summary.created, summary.changed, summary.merged, summary.ended) == (0, 0, 0, 0)
    assert only_household().version == before.version
    assert LedgerEvent.objects.count() == events


def test_a_member_who_moves_out_leaves_with_the_date_and_the_household_stays():
    ann, bob, cat = PersonFactory(), PersonFactory(), PersonFactory()
    for p in (ann, bob, cat):
        lives(p, "Ames", "2 Mill Lane", "ST1 2BB", dt.date(2020, 1, 1))
    households_update()
    household = only_household()
    lives(bob, "Ames", "40 Quay Street", "ST7 7QQ", dt.date(2023, 6, 1))
    households_update(person_ids=[bob.pk])
    assert only_household().pk == household.pk
    assert members(household) == {ann.pk, cat.pk}
    spell = HouseholdMembership.objects.get(household=household, person=bob)
    assert spell.left_at is not None
    assert spell.until == dt.date(2023, 6, 1)
    assert spell.reason == "moved"


def test_two_households_found_to_be_one_are_merged_and_the_old_id_redirects():
    agency = AgencyFactory(code="POL", police=True)
    ann, bob, cat, dan = (PersonFactory() for _ in range(4))
    a = lives(ann, "Ames", "2 Mill Lane", "ST1 2BB", dt.date(2020, 1, 1), agency=agency)
    lives(bob, "Ames", "2 Mill Lane", "ST1 2BB", dt.date(2020, 1, 1))
    c = lives(cat, "Cole", "9 Dock Road", "ST3 3CC", dt.date(2020, 1, 1), agency=agency)
    lives(dan, "Cole", "9 Dock Road", "ST3 3CC", dt.date(2020, 1, 1))
    households_update()
    first, second = Household.objects.order_by("pk")
    # One agency gives both records the same property reference: one home after all.
    for record in (a, c):
        record.uprn = "100012345678"
        record.save()
    summary = households_update(person_ids=[ann.pk])
    assert summary.merged == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == HouseholdStatus.ACTIVE
    assert members(first) == {ann.pk, bob.pk, cat.pk, dan.pk}
    assert (second.status, second.merged_into_id) == (HouseholdStatus.MERGED, first.pk)
    assert household_resolve(second.pk) == first.pk
    assert second.resolved().pk == first.pk
    assert LedgerEvent.objects.filter(action="merge", object_type="household").exists()


def _family_of_four():
    people = [PersonFactory() for _ in range(4)]
    for p in people:
        lives(p, "Ames", "2 Mill Lane", "ST1 2BB", dt.date(2020, 1, 1))
    households_update()
    return people, only_household()


def test_a_split_keeps_both_and_holds_against_the_evidence():
    people, household = _family_of_four()
    leaving = [people[2].pk, people[3].pk]
    household_split(
        actor=MANAGER,
        household_id=household.pk,
        version=household.version,
        person_ids=leaving,
        reason="two families share the house",
    )
    household.refresh_from_db()
    assert members(household) == {people[0].pk, people[1].pk}
    other = Household.objects.get(split_from=household)
    assert members(other) == set(leaving)
    # The next update (same evidence) keeps the split and both ids.
    households_update()
    assert set(Household.objects.filter(status="active").values_list("pk", flat=True)) == {
        household.pk,
        other.pk,
    }
    assert LedgerEvent.objects.filter(action="split", object_type="household").exists()


def test_a_stale_merge_or_split_is_refused_and_changes_nothing():
    people, household = _family_of_four()
    stale = household.version
    lives(PersonFactory(), "Ames", "2 Mill Lane", "ST1 2BB", dt.date(2021, 1, 1))
    households_update()  # someone's import changed the household meanwhile
    household.refresh_from_db()
    assert household.version > stale
    with pytest.raises(HouseholdConflict, match="changed since you opened it"):
        household_split(
            actor=MANAGER,
            household_id=household.pk,
            version=stale,
            person_ids=[people[0].pk],
            reason="wrong",
        )
    ann, bob = PersonFactory(), PersonFactory()
    lives(ann, "Bell", "5 Elm Close", "ST5 5EE", dt.date(2020, 1, 1))
    lives(bob, "Bell", "5 Elm Close", "ST5 5EE", dt.date(2020, 1, 1))
    households_update()
    other = Household.objects.exclude(pk=household.pk).get(status="active")
    with pytest.raises(HouseholdConflict, match="changed since you opened it"):
        household_merge(
            actor=MANAGER,
            keep_id=household.pk,
            keep_version=stale,
            other_id=other.pk,
            other_version=other.version,
            reason="same family",
        )
    other.refresh_from_db()
    assert other.status == HouseholdStatus.ACTIVE
    assert len(members(household)) == 5


def test_a_practitioners_merge_joins_two_households_for_good():
    people, household = _family_of_four()
    ann, bob = PersonFactory(), PersonFactory()
    lives(ann, "Bell", "5 Elm Close", "ST5 5EE", dt.date(2020, 1, 1))
    lives(bob, "Bell", "5 Elm Close", "ST5 5EE", dt.date(2020, 1, 1))
    households_update()
    other = Household.objects.exclude(pk=household.pk).get(status="active")
    kept = household_merge(
        actor=MANAGER,
        keep_id=household.pk,
        keep_version=household.version,
        other_id=other.pk,
        other_version=other.version,
        reason="the same family at two addresses",
    )
    assert kept.pk == household.pk
    assert members(kept) == {*(p.pk for p in people), ann.pk, bob.pk}
    households_update()
    assert household_resolve(other.pk) == household.pk
    assert members(Household.objects.get(pk=household.pk)) == members(kept)


def test_the_rebuild_is_an_audited_repair_that_keeps_ids():
    _people, household = _family_of_four()
    with pytest.raises(ValueError, match="reason"):
        households_rebuild(actor=MANAGER, reason=" ")
    households_rebuild(actor=MANAGER, reason="address keys changed")
    assert only_household().pk == household.pk
    event = LedgerEvent.objects.filter(object_type="households").latest("seq")
    assert (event.action, event.reason_code, event.actor_id) == ("update", "repair", "user:9")


def test_import_relationships_names_file_row_and_column_and_stores_nothing():
    agency = AgencyFactory(code="POL", police=True)
    SourceRecordFactory(agency=agency, source_id="P1")
    SourceRecordFactory(agency=agency, source_id="P2")
    rows = [
        (
            2,
            {
                "agency": "POL",
                "from_source_id": "P1",
                "to_source_id": "P2",
                "relationship": "parent",
            },
        ),
        (
            3,
            {
                "agency": "POL",
                "from_source_id": "P1",
                "to_source_id": "P9",
                "relationship": "parent",
            },
        ),
        (
            4,
            {
                "agency": "POL",
                "from_source_id": "P1",
                "to_source_id": "P2",
                "relationship": "cousin",
            },
        ),
        (
            5,
            {
                "agency": "POL",
                "from_source_id": "P2",
                "to_source_id": "P2",
                "relationship": "sibling",
            },
        ),
    ]
    with pytest.raises(ImportRejected) as refused:
        relationships_import(rows=rows, file="rels.csv")
    text = str(refused.value)
    assert "rels.csv, row 3, column to_source_id: no record 'P9' for POL" in text
    assert "rels.csv, row 4, column relationship: is not a known relationship" in text
    assert "rels.csv, row 5, column to_source_id" in text
    assert not Relationship.objects.exists()
    assert relationships_import(rows=rows[:1], file="rels.csv") == 1
    assert Household.objects.filter(status="active").count() == 1
