"""Server-rendered SVG charts: pure functions from numbers to markup, with the data table beside them.

No script, canvas or CDN: the SVG is in the page, prints as sharp as the text, and works without
JavaScript. Each chart is an image with a title and a description for screen readers, and carries the
same figures as a :class:`Table`, which the template include renders beside it as the accessible
fallback (and for anyone who would rather read numbers). A hover shows a point's value through SVG's own
``<title>`` tooltip, the one interactive touch, again without script. Series differ in colour *and* in
marker shape or dash pattern, so a grey print still tells them apart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

Number = int | float | Decimal
Formatter = Callable[[Number], str]

# Dark enough for 3:1 against white (WCAG 1.4.11) and distinct in colour and in grey.
PALETTE = ["#154273", "#ca005d", "#275937", "#8b4a00", "#5a2a82"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 2"]
MARKERS = ["circle", "square", "diamond", "triangle", "circle"]
TEXT = "#1a1a1a"
GRID = "#c8c8c8"
FONT = 'font-family="RijksoverheidSansWebText, Verdana, Arial, sans-serif"'
# Every text inherits this size. The SVG is as wide as its viewBox and the page draws it at that size
# (static/css/charts.css), so one unit is one CSS pixel and the text reads at 12 px.
FONT_SIZE = 12


@dataclass(frozen=True)
class Table:
    """The chart's figures as text, already formatted for the reader's language."""

    caption: str
    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool] = field(default_factory=list)

    @property
    def columns(self) -> list[tuple[str, bool]]:
        """Each header with whether its column holds numbers (right-aligned)."""
        return [(header, i < len(self.numeric) and self.numeric[i]) for i, header in enumerate(self.headers)]


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: SafeString
    table: Table

    @property
    def table_id(self) -> str:
        return f"{self.id}-table"


def _plain(value: Number) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def nice_ceiling(value: float) -> float:
    """The next round number at or above ``value`` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class Axis:
    """An axis from ``low`` to ``high`` in round steps: every value lies inside, and ``high`` is less than
    one step above the largest (scores of 58–101 read 50–110, not 0–200)."""

    low: float
    high: float
    step: float

    @property
    def span(self) -> float:
        return self.high - self.low

    @property
    def ticks(self) -> list[float]:
        count = round(self.span / self.step)
        return [_tidy(self.low + i * self.step) for i in range(count + 1)]

    def position(self, value: Number, length: float) -> float:
        """Where ``value`` falls along an axis drawn ``length`` units long."""
        return (float(value) - self.low) / self.span * length


def _tidy(value: float) -> float:
    """Drop the binary noise of repeated steps (0.30000000000000004), keeping integers exact."""
    return float(f"{value:.10g}")


def nice_axis(values: Sequence[Number], *, from_zero: bool = False, ticks: int = 5) -> Axis:
    """A round axis around ``values`` in about ``ticks`` steps.

    Bars always start at zero (``from_zero``), as their length is the value. Points and lines start at zero
    too when the smallest value is at most half the largest, and otherwise at the round number below the
    smallest, so that a narrow band of high scores fills the plot instead of its top half.
    """
    numbers = [float(v) for v in values]
    low, high = (min(numbers), max(numbers)) if numbers else (0.0, 0.0)
    if from_zero or (low >= 0 and low <= high / 2) or low == high:
        low = min(low, 0.0)
        high = max(high, 0.0)
    if high <= 0 and (from_zero or high >= low / 2):
        high = 0.0
    if low == high:
        return Axis(0.0, 1.0, 0.2)
    step = nice_ceiling((high - low) / ticks)
    # In decimals, so that 1.1 / 0.1 is 11 and not 11.000000000000002 (which would add a whole step).
    exact_step = Decimal(repr(step))
    bottom = (Decimal(repr(low)) / exact_step).to_integral_value(ROUND_FLOOR) * exact_step
    top = (Decimal(repr(high)) / exact_step).to_integral_value(ROUND_CEILING) * exact_step
    return Axis(float(bottom), float(top), step)


def _open(chart_id: str, title: str, description: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart_id}" class="nplv-chart__svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" '
        f'aria-details="{chart_id}-table" preserveAspectRatio="xMinYMin meet" {FONT} font-size="{FONT_SIZE}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def _chart(chart_id: str, title: str, description: str, parts: list[str], table: Table) -> Chart:
    parts.append("</svg>")
    return Chart(chart_id, title, description, mark_safe("".join(parts)), table)  # every piece escaped above


def _clean_id(chart_id: str) -> str:
    cleaned = slugify(chart_id)
    if not cleaned:
        raise ValueError("A chart needs an id of letters, digits or dashes.")
    return cleaned if cleaned[0].isalpha() else f"chart-{cleaned}"


