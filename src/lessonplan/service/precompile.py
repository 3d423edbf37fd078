"""Warm the plan cache (or compile whole lessons) for many descriptors with bounded concurrency."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from lessonplan.catalog.search import CatalogQuery
from lessonplan.domain.lesson import CONTENT_READERS, Lesson, StageRecord
from lessonplan.domain.models import CanDoDescriptor, LearnerProfile, PrelessonKit
from lessonplan.errors import GenerationError, UnsupportedLanguageError, error_type
from lessonplan.service.compile import compile_lesson
from lessonplan.service.plans import PlanInputs, get_plan
from lessonplan.service.runtime import Runtime


async def selected_descriptors(
    rt: Runtime, *, level: str | None = None, select: CatalogQuery | None = None
) -> list[CanDoDescriptor]:
    """The descriptors a run covers: every one (of a level), or those ``select`` matches (the
    filters of ``catalog list``: source, level, topic, skill, query), searched in SQL."""
    if select is None:
        return await rt.store.list_descriptors(level=level)
    if level is not None:
        select = CatalogQuery(**{**select.__dict__, "level": level})
    items, _ = await rt.store.search_descriptors(query=select)
    return items


async def compile_one(
    rt: Runtime, uid: str, profile: LearnerProfile, kit: PrelessonKit, *, lessons: bool
) -> tuple[str, float]:
    """One descriptor's plan (or whole lesson): where the plan came from and what it cost."""
    if lessons:
        if await _stored_lesson(rt, uid, profile, kit):
            return "cache", 0.0  # idempotent: a finished key compiles nothing again
        result = await compile_lesson(rt, uid, profile=profile, kit=kit)
        cost = result.plan.provenance.cost_usd if result.plan.source != "cache" else 0.0
        return result.plan.source, cost + stages_cost(rt, result.lesson)
    descriptor = await rt.store.get_descriptor(uid=uid)
    if descriptor is None:
        from lessonplan.errors import UnknownDescriptorError

        raise UnknownDescriptorError(f"unknown descriptor {uid!r}")
    plan = await get_plan(rt, PlanInputs(descriptor, profile, kit, rt.settings.metalanguage))
    cost = plan.provenance.cost_usd if plan.source in ("generated", "repaired", "fallback") else 0.0
    return plan.source, cost


def stage_cost(rt: Runtime, record: StageRecord, *, batch: bool = False) -> float:
    """What one stage's call cost by the price table (``batch``: at the batch price)."""
    model = record.model.partition(":")[2] or record.model  # stages record the spec
    return rt.prices.cost(model, record.prompt_tokens, record.completion_tokens, batch=batch)


def stages_cost(rt: Runtime, lesson: Lesson, *, batch: bool = False) -> float:
    return sum(stage_cost(rt, record, batch=batch) for record in lesson.stages.values())


async def _stored_lesson(rt: Runtime, uid: str, profile: LearnerProfile, kit: PrelessonKit) -> bool:
    from lessonplan.service.compile import whole_kit_hash, whole_profile_hash
    from lessonplan.store.repos.lessons import find_lesson_id

    async with rt.store.transaction(readonly=True) as tx:
        found = await find_lesson_id(
            tx.lessons,
            can_do_id=uid,
            learner_id=profile.learner_id,
            profile_hash=whole_profile_hash(profile),
            kit_hash=whole_kit_hash(kit),
        )
    return found is not None


@dataclass
class PrecompileReport:
    total: int = 0
    by_source: dict[str, int] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    cost_usd: float = 0.0
    stopped_reason: str | None = None


def budget_reason(limit: float) -> str:
    return f"--max-cost-usd {limit:g} reached: pending jobs cancelled"


async def precompile_keys(
    rt: Runtime,
    keys: Sequence[tuple[str, LearnerProfile, PrelessonKit]],
    *,
    concurrency: int = 4,
    lessons: bool = False,
    max_cost_usd: float | None = None,
    on_done: Callable[[str, str], None] | None = None,
) -> PrecompileReport:
    """In process: each (descriptor, profile, kit) key, ``concurrency`` at a time. Once the cost
    reaches ``max_cost_usd`` the keys not started are cancelled (``by_source["cancelled"]``)."""
    limit = asyncio.Semaphore(max(1, concurrency))
    rt.ensure_llm_capacity(max(1, concurrency) * (len(CONTENT_READERS) if lessons else 1))
    report = PrecompileReport(total=len(keys))

    async def one(uid: str, profile: LearnerProfile, kit: PrelessonKit) -> None:
        async with limit:
            if report.stopped_reason is not None:
                report.by_source["cancelled"] = report.by_source.get("cancelled", 0) + 1
                return
            try:
                source, cost = await compile_one(rt, uid, profile, kit, lessons=lessons)
                report.cost_usd += cost
            except GenerationError as exc:
                report.failures[uid] = f"{error_type(exc)}: {exc}"
                source = "error"
            except UnsupportedLanguageError as exc:  # one descriptor, not the whole run
                report.failures[uid] = f"{exc.code}: {exc}"
                source = "error"
            report.by_source[source] = report.by_source.get(source, 0) + 1
            if on_done is not None:
                on_done(uid, source)
            if max_cost_usd is not None and report.cost_usd >= max_cost_usd:
                report.stopped_reason = report.stopped_reason or budget_reason(max_cost_usd)

    await asyncio.gather(*(one(uid, profile, kit) for uid, profile, kit in keys))
    return report


async def precompile(
    rt: Runtime,
    *,
    level: str | None = None,
    select: CatalogQuery | None = None,
    profile: LearnerProfile | None = None,
    kit: PrelessonKit | None = None,
    concurrency: int = 4,
    lessons: bool = False,
    on_done: Callable[[str, str], None] | None = None,
) -> PrecompileReport:
    """Plans (or whole lessons) for every descriptor, ``concurrency`` at a time.

    The process's LLM cap (``LESSONPLAN_LLM_CONCURRENCY``) is raised to what that needs: one
    call per plan, or for lessons the widest round of a compile (the stages that read the content
    run together), so ``--concurrency`` is not silently throttled by the default cap.
    """
    descriptors = await selected_descriptors(rt, level=level, select=select)
    learner = profile or LearnerProfile.anonymous()
    lesson_kit = kit or PrelessonKit()
    return await precompile_keys(
        rt,
        [(d.uid, learner, lesson_kit) for d in descriptors],
        concurrency=concurrency,
        lessons=lessons,
        on_done=on_done,
    )
