"""Cost per lesson: synchronous calls vs the Batch API vs the Batch API with provider caching.

Whole lessons (plan + four stages) for the same descriptors are compiled four times on fresh
SQLite databases, through the real ``openai`` SDK against the simulated server: synchronously
and through ``precompile --batch``, each with the server's prompt caching off and on. The cost
is the simulated server's own usage (prompt, cached and completion tokens it counted) priced by
the price table (``gpt-4o-mini``; batch items at the batch share); the ledger's cost (the events
``stats`` reads) is shown beside it as a cross-check. Ratios are over the synchronous run
without caching.
"""

from __future__ import annotations

from typing import Any

from benchmarks.workloads.common import LLM_SPEC, BenchContext, Figures, bench_settings, show
from lessonplan.catalog.search import CatalogQuery
from lessonplan.domain.pricing import PriceTable
from lessonplan.service.batch import precompile_batch
from lessonplan.service.precompile import precompile
from lessonplan.service.runtime import Runtime

NAME = "batch_cost"
MODEL = LLM_SPEC.split(":", 1)[1]
NO_CACHE = 10**9  # a prefix this long never qualifies for the server's prompt cache
CACHE_MIN = 1024  # OpenAI's minimum cached prefix


async def _one(ctx: BenchContext, label: str, *, batch: bool, caching: bool, limit: int) -> Figures:
    ctx.sim.reset()
    ctx.sim.configure(cache_min_tokens=CACHE_MIN if caching else NO_CACHE)
    url = f"sqlite+aiosqlite:///{ctx.tmpdir / f'batch_cost_{label}.db'}"
    select = CatalogQuery(limit=limit)
    rt = await Runtime.open(bench_settings(url, llm_retry_base_seconds=0.01))
    try:
        if batch:
            report = await precompile_batch(
                rt, select=select, lessons=True, poll_seconds=0.05, gather_seconds=0.1
            )
        else:
            report = await precompile(rt, select=select, lessons=True, concurrency=4)
        await rt.flush()
        ledger = sum(e.cost_usd for e in await rt.store.list_events())
    finally:
        await rt.close()
    stats: dict[str, Any] = ctx.sim.stats()
    prompt, completion = int(stats["prompt_tokens"]), int(stats["completion_tokens"])
    cached = int(stats["cached_prompt_tokens"])
    cost = PriceTable().cost(MODEL, prompt, completion, cached, batch=batch)
    lessons = report.total - len(report.failures)
    return {
        "lessons": lessons,
        "llm_calls": int(stats["requests"]),
        "batches": int(stats["batches_created"]),
        "prompt_tokens": prompt,
        "cached_prompt_tokens": cached,
        "completion_tokens": completion,
        "cost_usd": round(cost, 6),
        "cost_per_lesson_usd": round(cost / max(1, lessons), 7),
        "ledger_cost_usd": round(ledger, 6),
    }


async def run(ctx: BenchContext) -> Figures:
    limit = 4 if ctx.quick else 20
    runs = {
        "sync": await _one(ctx, "sync", batch=False, caching=False, limit=limit),
        "sync_cached": await _one(ctx, "sync_cached", batch=False, caching=True, limit=limit),
        "batch": await _one(ctx, "batch", batch=True, caching=False, limit=limit),
        "batch_cached": await _one(ctx, "batch_cached", batch=True, caching=True, limit=limit),
    }
    base = runs["sync"]["cost_per_lesson_usd"] or 1.0
    ratios = {f"{k}_over_sync": round(v["cost_per_lesson_usd"] / base, 4) for k, v in runs.items()}
    rows = []
    for name, r in runs.items():
        rows.append(
            (
                f"{name}: USD per 1000 lessons",
                round(r["cost_per_lesson_usd"] * 1000, 3),
                f"{ratios[f'{name}_over_sync']:.3f} x sync; {r['llm_calls']} calls, "
                f"{r['batches']} batches, cached {r['cached_prompt_tokens']}/"
                f"{r['prompt_tokens']} prompt tokens; ledger {r['ledger_cost_usd']:.6f}",
            )
        )
    show(
        ctx,
        f"batch cost: {limit} lessons, {MODEL}, sync vs batch vs batch + provider caching",
        rows,
        note="cost from the simulated server's usage x the price table (batch share 0.5)",
    )
    return {"lessons": limit, "model": MODEL, "runs": runs, **ratios}
