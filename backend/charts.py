"""Charts as server-side SVG: no JavaScript, no request to another host, readable right to left.

Each function returns safe markup to put in a template. Every label and name is escaped here;
numbers are formatted by the caller's ``value_format`` (in the page's language). A chart is an
``<svg role="img">`` named by its ``<title>`` and ``<desc>``; each point and bar carries its own
``<title>`` (a tooltip on hover, read by screen readers), and ``data_table`` gives the same figures as
a table for those who would rather read them.

Right to left (``rtl=True``): the chart is mirrored, so time runs from right to left and the value
axis stands on the right, as a Sorani or Arabic reader expects. Each label is written in its own
direction, found from its first strong character as ``dir="auto"`` does, so a Sorani label is never
reordered by an English chart's direction and numbers stay numbers. Axis labels that would overlap
are left out rather than drawn over each other.

Colours: ``PALETTE`` has at least 3:1 contrast against the admin's light (#fff) and dark (#121212)
backgrounds (WCAG 1.4.11 for graphics), and each series also has its own dash pattern, so lines are
told apart without colour. Text uses ``currentColor``, which follows the page's theme. Figures use
tabular numbers through the ``chart`` class in the page's style sheet (a Content-Security-Policy
without ``'unsafe-inline'`` allows no ``style`` attribute, in SVG either).
"""

import math
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import count

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

# Blue, red, green, purple, orange, teal, grey: each at least 3:1 on #fff and on #121212.
PALETTE = ("#2a6fdb", "#d1495b", "#2e8540", "#8e5cc4", "#c26d00", "#00838f", "#6b7280")
DASHES = ("", "7 4", "2 3", "9 3 2 3", "4 2", "12 4", "1 2")
FONT_SIZE = 12
# Width of one character at FONT_SIZE, on the generous side, to keep labels apart without a browser.
CHAR_WIDTH = 7.2
LABEL_GAP = 8
_ids = count(1)

ValueFormat = Callable[[float], str]


@dataclass(frozen=True)
class Series:
    """One line, or one layer of stacked bars. ``color`` indexes ``PALETTE`` (and ``DASHES``)."""

    name: str
    values: Sequence[float | None]
    color: int = 0
    # Shown after the name in the legend (a total, say), apart from it: a Sorani name and an English
    # number each keep their own direction.
    note: str = ""

    @property
    def stroke(self) -> str:
        return PALETTE[self.color % len(PALETTE)]

    @property
    def dash(self) -> str:
        return DASHES[self.color % len(DASHES)]


@dataclass(frozen=True)
class Axis:
    """The category axis: a name for every point (tooltips, the table) and the labels shown under it.

    ``ticks`` maps a point's index to its label; ``subticks`` to a second line under it (the date
    under midnight). Points without a tick get no label, and ticks that would collide are dropped.
    """

    names: Sequence[str]
    ticks: Mapping[int, str] = field(default_factory=dict)
    subticks: Mapping[int, str] = field(default_factory=dict)
    title: str = ""


