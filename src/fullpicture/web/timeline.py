"""The timeline across agencies: one lane per agency, one mark per item, drawn as SVG.

Drawn on the server (no JavaScript is needed to read it) from the chronology the page
already holds, so the picture and the table beside it cannot disagree: every mark is an
item of an entry in the table, and links to that entry. Each category has a colour from
a colour-blind-safe palette (Okabe and Ito) *and* a shape, so nothing rests on colour
alone. Periods when a cumulative-concern rule was met are shaded behind the lanes. On a
household's timeline each mark carries the initial of the member it is about.

The SVG has an accessible name and description; its marks are links for a pointer but
not tab stops (a keyboard or screen-reader user reads the table, which holds the same
entries in the same order).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Okabe & Ito's palette (less the yellow, too pale on white), then a dark grey.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
SHAPES = ("circle", "square", "triangle", "diamond", "cross")

WIDTH = 960
LABEL_WIDTH = 215
RIGHT_PAD = 16
TOP = 26
LANE_HEIGHT = 30
AXIS_HEIGHT = 30
MARK = 7  # half the size of a mark


class _Agency(Protocol):
    @property
    def pk(self) -> int: ...
    @property
    def name(self) -> str: ...


class _Category(Protocol):
    @property
    def pk(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def sort_order(self) -> int: ...


class _Item(Protocol):
    @property
    def pk(self) -> int: ...
    @property
    def occurred_at(self) -> dt.datetime: ...
    @property
    def source_agency(self) -> _Agency: ...
    @property
    def category(self) -> _Category: ...


class _Entry(Protocol):
    @property
    def sources(self) -> Sequence[_Item]: ...
    @property
    def person_ids(self) -> set[int]: ...


@dataclass(frozen=True)
class Shade:
    """A period to shade behind the lanes, such as when a concern rule was met."""

    start: dt.date
    end: dt.date
    label: str


@dataclass(frozen=True)
class LegendEntry:
    name: str
    colour: str
    shape: str
    symbol: SafeString  # a small SVG of the mark, for the legend beside the picture


@dataclass
class Timeline:
    svg: SafeString
    legend: list[LegendEntry]
    members: list[tuple[str, str]] = field(default_factory=list)  # (initial, name)
    start: dt.date | None = None
    end: dt.date | None = None
    marks: int = 0

    @property
    def is_empty(self) -> bool:
        return self.marks == 0


def style_for(index: int) -> tuple[str, str]:
    """The colour and shape of the index-th category: distinct for the first 35."""
    return PALETTE[index % len(PALETTE)], SHAPES[index % len(SHAPES)]


def _shape(shape: str, x: float, y: float, colour: str, size: float = MARK) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" fill="{colour}"/>'
    if shape == "square":
        s = size * 0.9
        return (
            f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" height="{2 * s:.1f}" '
            f'fill="{colour}"/>'
        )
    if shape == "triangle":
        points = (
            f"{x:.1f},{y - size:.1f} {x + size:.1f},{y + size:.1f} {x - size:.1f},{y + size:.1f}"
        )
        return f'<polygon points="{points}" fill="{colour}"/>'
    if shape == "diamond":
        points = (
            f"{x:.1f},{y - size:.1f} {x + size:.1f},{y:.1f} {x:.1f},{y + size:.1f} "
            f"{x - size:.1f},{y:.1f}"
        )
        return f'<polygon points="{points}" fill="{colour}"/>'
    # cross: two bars, drawn as a path so it reads as one mark
    w = size / 2.5
    d = (
        f"M{x - w:.1f},{y - size:.1f}h{2 * w:.1f}v{size - w:.1f}h{size - w:.1f}v{2 * w:.1f}"
        f"h{-(size - w):.1f}v{size - w:.1f}h{-2 * w:.1f}v{-(size - w):.1f}h{-(size - w):.1f}"
        f"v{-2 * w:.1f}h{size - w:.1f}z"
    )
    return f'<path d="{d}" fill="{colour}"/>'


def symbol(shape: str, colour: str) -> SafeString:
    """A mark on its own, for a legend."""
    return mark_safe(  # noqa: S308 (numbers and our own palette only)
        '<svg class="fp-timeline__symbol" width="18" height="18" viewBox="0 0 18 18" '
        f'aria-hidden="true" focusable="false">{_shape(shape, 9, 9, colour, 7)}</svg>'
    )


def _initials(names: Sequence[tuple[int, str]]) -> dict[int, str]:
    """A short, distinct label per member: the first letter of the name, numbered when
    two members share it (J1, J2)."""
    firsts: dict[str, list[int]] = {}
    for pk, name in names:
        letter = (name.strip()[:1] or "?").upper()
        firsts.setdefault(letter, []).append(pk)
    labels: dict[int, str] = {}
    for letter, pks in firsts.items():
        for n, pk in enumerate(pks, start=1):
            labels[pk] = letter if len(pks) == 1 else f"{letter}{n}"
    return labels


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    first = dt.date(start.year, start.month, 1)
    if first < start:
        first = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    months = []
    day = first
    while day <= end:
        months.append(day)
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def timeline_for(
    entries: Iterable[_Entry],
    *,
    title: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    members: Sequence[tuple[int, str]] = (),
    shades: Sequence[Shade] = (),
) -> Timeline:
    """Draw the entries' items, one lane per agency, from ``start`` to ``end`` (default:
    the first and last item). ``members`` (person id, name) marks each item with the
    initial of the member it is about (a household's timeline)."""
    items: list[tuple[_Item, set[int]]] = [
        (item, entry.person_ids) for entry in entries for item in entry.sources
    ]
    days = [timezone.localdate(item.occurred_at) for item, _ in items]
    if start is None and days:
        start = min(days)
    if end is None and days:
        end = max(days)
    if start is None or end is None or not items:
        return Timeline(svg=mark_safe(""), legend=[], start=start, end=end)
    if end <= start:
        start, end = start - dt.timedelta(days=15), end + dt.timedelta(days=15)
    span = (end - start).days or 1

    agencies: dict[int, _Agency] = {}
    categories: dict[int, _Category] = {}
    for item, _ in items:
        agencies.setdefault(item.source_agency.pk, item.source_agency)
        categories.setdefault(item.category.pk, item.category)
    lanes = sorted(agencies.values(), key=lambda a: a.name)
    lane_of = {a.pk: n for n, a in enumerate(lanes)}
    ordered_categories = sorted(categories.values(), key=lambda c: (c.sort_order, c.name))
    styles = {c.pk: style_for(n) for n, c in enumerate(ordered_categories)}
    initials = _initials(members)

    plot_width = WIDTH - LABEL_WIDTH - RIGHT_PAD
    height = TOP + LANE_HEIGHT * len(lanes) + AXIS_HEIGHT

    def x_of(day: dt.date) -> float:
        return LABEL_WIDTH + plot_width * (day - start).days / span

    parts: list[str] = []
    desc = (
        f"{len(items)} item{'s' if len(items) != 1 else ''} from {len(lanes)} "
        f"agenc{'ies' if len(lanes) != 1 else 'y'}, {start:%-d %B %Y} to {end:%-d %B %Y}. "
        "The table below lists the same items."
    )
    parts.append(
        f'<svg class="fp-timeline" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'preserveAspectRatio="xMinYMin meet" aria-labelledby="fp-timeline-title '
        f'fp-timeline-desc" font-family="GDS Transport, arial, sans-serif" font-size="13">'
        f'<title id="fp-timeline-title">{escape(title)}</title>'
        f'<desc id="fp-timeline-desc">{escape(desc)}</desc>'
    )
    # shaded periods first, behind everything
    for shade in shades:
        a, b = max(shade.start, start), min(shade.end, end)
        if b < a:
            continue
        x0, x1 = x_of(a), max(x_of(b), x_of(a) + 3)
        parts.append(
            f'<g class="fp-timeline__shade"><title>{escape(shade.label)}</title>'
            f'<rect x="{x0:.1f}" y="{TOP - 14}" width="{x1 - x0:.1f}" '
            f'height="{LANE_HEIGHT * len(lanes) + 14}" fill="#f3d9a4" fill-opacity="0.55" '
            f'stroke="#b58105" stroke-dasharray="4 3"/></g>'
        )
    # lanes
    for n, agency in enumerate(lanes):
        lane_y = TOP + LANE_HEIGHT * n
        fill = "#f3f2f1" if n % 2 == 0 else "#ffffff"
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{lane_y}" width="{plot_width}" height="{LANE_HEIGHT}" '
            f'fill="{fill}" fill-opacity="0.6"/>'
            f'<text x="{LABEL_WIDTH - 8}" y="{lane_y + LANE_HEIGHT / 2 + 4:.1f}" text-anchor="end" '
            f'fill="#0b0c0c">{escape(_short(agency.name, 30))}</text>'
        )
    # axis: month ticks, labelled sparsely enough to read
    axis_y = TOP + LANE_HEIGHT * len(lanes)
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="{axis_y}" x2="{WIDTH - RIGHT_PAD}" y2="{axis_y}" '
        f'stroke="#505a5f"/>'
    )
    months = _months(start, end)
    every = max(1, math.ceil(len(months) / 12))
    for n, month in enumerate(months):
        x = x_of(month)
        parts.append(
            f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + 5}" stroke="#505a5f"/>'
        )
        if n % every == 0:
            label = f"{month:%b %Y}" if month.month == 1 or n == 0 else f"{month:%b}"
            parts.append(
                f'<text x="{x:.1f}" y="{axis_y + 19}" text-anchor="middle" '
                f'fill="#0b0c0c">{label}</text>'
            )
    # marks, in time order so later marks draw over earlier ones
    count = 0
    for item, person_ids in sorted(items, key=lambda p: (p[0].occurred_at, p[0].pk)):
        day = timezone.localdate(item.occurred_at)
        if day < start or day > end:
            continue
        colour, shape = styles[item.category.pk]
        x = x_of(day)
        y = TOP + LANE_HEIGHT * lane_of[item.source_agency.pk] + LANE_HEIGHT / 2
        about = [name for pk, name in members if pk in person_ids]
        label = f"{day:%-d %B %Y}: {item.category.name}, {item.source_agency.name}"
        if about:
            label += f" (about {', '.join(about)})"
        mark = _shape(shape, x, y, colour)
        tag = ""
        if members:
            letters = "".join(initials[pk] for pk, _ in members if pk in person_ids)[:3]
            if letters:
                tag = (
                    f'<text x="{x + MARK + 2:.1f}" y="{y - 3:.1f}" font-size="10" '
                    f'fill="#0b0c0c">{escape(letters)}</text>'
                )
        parts.append(
            f'<a href="#item-{item.pk}" tabindex="-1" class="fp-timeline__mark">'
            f"<title>{escape(label)}</title>{mark}{tag}</a>"
        )
        count += 1
    parts.append("</svg>")
    legend = [
        LegendEntry(c.name, *styles[c.pk], symbol=symbol(styles[c.pk][1], styles[c.pk][0]))
        for c in ordered_categories
    ]
    member_key = [(initials[pk], name) for pk, name in members]
    return Timeline(
        svg=mark_safe("".join(parts)),  # noqa: S308 (every text above is escaped)
        legend=legend,
        members=member_key,
        start=start,
        end=end,
        marks=count,
    )


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
