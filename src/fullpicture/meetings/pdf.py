"""Minutes as a PDF (reportlab): the same content the reader sees on the page."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from fullpicture.meetings.selectors import MinutesView


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


def render_minutes_pdf(view: MinutesView) -> bytes:
    styles = getSampleStyleSheet()
    body = ParagraphStyle("fp-body", parent=styles["BodyText"], fontSize=11, leading=15)
    small = ParagraphStyle("fp-small", parent=body, fontSize=9, leading=12)
    h1, h2, h3 = styles["Title"], styles["Heading2"], styles["Heading3"]
    content = view.content
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Minutes: {content['title']} (version {view.minutes.number})",
        author="Full Picture",
        subject=content.get("kind_label", "Minutes"),
        lang="en-GB",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
    )
    state = (
        f"Signed off by {view.minutes.signed_off_by} on "
        f"{timezone.localtime(view.minutes.signed_off_at):%d %B %Y %H:%M}"
        if view.signed_off and view.minutes.signed_off_at
        else "Draft: not yet signed off"
    )
    story: list[Any] = [
        _p(f"Minutes: {content['title']}", h1),
        _p(
            f"{content.get('kind_label', '')}, "
            f"{timezone.localtime(view.starts_at):%d %B %Y %H:%M}. "
            f"Chair: {content['chair']}. Version {view.minutes.number}. {state}.",
            body,
        ),
        _p(
            "Confidential. Items from agencies appear only where the reader may see them "
            "under the information sharing agreements.",
            small,
        ),
        _p("Attendance", h2),
    ]
    for a in content["attendees"]:
        story.append(_p(f"{a['name']} ({a['agency']}): {a['attendance'].replace('_', ' ')}", body))
    for entry in view.agenda:
        story.append(_p(entry.label, h2))
        story.append(_p("Information shared for the meeting", h3))
        if not entry.items:
            story.append(_p("None that you may see.", body))
        for item in entry.items:
            story.append(
                _p(
                    f"{timezone.localtime(item.occurred_at):%d %b %Y}: {item.source_agency.name}, "
                    f"{item.category.name}: {item.summary}",
                    body,
                )
            )
        for agency, reason, count in entry.withheld:
            story.append(_p(f"{agency} withheld {count} item(s): {reason}.", body))
        story.append(_p("Discussion", h3))
        story.extend(_p(n, body) for n in entry.notes or ["No notes."])
        story.append(_p("Decisions", h3))
        story.extend(_p(d, body) for d in entry.decisions or ["No decisions."])
        story.append(_p("Actions", h3))
        if not entry.actions:
            story.append(_p("No actions.", body))
        for a in entry.actions:
            story.append(
                _p(
                    f"{a['description']} Owner: {a['owner']} ({a['agency']}). Due {a['due_on']}. "
                    f"Status: {a['status']}.",
                    body,
                )
            )
        story.append(Spacer(1, 4 * mm))
    doc.build(story)
    return buffer.getvalue()
