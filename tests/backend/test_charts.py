"""The SVG charts: escaped, named for screen readers, mirrored right to left, labels that never overlap."""

import re
from itertools import pairwise
from xml.etree import ElementTree

import pytest
from django.utils.safestring import SafeString

from backend.charts import (
    CHAR_WIDTH,
    LABEL_GAP,
    Axis,
    Series,
    bar_chart,
    data_table,
    legend,
    line_chart,
    meter,
    nice_ticks,
    text_direction,
)

SVG = "{http://www.w3.org/2000/svg}"
HOURS = Axis(names=[f"{hour:02d}:00" for hour in range(6)], ticks={0: "00:00", 3: "03:00", 5: "05:00"})


def parse(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(markup)  # noqa: S314 - markup this process made


def polyline_xs(svg: ElementTree.Element) -> list[float]:
    line = svg.find(f"{SVG}polyline")
    assert line is not None
    return [float(point.split(",")[0]) for point in line.attrib["points"].split()]


def texts(svg: ElementTree.Element) -> list[ElementTree.Element]:
    return list(svg.iter(f"{SVG}text"))


def test_a_line_chart_is_an_image_named_by_its_title_and_description():
    markup = line_chart(
        title="Views", description="Most at 05:00", axis=HOURS, series=[Series("English", [1, 2, 3, 4, 5, 6])]
    )

    assert isinstance(markup, SafeString)
    svg = parse(markup)
    assert svg.attrib["role"] == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and title.text == "Views" and desc is not None and desc.text == "Most at 05:00"
    assert svg.attrib["aria-labelledby"] == f"{title.attrib['id']} {desc.attrib['id']}"
    # Each point says what it is when hovered or read.
    assert [point.text for point in svg.iter(f"{SVG}title")][1:3] == ["English, 00:00: 1", "English, 01:00: 2"]


def test_every_label_and_name_is_escaped():
    hostile = '<script>alert("x")</script>'
    axis = Axis(names=[hostile, "b"], ticks={0: hostile})
    markup = line_chart(title=hostile, description=hostile, axis=axis, series=[Series(hostile, [1, 2])])
    markup += bar_chart(title=hostile, description=hostile, axis=axis, series=[Series(hostile, [1, 2])])
    markup += legend([Series(hostile, [1], note=hostile)]) + data_table(
        caption=hostile, axis=axis, series=[Series(hostile, [1, 2])], value_format=str, header=hostile
    )

    assert "<script>" not in markup
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in markup


def test_left_to_right_time_runs_to_the_right_with_the_values_on_the_left():
    svg = parse(line_chart(title="t", description="d", axis=HOURS, series=[Series("s", [1, 2, 3, 4, 5, 6])]))

    xs = polyline_xs(svg)
    assert xs == sorted(xs)
    value_labels = [text for text in texts(svg) if text.text in {"0", "2", "4", "6"}]
    assert value_labels and all(float(text.attrib["x"]) < xs[0] for text in value_labels)


def test_right_to_left_the_chart_is_mirrored_time_runs_to_the_left_with_the_values_on_the_right():
    series = [Series("s", [1, 2, 3, 4, 5, 6])]
    ltr = parse(line_chart(title="t", description="d", axis=HOURS, series=series))
    rtl = parse(line_chart(title="t", description="d", axis=HOURS, series=series, rtl=True))

    width = float(rtl.attrib["width"])
    assert polyline_xs(rtl) == [round(width - x, 2) for x in polyline_xs(ltr)]
    assert polyline_xs(rtl) == sorted(polyline_xs(rtl), reverse=True)
    value_labels = [text for text in texts(rtl) if text.text in {"0", "2", "4", "6"}]
    assert value_labels and all(float(text.attrib["x"]) > polyline_xs(rtl)[0] for text in value_labels)
    # The value labels end at the plot's edge on the left of them (a left-to-right number, anchored at its start).
    assert {(text.attrib["direction"], text.attrib["text-anchor"]) for text in value_labels} == {("ltr", "start")}


def test_each_label_is_written_in_its_own_direction():
    axis = Axis(names=["a", "b"], ticks={0: "+5 خولەک", 1: "+15 min"})
    svg = parse(line_chart(title="t", description="d", axis=axis, series=[Series("s", [1, 2])], rtl=True))

    directions = {text.text: text.attrib["direction"] for text in texts(svg)}
    assert directions["+5 خولەک"] == "rtl" and directions["+15 min"] == "ltr"
    assert text_direction("12:00") == "ltr" and text_direction("کۆنتر") == "rtl" and text_direction("العربية") == "rtl"


@pytest.mark.parametrize("rtl", [False, True])
def test_tick_labels_that_would_overlap_are_left_out(rtl):
    names = [f"{hour % 24:02d}:00" for hour in range(48)]
    axis = Axis(names=names, ticks=dict(enumerate(names)))
    svg = parse(line_chart(title="t", description="d", axis=axis, series=[Series("s", [1] * 48)], width=400, rtl=rtl))

    ticks = [text for text in texts(svg) if text.attrib.get("class") == "chart-tick" and ":" in (text.text or "")]
    assert 2 < len(ticks) < 48
    centres = sorted(float(text.attrib["x"]) for text in ticks)
    width = len("00:00") * CHAR_WIDTH
    assert all(right - left >= width + LABEL_GAP for left, right in pairwise(centres))
    assert all(width / 2 <= centre <= 400 - width / 2 for centre in centres)  # none cut at the edges


def test_a_missing_value_leaves_a_gap_in_the_line():
    svg = parse(line_chart(title="t", description="d", axis=HOURS, series=[Series("s", [1, 2, None, 4, 5, 6])]))

    assert [len(line.attrib["points"].split()) for line in svg.iter(f"{SVG}polyline")] == [2, 3]


def test_stacked_bars_are_as_tall_as_their_values_with_the_total_above():
    axis = Axis(names=["Mon", "Tue"], ticks={0: "Mon", 1: "Tue"})
    svg = parse(
        bar_chart(title="t", description="d", axis=axis, series=[Series("android", [30, 10]), Series("ios", [10, 0])])
    )

    bars = list(svg.iter(f"{SVG}rect"))
    assert [bar.find(f"{SVG}title").text for bar in bars] == ["android, Mon: 30", "ios, Mon: 10", "android, Tue: 10"]
    heights = [float(bar.attrib["height"]) for bar in bars]
    assert heights[0] == pytest.approx(3 * heights[1], rel=0.01) == pytest.approx(3 * heights[2], rel=0.01)
    assert [text.text for text in texts(svg) if text.attrib.get("class") == "chart-total"] == ["40", "10"]


def test_a_colour_and_a_dash_for_each_series_in_the_legend():
    markup = legend([Series("English", [1], color=0, note="1,234"), Series("کوردی", [1], color=1)])

    assert markup.count("<li>") == 2
    assert re.search(r'stroke="#2a6fdb" stroke-width="3" stroke-dasharray="none"', markup)
    assert re.search(r'stroke="#d1495b" stroke-width="3" stroke-dasharray="7 4"', markup)
    assert '<span dir="auto">کوردی</span>' in markup and '<span class="chart-note">1,234</span>' in markup
    assert 'aria-hidden="true"' in markup
    assert legend([Series("iOS", [1])], bars=True).count("<rect") == 1


def test_a_meter_is_as_long_as_its_share_and_hidden_from_screen_readers():
    svg = parse(meter(value=25, maximum=100, width=160))

    rects = list(svg.iter(f"{SVG}rect"))
    assert [float(rect.attrib["width"]) for rect in rects] == [160, 40]
    assert svg.attrib["aria-hidden"] == "true"
    assert float(list(parse(meter(value=5, maximum=0)).iter(f"{SVG}rect"))[1].attrib["width"]) == 0


def test_the_data_table_has_a_row_per_category_and_a_column_per_series():
    table = data_table(
        caption="Views", axis=HOURS, series=[Series("en", [1, 2, 3, 4, 5, 6]), Series("ckb", [0] * 6)], value_format=str
    )

    root = parse(table)
    assert [th.text for th in root.iter("th")][:3] == [None, "en", "ckb"]
    assert len(root.findall("./tbody/tr")) == 6
    assert [td.text for td in root.findall("./tbody/tr")[1].iter("td")] == ["2", "0"]


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (241, [0, 100, 200, 300]),
        (6, [0, 2, 4, 6]),
        (0.23, [0, 0.1, 0.2, 0.3]),
        (1_000_000, [0, 250_000, 500_000, 750_000, 1_000_000]),
        (0, [0, 1]),
    ],
)
def test_the_value_axis_steps_are_round_numbers(maximum, ticks):
    assert nice_ticks(maximum) == pytest.approx(ticks)
