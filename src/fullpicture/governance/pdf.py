"""The subject access report as a readable PDF (reportlab): plain language, real text, tables."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


def _when(value: str | None) -> str:
    if not value:
        return "Not recorded"
    parsed = dt.datetime.fromisoformat(value)
    return parsed.strftime("%-d %B %Y") if len(value) == 10 else parsed.strftime("%-d %B %Y %H:%M")


def render_subject_access_pdf(report: dict[str, Any]) -> bytes:
    styles = getSampleStyleSheet()
    body = ParagraphStyle("fp-body", parent=styles["BodyText"], fontSize=11, leading=15)
    small = ParagraphStyle("fp-small", parent=body, fontSize=9, leading=12)
    h1, h2, h3 = styles["Title"], styles["Heading2"], styles["Heading3"]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{report['title']}: person {report['person_id']}",
        author="Full Picture",
        subject="Subject access request",
        lang="en-GB",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
    )
    story: list[Any] = [
        _p(report["title"], h1),
        _p(
            f"Person reference {report['person_id']}. Produced on "
            f"{_when(report['generated_at'][:16])} in answer to a subject access request.",
            body,
        ),
    ]
    story.extend(_p(note, body) for note in report["notes"])

    story.append(_p("Your records at each agency", h2))
    if report["records"]:
        rows = [[_p(h, small) for h in ("Agency", "Name", "Date of birth", "Address", "Recorded")]]
        for r in report["records"]:
            name = " ".join(x for x in (r["given_name"], r["family_name"]) if x)
            if r["other_names"]:
                name += f" (also {r['other_names']})"
            address = ", ".join(x for x in (r["address"], r["postcode"]) if x) or "Not recorded"
            rows.append(
                [
                    _p(r["agency"], small),
                    _p(name, small),
                    _p(_when(r["date_of_birth"]), small),
                    _p(address, small),
                    _p(_when(r["recorded_on"]), small),
                ]
            )
        table = Table(rows, colWidths=[35 * mm, 35 * mm, 25 * mm, 56 * mm, 23 * mm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    else:
        story.append(_p("No records.", body))

    story.append(_p("Information the agencies hold about you", h2))
    if not report["items"]:
        story.append(_p("No information items.", body))
    for item in report["items"]:
        block = [
            _p(f"{_when(item['occurred_at'])}: {item['category']} ({item['agency']})", h3),
            _p(item["summary"], body),
        ]
        if item["detail"]:
            block.append(_p(item["detail"], body))
        block.append(
            _p(
                f"Recorded by {item['recorded_by'] or 'the agency'} on "
                f"{_when(item['recorded_at'])}. Item reference {item['item_id']}.",
                small,
            )
        )
        if item["source"]:
            block.append(_p(f"Source: {item['source']}", small))
        story.append(KeepTogether([*block, Spacer(1, 4 * mm)]))

    story.append(_p("What was removed, and why", h2))
    if report["redaction_log"]:
        rows = [[_p(h, small) for h in ("Item reference", "Part", "Why it was removed", "Times")]]
        rows.extend(
            [
                _p(e["item_id"], small),
                _p(e["field"].replace("_", " "), small),
                _p(e["explanation"], small),
                _p(e["count"], small),
            ]
            for e in report["redaction_log"]
        )
        table = Table(rows, colWidths=[28 * mm, 28 * mm, 100 * mm, 18 * mm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ]
            )
        )
        story.append(table)
    else:
        story.append(_p("Nothing was removed.", body))
    doc.build(story)
    return buffer.getvalue()