def text_direction(text: str) -> str:
    """``rtl`` or ``ltr``: the direction of the first strong character (``dir="auto"``); ``ltr`` if none."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def label_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def nice_ticks(maximum: float, *, target: int = 4) -> list[float]:
    """0 and round steps (1, 2, 2.5 or 5 times a power of ten) up to at least ``maximum``."""
    if maximum <= 0 or not math.isfinite(maximum):
        return [0.0, 1.0]
    rough = maximum / target
    power = 10 ** math.floor(math.log10(rough))
    step = next(factor * power for factor in (1, 2, 2.5, 5, 10) if factor * power >= rough)
    steps = math.ceil(maximum / step - 1e-9)
    return [round(step * index, 10) for index in range(steps + 1)]


class _Frame:
    """Drawing coordinates: a plot area inside margins, mirrored left to right when ``rtl``."""

    def __init__(self, *, width: int, height: int, rtl: bool, left: float, right: float, top: float, bottom: float):
        self.width, self.height, self.rtl = width, height, rtl
        # In the logical frame the value axis is on the "start" side: left, or right when mirrored.
        self.start, self.end, self.top, self.bottom = left, width - right, top, height - bottom

    def x(self, logical: float) -> float:
        """A logical x (start side = small) on the drawing."""
        return round(self.width - logical if self.rtl else logical, 2)

    @property
    def plot_width(self) -> float:
        return self.end - self.start

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top

    def y(self, value: float, top_value: float) -> float:
        return round(self.bottom - (value / top_value) * self.plot_height if top_value else self.bottom, 2)


def _text(x: float, y: float, label: str, *, anchor: str, css: str = "", bold: bool = False) -> SafeString:
    """One label in its own direction; ``anchor`` is physical: ``left``, ``middle`` or ``right`` end at x."""
    direction = text_direction(label)
    if anchor == "middle":
        text_anchor = "middle"
    elif (anchor == "left") == (direction == "ltr"):
        text_anchor = "start"
    else:
        text_anchor = "end"
    return format_html(
        '<text x="{}" y="{}" text-anchor="{}" direction="{}" unicode-bidi="embed"{}{}>{}</text>',
        x,
        y,
        text_anchor,
        direction,
        format_html(' class="{}"', css) if css else "",
        mark_safe(' font-weight="600"') if bold else "",
        label,
    )


def _extent(x: float, label: str, anchor: str) -> tuple[float, float]:
    width = label_width(label)
    if anchor == "middle":
        return x - width / 2, x + width / 2
    return (x, x + width) if anchor == "left" else (x - width, x)


def _category_labels(frame: _Frame, axis: Axis, positions: Sequence[float]) -> list[SafeString]:
    """The ticks under the plot, left out where they would overlap the one before (in drawing order)."""
    drawn: list[SafeString] = []
    taken: list[tuple[float, float]] = []
    lines = ((axis.ticks, frame.bottom + FONT_SIZE + 6), (axis.subticks, frame.bottom + 2 * FONT_SIZE + 10))
    for labels, y in lines:
        taken.clear()
        for index in sorted(labels):
            label = labels[index]
            if not label or index >= len(positions):
                continue
            x = frame.x(positions[index])
            low, high = _extent(x, label, "middle")
            low, high = max(low, 0), min(high, frame.width)
            if any(low < other_high + LABEL_GAP and high > other_low - LABEL_GAP for other_low, other_high in taken):
                continue
            taken.append((low, high))
            shift = 0.0  # a label at the chart's edge is moved in, not cut
            if x - label_width(label) / 2 < 0:
                shift = label_width(label) / 2 - x
            elif x + label_width(label) / 2 > frame.width:
                shift = frame.width - x - label_width(label) / 2
            drawn.append(_text(round(x + shift, 2), y, label, anchor="middle", css="chart-tick"))
    return drawn


def _value_axis(frame: _Frame, ticks: Sequence[float], value_format: ValueFormat) -> list[SafeString]:
    """Grid lines at each tick and their values beside the plot, on the start side."""
    parts: list[SafeString] = []
    top_value = ticks[-1]
    label_x = frame.x(frame.start - 6)
    anchor = "left" if frame.rtl else "right"  # against the plot, whichever side it is on
    for value in ticks:
        y = frame.y(value, top_value)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" class="chart-grid" stroke="currentColor" stroke-opacity="{}"/>',
                frame.x(frame.start),
                frame.x(frame.end),
                y,
                y,
                "0.45" if value == 0 else "0.15",
            )
        )
        parts.append(_text(label_x, round(y + FONT_SIZE / 3, 2), value_format(value), anchor=anchor, css="chart-tick"))
    return parts


def _svg(*, frame: _Frame, title: str, description: str, body: Sequence[SafeString], css: str) -> SafeString:
    chart_id = f"chart-{next(_ids)}"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" viewBox="0 0 {w} {h}" width="{w}" height="{h}"'
        ' role="img" aria-labelledby="{id}-title {id}-desc" font-size="{size}" fill="currentColor">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        css=css,
        w=frame.width,
        h=frame.height,
        id=chart_id,
        size=FONT_SIZE,
        title=title,
        desc=description,
        body=mark_safe("".join(body)),  # noqa: S308 - each part was built by format_html
    )


def _start_margin(ticks: Sequence[float], value_format: ValueFormat) -> float:
    return max(label_width(value_format(value)) for value in ticks) + 14


def line_chart(
    *,
    title: str,
    description: str,
    axis: Axis,
    series: Sequence[Series],
    value_format: ValueFormat = lambda value: f"{value:g}",
    maximum: float | None = None,
    rtl: bool = False,
    width: int = 720,
    height: int = 250,
) -> SafeString:
    """Lines over evenly spaced categories (hours, or spans after a send), one per series.

    ``maximum``: the top of the value axis at least (1.0 for a share); else from the data. A ``None``
    value leaves a gap. Each point has a hover title: "series, point name: value".
    """
    values = [value for line in series for value in line.values if value is not None]
    ticks = nice_ticks(max([*values, maximum or 0.0]))
    bottom = 2 * FONT_SIZE + 16 if axis.subticks else FONT_SIZE + 16
    frame = _Frame(
        width=width, height=height, rtl=rtl, left=_start_margin(ticks, value_format), right=16, top=10, bottom=bottom
    )
    points = len(axis.names)
    step = frame.plot_width / max(points - 1, 1)
    positions = [frame.start + step * index for index in range(points)]
    body = [*_value_axis(frame, ticks, value_format), *_category_labels(frame, axis, positions)]
    for line in series:
        runs: list[list[tuple[float, float]]] = [[]]
        for position, value in zip(positions, line.values, strict=False):
            if value is None:
                runs.append([])
                continue
            runs[-1].append((frame.x(position), frame.y(value, ticks[-1])))
        for run in runs:
            if len(run) > 1:
                body.append(
                    format_html(
                        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.25" stroke-dasharray="{}"'
                        ' stroke-linejoin="round" class="chart-line chart-color-{}"/>',
                        " ".join(f"{x},{y}" for x, y in run),
                        line.stroke,
                        line.dash or "none",
                        line.color % len(PALETTE),
                    )
                )
        marker_radius = 3 if points <= 16 else 0
        for index, (position, value) in enumerate(zip(positions, line.values, strict=False)):
            if value is None:
                continue
            # A visible dot where the points are few; otherwise only a target for the hover title.
            body.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="{}" fill="{}" class="chart-point chart-color-{}"/>'
                    '<circle cx="{}" cy="{}" r="{}" fill="transparent"><title>{}</title></circle>',
                    frame.x(position),
                    frame.y(value, ticks[-1]),
                    marker_radius,
                    line.stroke,
                    line.color % len(PALETTE),
                    frame.x(position),
                    frame.y(value, ticks[-1]),
                    max(step / 2, 4),
                    f"{line.name}, {axis.names[index]}: {value_format(value)}",
                )
            )
    return _svg(frame=frame, title=title, description=description, body=body, css="chart--line")


def bar_chart(
    *,
    title: str,
    description: str,
    axis: Axis,
    series: Sequence[Series],
    value_format: ValueFormat = lambda value: f"{value:g}",
    rtl: bool = False,
    width: int = 720,
    height: int = 250,
) -> SafeString:
    """Stacked bars, one per category, a layer per series (the first at the bottom), each with its total above it
    when there is room for the number."""
    totals = [sum(line.values[index] or 0 for line in series) for index in range(len(axis.names))]
    ticks = nice_ticks(max(totals, default=0))
    bottom = 2 * FONT_SIZE + 16 if axis.subticks else FONT_SIZE + 16
    frame = _Frame(
        width=width, height=height, rtl=rtl, left=_start_margin(ticks, value_format), right=12, top=18, bottom=bottom
    )
    band = frame.plot_width / max(len(axis.names), 1)
    bar = band * 0.7
    positions = [frame.start + band * (index + 0.5) for index in range(len(axis.names))]
    body = [*_value_axis(frame, ticks, value_format), *_category_labels(frame, axis, positions)]
    for index, position in enumerate(positions):
        base = 0.0
        for line in series:
            value = line.values[index] or 0
            if value <= 0:
                continue
            top_y, base_y = frame.y(base + value, ticks[-1]), frame.y(base, ticks[-1])
            body.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" class="chart-bar chart-color-{}">'
                    "<title>{}</title></rect>",
                    round(frame.x(position) - bar / 2, 2),
                    top_y,
                    round(bar, 2),
                    round(base_y - top_y, 2),
                    line.stroke,
                    line.color % len(PALETTE),
                    f"{line.name}, {axis.names[index]}: {value_format(value)}",
                )
            )
            base += value
        label = value_format(totals[index])
        if totals[index] > 0 and label_width(label) <= band - 2:
            top_y = round(frame.y(base, ticks[-1]) - 4, 2)
            body.append(_text(frame.x(position), top_y, label, anchor="middle", css="chart-total"))
    return _svg(frame=frame, title=title, description=description, body=body, css="chart--bars")


def meter(*, value: float, maximum: float, color: int = 0, width: int = 160, height: int = 10) -> SafeString:
    """A single bar as long as ``value`` is of ``maximum``, for a table cell beside the number it shows.

    Hidden from screen readers (``aria-hidden``): the number is in the cell. It grows from the start
    side of the page (CSS mirrors it in right-to-left pages: the ``chart-meter`` class).
    """
    share = min(max(value / maximum, 0.0), 1.0) if maximum > 0 else 0.0
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart-meter" viewBox="0 0 {w} {h}" width="{w}" height="{h}"'
        ' aria-hidden="true" focusable="false"><rect width="{w}" height="{h}" rx="2" fill="currentColor"'
        ' fill-opacity="0.08"/><rect width="{fill}" height="{h}" rx="2" fill="{color}" class="chart-color-{index}"/>'
        "</svg>",
        w=width,
        h=height,
        fill=round(width * share, 2),
        color=PALETTE[color % len(PALETTE)],
        index=color % len(PALETTE),
    )


def legend(series: Sequence[Series], *, bars: bool = False) -> SafeString:
    """The series' names beside a sample of their colour and dash (a square for ``bars``), as an HTML list
    (it wraps and orders mixed directions like text). Hidden from screen readers: each chart names its series
    in its points' titles and its table."""
    if bars:
        sample = '<rect x="1" y="1" width="12" height="12" fill="{}" class="chart-bar chart-color-{}"/>'
        samples = [format_html(sample, line.stroke, line.color % len(PALETTE)) for line in series]
        box = "0 0 14 14", 14, 14
    else:
        sample = (
            '<line x1="1" x2="27" y1="5" y2="5" stroke="{}" stroke-width="3" stroke-dasharray="{}" class="chart-line"/>'
        )
        samples = [format_html(sample, line.stroke, line.dash or "none") for line in series]
        box = "0 0 28 10", 28, 10
    items = format_html_join(
        "",
        '<li><svg xmlns="http://www.w3.org/2000/svg" viewBox="{}" width="{}" height="{}" focusable="false">{}</svg>'
        ' <span dir="auto">{}</span>{}</li>',
        (
            (*box, shape, line.name, format_html(' <span class="chart-note">{}</span>', line.note) if line.note else "")
            for shape, line in zip(samples, series, strict=True)
        ),
    )
    return format_html('<ul class="chart-legend" aria-hidden="true">{}</ul>', items)


def data_table(
    *, caption: str, axis: Axis, series: Sequence[Series], value_format: ValueFormat, header: str = ""
) -> SafeString:
    """The chart's figures as a table: a row per category, a column per series."""
    head = format_html_join("", '<th scope="col" dir="auto">{}</th>', ((line.name,) for line in series))
    rows = format_html_join(
        "",
        '<tr><th scope="row">{}</th>{}</tr>',
        (
            (
                name,
                format_html_join(
                    "",
                    '<td class="chart-number">{}</td>',
                    (("" if line.values[index] is None else value_format(line.values[index] or 0),) for line in series),
                ),
            )
            for index, name in enumerate(axis.names)
        ),
    )
    return format_html(
        '<table class="chart-table"><caption>{}</caption><thead><tr><th scope="col">{}</th>{}</tr></thead>'
        "<tbody>{}</tbody></table>",
        caption,
        header or axis.title,
        head,
        rows,
    )


__all__ = [
    "PALETTE",
    "Axis",
    "Series",
    "bar_chart",
    "data_table",
    "legend",
    "line_chart",
    "meter",
    "nice_ticks",
    "text_direction",
]
