"""The timeline across agencies, drawn as SVG: lanes, marks, shading, members."""

import datetime as dt
import re

from defusedxml import ElementTree as ET

from fullpicture.sharing.chronology import AgencyRef, CategoryRef, ChronologyEntry, ChronologyItem
from fullpicture.web.timeline import PALETTE, SHAPES, Shade, style_for, timeline_for

SVG = "{http://www.w3.org/2000/svg}"
POLICE = AgencyRef(1, "STPOL", "Sharetown Police")
SCHOOL = AgencyRef(2, "BPS", "Brookfield Primary School")
DA = CategoryRef(10, "domestic_abuse", "Domestic abuse", 1)
ATTEND = CategoryRef(11, "school_attendance", "School attendance", 2)


def _item(pk, day, agency, category):
    at = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    return ChronologyItem(pk, at, at, "s", "", "standard", "", False, agency, category, "x")


def _entry(*items, persons=()):
    return ChronologyEntry(sources=list(items), person_ids=set(persons))


def _parse(svg):
    return ET.fromstring(str(svg).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def test_one_lane_per_agency_and_one_linked_mark_per_item():
    entries = [
        _entry(_item(1, dt.date(2025, 1, 5), POLICE, DA)),
        _entry(
            _item(2, dt.date(2025, 3, 1), SCHOOL, ATTEND),
            _item(3, dt.date(2025, 3, 1), POLICE, ATTEND),
        ),
    ]
    timeline = timeline_for(entries, title="Timeline for a child")
    root = _parse(timeline.svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Timeline for a child"
    assert "3 items from 2 agencies" in root.find(f"{SVG}desc").text
    lanes = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert lanes == ["Brookfield Primary School", "Sharetown Police"]
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert links == ["#item-1", "#item-2", "#item-3"]
    assert all(a.get("tabindex") == "-1" for a in root.iter(f"{SVG}a"))
    assert timeline.marks == 3


def test_marks_sit_in_their_agencys_lane_and_in_time_order_left_to_right():
    entries = [
        _entry(_item(1, dt.date(2025, 1, 1), POLICE, DA)),
        _entry(_item(2, dt.date(2025, 12, 31), POLICE, DA)),
        _entry(_item(3, dt.date(2025, 6, 1), SCHOOL, DA)),
    ]
    root = _parse(timeline_for(entries, title="t").svg)
    centres = {}
    for a in root.iter(f"{SVG}a"):
        circle = a.find(f"{SVG}circle")
        centres[a.get("href")] = (float(circle.get("cx")), float(circle.get("cy")))
    assert centres["#item-1"][0] < centres["#item-3"][0] < centres["#item-2"][0]
    assert centres["#item-1"][1] == centres["#item-2"][1] != centres["#item-3"][1]


def test_each_category_has_its_own_colour_and_shape_and_the_legend_says_which():
    pairs = {style_for(n) for n in range(len(PALETTE) * len(SHAPES))}
    assert len(pairs) == len(PALETTE) * len(SHAPES)
    entries = [
        _entry(_item(1, dt.date(2025, 1, 1), POLICE, DA)),
        _entry(_item(2, dt.date(2025, 2, 1), POLICE, ATTEND)),
    ]
    timeline = timeline_for(entries, title="t")
    assert [e.name for e in timeline.legend] == ["Domestic abuse", "School attendance"]
    first, second = timeline.legend
    assert (first.colour, first.shape) != (second.colour, second.shape)
    assert first.shape != second.shape  # not colour alone
    assert 'aria-hidden="true"' in first.symbol


def test_a_shaded_period_is_drawn_behind_the_marks_with_its_label():
    entries = [
        _entry(_item(1, dt.date(2025, 1, 1), POLICE, DA)),
        _entry(_item(2, dt.date(2025, 9, 1), POLICE, DA)),
    ]
    svg = str(
        timeline_for(
            entries,
            title="t",
            shades=[Shade(dt.date(2025, 3, 1), dt.date(2025, 5, 1), "Rule met: toxic trio")],
        ).svg
    )
    assert "Rule met: toxic trio" in svg
    assert svg.index("fp-timeline__shade") < svg.index("fp-timeline__mark")


def test_a_household_timeline_says_which_member_each_mark_is_about():
    entries = [
        _entry(_item(1, dt.date(2025, 1, 1), POLICE, DA), persons={7, 8}),
        _entry(_item(2, dt.date(2025, 2, 1), SCHOOL, ATTEND), persons={9}),
    ]
    members = [(7, "Katie Walsh"), (8, "Jayden Walsh"), (9, "Jade Walsh")]
    timeline = timeline_for(entries, title="t", members=members)
    assert timeline.members == [("K", "Katie Walsh"), ("J1", "Jayden Walsh"), ("J2", "Jade Walsh")]
    root = _parse(timeline.svg)
    titles = {a.get("href"): a.find(f"{SVG}title").text for a in root.iter(f"{SVG}a")}
    assert titles["#item-1"].endswith("(about Katie Walsh, Jayden Walsh)")
    assert titles["#item-2"].endswith("(about Jade Walsh)")
    tags = {a.get("href"): a.find(f"{SVG}text").text for a in root.iter(f"{SVG}a")}
    assert tags == {"#item-1": "KJ1", "#item-2": "J2"}


def test_a_zoomed_period_leaves_out_marks_outside_it():
    entries = [_entry(_item(n, dt.date(2025, n, 1), POLICE, DA)) for n in range(1, 13)]
    timeline = timeline_for(entries, title="t", start=dt.date(2025, 4, 1), end=dt.date(2025, 6, 30))
    assert timeline.marks == 3
    assert re.findall(r'href="#item-(\d+)"', str(timeline.svg)) == ["4", "5", "6"]


def test_text_from_the_data_is_escaped():
    agency = AgencyRef(3, "X", "<script>alert(1)</script>")
    category = CategoryRef(12, "c", "A & B", 1)
    svg = str(
        timeline_for([_entry(_item(1, dt.date(2025, 1, 1), agency, category))], title="<t>").svg
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "A &amp; B" in svg
    assert "&lt;t&gt;" in svg
    _parse(svg)  # well-formed


def test_nothing_to_draw_is_empty():
    assert timeline_for([], title="t").is_empty
