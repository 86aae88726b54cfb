"""Charts drawn on the server as SVG, with no JavaScript and nothing from the internet.

Every chart is a ``Chart``: the SVG (role="img", with a <title> and a <desc> it is labelled by)
and the same numbers as a table, which the page prints right under it, so the chart reads without
images and with a screen reader. Every label is escaped here: unit names come from the office's
data and a unit named ``<script>`` must stay text. Series differ by dash pattern and marker as well
as colour, so the charts also read in black and white.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
FONT = 'font-family="sans-serif" font-size="12"'
COLOURS = ("#1f5fa8", "#c0392b", "#2e7d32", "#8e44ad", "#b7791f")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4")
MARKERS = ("circle", "square", "diamond", "circle", "square")
AXIS = "#555"
GRID = "#ddd"


@dataclass(frozen=True)
class Chart:
    """An SVG chart and its numbers as a table (``columns`` heads, ``rows`` of cells)."""

    chart_id: str
    title: str
    svg: SafeString
    columns: list[str]
    rows: list[list[str]]


def _num(value: float) -> str:
    """A number as printed on a chart: integers plainly, others to one decimal."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _cell(value: float | None, unit: str) -> str:
    """A table cell: the number with its unit, or — for none."""
    return "—" if value is None else _num(value) + unit


def _nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ not below ``value`` (at least 1): the axis top."""
    if value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop ends at 10 × power


def _marker(kind: str, x: float, y: float, colour: str, label: str) -> str:
    title = f"<title>{escape(label)}</title>"
    if kind == "square":
        return (
            f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}">'
            f"{title}</rect>"
        )
    if kind == "diamond":
        points = f"{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y:.1f} {x:.1f},{y + 4.5:.1f} {x - 4.5:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}">{title}</polygon>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">{title}</circle>'


def _open_svg(chart_id: str, title: str, desc: str, height: float) -> str:
    cid = escape(chart_id)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" height="{height:.0f}" '
        f'preserveAspectRatio="xMinYMin meet" aria-labelledby="{cid}-title {cid}-desc" '
        f'aria-label="{escape(title)}">'
        f'<title id="{cid}-title">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{escape(desc)}</desc>'
    )


def line_chart(
    *,
    chart_id: str,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    unit: str = "",
    max_value: float | None = None,
) -> Chart:
    """A line per series over ``x_labels`` (None values are left out: months still to come)."""
    left, right, top, bottom = 56, 16, 16, 36
    legend_rows = math.ceil(len(series) / 3)
    plot_h = 200
    height = top + plot_h + bottom + legend_rows * 20
    values = [v for _name, vs in series for v in vs if v is not None]
    ceiling = max_value if max_value is not None else _nice_ceiling(max(values, default=0))
    plot_w = WIDTH - left - right
    step = plot_w / max(len(x_labels) - 1, 1)

    def y_of(value: float) -> float:
        return top + plot_h - (value / ceiling) * plot_h if ceiling else top + plot_h

    desc = "；".join(
        f"{name}："
        + "，".join(
            f"{x}{_num(v)}{unit}" for x, v in zip(x_labels, vs, strict=False) if v is not None
        )
        for name, vs in series
    )
    parts = [_open_svg(chart_id, title, desc, height), f"<g {FONT}>"]
    for tick in range(5):
        value = ceiling * tick / 4
        y = y_of(value)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{AXIS}">'
            f"{escape(_num(value))}{escape(unit)}</text>"
        )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{WIDTH - right}" y2="{top + plot_h}" '
        f'stroke="{AXIS}"/>'
    )
    for n, label in enumerate(x_labels):
        x = left + n * step
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 18}" text-anchor="middle" fill="{AXIS}">'
            f"{escape(label)}</text>"
        )
    for index, (name, vs) in enumerate(series):
        colour, dash = COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)]
        marker = MARKERS[index % len(MARKERS)]
        points = [
            (left + n * step, y_of(v), x_labels[n], v)
            for n, v in enumerate(vs)
            if v is not None and n < len(x_labels)
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _label, _v in points)
            dashed = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"'
                f"{dashed}/>"
            )
        for x, y, label, v in points:
            parts.append(_marker(marker, x, y, colour, f"{name} {label}：{_num(v)}{unit}"))
        row, col = divmod(index, 3)
        lx, ly = left + col * 190, top + plot_h + bottom + row * 20 + 4
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{lx}" y1="{ly}" x2="{lx + 28}" y2="{ly}" stroke="{colour}" '
            f'stroke-width="2"{dashed}/>'
            + _marker(marker, lx + 14, ly, colour, name)
            + f'<text x="{lx + 34}" y="{ly + 4}">{escape(name)}</text>'
        )
    parts.append("</g></svg>")
    columns = ["", *(name for name, _vs in series)]
    rows = [
        [label, *(_cell(vs[n] if n < len(vs) else None, unit) for _name, vs in series)]
        for n, label in enumerate(x_labels)
    ]
    return Chart(chart_id, title, mark_safe("".join(parts)), columns, rows)  # noqa: S308 - every text above is escaped


def bar_chart(
    *,
    chart_id: str,
    title: str,
    items: Sequence[tuple[str, float]],
    value_label: str,
    unit: str = "",
    max_value: float | None = None,
    extra_columns: Sequence[str] = (),
    extra_cells: Sequence[Sequence[str]] = (),
) -> Chart:
    """Horizontal bars, one per (label, value), in the order given. ``extra_columns`` and
    ``extra_cells`` (one list per item) add facts to the table only (rank, counts)."""
    left, right, top, bar_h, gap = 150, 56, 8, 16, 6
    height = top * 2 + max(len(items), 1) * (bar_h + gap)
    ceiling = (
        max_value
        if max_value is not None
        else _nice_ceiling(max((v for _l, v in items), default=0))
    )
    plot_w = WIDTH - left - right
    desc = "，".join(f"{label}{_num(value)}{unit}" for label, value in items) or "无数据"
    parts = [_open_svg(chart_id, title, desc, height), f"<g {FONT}>"]
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - top}" stroke="{AXIS}"/>')
    for n, (label, value) in enumerate(items):
        y = top + n * (bar_h + gap)
        width = max(plot_w * value / ceiling, 0) if ceiling else 0
        shown = label if len(label) <= 11 else label[:10] + "…"
        parts.append(
            f'<text x="{left - 6}" y="{y + bar_h - 4}" text-anchor="end">{escape(shown)}'
            f"<title>{escape(label)}</title></text>"
            f'<rect x="{left}" y="{y}" width="{width:.1f}" height="{bar_h}" fill="{COLOURS[0]}">'
            f"<title>{escape(label)}：{escape(_num(value))}{escape(unit)}</title></rect>"
            f'<text x="{left + width + 4:.1f}" y="{y + bar_h - 4}">'
            f"{escape(_num(value))}{escape(unit)}</text>"
        )
    if not items:
        parts.append(f'<text x="{left + 8}" y="{top + bar_h}" fill="{AXIS}">无数据</text>')
    parts.append("</g></svg>")
    columns = ["", *extra_columns, value_label]
    rows = [
        [label, *(extra_cells[n] if n < len(extra_cells) else []), _num(value) + unit]
        for n, (label, value) in enumerate(items)
    ]
    return Chart(chart_id, title, mark_safe("".join(parts)), columns, rows)  # noqa: S308 - every text above is escaped
