"""The simulated server itself: controls, latency overlap, fault draws, CLI and subprocess."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx
import pytest
from benchmarks.simserver import SimConfig, SimServerHandle, SimState, start_subprocess
from benchmarks.simserver.__main__ import parse_config
from benchmarks.simserver.app import find_task

from lessonplan.domain.lesson import STAGE_MODELS, STAGES, ContentStage
from lessonplan.domain.models import DomainPlan, LearnerProfile
from lessonplan.planners.offline import load_catalog
from lessonplan.prompts.planner import build_planner_request
from lessonplan.prompts.stages import build_stage_request
from lessonplan.providers.openai import OpenAIProvider
from tests.simserver_fixture import sim_server, sim_server_factory  # noqa: F401


def test_task_from_schema_name_or_target_line() -> None:
    body = {"response_format": {"type": "json_schema", "json_schema": {"name": "ContentStage"}}}
    assert find_task(body, "") == "content"
    assert find_task({}, "rules...\nTARGET_SCHEMA: InteractionStage\n{...}") == "interaction"
    assert find_task({"response_format": {"type": "json_object"}}, "no schema") == ""


def test_fault_draws_are_seeded_and_the_script_comes_first() -> None:
    def draws(state: SimState) -> list[str | None]:
        return [state.begin("plan", "m") for _ in range(200)]

    config = SimConfig(fault_rate=0.3, seed=3, faults=["prose", "rate_limit"], script=["timeout"])
    first, second = draws(SimState(config)), draws(SimState(config))
    assert first == second
    assert first[0] == "timeout"
    faults = [f for f in first[1:] if f]
    assert set(faults) == {"prose", "rate_limit"}
    assert 0.2 < len(faults) / 199 < 0.4
    other = SimState(config.model_copy(update={"fault_tasks": ["content"]}))
    assert draws(other)[1:] == [None] * 199


def test_cli_flags_build_the_config() -> None:
    args, config = parse_config(
        ["--port", "0", "--latency-ms", "50", "--fault-rate", "0.3", "--faults", "rate_limit,prose"]
    )
    assert args.port == 0
    assert (config.latency_ms, config.fault_rate, config.faults) == (
        50,
        0.3,
        ["rate_limit", "prose"],
    )
    _, merged = parse_config(["--config-json", '{"seed": 9, "latency_ms": 1}', "--latency-ms", "2"])
    assert (merged.seed, merged.latency_ms) == (9, 2)


def test_controls(sim_server: SimServerHandle) -> None:  # noqa: F811
    assert sim_server.stats()["requests"] == 0
    updated = sim_server.configure(latency_ms=3, script=["prose"])
    assert updated["latency_ms"] == 3
    with pytest.raises(httpx.HTTPStatusError):
        sim_server.configure(faults=["gremlins"])
    with httpx.Client() as client:
        models = client.get(f"{sim_server.base_url}/models").json()
        assert models["object"] == "list" and models["data"]
        bad = client.post(f"{sim_server.base_url}/chat/completions", json={"messages": []})
        assert bad.status_code == 400  # no schema: the simulated model cannot tell the task
    assert sim_server.stats()["by_status"] == {"400": 1}
    reset = sim_server.reset()
    assert reset["requests"] == 0 and reset["config"]["latency_ms"] == 0


async def test_latency_overlaps_across_concurrent_requests(
    sim_server_factory: Callable[[SimConfig], SimServerHandle],  # noqa: F811
) -> None:
    sim = sim_server_factory(SimConfig(latency_ms=300))
    descriptor = load_catalog()[0]
    request = build_planner_request(
        descriptor, LearnerProfile.anonymous(), None, variant="compact", timeout=30
    )
    provider = OpenAIProvider("sim-a", base_url=sim.base_url, api_key="k")
    try:
        await provider.complete(request)  # warm: the offline planner loads in the server
        started = time.perf_counter()
        completions = await asyncio.gather(*(provider.complete(request) for _ in range(6)))
        elapsed = time.perf_counter() - started
    finally:
        await provider.aclose()
    for completion in completions:
        DomainPlan.model_validate_json(completion.text)
    assert elapsed < 6 * 0.3  # served concurrently, not one after another
    stats = sim.stats()
    assert stats["max_in_flight"] >= 2
    assert stats["by_model"] == {"sim-a": 7}


@pytest.mark.slow
def test_subprocess_server() -> None:
    with start_subprocess(SimConfig(mode="recorded", latency_ms=1)) as sim:
        assert sim.alive
        assert sim.stats()["config"]["mode"] == "recorded"
        assert sim.base_url.startswith("http://127.0.0.1:")
    assert not sim.alive


async def test_stage_requests_are_answered_by_task(sim_server: SimServerHandle) -> None:  # noqa: F811
    descriptor = load_catalog()[0]
    profile = LearnerProfile.anonymous()
    provider = OpenAIProvider("sim-model", base_url=sim_server.base_url, api_key="k")
    try:
        plan_request = build_planner_request(descriptor, profile, None, variant="compact")
        plan = DomainPlan.model_validate_json((await provider.complete(plan_request)).text)
        content: ContentStage | None = None
        for stage in STAGES:
            request = build_stage_request(
                stage, plan=plan, descriptor=descriptor, profile=profile, kit=None, content=content
            )
            value = STAGE_MODELS[stage].model_validate_json((await provider.complete(request)).text)
            if isinstance(value, ContentStage):
                content = value
    finally:
        await provider.aclose()
    assert sim_server.stats()["by_task"] == {"plan": 1, **dict.fromkeys(STAGES, 1)}


async def test_an_answer_is_never_sent_before_its_latency_has_passed() -> None:
    """The last stretch of a simulated latency is waited in loop turns (timers wake up late):
    whatever the wait, it ends at or after the moment, never before."""
    from benchmarks.simserver.app import _until

    for delay in (0.0, 0.0004, 0.0016, 0.012):
        moment = time.monotonic() + delay
        await _until(moment)
        assert time.monotonic() >= moment
