"""Warm the plan cache (or compile whole lessons) for many descriptors with bounded concurrency."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from lessonplan.catalog.search import CatalogQuery
from lessonplan.domain.lesson import CONTENT_READERS
from lessonplan.domain.models import CanDoDescriptor, LearnerProfile, PrelessonKit
from lessonplan.errors import GenerationError, error_type
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


@dataclass
class PrecompileReport:
    total: int = 0
    by_source: dict[str, int] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)


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
    concurrency = max(1, concurrency)
    limit = asyncio.Semaphore(concurrency)
    rt.ensure_llm_capacity(concurrency * (len(CONTENT_READERS) if lessons else 1))
    report = PrecompileReport(total=len(descriptors))

    async def one(uid: str) -> None:
        source: str
        async with limit:
            try:
                if lessons:
                    result = await compile_lesson(rt, uid, profile=learner, kit=lesson_kit)
                    source = result.plan.source
                else:
                    descriptor = await rt.store.get_descriptor(uid=uid)
                    assert descriptor is not None
                    plan = await get_plan(
                        rt, PlanInputs(descriptor, learner, lesson_kit, rt.settings.metalanguage)
                    )
                    source = plan.source
            except GenerationError as exc:
                report.failures[uid] = f"{error_type(exc)}: {exc}"
                source = "error"
            report.by_source[source] = report.by_source.get(source, 0) + 1
            if on_done is not None:
                on_done(uid, source)

    await asyncio.gather(*(one(d.uid) for d in descriptors))
    return report
