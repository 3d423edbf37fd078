"""The stages that read the content (comprehension, production, interaction) start from the
content as the LLM wrote it, while it is annotated and checked, under the ``warn`` policy: their
prompts carry only its surfaces and translations. What they produce, and what is stored, is
what the sequential order gives."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lessonplan.domain.lesson import CONTENT_READERS, STAGES
from lessonplan.domain.models import LearnerProfile
from lessonplan.providers.base import LLMRequest
from lessonplan.providers.fake import FakeProvider
from lessonplan.service import stages as stage_service
from lessonplan.service.compile import compile_lesson
from tests.service.conftest import RuntimeFactory, calls_by_task, fake_llm, offline_answer

LEARNER = LearnerProfile(learner_id="kenji", cultural_interests=["food"])
READERS = sorted(CONTENT_READERS)


def _trace(monkeypatch: pytest.MonkeyPatch, llm: FakeProvider) -> list[str]:
    """``start:<task>`` as each request is made, ``annotate:<stage model>`` as each answer is
    annotated."""
    order: list[str] = []
    annotate, complete = stage_service.annotate_model, llm.complete

    def annotating(value: Any) -> Any:
        order.append(f"annotate:{type(value).__name__}")
        return annotate(value)

    async def completing(request: LLMRequest) -> Any:
        order.append(f"start:{request.task}")
        return await complete(request)

    monkeypatch.setattr(stage_service, "annotate_model", annotating)
    monkeypatch.setattr(llm, "complete", completing)
    return order


async def test_under_warn_the_readers_are_asked_before_the_content_is_annotated(
    make_runtime: RuntimeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    llm = fake_llm()
    rt = await make_runtime(llm, quality_policy="warn")
    order = _trace(monkeypatch, llm)
    progress: list[str] = []
    result = await compile_lesson(
        rt,
        "JF:105",
        profile=LEARNER,
        on_progress=lambda step, data: progress.append(data.get("stage", step)),
    )
    assert result.lesson.status == "complete"
    annotated = order.index("annotate:ContentStage")
    asked = {o for o in order[:annotated] if o.startswith("start:")}
    assert asked == {f"start:{task}" for task in ("plan", *STAGES)}
    # The caller still hears of the content first, then of the stages that read it.
    assert progress.index("content") < min(progress.index(s) for s in READERS)
    assert calls_by_task(llm) == {s: 1 for s in ("plan", *STAGES)}


async def test_the_early_start_stores_what_the_sequential_order_stores(
    make_runtime: RuntimeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same prompts (hashes), same stage data, same quality issues as under ``repair``, where
    the readers wait for the checked content."""
    early_llm, late_llm = fake_llm(), fake_llm()
    early = await make_runtime(early_llm, quality_policy="warn")
    late = await make_runtime(late_llm, quality_policy="repair")
    late_order = _trace(monkeypatch, late_llm)
    one = (await compile_lesson(early, "JF:105", profile=LEARNER)).lesson
    two = (await compile_lesson(late, "JF:105", profile=LEARNER.model_copy(update={}))).lesson
    annotated = late_order.index("annotate:ContentStage")
    assert not any(o.startswith(f"start:{s}") for s in READERS for o in late_order[:annotated])
    for stage in STAGES:
        a, b = one.stages[stage], two.stages[stage]
        assert (a.status, a.prompt_hash, a.data) == (b.status, b.prompt_hash, b.data), stage
        assert a.quality_issues == b.quality_issues, stage
    assert one.quality_issues == two.quality_issues
    reader_inputs = [r.inputs["content"] for r in early_llm.requests if r.task in READERS]
    assert len(reader_inputs) == 3 and all(i == reader_inputs[0] for i in reader_inputs)


async def test_readers_started_on_an_answer_that_was_not_kept_start_again(
    make_runtime: RuntimeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The primary's content is parsed (the readers start on it), then its checks fail with a
    bug: the fallback provider writes the content that is stored, and the readers are asked
    again with that one, so the lesson's stages all build on the stored content."""
    primary = fake_llm("primary")

    def fallback_answer(request: LLMRequest) -> str:
        answer = json.loads(offline_answer(request))
        if request.task == "content":
            answer["reading"]["sentences"][0]["translation"] = "The fallback's reading"
        return json.dumps(answer, ensure_ascii=False)

    second = FakeProvider("second", fallback=fallback_answer)
    rt = await make_runtime(primary, quality_policy="warn")
    rt.fallbacks.append(second)
    check, failed = stage_service.check_stage, []

    def checking(stage: str, *args: Any, **kwargs: Any) -> Any:
        if stage == "content" and not failed:
            failed.append(stage)
            raise RuntimeError("a bug in a check")
        return check(stage, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(stage_service, "check_stage", checking)
    lesson = (await compile_lesson(rt, "JF:105", profile=LEARNER)).lesson
    assert lesson.status == "complete"
    content = lesson.stages["content"]
    assert content.source == "fallback"
    assert content.data is not None
    assert content.data["reading"]["sentences"][0]["translation"] == "The fallback's reading"
    asked = [r for r in primary.requests if r.task in READERS]
    assert len(asked) == 6  # three on the discarded answer, three on the stored one
    kept = asked[3:]
    assert {r.task for r in kept} == set(READERS)
    for request in kept:
        first = request.inputs["content"]["reading"]["sentences"][0]
        assert first["translation"] == "The fallback's reading"
    for request in asked[:3]:
        first = request.inputs["content"]["reading"]["sentences"][0]
        assert first["translation"] != "The fallback's reading"


async def test_the_content_is_asked_for_while_the_plan_is_recorded(
    make_runtime: RuntimeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    llm = fake_llm()
    rt = await make_runtime(llm, quality_policy="warn")
    order = _trace(monkeypatch, llm)
    record = rt.store.record_plan

    async def recording(**kwargs: Any) -> Any:
        order.append("recording")
        try:
            return await record(**kwargs)
        finally:
            order.append("recorded")

    monkeypatch.setattr(rt.store, "record_plan", recording)
    progress: list[str] = []
    result = await compile_lesson(
        rt, "JF:105", profile=LEARNER, on_progress=lambda step, data: progress.append(step)
    )
    assert result.lesson.status == "complete"
    assert order.index("recording") < order.index("start:content") < order.index("recorded")
    assert progress[:3] == ["inputs", "plan", "stage"]  # the plan is still told first
    stored = await rt.store.get_lesson(lesson_id=result.lesson.lesson_id)
    assert stored.plan == result.plan.plan


async def test_a_plan_that_could_not_be_recorded_takes_its_content_with_it(
    make_runtime: RuntimeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The content started on the plan is cancelled when recording the plan fails: the
    compile reports the failure, stores no lesson and leaves nothing running."""
    import asyncio

    from lessonplan.errors import StoreUnavailableError

    llm = fake_llm(latency_s=0.05)
    rt = await make_runtime(llm, quality_policy="warn")
    order = _trace(monkeypatch, llm)

    async def failing(**kwargs: Any) -> Any:
        await asyncio.sleep(0.01)  # the content request goes out meanwhile
        raise StoreUnavailableError("database unavailable: the disk is full")

    monkeypatch.setattr(rt.store, "record_plan", failing)
    before = set(asyncio.all_tasks())
    with pytest.raises(StoreUnavailableError):
        await compile_lesson(rt, "JF:105", profile=LEARNER)
    assert "start:content" in order
    stages_left = [
        t
        for t in asyncio.all_tasks() - before
        if not t.done() and getattr(t.get_coro(), "__qualname__", "") == "_compile.<locals>.run"
    ]
    assert stages_left == []
    assert await rt.store.list_lessons() == []
