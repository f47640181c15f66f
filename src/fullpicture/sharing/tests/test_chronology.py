"""The chronology of a child and of a household: the same-event rule, filters, access."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from fullpicture.audit.models import LedgerEvent
from fullpicture.partnerships.tests.factories import PractitionerFactory
from fullpicture.sharing.chronology import (
    ChronologyFilters,
    access_household_by_id,
    chronology_for_household,
    chronology_for_person,
    group_same_events,
)
from fullpicture.sharing.models import InformationItem
from fullpicture.sharing.selectors import NotFound, person_chronology
from fullpicture.sharing.tests.chronology_town import make_town

pytestmark = pytest.mark.django_db
SE = "safeguarding_enquiry"


@pytest.fixture
def town():
    return make_town()


def _summaries(view):
    return [[s.summary for s in e.sources] for e in view.entries]


def _household(town, viewer=None, **kw):
    viewer = viewer or town["mash"]
    opened = access_household_by_id(
        viewer=viewer, household_id=town["household"].pk, purpose=town["se"], audit=False
    )
    return chronology_for_household(viewer=viewer, household=opened, purpose=town["se"], **kw)


def test_one_event_from_three_agencies_is_one_entry_with_three_sources(town):
    view = _household(town, audit=False)
    first = view.entries[0]
    assert [a.code for a in first.agencies] == ["CPOL", "CHLT", "CSCH"]
    assert [s.summary for s in first.sources] == [
        "Police called to a domestic incident",
        "Mother seen at A&E with bruising",
        "Ivy told her teacher about a fight at home",
    ]
    assert first.is_merged
    assert first.occurred_at == town["items"]["police_callout"].occurred_at
    assert first.person_ids == {town["child"].pk, town["mother"].pk}
    # every source keeps its own provenance
    assert {s.recorded_by_label for s in first.sources} == {"Agency system"}
    assert all(s.recorded_at and s.sensitivity == "standard" for s in first.sources)


def test_items_of_one_agency_are_never_merged(town):
    view = _household(town, audit=False)
    police_entries = [
        e for e in view.entries if any(s.source_agency.code == "CPOL" for s in e.sources)
    ]
    assert all(
        sum(1 for s in e.sources if s.source_agency.code == "CPOL") == 1 for e in police_entries
    )
    assert ["Officer returned to check on the family"] in _summaries(view)


def test_an_item_the_viewer_may_not_see_contributes_nothing(town):
    view = _household(town, audit=False)
    shown = {s.pk for e in view.entries for s in e.sources}
    hidden = {
        town["items"][k].pk for k in ("housing_same_night", "police_restricted", "health_withheld")
    }
    assert not shown & hidden
    assert "CHOU" not in {a.code for a in view.agency_options}
    text = repr(_summaries(view))
    for word in ("Neighbour", "Covert", "private note"):
        assert word not in text
    # and the hidden items do not change how the visible ones are grouped
    assert len(view.entries[0].sources) == 3


def test_different_categories_persons_and_days_stay_apart(town):
    view = _household(town, audit=False)
    assert _summaries(view) == [
        [
            "Police called to a domestic incident",
            "Mother seen at A&E with bruising",
            "Ivy told her teacher about a fight at home",
        ],
        ["Officer returned to check on the family"],
        ["Ivy arrived hungry"],
        ["Second call-out to the address"],
        ["Mother asked for advice"],
    ]


def test_person_chronology_is_the_persons_items_only(town):
    view = chronology_for_person(
        viewer=town["mash"], person=town["child"], purpose=town["se"], audit=False
    )
    assert _summaries(view) == [
        ["Police called to a domestic incident", "Ivy told her teacher about a fight at home"],
        ["Officer returned to check on the family"],
        ["Ivy arrived hungry"],
        ["Second call-out to the address"],
    ]
    # the existing selector sees exactly the same items
    plain = person_chronology(
        viewer=town["mash"], person=town["child"], purpose=town["se"], audit=False
    )
    assert sorted(view.item_ids) == sorted(i.pk for i in plain.items)


def test_the_teacher_sees_only_the_schools_items(town):
    view = chronology_for_person(
        viewer=town["teacher"], person=town["child"], purpose="direct_care", audit=False
    )
    assert {a.code for e in view.entries for a in e.agencies} == {"CSCH"}
    assert not any(e.is_merged for e in view.entries)


def test_filters_by_agency_category_and_period(town):
    by_agency = _household(town, audit=False, filters=ChronologyFilters(agency_codes={"CPOL"}))
    assert {a.code for e in by_agency.entries for a in e.agencies} == {"CPOL"}
    assert len(by_agency.entries) == 3
    # the form still offers every agency the viewer may see
    assert {a.code for a in by_agency.agency_options} == {"CSCH", "CHLT", "CCSC", "CPOL"}

    by_category = _household(town, audit=False, filters=ChronologyFilters(category_slug="neglect"))
    assert _summaries(by_category) == [["Ivy arrived hungry"], ["Mother asked for advice"]]

    by_period = _household(
        town,
        audit=False,
        filters=ChronologyFilters(date_from=dt.date(2025, 5, 3), date_to=dt.date(2025, 5, 5)),
    )
    assert _summaries(by_period) == [
        ["Second call-out to the address"],
        ["Mother asked for advice"],
    ]
    # an agency code the viewer may not see matches nothing and reveals nothing
    unknown = _household(town, audit=False, filters=ChronologyFilters(agency_codes={"CHOU"}))
    assert unknown.entries == []


def test_household_access_denied_and_missing_alike_and_audited(town):
    with pytest.raises(NotFound):
        access_household_by_id(
            viewer=town["outsider"], household_id=town["household"].pk, purpose=SE
        )
    with pytest.raises(NotFound):
        access_household_by_id(viewer=town["mash"], household_id=999_999, purpose=town["se"])
    # Nothing read; each refusal is a "denied" event (ids only), the missing one too.
    assert not LedgerEvent.objects.filter(object_type="household", action="view").exists()
    refused = LedgerEvent.objects.filter(object_type="household", action="denied")
    assert [(e.object_id, e.reason_code) for e in refused.order_by("seq")] == [
        (str(town["household"].pk), "policy"),
        ("999999", "missing"),
    ]
    opened = access_household_by_id(
        viewer=town["mash"], household_id=town["household"].pk, purpose=town["se"]
    )
    view = chronology_for_household(viewer=town["mash"], household=opened, purpose=town["se"])
    event = LedgerEvent.objects.get(action="view", object_type="household")
    assert event.object_id == str(town["household"].pk)
    assert event.purpose == SE
    shown = LedgerEvent.objects.get(action="view", object_type="household_chronology")
    assert shown.details["item_ids"] == [str(i) for i in view.item_ids]


def test_export_is_audited_with_ids_only(town):
    chronology_for_person(
        viewer=town["mash"],
        person=town["child"],
        purpose=town["se"],
        filters=ChronologyFilters(category_slug="domestic_abuse"),
        export_format="pdf",
    )
    event = LedgerEvent.objects.get(action="export", object_type="person_chronology")
    assert event.details["format"] == "pdf"
    assert event.details["filters"]["category"] == "domestic_abuse"
    assert "Police called" not in repr(event.details)
    assert all(i.isdigit() for i in event.details["item_ids"])


def _fake(pk, agency, category, hours, persons=(1,)):
    base = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    return SimpleNamespace(
        pk=pk,
        source_agency_id=agency,
        category_id=category,
        occurred_at=base + dt.timedelta(hours=hours),
    ), set(persons)


def test_the_window_is_anchored_on_the_first_item_so_chains_do_not_drift():
    rows = [_fake(1, 1, 1, 0), _fake(2, 2, 1, 20), _fake(3, 3, 1, 40)]
    items = [r[0] for r in rows]
    entries = group_same_events(items, {r[0].pk: r[1] for r in rows})
    assert [[s.pk for s in e.sources] for e in entries] == [[1, 2], [3]]


def test_items_about_different_persons_are_not_merged():
    rows = [_fake(1, 1, 1, 0, persons=(1,)), _fake(2, 2, 1, 1, persons=(2,))]
    entries = group_same_events([r[0] for r in rows], {r[0].pk: r[1] for r in rows})
    assert len(entries) == 2


def test_each_source_reads_exactly_as_the_item_does(town):
    """The chronology reads plain rows in one query; each source must still carry what the
    item holds: its times to the microsecond (aware, UTC), its recorder, its source
    redacted outside the owning agency, and which of the household's persons it is about."""
    items = town["items"]
    callout = items["police_callout"]
    callout.recorded_at = dt.datetime(2025, 5, 2, 7, 15, 9, 123456, tzinfo=dt.UTC)
    callout.recorded_by = PractitionerFactory(
        agency=town["police"], first_name="Pat", last_name="Constable"
    )
    callout.protect_source = True
    callout.source_description = "Caller: the neighbour at number 4"
    callout.save()
    school = items["school_disclosure"]
    nameless = PractitionerFactory(agency=town["school"], first_name="", last_name="")
    school.recorded_by = nameless
    school.recorded_by_name = ""
    school.save()
    health = items["health_ae"]
    health.recorded_by_name = "Triage system"
    health.source_description = "A&E attendance record"
    health.save()
    csc_item = items["csc_mother_only"]
    csc_item.protect_source = True
    csc_item.source_description = "Mother's own call"
    csc_item.save()

    view = _household(town, audit=False)
    models = {i.pk: i for i in InformationItem.objects.select_related("recorded_by")}
    link = InformationItem.persons.through.objects.all()
    members = {town["child"].pk, town["mother"].pk}
    about: dict[int, set[int]] = {}
    for row in link:
        if row.person_id in members:
            about.setdefault(row.informationitem_id, set()).add(row.person_id)
    for entry in view.entries:
        assert entry.person_ids == set().union(*(about[s.pk] for s in entry.sources))
        for source in entry.sources:
            item = models[source.pk]
            redacted = item.protect_source and item.source_agency_id != town["csc"].pk
            assert source.occurred_at == item.occurred_at
            assert source.occurred_at.utcoffset() == dt.timedelta(0)
            assert source.recorded_at == item.recorded_at
            assert source.recorded_by_label == item.recorded_by_label
            assert source.source_redacted == redacted
            assert source.source_description == ("" if redacted else item.source_description)
            assert (source.summary, source.detail, source.sensitivity) == (
                item.summary,
                item.detail,
                item.sensitivity,
            )
            assert (source.source_agency.pk, source.category.pk) == (
                item.source_agency_id,
                item.category_id,
            )
    first = view.entries[0].first
    assert first.recorded_at == dt.datetime(2025, 5, 2, 7, 15, 9, 123456, tzinfo=dt.UTC)
    assert first.recorded_by_label == "Pat Constable"
    assert first.source_redacted
    assert first.source_description == ""
    labels = {s.summary: s for e in view.entries for s in e.sources}
    assert labels["Ivy told her teacher about a fight at home"].recorded_by_label == (
        nameless.username
    )
    assert labels["Mother seen at A&E with bruising"].recorded_by_label == "Triage system"
    # the MASH's own protected item keeps its source for the MASH
    assert labels["Mother asked for advice"].source_description == "Mother's own call"
