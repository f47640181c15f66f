"""A chronology as a PDF (reportlab): exactly the entries the reader sees on the page."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from fullpicture.sharing.chronology import ChronologyView


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


def render_chronology_pdf(
    view: ChronologyView, *, title: str, purpose_label: str, filters_text: str
) -> bytes:
    styles = getSampleStyleSheet()
    body = ParagraphStyle("fp-body", parent=styles["BodyText"], fontSize=10, leading=13)
    small = ParagraphStyle("fp-small", parent=body, fontSize=8, leading=10)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        title=f"Chronology: {title}",
        author="Full Picture",
        subject="Multi-agency chronology",
        lang="en-GB",
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
    )
    events = len(view.entries)
    story: list[Any] = [
        _p(f"Chronology: {title}", styles["Title"]),
        _p(
            f"Purpose: {purpose_label}. Printed {timezone.localtime():%d %B %Y %H:%M}. "
            f"{view.item_count} item{'s' if view.item_count != 1 else ''} from "
            f"{len(view.agencies)} agenc{'ies' if len(view.agencies) != 1 else 'y'}, "
            f"shown as {events} event{'s' if events != 1 else ''}. {filters_text}",
            body,
        ),
        _p(
            "Confidential. Only items the reader may see under the information sharing "
            "agreements appear. Reports of the same event by several agencies are shown "
            "once, with every source.",
            small,
        ),
        Spacer(1, 4 * mm),
    ]
    header = ["When", "Category", "Agency", "What was recorded", "Recorded by", "Sensitivity"]
    rows: list[list[Any]] = [[_p(h, small) for h in header]]
    for entry in view.entries:
        for n, item in enumerate(entry.sources):
            source = (
                "Source protected"
                if item.source_redacted
                else (f"Source: {item.source_description}" if item.source_description else "")
            )
            when = f"{timezone.localtime(item.occurred_at):%d %b %Y %H:%M}"
            rows.append(
                [
                    _p(when if n == 0 else f"same event, {when}", small),
                    _p(entry.category.name if n == 0 else "", small),
                    _p(item.source_agency.name, small),
                    _p(f"{item.summary}\n{source}".strip(), small),
                    _p(
                        f"{item.recorded_by_label}, "
                        f"{timezone.localtime(item.recorded_at):%d %b %Y}",
                        small,
                    ),
                    _p(item.get_sensitivity_display(), small),
                ]
            )
    if len(rows) == 1:
        story.append(_p("No items to show.", body))
    else:
        table = Table(
            rows,
            colWidths=[32 * mm, 32 * mm, 40 * mm, 110 * mm, 38 * mm, 20 * mm],
            repeatRows=1,
        )
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
                ]
            )
        )
        story.append(table)
    doc.build(story)
    return buffer.getvalue()
