"""Provider prompt caching, measured: the cached share of the prompt comes from the provider's
usage (OpenAI ``prompt_tokens_details.cached_tokens``, Anthropic ``cache_read_input_tokens`` /
``cache_creation_input_tokens``), through the real SDKs against the simulated server, and is
priced at the provider's discount in the stored events, ``stats`` and the cost ledger."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from benchmarks.simserver import SimServerHandle

from lessonplan.config import Settings
from lessonplan.domain.models import LearnerProfile
from lessonplan.domain.pricing import DEFAULT_PRICES, Price, PriceTable
from lessonplan.providers.anthropic import AnthropicProvider
from lessonplan.providers.base import LLMProvider
from lessonplan.providers.openai import OpenAIProvider
from lessonplan.service.compile import compile_lesson
from lessonplan.service.runtime import Runtime
from lessonplan.service.stats import compute_stats
from tests.simserver_fixture import sim_server  # noqa: F401

MODEL = {"openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5"}


@pytest.fixture(params=["openai", "anthropic"])
async def caching_runtime(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sim_server: SimServerHandle,  # noqa: F811
) -> AsyncIterator[tuple[str, Runtime]]:
    kind = str(request.param)
    model = MODEL[kind]
    provider: LLMProvider
    if kind == "openai":
        provider = OpenAIProvider(model, base_url=sim_server.base_url, api_key="sim")
    else:
        provider = AnthropicProvider(model, base_url=sim_server.anthropic_base_url, api_key="sim")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'lp.db'}",
        llm=f"{kind}:{model}",
        llm_max_retries=0,
        llm_retry_base_seconds=0.0,
    )
    rt = await Runtime.open(settings, provider=provider)
    try:
        yield kind, rt
    finally:
        await rt.close()


async def test_the_second_lesson_reads_its_prompt_prefixes_from_the_provider_cache(
    caching_runtime: tuple[str, Runtime],
    sim_server: SimServerHandle,  # noqa: F811
) -> None:
    kind, rt = caching_runtime
    first = await compile_lesson(rt, "JF:105")
    other = LearnerProfile.model_validate({"learner_id": "kai", "cultural_interests": ["food"]})
    second = await compile_lesson(rt, "JF:105", profile=other)
    assert first.lesson.status == second.lesson.status == "complete"
    await rt.flush()
    events = [
        e
        for e in await rt.store.list_events()
        if e.operation == "plan" or e.operation.startswith("stage:")
    ]
    cached = sum(e.cached_prompt_tokens for e in events)
    served = sim_server.stats()["cached_prompt_tokens"]
    assert cached == served > 0  # what the provider said it served, recorded as such
    # Every cached call costs less than the same call at the full input price.
    price = DEFAULT_PRICES[MODEL[kind]]
    for e in events:
        if e.cached_prompt_tokens:
            full = price.cost(e.prompt_tokens, e.completion_tokens)
            assert e.cost_usd < full
    stats = await compute_stats(rt)
    assert stats["cached_prompt_tokens"] == cached
    assert stats["prompt_tokens"] > cached


def test_cached_and_written_tokens_are_priced_at_the_provider_rates() -> None:
    table = PriceTable()
    # gpt-4o-mini: 1M input at 0.15, cached at half; 1M output at 0.60.
    assert table.cost("gpt-4o-mini", 1_000_000, 0) == pytest.approx(0.15)
    assert table.cost("gpt-4o-mini", 1_000_000, 0, cached=1_000_000) == pytest.approx(0.075)
    # claude-haiku-4-5: reads at a tenth of 1.00, writes at 1.25 times it.
    assert table.cost("claude-haiku-4-5", 1_000_000, 0, cached=1_000_000) == pytest.approx(0.10)
    assert table.cost("claude-haiku-4-5", 1_000_000, 0, cache_write=1_000_000) == pytest.approx(
        1.25
    )
    # More cached tokens than prompt tokens is clamped, never a negative cost.
    assert Price(1.0, 1.0, 0.5).cost(100, 0, cached=500) == pytest.approx(0.00005)
    custom = PriceTable.from_json('{"m": {"input": 1, "output": 2, "cached_input": 0.25}}')
    assert custom.cost("m", 1_000_000, 0, cached=500_000) == pytest.approx(0.625)
