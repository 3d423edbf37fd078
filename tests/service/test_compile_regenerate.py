"""Compile, per-stage status, stage regeneration with plan reuse, and concurrency of versions."""

from __future__ import annotations

import asyncio
import json

import pytest

from lessonplan.domain.lesson import STAGES
from lessonplan.domain.models import LearnerProfile
from lessonplan.errors import ProviderBadRequestError, UnknownDescriptorError
from lessonplan.providers.base import LLMRequest
from lessonplan.providers.fake import FakeProvider
from lessonplan.service.compile import compile_lesson
from lessonplan.service.regenerate import regenerate_stage
from tests.service.conftest import (
    Clock,
    RuntimeFactory,
    calls_by_task,
    fake_llm,
    offline_answer,
)

LEARNER = LearnerProfile(learner_id="kenji", cultural_interests=["food"])


async def test_compile_stores_every_stage_and_the_plan(make_runtime: RuntimeFactory) -> None:
    llm = fake_llm()
    rt = await make_runtime(llm)
    steps: list[str] = []
    result = await compile_lesson(
        rt, "JF:105", profile=LEARNER, on_progress=lambda step, data: steps.append(step)
    )
    lesson = result.lesson
    assert lesson.status == "complete" and lesson.version == 1
    assert all(lesson.stages[s].status == "done" for s in STAGES)
    assert calls_by_task(llm) == {s: 1 for s in ("plan", *STAGES)}
    assert steps[:2] == ["inputs", "plan"] and steps[-1] == "lesson"
    stored = await rt.store.get_lesson(lesson_id=lesson.lesson_id)
    assert stored == lesson
    assert stored.plan == result.plan.plan
    # The stage records a prompt hash and template version, never the prompt text.
    record = lesson.stages["content"].model_dump_json()
    assert len(lesson.stages["content"].prompt_hash) == 64
    assert llm.requests[1].system[:40] not in record


async def test_a_learners_lesson_is_never_returned_for_another(
    make_runtime: RuntimeFactory,
) -> None:
    rt = await make_runtime()
    mine = await compile_lesson(rt, "JF:105", profile=LEARNER)
    other = LEARNER.model_copy(update={"learner_id": "someone-else"})
    theirs = await compile_lesson(rt, "JF:105", profile=other)
    assert theirs.lesson.lesson_id != mine.lesson.lesson_id
    assert (
        await rt.store.get_lesson(lesson_id=mine.lesson.lesson_id, learner_id="someone-else")
        is None
    )


async def test_unknown_descriptor_is_a_usage_error_and_writes_nothing(
    make_runtime: RuntimeFactory,
) -> None:
    rt = await make_runtime()
    with pytest.raises(UnknownDescriptorError, match="NOPE:1"):
        await compile_lesson(rt, "NOPE:1")
    assert await rt.store.list_lessons() == []
    await rt.flush()
    assert await rt.store.list_events() == []


@pytest.mark.parametrize("stage", STAGES)
async def test_regenerating_a_stage_reuses_the_plan(
    make_runtime: RuntimeFactory, stage: str
) -> None:
    llm = fake_llm()
    rt = await make_runtime(llm)
    compiled = await compile_lesson(rt, "JF:106", profile=LEARNER)
    before = calls_by_task(llm)
    result = await regenerate_stage(rt, compiled.lesson.lesson_id, stage)
    after = calls_by_task(llm)
    assert after["plan"] == before["plan"] == 1
    assert after - before == {stage: 1}
    assert result.plan_source == "reused"
    assert result.lesson.version == 2
    assert result.lesson.plan_version == compiled.lesson.plan_version
    for other in STAGES:
        if other != stage:
            assert result.lesson.stages[other] == compiled.lesson.stages[other]


async def test_new_plan_makes_a_new_plan_version_first(make_runtime: RuntimeFactory) -> None:
    llm = fake_llm()
    rt = await make_runtime(llm)
    compiled = await compile_lesson(rt, "JF:106", profile=LEARNER)
    result = await regenerate_stage(rt, compiled.lesson.lesson_id, "content", new_plan=True)
    assert calls_by_task(llm)["plan"] == 2
    assert result.lesson.plan_version == compiled.lesson.plan_version + 1  # type: ignore[operator]


def failing_comprehension(request: LLMRequest) -> str:
    if request.task == "comprehension":
        raise ProviderBadRequestError("400: comprehension prompt refused")
    return offline_answer(request)


async def test_failed_stage_is_stored_with_the_others_and_regenerated_alone(
    make_runtime: RuntimeFactory,
) -> None:
    flaky = FakeProvider("gpt-4o-mini", fallback=failing_comprehension)
    rt = await make_runtime(flaky)
    compiled = await compile_lesson(rt, "JF:105", profile=LEARNER)
    lesson = compiled.lesson
    assert lesson.status == "partial"
    assert lesson.stages["comprehension"].status == "failed"
    assert lesson.stages["comprehension"].error_type == "bad_request"
    assert "comprehension prompt refused" in (lesson.stages["comprehension"].error or "")
    assert all(lesson.stages[s].status == "done" for s in ("content", "production", "interaction"))

    healthy = fake_llm()
    rt2 = await make_runtime(healthy)
    fixed = await regenerate_stage(rt2, lesson.lesson_id, "comprehension")
    assert fixed.lesson.status == "complete" and fixed.lesson.version == 2
    assert calls_by_task(healthy) == {"comprehension": 1}
    for stage in ("content", "production", "interaction"):
        assert fixed.lesson.stages[stage] == lesson.stages[stage]


