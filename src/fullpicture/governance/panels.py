"""What every scrutiny panel is made of: a period, a panel of counts, the partnership's
agencies. The ledger panels (``scrutiny``) and the front door's (``frontdoor_scrutiny``)
both stand on this module."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.utils import timezone

from fullpicture.core.csvfile import csv_writer
from fullpicture.partnerships.models import Agency


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


def agencies_of(partnership_id: int) -> dict[str, str]:
    """Agency code -> name, for the partnership's agencies."""
    return dict(
        Agency.objects.filter(partnership_id=partnership_id)
        .order_by("name")
        .values_list("code", "name")
    )
