"""Board scrutiny: counts for a partnership and a period, read from the ledger and the
front door's records. Counts only: nothing here carries a person's name or id.

Each panel is a ``Panel``: a title, column headings and rows of (label, counts...),
which the page draws as an SVG bar chart and as a table, and exports as CSV, from
the same rows, so the chart, the table and the file cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from fullpicture.audit.models import Action, LedgerEvent
from fullpicture.core.csvfile import csv_writer
from fullpicture.partnerships.models import Agency, Practitioner, RoleCode
from fullpicture.sharing.models import BreakGlassReview, WithholdReason

SCRUTINY_ROLES = (RoleCode.BOARD_SCRUTINEER.value, RoleCode.IG_LEAD.value)


def may_scrutinise(*, viewer: Practitioner) -> bool:
    return (
        viewer.is_active and viewer.has_role(*SCRUTINY_ROLES) and viewer.partnership_id is not None
    )


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def since(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def until(self) -> dt.datetime:
        return timezone.make_aware(
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min)
        )


@dataclass
class Panel:
    key: str
    title: str
    description: str
    columns: list[str]  # the first names the row label; the rest are counts
    rows: list[list[str | int]] = field(default_factory=list)
    note: str = ""

    @property
    def series(self) -> list[str]:
        return self.columns[1:]

    @property
    def max_value(self) -> int:
        values = [v for row in self.rows for v in row[1:] if isinstance(v, int)]
        return max(values, default=0)

    def csv_text(self) -> str:
        out = io.StringIO()
        writer = csv_writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return out.getvalue()


def _agencies(partnership_id: int) -> dict[str, str]:
    """Agency code -> name, for the partnership's agencies."""
    return dict(
        Agency.objects.filter(partnership_id=partnership_id)
        .order_by("name")
        .values_list("code", "name")
    )


def _events(
    *, codes: Iterable[str], period: Period, actions: Iterable[str]
) -> QuerySet[LedgerEvent]:
    return LedgerEvent.objects.filter(
        actor_agency__in=list(codes),
        action__in=list(actions),
        at__gte=period.since,
        at__lt=period.until,
    )


def shares_and_withholds(*, partnership_id: int, period: Period) -> Panel:
    """Decisions to share and to withhold an item, by the deciding agency."""
    agencies = _agencies(partnership_id)
    counts: Counter[tuple[str, str]] = Counter(
        _events(codes=agencies, period=period, actions=[Action.SHARE, Action.WITHHOLD])
        .filter(object_type="information_item")
        .values_list("actor_agency", "action")
    )
    panel = Panel(
        key="shares",
        title="Decisions to share and to withhold, by agency",
        description="Each decision about one item for one receiving agency, from the ledger.",
        columns=["Agency", "Shared", "Withheld"],
    )
    for code, name in agencies.items():
        shared, withheld = counts[(code, Action.SHARE)], counts[(code, Action.WITHHOLD)]
        if shared or withheld:
            panel.rows.append([name, shared, withheld])
    return panel


def withholds_by_reason(*, partnership_id: int, period: Period) -> Panel:
    agencies = _agencies(partnership_id)
    counts = Counter(
        _events(codes=agencies, period=period, actions=[Action.WITHHOLD])
        .filter(object_type="information_item")
        .values_list("reason_code", flat=True)
    )
    labels = dict(WithholdReason.choices)
    panel = Panel(
        key="withhold_reasons",
        title="Decisions to withhold, by reason",
        description="Why agencies withheld items, from the reason code each decision carries.",
        columns=["Reason", "Withheld"],
    )
    for code, label in WithholdReason.choices:
        if counts[code]:
            panel.rows.append([label, counts[code]])
    for code in sorted(set(counts) - set(labels)):
        panel.rows.append([code or "No reason recorded", counts[code]])
    return panel


