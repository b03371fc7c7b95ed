"""SVG charts: valid XML, labelled for screen readers, scaled right, and labels escaped."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from hypothesis import given
from hypothesis import strategies as st

from allocations.exports.charts import (
    bar_chart,
    grouped_bar_chart,
    line_chart,
    nice_axis,
    nice_ceiling,
    scatter_chart,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart):
    root = ET.fromstring(  # noqa: S314 - our own markup
        str(chart.svg)
    )
    assert root.tag == f"{SVG}svg"
    return root


def assert_labelled(root, chart):
    assert root.get("role") == "img"
    assert root.get("id") == chart.id
    assert root.get("aria-labelledby") == f"{chart.id}-title"
    assert root.get("aria-describedby") == f"{chart.id}-desc"
    assert root.get("aria-details") == chart.table_id
    assert root.find(f"{SVG}title").text == chart.title
    assert root.find(f"{SVG}desc").text == chart.description


def bar_widths(root):
    return {
        rect.find(f"{SVG}title").text.split(",")[0]: float(rect.get("width"))
        for rect in root.iter(f"{SVG}rect")
        if rect.get("class") == "nplv-chart__bar"
    }


def test_bar_chart_is_labelled_and_scaled_to_its_values():
    chart = bar_chart(
        chart_id="per-netwerk",
        title="Toegekend per netwerk",
        description="Het bedrag dat elk netwerk kreeg.",
        bars=[("NPLV", Decimal("300000")), ("M50", Decimal("150000")), ("Overig", Decimal("0"))],
        value_header="Toegekend",
        label_header="Netwerk",
    )
    root = parse(chart)
    assert_labelled(root, chart)
    widths = bar_widths(root)
    assert widths["NPLV"] == pytest.approx(2 * widths["M50"])
    assert widths["Overig"] == 0
    # The axis ends at the largest value when that is round: the longest bar spans the whole plot.
    assert widths["NPLV"] == pytest.approx(640 - 170 - 90)
    assert chart.table.headers == ["Netwerk", "Toegekend"]
    assert chart.table.rows[0] == ["NPLV", "300000"]


def test_labels_and_titles_are_escaped():
    chart = bar_chart(
        chart_id="x",
        title='Budget <script>alert("x")</script> & meer',
        description="a < b",
        bars=[('<img src=x onerror="y">', 5)],
        value_header="Waarde",
    )
    text = str(chart.svg)
    assert "<script>" not in text and "<img" not in text
    root = parse(chart)
    assert root.find(f"{SVG}title").text == 'Budget <script>alert("x")</script> & meer'
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert '<img src=x onerror="y">' in labels


def test_chart_ids_are_made_safe():
    chart = bar_chart(chart_id='1 "quoted" id', title="t", description="d", bars=[("a", 1)], value_header="v")
    assert chart.id == "chart-1-quoted-id"
    assert parse(chart).get("id") == chart.id


def test_grouped_bars_keep_series_in_proportion():
    chart = grouped_bar_chart(
        chart_id="per-provincie",
        title="Aangevraagd en toegekend per provincie",
        description="Per provincie het aangevraagde en het toegekende bedrag.",
        categories=["Utrecht", "Fryslân"],
        series=[("Aangevraagd", [400, 100]), ("Toegekend", [200, 100])],
    )
    root = parse(chart)
    assert_labelled(root, chart)
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "nplv-chart__bar"]
    assert [r.get("data-value") for r in bars] == ["400", "200", "100", "100"]
    widths = [float(r.get("width")) for r in bars]
    assert widths[0] == pytest.approx(2 * widths[1]) == pytest.approx(4 * widths[2])
    legend = [t.text for t in root.find(f"{SVG}g").iter(f"{SVG}text")]
    assert legend == ["Aangevraagd", "Toegekend"]
    assert chart.table.rows == [["Utrecht", "400", "200"], ["Fryslân", "100", "100"]]


def test_scatter_places_points_by_both_values():
    chart = scatter_chart(
        chart_id="punten-bedrag",
        title="Punten tegen toegekend bedrag",
        description="Elke stip is een aanvraag.",
        points=[("A", 50, 1000), ("B", 100, 0), ("C", 0, 2000)],
        x_header="Punten",
        y_header="Toegekend",
    )
    root = parse(chart)
    assert_labelled(root, chart)
    circles = {
        c.find(f"{SVG}title").text.split(":")[0]: (float(c.get("cx")), float(c.get("cy")))
        for c in root.iter(f"{SVG}circle")
    }
    left, top, plot_w, plot_h = 96, 16, 640 - 96 - 24, 360 - 16 - 48
    assert circles["A"] == pytest.approx((left + plot_w / 2, top + plot_h / 2))
    assert circles["B"] == pytest.approx((left + plot_w, top + plot_h))
    assert circles["C"] == pytest.approx((left, top))


def test_line_chart_draws_each_series_and_marks_missing_years():
    chart = line_chart(
        chart_id="armoede",
        title="Huishoudens onder de armoedegrens",
        description="NPLV-gemiddelde tegen Nederland.",
        series=[("NPLV", [(2018, 10.0), (2020, 20.0)]), ("Nederland", [(2018, 5.0), (2019, 5.0), (2020, 5.0)])],
        x_header="Jaar",
        format_value=lambda v: f"{v:g}%",
    )
    root = parse(chart)
    assert_labelled(root, chart)
    paths = list(root.iter(f"{SVG}path"))
    assert len(paths) == 2
    assert paths[1].get("stroke-dasharray")  # the second series is dashed, for grey prints
    # NPLV doubles from 2018 to 2020: its height above the axis doubles.
    bottom = 30 + (190 - 30 - 26)
    first, last = (float(p.split(",")[1]) for p in paths[0].get("d")[1:].split(" L"))
    assert bottom - last == pytest.approx(2 * (bottom - first))
    assert chart.table.rows == [["2018", "10%", "5%"], ["2019", "–", "5%"], ["2020", "20%", "5%"]]


def test_include_renders_the_chart_beside_its_table():
    chart = bar_chart(chart_id="demo", title="Titel", description="Uitleg", bars=[("a & b", 3)], value_header="N")
    html = render_to_string("allocations/exports/_chart.html", {"chart": chart})
    assert 'id="demo-table"' in html
    assert 'aria-details="demo-table"' in html
    assert '<th scope="row" class="utrecht-table__cell">a &amp; b</th>' in html
    assert html.count("<svg") == 1


def test_nice_ceiling():
    assert [nice_ceiling(v) for v in (0, 0.7, 1, 3, 7, 12, 240, 1_234_567)] == [1.0, 1.0, 1, 5, 10, 20, 250, 2_000_000]


def test_axis_ticks_can_have_their_own_format():
    chart = bar_chart(
        chart_id="ticks",
        title="t",
        description="d",
        bars=[("a", Decimal("1234.56"))],
        value_header="v",
        format_value=lambda v: f"{v:.2f}",
        format_tick=lambda v: f"{v:.0f}",
    )
    texts = [t.text for t in parse(chart).iter(f"{SVG}text")]
    assert "1234.56" in texts  # the bar's own label
    assert [t for t in texts if t not in ("a", "1234.56")] == ["0", "250", "500", "750", "1000", "1250"]


def test_points_axis_fits_the_scores_instead_of_doubling_them():
    """Scores of 58–101 read on an axis of 50–110, not 0–200 (issue 18)."""
    chart = scatter_chart(
        chart_id="punten-bedrag",
        title="Punten tegen toegekend bedrag",
        description="Elke stip is een aanvraag.",
        points=[("A", Decimal("58.0"), 100), ("B", Decimal("101.0"), 300), ("C", Decimal("77.5"), 200)],
        x_header="Punten",
        y_header="Toegekend",
        format_x=lambda v: f"{v:g}",
    )
    root = parse(chart)
    left, plot_w, plot_h = 96, 640 - 96 - 24, 360 - 16 - 48
    x_ticks = [
        t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "middle" and float(t.get("y")) > 16 + plot_h
    ]
    assert x_ticks[:7] == ["50", "60", "70", "80", "90", "100", "110"]
    assert "200" not in x_ticks
    circles = {c.find(f"{SVG}title").text.split(":")[0]: float(c.get("cx")) for c in root.iter(f"{SVG}circle")}
    assert circles["A"] == pytest.approx(left + 8 / 60 * plot_w, abs=0.01)
    assert circles["B"] == pytest.approx(left + 51 / 60 * plot_w, abs=0.01)


finite = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@given(st.lists(finite, min_size=1, max_size=30), st.booleans())
def test_axis_holds_every_value_and_ends_within_a_step_of_the_largest(values, from_zero):
    axis = nice_axis(values, from_zero=from_zero)
    low, high = float(min(values)), float(max(values))
    assert axis.low <= low and high <= axis.high
    assert axis.step > 0 and 2 <= len(axis.ticks) <= 11
    assert axis.ticks[0] == axis.low and axis.ticks[-1] == axis.high
    if high > 0:
        assert axis.high - high < axis.step  # not a doubled axis: at most one tick step above the largest
    if from_zero:
        assert axis.low <= 0 <= axis.high
    if low >= 0:
        assert axis.low >= 0  # no negative axis under money or scores
        # The lower bound is a step below the smallest value at most, or zero.
        assert axis.low == 0 or low - axis.low < axis.step


def test_axis_starts_at_zero_when_the_values_are_spread_that_far():
    assert (nice_axis([10, 101]).low, nice_axis([10, 101]).high) == (0, 125)
    assert (nice_axis([58, 101]).low, nice_axis([58, 101]).high, nice_axis([58, 101]).step) == (50, 110, 10)
    assert (nice_axis([]).low, nice_axis([]).high) == (0, 1)
    assert (nice_axis([0, 0]).low, nice_axis([0, 0]).high) == (0, 1)


def _charts():
    yield bar_chart(chart_id="b", title="t", description="d", bars=[("a", 5), ("b", 12)], value_header="v")
    yield grouped_bar_chart(
        chart_id="g", title="t", description="d", categories=["x", "y"], series=[("A", [1, 2]), ("B", [3, 4])]
    )
    yield scatter_chart(
        chart_id="s", title="t", description="d", points=[("a", 58, 10), ("b", 101, 20)], x_header="x", y_header="y"
    )
    yield line_chart(
        chart_id="l",
        title="t",
        description="d",
        series=[("NPLV-gebieden", [(2018, 10.0), (2020, 12.5)]), ("Nederland", [(2018, 5.0)])],
        x_header="Jaar",
    )


@pytest.mark.parametrize("chart", list(_charts()), ids=lambda c: c.id)
def test_chart_text_is_drawn_at_twelve_pixels(chart):
    """Text of 12 viewBox units, in an SVG as wide as its viewBox, reads at 12 px on the page (the chart CSS
    draws it at its own size); no label sets a smaller size of its own."""
    root = parse(chart)
    _x, _y, view_width, view_height = (float(n) for n in root.get("viewBox").split())
    assert (float(root.get("width")), float(root.get("height"))) == (view_width, view_height)
    assert float(root.get("font-size")) >= 12
    texts = list(root.iter(f"{SVG}text"))
    assert texts
    assert all(float(t.get("font-size", root.get("font-size"))) >= 12 for t in texts)
