"""A stage's cost from its record: stages record the provider spec, the price table knows the
model (the studio's per-stage cost and the precompile ledger both read this)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from lessonplan.domain.lesson import StageRecord
from lessonplan.domain.pricing import PriceTable
from lessonplan.service.precompile import stage_cost


def test_a_stage_recorded_with_its_spec_is_priced_by_its_model() -> None:
    rt: Any = SimpleNamespace(prices=PriceTable())
    record = StageRecord(
        status="done", model="openai:gpt-4o-mini", prompt_tokens=20_000, completion_tokens=5_000
    )
    expected = PriceTable().cost("gpt-4o-mini", 20_000, 5_000)
    assert expected > 0
    assert stage_cost(rt, record) == pytest.approx(expected)
    assert stage_cost(rt, record, batch=True) == pytest.approx(expected / 2)
    assert stage_cost(rt, StageRecord(status="done", model="offline", prompt_tokens=9)) == 0.0
