"""Prometheus counters count what `stats` counts: calls from call events, not from answers."""

from __future__ import annotations

from datetime import UTC, datetime

from lessonplan import metrics
from lessonplan.store.records import GenerationEvent

AT = datetime(2026, 11, 25, tzinfo=UTC)


def sample(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


def test_calls_answers_and_quality_codes_land_in_their_own_counters() -> None:
    call = {"operation": "plan", "provider": "openai", "model": "m-test", "outcome": "ok"}
    calls_before = sample("lessonplan_llm_calls_total", **call)
    answers_as_calls = sample(
        "lessonplan_llm_calls_total",
        operation="plan_answer",
        provider="cache",
        model="m-test",
        outcome="cache",
    )
    saved_before = sample("lessonplan_cost_saved_usd_total")
    code_before = sample("lessonplan_quality_issues_total", code="test.code")
    tokens_before = sample("lessonplan_llm_tokens_total", model="m-test", kind="prompt")

    metrics.observe_event(
        GenerationEvent(at=AT, can_do_id="X", prompt_tokens=100, cost_usd=0.01, **call)
    )
    metrics.observe_event(
        GenerationEvent(
            at=AT,
            operation="plan_answer",
            can_do_id="X",
            outcome="cache",
            provider="cache",
            model="m-test",
            cost_saved_usd=0.01,
            quality_codes=["test.code"],
        )
    )
    metrics.observe_event(
        GenerationEvent(
            at=AT,
            operation="lesson_quality",
            can_do_id="X",
            outcome="checked",
            quality_codes=["test.code", "test.code"],
        )
    )
    assert sample("lessonplan_llm_calls_total", **call) == calls_before + 1
    assert (
        sample(
            "lessonplan_llm_calls_total",
            operation="plan_answer",
            provider="cache",
            model="m-test",
            outcome="cache",
        )
        == answers_as_calls
        == 0
    )
    assert sample("lessonplan_llm_tokens_total", model="m-test", kind="prompt") == (
        tokens_before + 100
    )
    assert round(sample("lessonplan_cost_saved_usd_total") - saved_before, 6) == 0.01
    assert sample("lessonplan_quality_issues_total", code="test.code") == code_before + 3
