"""Concurrent stage regenerations and plan edits of one lesson never overwrite each other.

The earlier code copied the stages of the version it had read and wrote all of them back later:
N concurrent regenerations gave N versions of "v1 plus one stage". Here each write merges its
stage into the latest version inside one transaction, and a new plan version's parent is read
under the lineage lock. Real concurrency on both backends; the fake LLM's latency makes every
regeneration read the lesson before any of them writes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from lessonplan.config import Settings
from lessonplan.domain.lesson import STAGES, Lesson
from lessonplan.domain.models import LearnerProfile
from lessonplan.service.compile import compile_lesson
from lessonplan.service.plans import PlanInputs, plan_key
from lessonplan.service.regenerate import RegenerateResult, regenerate_stage
from lessonplan.service.runtime import Runtime, seed_catalog
from lessonplan.service.versions import lineage_for, manual_edit
from lessonplan.store import Store
from tests.service.conftest import START, Clock, fake_llm

LEARNER = LearnerProfile(learner_id="hana", cultural_interests=["festivals"])


class TickingClock(Clock):
    """Every reading is one millisecond later, so each generated stage record is distinct."""

    def __call__(self) -> object:  # type: ignore[override]
        self.now += timedelta(milliseconds=1)
        return self.now


@pytest.fixture
async def rt(store: Store) -> AsyncIterator[Runtime]:
    await seed_catalog(store)
    settings = Settings(
        database_url="sqlite+aiosqlite:///unused.db", llm_max_retries=0, llm_retry_base_seconds=0
    )
    runtime = await Runtime.open(
        settings, store=store, provider=fake_llm(latency_s=0.02), clock=TickingClock(START)
    )
    yield runtime
    await runtime.close()


async def _compiled(rt: Runtime) -> Lesson:
    lesson = (await compile_lesson(rt, "JF:105", profile=LEARNER)).lesson
    assert lesson.status == "complete"
    return lesson


def _last_by_stage(results: list[RegenerateResult]) -> dict[str, RegenerateResult]:
    """For each stage, the regeneration that committed last (the highest version it wrote)."""
    last: dict[str, RegenerateResult] = {}
    for result in sorted(results, key=lambda r: r.lesson.version):
        last[result.stage] = result
    return last


async def _assert_each_version_is_previous_plus_one_stage(
    rt: Runtime, first: Lesson, results: list[RegenerateResult]
) -> None:
    by_version = {r.lesson.version: r for r in results}
    previous = first
    for version in range(2, len(results) + 2):
        stored = await rt.store.get_lesson(lesson_id=first.lesson_id, version=version)
        assert stored is not None
        writer = by_version[version]
        expected = {**previous.stages, writer.stage: writer.lesson.stages[writer.stage]}
        assert stored.stages == expected, f"version {version} lost a stage"
        previous = stored


async def test_concurrent_regenerations_of_different_stages_all_survive(rt: Runtime) -> None:
    first = await _compiled(rt)
    stages = [STAGES[i % len(STAGES)] for i in range(12)]
    results = await asyncio.gather(
        *(regenerate_stage(rt, first.lesson_id, stage) for stage in stages)
    )
    versions = await rt.store.list_lesson_versions(lesson_id=first.lesson_id)
    assert versions == list(range(1, len(stages) + 2))
    assert sorted(r.lesson.version for r in results) == versions[1:]
    latest = await rt.store.get_lesson(lesson_id=first.lesson_id)
    assert latest is not None and latest.version == len(stages) + 1
    for stage, result in _last_by_stage(list(results)).items():
        assert latest.stages[stage] == result.lesson.stages[stage], stage
        assert latest.stages[stage] != first.stages[stage]
    assert latest.status == "complete"
    await _assert_each_version_is_previous_plus_one_stage(rt, first, list(results))


async def test_concurrent_regenerations_of_one_stage_leave_consistent_versions(
    rt: Runtime,
) -> None:
    first = await _compiled(rt)
    results = await asyncio.gather(
        *(regenerate_stage(rt, first.lesson_id, "production") for _ in range(8))
    )
    assert await rt.store.list_lesson_versions(lesson_id=first.lesson_id) == list(range(1, 10))
    latest = await rt.store.get_lesson(lesson_id=first.lesson_id)
    assert latest is not None
    winner = _last_by_stage(list(results))["production"]
    assert latest.stages["production"] == winner.lesson.stages["production"]
    assert {s: latest.stages[s] for s in STAGES if s != "production"} == {
        s: first.stages[s] for s in STAGES if s != "production"
    }
    await _assert_each_version_is_previous_plus_one_stage(rt, first, list(results))


async def test_plan_edits_racing_regenerations_keep_one_consistent_history(
    rt: Runtime,
) -> None:
    first = await _compiled(rt)
    descriptor = await rt.store.get_descriptor(uid="JF:105")
    assert descriptor is not None
    profile, kit = await rt.store.get_lesson_inputs(lesson_id=first.lesson_id)
    inputs = PlanInputs(descriptor, profile, kit, first.metalanguage)
    lineage = lineage_for(rt, inputs)
    edited = first.plan.model_dump(mode="json")

    n = 5
    edits = [manual_edit(rt, lineage, inputs, edited, note=f"edit {i}") for i in range(n)]
    regens = [
        regenerate_stage(rt, first.lesson_id, STAGES[i % len(STAGES)], new_plan=True)
        for i in range(n)
    ]
    outcomes = await asyncio.gather(*edits, *regens)
    results = [o for o in outcomes if isinstance(o, RegenerateResult)]

    history = await rt.store.list_plan_versions(lineage=lineage)
    assert [v.version for v in history] == list(range(1, 2 * n + 2))
    # Each version's parent is the one it replaced: no two versions claim the same parent.
    assert [v.parent_version for v in history] == [None, *range(1, 2 * n + 1)]
    active = await rt.store.get_active_plan(lineage=lineage)
    assert active is not None and active.version == 2 * n + 1
    # The cache row was written under the same lock: it serves the newest version.
    entry = await rt.store.cache_get(key_hash=plan_key(rt, inputs, rt.provider).key_hash, now=START)
    assert entry is not None and entry.plan_version == active.version

    lesson_versions = await rt.store.list_lesson_versions(lesson_id=first.lesson_id)
    assert lesson_versions == list(range(1, n + 2))
    latest = await rt.store.get_lesson(lesson_id=first.lesson_id)
    assert latest is not None
    last_regen = max(results, key=lambda r: r.lesson.version)
    assert latest.plan_version == last_regen.lesson.plan_version
    stored_plan = await rt.store.get_plan_version(lineage=lineage, version=latest.plan_version or 0)
    assert stored_plan is not None and stored_plan.plan == latest.plan
    for stage, result in _last_by_stage(results).items():
        assert latest.stages[stage] == result.lesson.stages[stage], stage
