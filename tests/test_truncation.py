"""A cut-off answer is invalid output, through the real SDKs against the simulated server.

OpenAI says ``finish_reason: "length"``, Anthropic ``stop_reason: "max_tokens"``. The answer is
never parsed (json-repair would close the cut JSON and half a plan would validate): the
generation asks again with twice the budget, and when every answer is cut it raises
:class:`TruncatedOutputError`. At 100% truncation nothing is stored as generated.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from benchmarks.simserver import SimServerHandle

from lessonplan.config import Settings
from lessonplan.domain.models import DomainPlan, LearnerProfile, normalize_plan
from lessonplan.errors import AllFallbacksFailedError, InvalidOutputError, TruncatedOutputError
from lessonplan.planners.generate import RetryPolicy, generate_structured
from lessonplan.planners.offline import load_catalog
from lessonplan.prompts.planner import build_planner_request
from lessonplan.providers.anthropic import AnthropicProvider
from lessonplan.providers.base import LLMProvider
from lessonplan.providers.openai import OpenAIProvider
from lessonplan.service.compile import compile_lesson
from lessonplan.service.runtime import Runtime
from tests.simserver_fixture import sim_server  # noqa: F401

FAST = RetryPolicy(max_retries=0, base_seconds=0.0, max_seconds=0.0)


@pytest.fixture(params=["openai", "anthropic"])
async def provider(
    request: pytest.FixtureRequest,
    sim_server: SimServerHandle,  # noqa: F811
) -> AsyncIterator[LLMProvider]:
    made: OpenAIProvider | AnthropicProvider
    if request.param == "openai":
        made = OpenAIProvider("sim-model", base_url=sim_server.base_url, api_key="sim")
    else:
        made = AnthropicProvider("sim-model", base_url=sim_server.anthropic_base_url, api_key="sim")
    yield made
    await made.aclose()


async def _plan(provider: LLMProvider, **request_options: Any) -> Any:
    descriptor = load_catalog()[0]
    request = build_planner_request(
        descriptor, LearnerProfile.anonymous(), None, variant="compact", **request_options
    )
    return await generate_structured(
        provider,
        request,
        DomainPlan,
        retry=FAST,
        postprocess=lambda plan: normalize_plan(plan, descriptor),
    )


async def test_every_answer_cut_raises_truncated_output(
    sim_server: SimServerHandle,  # noqa: F811
    provider: LLMProvider,
) -> None:
    sim_server.configure(fault_rate=1.0, faults=["truncated"])
    with pytest.raises(TruncatedOutputError) as raised:
        await _plan(provider)
    assert isinstance(raised.value, InvalidOutputError)  # the caller's invalid-output handling
    attempts = raised.value.details["attempts"]
    assert [a.kind for a in attempts] == ["initial", "repair", "repair"]
    assert {a.error_type for a in attempts} == {"TruncatedOutputError"}
    assert sim_server.stats()["requests"] == 3
    assert all(a.completion_tokens > 0 for a in attempts)  # cut answers are paid for: counted


async def test_a_cut_answer_is_asked_again_with_a_larger_budget(
    sim_server: SimServerHandle,  # noqa: F811
    provider: LLMProvider,
) -> None:
    # the server cuts at 300 tokens unless asked for more, as real servers cut at their default
    sim_server.configure(default_max_tokens=300)
    result = await _plan(provider, max_tokens=300)
    assert result.repaired
    assert [(a.kind, a.outcome) for a in result.attempts] == [
        ("initial", "invalid_output"),
        ("repair", "ok"),
    ]
    sent = sim_server.requests()
    budgets = [r.get("max_completion_tokens", r.get("max_tokens")) for r in sent[-2:]]
    assert budgets == [300, 4096]


@pytest.fixture
async def truncating_runtime(
    tmp_path: Path,
    sim_server: SimServerHandle,  # noqa: F811
    request: pytest.FixtureRequest,
) -> AsyncIterator[Runtime]:
    sim_server.configure(fault_rate=1.0, faults=["truncated"])
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'lp.db'}",
        llm="openai:sim-model",
        offline_fallback=getattr(request, "param", False),
        llm_max_retries=0,
        llm_retry_base_seconds=0.0,
    )
    provider = OpenAIProvider("sim-model", base_url=sim_server.base_url, api_key="sim")
    rt = await Runtime.open(settings, provider=provider)
    try:
        yield rt
    finally:
        await rt.close()


def _generated_plan_versions(rt: Runtime) -> int:
    path = rt.settings.database_url.split(":///", 1)[1]
    with sqlite3.connect(path) as conn:
        query = "SELECT count(*) FROM plan_versions WHERE source IN ('generated', 'repaired')"
        return int(conn.execute(query).fetchone()[0])


async def _stored_sources(rt: Runtime) -> dict[str, Any]:
    await rt.flush()
    lessons = await rt.store.list_lessons(learner_id=None, can_do_id=None)
    full = [await rt.store.get_lesson(lesson_id=s.lesson_id) for s in lessons]
    return {
        "generated_plan_versions": _generated_plan_versions(rt),
        "plan_cache": (await rt.store.cache_stats(now=rt.now())).entries,
        "stages": [
            (name, record.status, record.source)
            for lesson in full
            if lesson is not None
            for name, record in lesson.stages.items()
        ],
        "plan_sources": [lesson.plan_source for lesson in full if lesson is not None],
    }


async def test_at_100_percent_truncation_nothing_is_stored_as_generated(
    truncating_runtime: Runtime,
    sim_server: SimServerHandle,  # noqa: F811
) -> None:
    rt = truncating_runtime
    with pytest.raises((TruncatedOutputError, AllFallbacksFailedError)):
        await compile_lesson(rt, "JF:105")
    stored = await _stored_sources(rt)
    assert stored == {
        "generated_plan_versions": 0,
        "plan_cache": 0,
        "stages": [],
        "plan_sources": [],
    }
    assert sim_server.stats()["requests"] >= 3


@pytest.mark.parametrize("truncating_runtime", [True], indirect=True)
async def test_at_100_percent_truncation_the_offline_fallback_answers_and_says_so(
    truncating_runtime: Runtime,
) -> None:
    rt = truncating_runtime
    result = await compile_lesson(rt, "JF:105")
    assert result.plan.source != "generated" and result.plan.provenance.model == "offline"
    for name, record in result.lesson.stages.items():
        assert not (record.status == "done" and record.source == "generated"), name
    stored = await _stored_sources(rt)
    assert "generated" not in stored["plan_sources"]
    assert stored["generated_plan_versions"] == 0
    assert all(source != "generated" for _, status, source in stored["stages"] if status == "done")
