"""Small self-contained SVG charts for the studio dashboard (pure: strings in, a string out).

:func:`line_chart` draws a series over time (a line with a shaded area, a dot per point),
:func:`bar_chart` labelled horizontal bars. Each chart is one ``<svg>`` element to inline in a
page: no script, no external style, ``role="img"`` with an ``aria-label`` that says what it
shows, axes with tick labels, and a ``<title>`` on every point and bar (the browser shows it
as a tooltip). Labels are XML-escaped. An empty series gives a chart saying "no data yet".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape

NO_DATA = "no data yet"
Formatter = Callable[[float], str]

_FAMILY = 'font-family="system-ui, sans-serif"'
_FONT = f'{_FAMILY} font-size="11"'
_LINE_COLOUR = "#2563eb"
_AREA_COLOUR = "#93c5fd"
_BAR_COLOUR = "#0f766e"
_AXIS_COLOUR = "#6b7280"
_GRID_COLOUR = "#e5e7eb"


def number(value: float) -> str:
    """A compact figure: 1234 -> 1.2k, 0.00012 -> 0.00012, 3.0 -> 3."""
    magnitude = abs(value)
    if magnitude >= 1_000_000:
        return f"{value / 1_000_000:.3g}M"
    if magnitude >= 10_000:
        return f"{value / 1000:.3g}k"
    if magnitude >= 1 or value == 0:
        return f"{value:.4g}"
    return f"{value:.2g}"


def usd(value: float) -> str:
    return f"${number(value)}"


def percent(value: float) -> str:
    """A ratio (0..1) as a percentage."""
    return f"{value * 100:.3g}%"


def nice_ticks(high: float, *, count: int = 4) -> list[float]:
    """Round tick values from 0 to at least ``high`` (0, 25, 50, ...); ``[0, 1]`` when high <= 0."""
    if high <= 0 or math.isnan(high) or math.isinf(high):
        return [0.0, 1.0]
    raw = high / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks = [0.0]
    while ticks[-1] < high - 1e-12 * high:
        ticks.append(round(ticks[-1] + step, 12))
    return ticks


def _open(title: str, summary: str, width: int, height: int) -> list[str]:
    label = escape(f"{title}: {summary}")
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<text x="8" y="16" {_FAMILY} font-size="13" font-weight="600" fill="#111827">'
        f"{escape(title)}</text>",
    ]


def _empty(title: str, width: int, height: int) -> str:
    parts = _open(title, NO_DATA, width, height)
    parts.append(
        f'<text x="{width / 2:.1f}" y="{height / 2 + 8:.1f}" text-anchor="middle" {_FAMILY} '
        f'font-size="13" fill="{_AXIS_COLOUR}" class="no-data">{NO_DATA}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _time_label(at: datetime, *, by_day: bool) -> str:
    return at.strftime("%m-%d") if by_day else at.strftime("%m-%d %H:00")


def line_chart(
    title: str,
    points: Sequence[tuple[datetime, float]],
    *,
    fmt: Formatter = number,
    width: int = 640,
    height: int = 220,
    area: bool = True,
) -> str:
    """A series over time; ``points`` in time order, one per hour or per day."""
    if not points:
        return _empty(title, width, height)
    left, right, top, bottom = 56, 16, 34, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, v in points]
    ticks = nice_ticks(max(values))
    high = ticks[-1]
    by_day = all(at.hour == 0 for at, _ in points)
    first, last = points[0][0], points[-1][0]
    span = (last - first).total_seconds()

    def x_of(at: datetime) -> float:
        if span <= 0:
            return left + plot_w / 2
        return left + (at - first).total_seconds() / span * plot_w

    def y_of(value: float) -> float:
        return top + plot_h - max(0.0, value) / high * plot_h

    total = sum(values)
    summary = (
        f"{len(points)} points from {_time_label(first, by_day=by_day)} to "
        f"{_time_label(last, by_day=by_day)}, total {fmt(total)}, peak {fmt(max(values))}"
    )
    parts = _open(title, summary, width, height)
    parts.append('<g class="y-axis">')
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            f'stroke="{_GRID_COLOUR}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {_FONT} '
            f'fill="{_AXIS_COLOUR}">{escape(fmt(tick))}</text>'
        )
    parts.append("</g>")
    parts.append('<g class="x-axis">')
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="{_AXIS_COLOUR}"/>'
    )
    # at most 5 labels, evenly spaced, the last point always labelled
    step = max(1, math.ceil((len(points) - 1) / 4))
    shown = sorted({*range(0, len(points), step), len(points) - 1})
    if len(shown) > 1 and shown[-1] - shown[-2] < step:
        shown.pop(-2)  # the last two would touch
    for index in shown:
        at = points[index][0]
        x = x_of(at)
        anchor = (
            "middle"
            if 0 < index < len(points) - 1 or len(points) == 1
            else ("start" if index == 0 else "end")
        )
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="{anchor}" {_FONT} '
            f'fill="{_AXIS_COLOUR}">{escape(_time_label(at, by_day=by_day))}</text>'
        )
    parts.append("</g>")
    coords = [(x_of(at), y_of(v)) for at, v in points]
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        if area:
            base = top + plot_h
            parts.append(
                f'<polygon class="area" points="{coords[0][0]:.1f},{base} {path} '
                f'{coords[-1][0]:.1f},{base}" fill="{_AREA_COLOUR}" fill-opacity="0.35"/>'
            )
        parts.append(
            f'<polyline class="line" points="{path}" fill="none" stroke="{_LINE_COLOUR}" '
            f'stroke-width="2"/>'
        )
    parts.append('<g class="points">')
    radius = 3 if len(points) <= 60 else 2
    for (at, value), (x, y) in zip(points, coords, strict=True):
        tip = escape(f"{_time_label(at, by_day=by_day)}: {fmt(value)}")
        parts.append(
            f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{_LINE_COLOUR}">'
            f"<title>{tip}</title></circle>"
        )
    parts.append("</g></svg>")
    return "".join(parts)


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, float]],
    *,
    fmt: Formatter = number,
    width: int = 640,
    bar_height: int = 18,
    label_width: int = 160,
) -> str:
    """Labelled horizontal bars in the given order (e.g. quality issues by code)."""
    if not bars:
        return _empty(title, width, 120)
    top, gap, bottom, right = 30, 6, 24, 48
    height = top + len(bars) * (bar_height + gap) + bottom
    plot_w = width - label_width - right
    ticks = nice_ticks(max(v for _, v in bars))
    high = ticks[-1]
    summary = ", ".join(f"{label} {fmt(value)}" for label, value in bars)
    parts = _open(title, summary, width, height)
    axis_y = top + len(bars) * (bar_height + gap)
    parts.append('<g class="x-axis">')
    for tick in ticks:
        x = label_width + tick / high * plot_w
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{axis_y}" stroke="{_GRID_COLOUR}"/>'
            f'<text x="{x:.1f}" y="{axis_y + 14}" text-anchor="middle" {_FONT} '
            f'fill="{_AXIS_COLOUR}">{escape(fmt(tick))}</text>'
        )
    parts.append("</g>")
    parts.append('<g class="bars">')
    for index, (label, value) in enumerate(bars):
        y = top + index * (bar_height + gap)
        bar_w = max(0.0, value) / high * plot_w
        shown = label if len(label) <= 24 else label[:23] + "…"
        parts.append(
            f'<g class="bar"><title>{escape(f"{label}: {fmt(value)}")}</title>'
            f'<text x="{label_width - 6}" y="{y + bar_height - 5}" text-anchor="end" {_FONT} '
            f'fill="#111827">{escape(shown)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{bar_w:.1f}" height="{bar_height}" '
            f'fill="{_BAR_COLOUR}"/>'
            f'<text x="{label_width + bar_w + 4:.1f}" y="{y + bar_height - 5}" {_FONT} '
            f'fill="#111827">{escape(fmt(value))}</text></g>'
        )
    parts.append("</g></svg>")
    return "".join(parts)
