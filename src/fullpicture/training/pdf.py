"""A finished exercise's summary as a PDF (reportlab): real text, tables, plain language."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from fullpicture.training.models import Exercise
from fullpicture.training.selectors import Review


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


def _date(d: Any) -> str:
    return d.strftime("%-d %B %Y") if d else "never"


def render_exercise_pdf(*, exercise: Exercise, review: Review) -> bytes:
    styles = getSampleStyleSheet()
    body = ParagraphStyle("fp-body", parent=styles["BodyText"], fontSize=10, leading=13)
    small = ParagraphStyle("fp-small", parent=body, fontSize=8, leading=10)
    h1, h2 = styles["Title"], styles["Heading2"]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Exercise summary: {exercise.title}",
        author="Full Picture",
        subject="Sharetown exercise summary (fiction)",
        lang="en-GB",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
    )
    story: list[Any] = [
        _p(f"Exercise summary: {exercise.title}", h1),
        _p(
            "A training exercise. Every person in it is fictional; nothing here is a live record.",
            body,
        ),
        _p(
            f"Meeting on {_date(exercise.meeting_on)}. Run by {exercise.trainer}. "
            f"{review.shared} cards shared, {review.withheld} withheld, "
            f"{review.undecided} not decided.",
            body,
        ),
        Spacer(1, 4 * mm),
        _p("Where sharing would have changed the picture", h2),
        _p(
            f"Had every card been shared, concerns from {review.agencies} agencies within "
            f"{review.window_days} days were known by "
            f"{_date(review.if_all_shared.on if review.if_all_shared else None)}. "
            "With what was actually shared: "
            f"{_date(review.as_shared.on if review.as_shared else None)}.",
            body,
        ),
    ]
    story.extend(
        _p(
            f"{c.entry.agency}, {c.entry.ref} ({_date(c.entry.occurred_on)}), withheld or not "
            f"decided: sharing it would have completed the picture by {_date(c.met.on)}.",
            body,
        )
        for c in review.would_have_changed
    )
    story += [Spacer(1, 4 * mm), _p("Who knew what, when", h2)]
    rows: list[list[Any]] = [
        [_p(h, small) for h in ("Date", "Agency", "Card", "Decision", "Reason")]
    ]
    for e in review.entries:
        reason = ": ".join(filter(None, [e.withhold_reason, e.reason]))
        rows.append(
            [
                _p(_date(e.occurred_on), small),
                _p(e.agency, small),
                _p(f"{e.ref} {e.title}", small),
                _p(e.outcome_label, small),
                _p(reason, small),
            ]
        )
    table = Table(rows, colWidths=[22 * mm, 35 * mm, 60 * mm, 20 * mm, 43 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    if review.reasons:
        story += [Spacer(1, 4 * mm), _p("Reasons for withholding", h2)]
        story.extend(_p(f"{label}: {count}", body) for label, count in review.reasons)
    story += [Spacer(1, 4 * mm), _p("What happened next", h2), _p(exercise.outcome, body)]
    story += [_p("The review", h2), _p(exercise.review_notes or "No notes recorded.", body)]
    story += [
        _p("Recommendations", h2),
        _p(exercise.recommendations or "None recorded.", body),
    ]
    doc.build(story)
    return buffer.getvalue()