def request_response_times(*, partnership_id: int, period: Period) -> Panel:
    """Information requests made in the period, and how long each asked agency took."""
    agencies = _agencies(partnership_id)
    ids_to_code = dict(Agency.objects.filter(code__in=agencies).values_list("pk", "code"))
    requests = {
        e.object_id: e
        for e in _events(codes=agencies, period=period, actions=[Action.REQUEST]).filter(
            object_type="information_request"
        )
    }
    answers: dict[tuple[str, str], dt.datetime] = {}
    for e in LedgerEvent.objects.filter(
        action=Action.ANSWER,
        object_type="information_request",
        object_id__in=list(requests),
    ).order_by("seq"):
        answers.setdefault((e.object_id, e.actor_agency), e.at)
    hours: dict[str, list[float]] = defaultdict(list)
    unanswered: Counter[str] = Counter()
    for request_id, event in requests.items():
        for agency_id in (event.details or {}).get("agency_ids", []):
            code = ids_to_code.get(int(agency_id)) if str(agency_id).isdigit() else None
            if code is None:
                continue
            answered = answers.get((request_id, code))
            if answered is None:
                unanswered[code] += 1
            else:
                hours[code].append((answered - event.at).total_seconds() / 3600)
    panel = Panel(
        key="requests",
        title="Information requests: how quickly agencies answered",
        description="Requests made in the period, by the agency asked: answered within a day, "
        "within three days, later, or not yet; and the median time in hours.",
        columns=["Agency asked", "Within 1 day", "1 to 3 days", "Over 3 days", "Not answered"],
    )
    for code, name in agencies.items():
        taken = hours.get(code, [])
        if not taken and not unanswered[code]:
            continue
        panel.rows.append(
            [
                name,
                sum(1 for h in taken if h <= 24),
                sum(1 for h in taken if 24 < h <= 72),
                sum(1 for h in taken if h > 72),
                unanswered[code],
            ]
        )
    medians = [f"{agencies[c]}: {statistics.median(taken):.1f} hours" for c, taken in hours.items()]
    panel.note = "Median time to answer: " + ("; ".join(sorted(medians)) or "no answers yet") + "."
    return panel


def break_glass_use(*, partnership_id: int, period: Period) -> Panel:
    """Break-glass uses started in the period, by agency, and the IG lead's review outcome."""
    agencies = _agencies(partnership_id)
    starts = list(
        _events(codes=agencies, period=period, actions=[Action.BREAK_GLASS]).filter(
            reason_code="start"
        )
    )
    grant_ids = [str((e.details or {}).get("grant_id", "")) for e in starts]
    outcome: dict[str, str] = {}
    for e in LedgerEvent.objects.filter(
        action=Action.BREAK_GLASS,
        object_type="break_glass_grant",
        object_id__in=grant_ids,
        reason_code__in=[BreakGlassReview.APPROPRIATE, BreakGlassReview.NOT_APPROPRIATE],
    ).order_by("seq"):
        outcome[e.object_id] = e.reason_code  # the latest review stands
    counts: Counter[tuple[str, str]] = Counter()
    for e, grant_id in zip(starts, grant_ids, strict=True):
        counts[(e.actor_agency, outcome.get(grant_id, "pending"))] += 1
    panel = Panel(
        key="break_glass",
        title="Break-glass use and its review",
        description="Each use of break-glass for immediate risk, by agency, and whether the "
        "IG lead found it appropriate.",
        columns=["Agency", "Appropriate", "Not appropriate", "Not yet reviewed"],
    )
    for code, name in agencies.items():
        row = [
            counts[(code, BreakGlassReview.APPROPRIATE)],
            counts[(code, BreakGlassReview.NOT_APPROPRIATE)],
            counts[(code, "pending")],
        ]
        if any(row):
            panel.rows.append([name, *row])
    return panel


LEDGER_PANELS = (shares_and_withholds, withholds_by_reason, request_response_times, break_glass_use)


def dashboard(*, partnership_id: int, period: Period) -> list[Panel]:
    panels = [panel(partnership_id=partnership_id, period=period) for panel in LEDGER_PANELS]
    from fullpicture.governance.frontdoor_scrutiny import FRONT_DOOR_PANELS

    panels.extend(p(partnership_id=partnership_id, period=period) for p in FRONT_DOOR_PANELS)
    return panels


# --------------------------------------------------------------------------------------
# Charts: server-rendered SVG, drawn from the same rows as the table
# --------------------------------------------------------------------------------------

COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#505a5f")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str
    series: str
    value: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    label_width: int
    bars: list[Bar]
    labels: list[tuple[float, str]]
    legend: list[tuple[str, str]]


def chart_for(panel: Panel) -> Chart:
    """Grouped horizontal bars: one group per row, one bar per series."""
    label_width, plot_width, bar_h, gap = 260, 420, 14, 12
    series = panel.series
    scale = plot_width / panel.max_value if panel.max_value else 0
    bars: list[Bar] = []
    labels: list[tuple[float, str]] = []
    y = 30.0
    for row in panel.rows:
        labels.append((y + bar_h * len(series) / 2 + 4, str(row[0])))
        for i, name in enumerate(series):
            value = int(row[i + 1])
            bars.append(
                Bar(
                    x=label_width,
                    y=y,
                    width=max(value * scale, 1 if value else 0),
                    height=bar_h - 2,
                    colour=COLOURS[i % len(COLOURS)],
                    label=str(row[0]),
                    series=name,
                    value=value,
                )
            )
            y += bar_h
        y += gap
    legend = [(name, COLOURS[i % len(COLOURS)]) for i, name in enumerate(series)]
    return Chart(
        width=label_width + plot_width + 60,
        height=int(y) + 10,
        label_width=label_width,
        bars=bars,
        labels=labels,
        legend=legend,
    )
