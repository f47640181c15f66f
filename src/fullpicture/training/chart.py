"""An accessible line chart of each factor's score across assessments, drawn on the server.

Plain SVG: a title and description for screen readers, each factor a line with its own
colour *and* marker shape and dash (never colour alone), direct labels, and the same numbers
in a table beside it.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from fullpicture.training.selectors import Trend

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 200, 24, 48
SHORT = {"understanding": "Risk", "leadership": "Leadership", "capability": "Capability"}
STYLES = [  # GOV.UK colours with distinct dashes and markers
    ("#1d70b8", "", "circle"),
    ("#d4351c", "8 4", "square"),
    ("#00703c", "2 4", "triangle"),
]


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{colour}"/>'
    return (
        f'<polygon points="{x:.1f},{y - 6:.1f} {x - 6:.1f},{y + 5:.1f} {x + 6:.1f},{y + 5:.1f}" '
        f'fill="{colour}"/>'
    )


def trend_svg(trend: Trend, *, title_id: str = "trend-title", desc_id: str = "trend-desc") -> str:
    """The chart as an SVG string (every text escaped)."""
    n = len(trend.assessments)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_at(i: int) -> float:
        return LEFT + (plot_w / 2 if n <= 1 else plot_w * i / (n - 1))

    def y_at(score: float) -> float:
        return TOP + plot_h * (4 - score) / 3

    summary = "; ".join(
        f"{f.label}: "
        + ", ".join(
            f"{a.title} {s:.1f}" if s is not None else f"{a.title} not scored"
            for a, s in zip(trend.assessments, f.scores, strict=True)
        )
        for f in trend.factors
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="fp-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">Score for each of the three factors across assessments '
        "(1 not in place to 4 embedded)</title>",
        f'<desc id="{desc_id}">{escape(summary or "No assessments yet.")}</desc>',
    ]
    for score in (1, 2, 3, 4):
        y = y_at(score)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" '
            'stroke="#b1b4b6" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 10}" y="{y + 5:.1f}" text-anchor="end" font-size="14" '
            f'fill="#0b0c0c">{score}</text>'
        )
    for i, a in enumerate(trend.assessments):
        parts.append(
            f'<text x="{x_at(i):.1f}" y="{HEIGHT - BOTTOM + 24}" text-anchor="middle" '
            f'font-size="14" fill="#0b0c0c">{escape(a.title)}</text>'
        )
    for f, (colour, dash, shape) in zip(trend.factors, STYLES, strict=False):
        points = [(x_at(i), y_at(s)) for i, s in enumerate(f.scores) if s is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" '
                f'stroke-width="3"{dash_attr}/>'
            )
        parts.extend(_marker(shape, x, y, colour) for x, y in points)
        if points:
            x, y = points[-1]
            parts.append(
                f'<text x="{x + 12:.1f}" y="{y + 5:.1f}" font-size="14" fill="{colour}">'
                f"{escape(SHORT.get(f.factor, f.label))}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)
