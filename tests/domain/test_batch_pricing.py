"""Batch API prices: every component at the model's batch share (pure)."""

from __future__ import annotations

import pytest

from lessonplan.domain.pricing import PriceTable


def test_batch_costs_half_of_every_component() -> None:
    table = PriceTable()
    sync = table.cost("claude-haiku-4-5", 10_000, 2_000, cached=4_000, cache_write=3_000)
    batch = table.cost("claude-haiku-4-5", 10_000, 2_000, 4_000, 3_000, batch=True)
    # 3000 plain x $1 + 4000 read x $0.1 + 3000 written x $1.25 + 2000 out x $5, per million
    assert sync == pytest.approx((3000 * 1 + 4000 * 0.1 + 3000 * 1.25 + 2000 * 5) / 1e6)
    assert batch == pytest.approx(sync / 2)


def test_price_table_json_sets_a_batch_share() -> None:
    table = PriceTable.from_json('{"m": {"input": 1, "output": 2, "batch_share": 0.6}}')
    assert table.cost("m", 1_000_000, 0, batch=True) == pytest.approx(0.6)
    assert table.cost("m", 1_000_000, 0) == pytest.approx(1.0)
