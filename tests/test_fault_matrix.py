"""Every fault of the simulated server, through the real OpenAI SDK over loopback.

Each fault alone ends in a valid plan by retry (429, 500, timeout) or repair (prose, missing
fields, truncated JSON); a persistent fault ends in the typed error it deserves; a seeded mix
ends, for every generation, in a valid plan or a typed error, with attempts and tokens that add
up to what the server counted.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from benchmarks.simserver import FAULT_KINDS, SimServerHandle

from lessonplan.domain.models import CanDoDescriptor, DomainPlan, LearnerProfile, normalize_plan
from lessonplan.errors import (
    GenerationError,
    InvalidOutputError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitedError,
)
from lessonplan.planners.generate import Generated, RetryPolicy, generate_structured
from lessonplan.planners.offline import load_catalog
from lessonplan.prompts.planner import build_planner_request
from lessonplan.providers.base import Usage
from lessonplan.providers.openai import OpenAIProvider
from tests.simserver_fixture import sim_server  # noqa: F401

CLIENT_TIMEOUT = 1.5  # generous under load; a "timeout" fault stalls far longer (STALL)
STALL = 5.0
RETRY_AFTER = 0.05
MIXED_SEED = 24  # its first 20 draws hold every fault kind (timeout once), so all are exercised


class Sleeps:
    """Records every wait and sleeps it (waits are tiny here), so Retry-After can be checked."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(seconds)


def fast_policy(sleeps: Sleeps | None = None, max_retries: int = 3) -> RetryPolicy:
    if sleeps is None:
        return RetryPolicy(max_retries=max_retries, base_seconds=0.01, max_seconds=0.2)
    return RetryPolicy(max_retries=max_retries, base_seconds=0.01, max_seconds=0.2, sleep=sleeps)


@pytest.fixture
async def sim(sim_server: SimServerHandle) -> AsyncIterator[SimServerHandle]:  # noqa: F811
    sim_server.configure(retry_after_seconds=RETRY_AFTER, timeout_seconds=STALL)
    yield sim_server


@pytest.fixture
async def provider(sim: SimServerHandle) -> AsyncIterator[OpenAIProvider]:
    client = OpenAIProvider("sim-model", base_url=sim.base_url, api_key="test")
    yield client
    await client.aclose()


def descriptors(n: int) -> list[CanDoDescriptor]:
    catalog = load_catalog()
    assert catalog
    return [catalog[i % len(catalog)] for i in range(n)]


async def plan_for(
    provider: OpenAIProvider,
    descriptor: CanDoDescriptor,
    retry: RetryPolicy,
    *,
    client_timeout: float = CLIENT_TIMEOUT,
) -> Generated[DomainPlan]:
    request = build_planner_request(
        descriptor, LearnerProfile.anonymous(), None, variant="compact", timeout=client_timeout
    )
    return await generate_structured(
        provider,
        request,
        DomainPlan,
        retry=retry,
        postprocess=lambda plan: normalize_plan(plan, descriptor),
    )


async def warm_up(provider: OpenAIProvider, sim: SimServerHandle) -> None:
    """One clean generation (loads the offline planner in the server), then zero the counters."""
    await plan_for(provider, descriptors(1)[0], fast_policy(), client_timeout=30.0)
    sim.configure(script=[])
    sim.reset()
    sim.configure(retry_after_seconds=RETRY_AFTER, timeout_seconds=STALL)


def assert_tokens_match(sim: SimServerHandle, usage: Usage, requests: int) -> None:
    stats = sim.stats()
    assert stats["requests"] == requests
    assert usage.prompt_tokens == stats["prompt_tokens"]
    assert usage.completion_tokens == stats["completion_tokens"]


# --- one fault, then recovery -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "outcome"),
    [
        ("rate_limit", "rate_limited"),
        ("server_error", "provider_unavailable"),
        ("timeout", "timeout"),
    ],
)
async def test_transient_fault_is_retried(
    sim: SimServerHandle, provider: OpenAIProvider, fault: str, outcome: str
) -> None:
    await warm_up(provider, sim)
    sim.configure(script=[fault])
    sleeps = Sleeps()
    descriptor = descriptors(1)[0]
    result = await plan_for(provider, descriptor, fast_policy(sleeps))
    assert result.value.uid == descriptor.uid and result.value.level == descriptor.level
    assert not result.repaired
    assert [(a.kind, a.outcome) for a in result.attempts] == [("initial", outcome), ("retry", "ok")]
    failed, ok = result.attempts
    assert (failed.prompt_tokens, failed.completion_tokens) == (0, 0)
    assert ok.prompt_tokens > 0 and ok.completion_tokens > 0
    assert len(sleeps.waits) == 1
    if fault == "rate_limit":
        assert sleeps.waits[0] == pytest.approx(RETRY_AFTER)  # Retry-After beats the 0.01 backoff
    else:
        assert sleeps.waits[0] <= 0.01
    if fault == "timeout":
        assert failed.latency_ms >= CLIENT_TIMEOUT * 1000 * 0.9
    assert_tokens_match(sim, result.usage, requests=2)
    assert sim.stats()["by_fault"] == {fault: 1, "none": 1}


