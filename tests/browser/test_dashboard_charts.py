"""The dashboard's SVG charts as a browser draws them: every point and bar on screen, no script."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from lessonplan.domain.charts import bar_chart, line_chart, usd

pytestmark = [pytest.mark.browser]


def test_charts_render_with_their_marks_and_tooltips(
    browser: Any, screenshot: Callable[[str], Path]
) -> None:
    start = datetime(2026, 11, 24, tzinfo=UTC)
    costs = [(start + timedelta(days=d), 0.004 * (d % 4) + 0.001 * d) for d in range(7)]
    page = "".join(
        [
            "<!doctype html><meta charset='utf-8'><body style='margin:16px'>",
            line_chart("Cost per day", costs, fmt=usd),
            line_chart("LLM calls per hour", [(start, 3.0)]),
            bar_chart(
                "Quality issues by code",
                [("furigana_missing", 12.0), ("english_only_line", 4.0), ("<odd & code>", 1.0)],
            ),
            line_chart("Tokens per hour", []),
        ]
    )
    browser.get("data:text/html;base64," + base64.b64encode(page.encode()).decode())
    charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert len(charts) == 4
    assert all(c.size["width"] == 640 and c.size["height"] > 100 for c in charts)
    points = charts[0].find_elements(By.CSS_SELECTOR, "circle.point")
    assert len(points) == 7 and all(p.is_displayed() for p in points)
    assert len(charts[1].find_elements(By.CSS_SELECTOR, "circle.point")) == 1
    bars = charts[2].find_elements(By.CSS_SELECTOR, "g.bar rect")
    widths = [b.size["width"] for b in bars]
    assert len(bars) == 3 and widths[0] > widths[1] > widths[2] > 0
    assert "<odd & code>" in charts[2].text
    assert "no data yet" in charts[3].text
    assert browser.find_elements(By.TAG_NAME, "script") == []
    screenshot("dashboard-charts")
