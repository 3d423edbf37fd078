"""Dashboard charts: well-formed SVG, one mark per data point, escaped labels, empty states."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from lessonplan.domain.charts import bar_chart, line_chart, nice_ticks, usd

SVG = "{http://www.w3.org/2000/svg}"
START = datetime(2026, 11, 30, tzinfo=UTC)


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label")
    assert "<script" not in svg
    return root


def texts(root: ET.Element, cls: str | None = None) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text") if cls is None or t.get("class") == cls]


def test_line_chart_has_a_point_with_a_tooltip_per_value() -> None:
    points = [(START + timedelta(hours=h), float(v)) for h, v in enumerate([3, 0, 7, 12])]
    root = parse(line_chart("LLM calls per hour", points))
    circles = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "point"]
    assert len(circles) == 4
    tips = [c.find(f"{SVG}title").text for c in circles]  # type: ignore[union-attr]
    assert tips == ["11-30 00:00: 3", "11-30 01:00: 0", "11-30 02:00: 7", "11-30 03:00: 12"]
    ys = [float(c.get("cy", "0")) for c in circles]
    assert ys[3] < ys[2] < ys[0] < ys[1]  # higher values are drawn higher
    assert root.find(f"{SVG}polyline") is not None
    labels = texts(root)
    assert "LLM calls per hour" in labels
    assert "0" in labels and "15" in labels  # y ticks from 0 to a round value above the peak
    assert "total 22" in (root.get("aria-label") or "")


def test_line_chart_of_one_point_and_of_none() -> None:
    root = parse(line_chart("Cost per day", [(START, 0.25)], fmt=usd))
    circles = list(root.iter(f"{SVG}circle"))
    assert len(circles) == 1 and root.find(f"{SVG}polyline") is None
    assert circles[0].find(f"{SVG}title").text == "11-30: $0.25"  # type: ignore[union-attr]
    empty = parse(line_chart("Cost per day", []))
    assert list(empty.iter(f"{SVG}circle")) == []
    assert texts(empty, "no-data") == ["no data yet"]
    assert "no data yet" in (empty.get("aria-label") or "")


def test_bar_chart_draws_a_bar_per_label_in_order_and_escapes_labels() -> None:
    bars = [("furigana_missing", 5.0), ('<script>"x"&', 2.0), ("en_only", 1.0)]
    svg = bar_chart("Quality issues by code", bars)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = parse(svg)
    rects = list(root.iter(f"{SVG}rect"))
    assert len(rects) == 3
    widths = [float(r.get("width", "0")) for r in rects]
    assert widths[0] > widths[1] > widths[2] > 0
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "bar"]
    tips = [g.find(f"{SVG}title").text for g in groups]  # type: ignore[union-attr]
    assert tips == ["furigana_missing: 5", '<script>"x"&: 2', "en_only: 1"]
    assert parse(bar_chart("Errors by type", [])).find(f"{SVG}rect") is None


def test_nice_ticks() -> None:
    assert nice_ticks(12) == [0, 5, 10, 15]
    assert nice_ticks(0.03) == [0, 0.01, 0.02, 0.03]
    assert nice_ticks(0) == [0, 1]