@pytest.mark.parametrize("fault", ["prose", "missing_fields", "truncated"])
async def test_invalid_output_is_repaired(
    sim: SimServerHandle, provider: OpenAIProvider, fault: str
) -> None:
    await warm_up(provider, sim)
    sim.configure(script=[fault])
    descriptor = descriptors(1)[0]
    result = await plan_for(provider, descriptor, fast_policy())
    assert result.repaired
    assert result.value.uid == descriptor.uid
    assert [(a.kind, a.outcome) for a in result.attempts] == [
        ("initial", "invalid_output"),
        ("repair", "ok"),
    ]
    bad, ok = result.attempts
    assert bad.prompt_tokens > 0 and bad.completion_tokens > 0  # paid for, so counted
    assert ok.prompt_tokens > bad.prompt_tokens  # the repair prompt carries the bad answer
    assert bad.error
    assert_tokens_match(sim, result.usage, requests=2)
    sent = sim.requests()
    assert "### REPAIR ###" in sent[-1]["messages"][-1]["content"]
    assert sent[-1]["messages"][0] == sent[-2]["messages"][0]  # same static system prompt


# --- persistent faults ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("rate_limit", RateLimitedError),
        ("server_error", ProviderUnavailableError),
        ("timeout", ProviderTimeoutError),
    ],
)
async def test_persistent_transient_fault_ends_in_its_typed_error(
    sim: SimServerHandle, provider: OpenAIProvider, fault: str, error: type[Exception]
) -> None:
    await warm_up(provider, sim)
    sim.configure(fault_rate=1.0, faults=[fault])
    with pytest.raises(error) as info:
        await plan_for(provider, descriptors(1)[0], fast_policy(max_retries=2), client_timeout=0.3)
    attempts = info.value.details["attempts"]  # type: ignore[attr-defined]
    assert [a.kind for a in attempts] == ["initial", "retry", "retry"]
    assert {a.error_type for a in attempts} == {error.__name__}
    assert info.value.details["usage"] == Usage()  # type: ignore[attr-defined]
    assert sim.stats()["requests"] == 3
    if fault == "rate_limit":
        assert isinstance(info.value, RateLimitedError)
        assert info.value.retry_after == pytest.approx(RETRY_AFTER)


async def test_persistent_prose_ends_in_invalid_output(
    sim: SimServerHandle, provider: OpenAIProvider
) -> None:
    await warm_up(provider, sim)
    sim.configure(fault_rate=1.0, faults=["prose"])
    with pytest.raises(InvalidOutputError) as info:
        await plan_for(provider, descriptors(1)[0], fast_policy())
    attempts = info.value.details["attempts"]
    assert [(a.kind, a.outcome) for a in attempts] == [
        ("initial", "invalid_output"),
        ("repair", "invalid_output"),
        ("repair", "invalid_output"),
    ]
    assert "DomainPlan" in str(info.value)
    assert_tokens_match(sim, info.value.details["usage"], requests=3)


# --- everything at once -----------------------------------------------------------------------


async def test_mixed_faults_end_in_a_plan_or_a_typed_error(
    sim: SimServerHandle, provider: OpenAIProvider
) -> None:
    await warm_up(provider, sim)
    sim.configure(fault_rate=0.3, seed=MIXED_SEED, latency_ms=5)
    limit = asyncio.Semaphore(5)

    async def one(descriptor: CanDoDescriptor) -> Generated[DomainPlan] | GenerationError:
        async with limit:
            try:
                return await plan_for(provider, descriptor, fast_policy())
            except GenerationError as exc:
                return exc

    outcomes = await asyncio.gather(*(one(d) for d in descriptors(20)))
    total_attempts = 0
    usage = Usage()
    for descriptor, outcome in zip(descriptors(20), outcomes, strict=True):
        if isinstance(outcome, GenerationError):
            attempts, spent = outcome.details["attempts"], outcome.details["usage"]
        else:
            assert outcome.value.uid == descriptor.uid
            DomainPlan.model_validate(outcome.value.model_dump())
            attempts, spent = outcome.attempts, outcome.usage
            assert attempts[-1].outcome == "ok"
        assert [a.index for a in attempts] == list(range(len(attempts)))
        assert spent.prompt_tokens == sum(a.prompt_tokens for a in attempts)
        total_attempts += len(attempts)
        usage = usage + spent
    stats = sim.stats()
    assert stats["requests"] == total_attempts
    assert usage.prompt_tokens == stats["prompt_tokens"]
    assert usage.completion_tokens == stats["completion_tokens"]
    assert set(stats["by_fault"]) >= {"none", *FAULT_KINDS}
    assert stats["max_in_flight"] > 1
    plans = [o for o in outcomes if not isinstance(o, GenerationError)]
    assert len(plans) >= 15  # 30% faults with retries and repairs: nearly all succeed
