"""``precompile --batch``: plans, then stages, through the provider's Batch API at batch prices.

The run swaps the runtime's provider for a :class:`~lessonplan.providers.batch.BatchProvider`
around the same provider and calls the ordinary service layer (:func:`get_plan`,
:func:`compile_lesson`) for every descriptor at once: every plan request goes out in one batch,
then the stages that read only the plan in the next, then comprehension; answers that fail
validation or quality go back in a repair batch, errored or expired items in a retry batch
(the same repair loop and retries as a synchronous call). Each batch is journaled in
``llm_batches`` so a rerun after a crash resumes polling the batch it had sent
(:func:`poll_open_batches` is the one-shot poll a periodic job can call).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from lessonplan.catalog.search import CatalogQuery
from lessonplan.domain.lesson import CONTENT_READERS
from lessonplan.domain.models import LearnerProfile, PrelessonKit
from lessonplan.errors import (
    ConfigurationError,
    GenerationError,
    UnknownDescriptorError,
    error_type,
)
from lessonplan.providers.base import LLMProvider
from lessonplan.providers.batch import BATCH_ITEM_KEY, BatchBackend, BatchProvider, BatchRecord
from lessonplan.service.compile import compile_lesson
from lessonplan.service.plans import PlanInputs, get_plan, plan_key
from lessonplan.service.precompile import PrecompileReport, selected_descriptors, stages_cost
from lessonplan.service.runtime import Runtime
from lessonplan.store.repository import Store

BATCH_WINDOW_SECONDS = 24 * 3600.0  # both providers' completion window


@dataclass
class BatchReport(PrecompileReport):
    batches: list[BatchRecord] = field(default_factory=list)
    provider: str = ""
    # Per descriptor: where its plan came from, and what its calls cost at the batch price.
    sources: dict[str, str] = field(default_factory=dict)
    costs: dict[str, float] = field(default_factory=dict)


class StoreJournal:
    """The ``llm_batches`` table as a :class:`~lessonplan.providers.batch.BatchJournal`."""

    def __init__(self, rt: Runtime) -> None:
        self._rt = rt

    @property
    def store(self) -> Store:
        return self._rt.store

    async def find_open(self, *, provider: str, custom_ids: list[str]) -> str | None:
        async with self.store.transaction() as tx:
            return await tx.batches.find_open(provider=provider, custom_ids=custom_ids)

    async def opened(self, *, provider: str, batch_id: str, custom_ids: list[str]) -> None:
        async with self.store.transaction() as tx:
            await tx.batches.add(
                provider=provider, batch_id=batch_id, custom_ids=custom_ids, now=self._rt.now()
            )

    async def closed(self, *, provider: str, batch_id: str, status: str) -> None:
        async with self.store.transaction() as tx:
            await tx.batches.set_status(
                provider=provider, batch_id=batch_id, status=status, now=self._rt.now()
            )


def batch_backend(provider: LLMProvider) -> tuple[LLMProvider, BatchBackend]:
    """The real provider behind ``provider`` and its Batch API; a clear error when it has none."""
    if provider.is_offline:
        raise ConfigurationError(
            f"--batch needs an LLM with a Batch API (openai:MODEL or anthropic:MODEL); "
            f"{provider.spec} is the offline planner, which has none: run without --batch"
        )
    resolve = getattr(provider, "resolve", None)
    inner: LLMProvider = resolve() if callable(resolve) else provider
    from lessonplan.providers.anthropic import AnthropicProvider
    from lessonplan.providers.openai import OpenAIProvider

    if isinstance(inner, OpenAIProvider):
        from lessonplan.providers.batch_openai import OpenAIBatches

        return inner, OpenAIBatches(inner)
    if isinstance(inner, AnthropicProvider):
        from lessonplan.providers.batch_anthropic import AnthropicBatches

        return inner, AnthropicBatches(inner)
    raise ConfigurationError(
        f"--batch: {provider.spec} has no Batch API (only openai:MODEL and anthropic:MODEL do)"
    )


async def precompile_batch(
    rt: Runtime,
    *,
    level: str | None = None,
    select: CatalogQuery | None = None,
    profile: LearnerProfile | None = None,
    kit: PrelessonKit | None = None,
    lessons: bool = False,
    poll_seconds: float = 5.0,
    gather_seconds: float = 0.5,
    on_done: Callable[[str, str], None] | None = None,
    uids: Sequence[str] | None = None,
) -> BatchReport:
    """Plans (or whole lessons) for the selected descriptors (or exactly ``uids``, for a
    queued run), through the Batch API."""
    inner, backend = batch_backend(rt.provider)
    batch = BatchProvider(
        inner,
        backend,
        journal=StoreJournal(rt),
        poll_seconds=poll_seconds,
        gather_seconds=gather_seconds,
    )
    if uids is None:
        chosen = [d.uid for d in await selected_descriptors(rt, level=level, select=select)]
    else:
        chosen = list(dict.fromkeys(uids))
    learner = profile or LearnerProfile.anonymous()
    lesson_kit = kit or PrelessonKit()
    report = BatchReport(total=len(chosen), provider=backend.name)
    saved_provider, saved_settings = rt.provider, rt.settings
    rt.provider = batch
    # A batch may take the provider's whole window: no compile deadline shorter than that.
    rt.settings = rt.settings.model_copy(
        update={
            "compile_timeout_seconds": max(
                rt.settings.compile_timeout_seconds, BATCH_WINDOW_SECONDS
            )
        }
    )
    rt.ensure_llm_capacity(max(1, len(chosen)) * (len(CONTENT_READERS) if lessons else 1))

    async def one(uid: str) -> None:
        source: str
        cost = 0.0
        try:
            descriptor = await rt.store.get_descriptor(uid=uid)
            if descriptor is None:
                raise UnknownDescriptorError(f"unknown descriptor {uid!r}")
            inputs = PlanInputs(descriptor, learner, lesson_kit, rt.settings.metalanguage)
            BATCH_ITEM_KEY.set(plan_key(rt, inputs, batch).key_hash)
            if lessons:
                result = await compile_lesson(rt, uid, profile=learner, kit=lesson_kit)
                plan_result = result.plan
                cost += stages_cost(rt, result.lesson, batch=True)
            else:
                plan_result = await get_plan(rt, inputs)
            source = plan_result.source
            if source != "cache":
                cost += plan_result.provenance.cost_usd
        except (GenerationError, UnknownDescriptorError) as exc:
            report.failures[uid] = f"{error_type(exc)}: {exc}"
            source = "error"
        report.by_source[source] = report.by_source.get(source, 0) + 1
        report.sources[uid] = source
        report.costs[uid] = cost
        if on_done is not None:
            on_done(uid, source)

    try:
        # Every plan key stays locked while its batch waits: on one session, not one each.
        async with rt.store.session_plan_locks():
            await asyncio.gather(*(asyncio.create_task(one(uid)) for uid in chosen))
    finally:
        rt.provider, rt.settings = saved_provider, saved_settings
        report.batches = list(batch.batches)
        await batch.cancel()
    return report


async def poll_open_batches(rt: Runtime) -> dict[str, str]:
    """Poll every journaled batch that is still open, once: ``{batch_id: status}``.

    For a periodic job (the queue): it learns which batches ended; a ``precompile --batch``
    rerun over the same selection then ingests them (it finds them by their custom_ids).
    """
    _inner, backend = batch_backend(rt.provider)
    async with rt.store.transaction() as tx:
        open_batches = await tx.batches.list_open()
    statuses: dict[str, str] = {}
    for provider, batch_id in open_batches:
        if provider == backend.name:
            statuses[batch_id] = await backend.poll(batch_id)
    return statuses


def batch_summary(report: PrecompileReport) -> list[dict[str, object]]:
    """The batches a run sent (or resumed), for the CLI's output."""
    batches = report.batches if isinstance(report, BatchReport) else []
    return [
        {
            "batch_id": b.batch_id,
            "items": b.items,
            "status": b.status,
            "errored": b.errored,
            "resumed": b.resumed,
        }
        for b in batches
    ]
