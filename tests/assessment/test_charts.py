"""Server-drawn SVG charts: labelled for screen readers, every label escaped, the numbers also in
the chart's table."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from gongkai.assessment import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """Parse our own chart (well-formed XML or an error)."""
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


def test_a_unit_named_script_stays_text() -> None:
    chart = charts.bar_chart(
        chart_id="rank",
        title="排名 <b>",
        items=[("<script>alert(1)</script>", 12), ('县"民政"局&', 3)],
        value_label="发布数",
        unit="条",
    )
    assert "<script" not in chart.svg
    assert "&lt;script&gt;" in chart.svg
    root = parse(str(chart.svg))
    assert root.get("role") == "img"
    assert root.get("aria-label") == "排名 <b>"
    assert root.find(f"{SVG}title").text == "排名 <b>"  # type: ignore[union-attr]
    assert root.get("aria-labelledby") == "rank-title rank-desc"
    assert chart.rows == [["<script>alert(1)</script>", "12条"], ['县"民政"局&', "3条"]]


def test_line_chart_leaves_months_to_come_out() -> None:
    chart = charts.line_chart(
        chart_id="trend",
        title="趋势",
        x_labels=["1月", "2月", "3月"],
        series=[("乡镇", [5, 7, None]), ("<i>部门</i>", [1, 0, None])],
        unit="条",
    )
    root = parse(str(chart.svg))
    assert len(root.findall(f".//{SVG}polyline")) == 2
    desc = root.find(f"{SVG}desc").text or ""  # type: ignore[union-attr]
    assert "乡镇：1月5条，2月7条" in desc and "3月" not in desc
    assert chart.columns == ["", "乡镇", "<i>部门</i>"]
    assert chart.rows[2] == ["3月", "—", "—"]
    assert "<i>" not in chart.svg


def test_empty_chart_says_so() -> None:
    chart = charts.bar_chart(chart_id="x", title="空", items=[], value_label="v")
    assert "无数据" in chart.svg
    parse(str(chart.svg))