async def test_stages_run_in_three_rounds_plan_content_then_the_rest(
    make_runtime: RuntimeFactory,
) -> None:
    """Three rounds (issue #11): plan, then content, then comprehension, production and
    interaction together, each given the content stage so they build on its dialogue."""
    llm = fake_llm()
    rt = await make_runtime(llm)
    order: list[str] = []
    original = llm.complete
    delay = {"plan": 0.05, "content": 0.05, "production": 0.2, "interaction": 0.2}
    seen_content: dict[str, bool] = {}

    async def tracking(request: LLMRequest):  # type: ignore[no-untyped-def]
        order.append(f"start:{request.task}")
        seen_content[request.task] = "content" in (request.inputs or {})
        await asyncio.sleep(delay.get(request.task, 0.05))
        result = await original(request)
        order.append(f"end:{request.task}")
        return result

    llm.complete = tracking  # type: ignore[method-assign]
    progress: list[tuple[str, dict]] = []  # type: ignore[type-arg]
    await compile_lesson(
        rt, "JF:105", profile=LEARNER, on_progress=lambda s, d: progress.append((s, d))
    )
    # The caller receives the content stage itself before the other stages finish.
    stage_events = [d for s, d in progress if s == "stage"]
    assert stage_events[0]["stage"] == "content" and stage_events[0]["data"]["dialogue"]
    assert order[:4] == ["start:plan", "end:plan", "start:content", "end:content"]
    assert sorted(order[4:7]) == ["start:comprehension", "start:interaction", "start:production"]
    assert seen_content == {
        "plan": False,
        "content": False,
        "comprehension": True,
        "production": True,
        "interaction": True,
    }


async def test_concurrent_regenerations_give_consecutive_versions(
    make_runtime: RuntimeFactory,
) -> None:
    rt = await make_runtime(fake_llm())
    compiled = await compile_lesson(rt, "JF:105", profile=LEARNER)
    results = await asyncio.gather(
        *(regenerate_stage(rt, compiled.lesson.lesson_id, STAGES[i % 4]) for i in range(20))
    )
    assert sorted(r.lesson.version for r in results) == list(range(2, 22))
    assert await rt.store.list_lesson_versions(lesson_id=compiled.lesson.lesson_id) == list(
        range(1, 22)
    )


async def test_concurrent_compiles_of_one_lesson_share_one_row(
    make_runtime: RuntimeFactory,
) -> None:
    rt = await make_runtime(fake_llm())
    results = await asyncio.gather(
        *(compile_lesson(rt, "JF:105", profile=LEARNER) for _ in range(6))
    )
    assert len({r.lesson.lesson_id for r in results}) == 1
    assert sorted(r.lesson.version for r in results) == list(range(1, 7))
    assert json.loads(results[0].lesson.model_dump_json())["can_do_id"] == "JF:105"


async def test_simultaneous_compiles_and_regenerations_share_one_version_sequence(
    make_runtime: RuntimeFactory,
) -> None:
    rt = await make_runtime(fake_llm(latency_s=0.02))
    first = await compile_lesson(rt, "JF:105", profile=LEARNER)
    lesson_id = first.lesson.lesson_id
    jobs = [compile_lesson(rt, "JF:105", profile=LEARNER) for _ in range(5)]
    jobs += [regenerate_stage(rt, lesson_id, STAGES[i % 4]) for i in range(5)]
    results = await asyncio.gather(*jobs)
    versions = sorted(r.lesson.version for r in results)
    assert versions == list(range(2, 12))
    assert {r.lesson.lesson_id for r in results} == {lesson_id}
    assert await rt.store.list_lesson_versions(lesson_id=lesson_id) == list(range(1, 12))


async def test_list_lessons_shows_each_lessons_latest_version(
    make_runtime: RuntimeFactory, clock: Clock
) -> None:
    rt = await make_runtime(fake_llm())
    first = await compile_lesson(rt, "JF:105", profile=LEARNER)
    clock.advance(seconds=1)
    await compile_lesson(rt, "JF:106", profile=LEARNER)
    clock.advance(seconds=1)
    await compile_lesson(rt, "JF:105", profile=LEARNER.model_copy(update={"learner_id": "x"}))
    clock.advance(seconds=1)
    await regenerate_stage(rt, first.lesson.lesson_id, "production")
    listed = await rt.store.list_lessons(learner_id="kenji")
    assert [(s.can_do_id, s.version, s.status) for s in listed] == [
        ("JF:105", 2, "complete"),  # regenerated last, so listed first
        ("JF:106", 1, "complete"),
    ]
    assert [s.can_do_id for s in await rt.store.list_lessons(can_do_id="JF:105")] == [
        "JF:105",
        "JF:105",
    ]