def _marker(shape: str, x: float, y: float, colour: str, size: float = 4.0) -> str:
    if shape == "square":
        side = 2 * size
        return f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{side:.1f}" height="{side:.1f}" fill="{colour}"'
    if shape == "diamond":
        s = size * 1.3
        points = f"{x:.1f},{y - s:.1f} {x + s:.1f},{y:.1f} {x:.1f},{y + s:.1f} {x - s:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}"'
    if shape == "triangle":
        s = size * 1.3
        points = f"{x:.1f},{y - s:.1f} {x + s:.1f},{y + s:.1f} {x - s:.1f},{y + s:.1f}"
        return f'<polygon points="{points}" fill="{colour}"'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" fill="{colour}"'


def _legend(names: Sequence[str], x: float, y: float, *, lines: bool = False) -> list[str]:
    parts = ['<g class="nplv-chart__legend">']
    for i, name in enumerate(names):
        colour, dash = PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)]
        if lines:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 18:.1f}" y2="{y - 4:.1f}" '
                f'stroke="{colour}" stroke-width="2"{dash_attr}/>'
            )
        parts.append(_marker(MARKERS[i % len(MARKERS)], x + 9, y - 4, colour) + "/>")
        parts.append(f'<text x="{x + 24:.1f}" y="{y:.1f}" fill="{TEXT}">{escape(name)}</text>')
        x += 34 + 8 * len(name)  # room for a 12-unit Verdana glyph
    parts.append("</g>")
    return parts


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[tuple[str, Number]],
    value_header: str,
    label_header: str = "",
    format_value: Formatter = _plain,
    format_tick: Formatter | None = None,
    width: int = 640,
) -> Chart:
    """Horizontal bars, one per label: long Dutch labels stay readable and the page can be narrow."""
    return grouped_bar_chart(
        chart_id=chart_id,
        title=title,
        description=description,
        categories=[label for label, _ in bars],
        series=[(value_header, [value for _, value in bars])],
        label_header=label_header,
        format_value=format_value,
        format_tick=format_tick,
        width=width,
        legend=False,
    )


def grouped_bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    label_header: str = "",
    format_value: Formatter = _plain,
    format_tick: Formatter | None = None,
    width: int = 640,
    legend: bool = True,
) -> Chart:
    """Horizontal bars grouped per category, one bar per series (say, requested beside awarded)."""
    chart_id = _clean_id(chart_id)
    label_width, right, top = 170, 90, 34 if legend else 12
    bar, gap = 16, 12
    group = bar * len(series) + gap
    plot_width = width - label_width - right
    height = top + group * max(len(categories), 1) + 28
    axis = nice_axis([v for _, row in series for v in row], from_zero=True)
    parts = _open(chart_id, title, description, width, height)
    if legend:
        parts += _legend([name for name, _ in series], label_width, 18)
    plot_bottom = top + group * max(len(categories), 1)
    for tick in axis.ticks:
        x = label_width + axis.position(tick, plot_width)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{plot_bottom}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{plot_bottom + 16}" text-anchor="middle" fill="{TEXT}">'
            f"{escape((format_tick or format_value)(tick))}</text>"
        )
    for c, label in enumerate(categories):
        y0 = top + c * group
        parts.append(
            f'<text x="{label_width - 8}" y="{y0 + group / 2:.1f}" text-anchor="end" '
            f'dominant-baseline="middle" fill="{TEXT}">{escape(_shorten(label))}</text>'
        )
        for s, (name, row) in enumerate(series):
            value = float(row[c])
            bar_width = axis.position(max(value, 0.0), plot_width)
            y = y0 + s * bar
            colour = PALETTE[s % len(PALETTE)]
            parts.append(
                f'<rect class="nplv-chart__bar" x="{label_width}" y="{y:.1f}" width="{bar_width:.2f}" '
                f'height="{bar - 3}" fill="{colour}" data-value="{escape(_plain(row[c]))}">'
                f"<title>{escape(label)}, {escape(name)}: {escape(format_value(row[c]))}</title></rect>"
            )
            parts.append(
                f'<text x="{label_width + bar_width + 4:.1f}" y="{y + (bar - 3) / 2:.1f}" '
                f'dominant-baseline="middle" fill="{TEXT}">{escape(format_value(row[c]))}</text>'
            )
    table = Table(
        caption=title,
        headers=[label_header, *[name for name, _ in series]],
        rows=[[label, *[format_value(row[c]) for _, row in series]] for c, label in enumerate(categories)],
        numeric=[False, *[True] * len(series)],
    )
    return _chart(chart_id, title, description, parts, table)


def scatter_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    points: Sequence[tuple[str, Number, Number]],
    x_header: str,
    y_header: str,
    label_header: str = "",
    format_x: Formatter = _plain,
    format_y: Formatter = _plain,
    format_y_tick: Formatter | None = None,
    width: int = 640,
    height: int = 360,
) -> Chart:
    """Points against a second quantity (say, priority points against the amount awarded)."""
    chart_id = _clean_id(chart_id)
    left, right, top, bottom = 96, 24, 16, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    x_axis = nice_axis([x for _, x, _ in points])
    y_axis = nice_axis([y for _, _, y in points], from_zero=True)
    parts = _open(chart_id, title, description, width, height)
    parts += _axes(left, top, plot_w, plot_h, x_axis, y_axis, format_x, format_y_tick or format_y)
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle" fill="{TEXT}">'
        f"{escape(x_header)}</text>"
    )
    parts.append(
        f'<text x="14" y="{top + plot_h / 2:.1f}" text-anchor="middle" fill="{TEXT}" '
        f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">{escape(y_header)}</text>'
    )
    for label, x, y in points:
        cx = left + x_axis.position(x, plot_w)
        cy = top + plot_h - y_axis.position(y, plot_h)
        parts.append(
            f'<circle class="nplv-chart__point" cx="{cx:.2f}" cy="{cy:.2f}" r="5" fill="{PALETTE[0]}" '
            f'fill-opacity="0.75" stroke="#fff" stroke-width="1">'
            f"<title>{escape(label)}: {escape(format_x(x))}, {escape(format_y(y))}</title></circle>"
        )
    table = Table(
        caption=title,
        headers=[label_header, x_header, y_header],
        rows=[[label, format_x(x), format_y(y)] for label, x, y in points],
        numeric=[False, True, True],
    )
    return _chart(chart_id, title, description, parts, table)


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    series: Sequence[tuple[str, Sequence[tuple[int, Number]]]],
    x_header: str,
    format_value: Formatter = _plain,
    format_tick: Formatter | None = None,
    width: int = 320,
    height: int = 190,
) -> Chart:
    """A small line chart over years, one line per series through the years that have a figure.

    ``format_tick`` formats the axis labels, which are round numbers and need fewer decimals.
    """
    chart_id = _clean_id(chart_id)
    left, right, top, bottom = 56, 12, 30, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    xs = sorted({x for _, pts in series for x, _ in pts})
    x_min, x_max = (xs[0], xs[-1]) if xs else (0, 1)
    span = max(x_max - x_min, 1)
    y_axis = nice_axis([y for _, pts in series for _, y in pts], from_zero=True)
    parts = _open(chart_id, title, description, width, height)
    parts += _legend([name for name, _ in series], left, 14, lines=True)
    parts += _axes(left, top, plot_w, plot_h, None, y_axis, None, format_tick or format_value)
    for x in xs:
        px = left + (x - x_min) / span * plot_w
        parts.append(f'<text x="{px:.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="{TEXT}">{x}</text>')
    for s, (name, pts) in enumerate(series):
        colour, dash = PALETTE[s % len(PALETTE)], DASHES[s % len(DASHES)]
        coords = [
            (left + (x - x_min) / span * plot_w, top + plot_h - y_axis.position(y, plot_h), x, y)
            for x, y in sorted(pts)
        ]
        path = " ".join(f"{'M' if i == 0 else 'L'}{cx:.2f},{cy:.2f}" for i, (cx, cy, _, _) in enumerate(coords))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        if coords:
            parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>')
        for cx, cy, x, y in coords:
            parts.append(
                _marker(MARKERS[s % len(MARKERS)], cx, cy, colour, 3.5)
                + f' class="nplv-chart__point"><title>{escape(name)} {x}: {escape(format_value(y))}</title>'
                + _closing(MARKERS[s % len(MARKERS)])
            )
    by_series = [dict(pts) for _, pts in series]
    table = Table(
        caption=title,
        headers=[x_header, *[name for name, _ in series]],
        rows=[[str(x), *[format_value(d[x]) if x in d else "–" for d in by_series]] for x in xs],
        numeric=[False, *[True] * len(series)],
    )
    return _chart(chart_id, title, description, parts, table)


def _closing(shape: str) -> str:
    return {"circle": "</circle>", "square": "</rect>"}.get(shape, "</polygon>")


def _axes(
    left: float,
    top: float,
    plot_w: float,
    plot_h: float,
    x_axis: Axis | None,
    y_axis: Axis,
    format_x: Formatter | None,
    format_y: Formatter,
) -> list[str]:
    parts = []
    for tick in y_axis.ticks:
        y = top + plot_h - y_axis.position(tick, plot_h)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y:.1f}" text-anchor="end" dominant-baseline="middle" fill="{TEXT}">'
            f"{escape(format_y(tick))}</text>"
        )
    if x_axis is not None and format_x is not None:
        for tick in x_axis.ticks:
            x = left + x_axis.position(tick, plot_w)
            parts.append(
                f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="{GRID}" stroke-width="1"/>'
            )
            parts.append(
                f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="{TEXT}">'
                f"{escape(format_x(tick))}</text>"
            )
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{TEXT}"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{TEXT}"/>')
    return parts


def _shorten(label: str, limit: int = 26) -> str:
    """Axis labels are cut to fit; the full label is in the tooltip and the table."""
    return label if len(label) <= limit else label[: limit - 1] + "…"
