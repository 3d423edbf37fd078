"""Operator figures from the persisted generation events (the seed's metrics).

:func:`compute_stats` reads the hourly rollups the store keeps beside the events
(:mod:`lessonplan.store.rollups`), so its cost does not grow with the number of events; plan
generation percentiles come from their latency histogram (within 1 %).
:func:`summarize_events` computes the same figures exactly from a list of events.

Plan requests come from ``plan_answer`` events (one per request, plan reuse included); the hit
rate is over the requests that consulted the cache (reuse does not). LLM calls come from the
per-attempt events (``plan`` and ``stage:*``). Cost saved is the recorded cost of the generation
each cache hit or joined waiter avoided, plus each plan reuse valued at the mean cost of a
generated plan.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from lessonplan.service.runtime import Runtime
from lessonplan.store.records import GenerationEvent
from lessonplan.store.rollups import HISTOGRAM_OUTCOMES, Rollup, percentile_from_histogram

HIT_OUTCOMES = {"cache", "joined"}
GENERATED_OUTCOMES = set(HISTOGRAM_OUTCOMES)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile; 0 for an empty list."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summarize_events(events: list[GenerationEvent]) -> dict[str, Any]:
    answers = [e for e in events if e.operation == "plan_answer"]
    calls = [e for e in events if e.operation == "plan" or e.operation.startswith("stage:")]
    plan_calls = [e for e in calls if e.operation == "plan"]
    by_source = Counter(e.outcome for e in answers)
    hits = sum(by_source[o] for o in HIT_OUTCOMES)
    requests = len(answers)
    cache_lookups = requests - by_source.get("reused", 0)  # reuse never consults the cache
    generated = [e for e in answers if e.outcome in GENERATED_OUTCOMES]
    gen_times = [e.latency_ms for e in generated]
    plan_cost = sum(e.cost_usd for e in plan_calls)
    mean_plan_cost = plan_cost / len(generated) if generated else 0.0
    saved_hits = sum(e.cost_saved_usd for e in answers if e.outcome in HIT_OUTCOMES)
    reused = by_source.get("reused", 0)
    errors = Counter(e.error_type for e in calls if e.error_type)
    failed_requests = Counter(e.error_type for e in answers if e.outcome == "error")
    checked = [e for e in events if e.operation in ("plan_answer", "lesson_quality")]
    quality = Counter(code for e in checked for code in (e.quality_codes or []))
    return {
        "plan_requests": requests,
        "plan_requests_by_source": dict(sorted(by_source.items())),
        "cache_hits": hits,
        "hit_rate": round(hits / cache_lookups, 4) if cache_lookups else 0.0,
        "plan_generation_ms": {
            "count": len(gen_times),
            "p50": round(percentile(gen_times, 50), 2),
            "p95": round(percentile(gen_times, 95), 2),
        },
        "llm_calls": len(calls),
        "llm_plan_calls": len(plan_calls),
        "llm_stage_calls": len(calls) - len(plan_calls),
        "llm_calls_by_outcome": dict(sorted(Counter(e.outcome for e in calls).items())),
        "prompt_tokens": sum(e.prompt_tokens for e in calls),
        "cached_prompt_tokens": sum(e.cached_prompt_tokens for e in calls),
        "completion_tokens": sum(e.completion_tokens for e in calls),
        "cost_usd": round(sum(e.cost_usd for e in calls), 6),
        "cost_saved_usd": round(saved_hits + reused * mean_plan_cost, 6),
        "cost_saved_by_hits_usd": round(saved_hits, 6),
        "cost_saved_by_reuse_usd": round(reused * mean_plan_cost, 6),
        "plan_reuses": reused,
        "error_rate": round(sum(errors.values()) / len(calls), 4) if calls else 0.0,
        "errors_by_type": dict(sorted(errors.items())),
        "failed_plan_requests_by_type": dict(sorted(failed_requests.items())),
        "quality_issues_by_code": dict(sorted(quality.items())),
    }


def summarize_rollup(rollup: Rollup) -> dict[str, Any]:
    """The figures of :func:`summarize_events`, from pre-aggregated groups."""
    by_source: Counter[str] = Counter()
    calls_by_outcome: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    failed_requests: Counter[str] = Counter()
    calls = plan_calls = prompt_tokens = completion_tokens = cached_tokens = 0
    cost = plan_cost = saved_hits = 0.0
    generated_count = 0
    for (_hour, operation, outcome, error_type), totals in rollup.groups.items():
        if operation == "plan_answer":
            by_source[outcome] += totals.events
            if outcome in HIT_OUTCOMES:
                saved_hits += totals.cost_saved_usd
            if outcome in GENERATED_OUTCOMES:
                generated_count += totals.events
            if outcome == "error" and error_type:
                failed_requests[error_type] += totals.events
        elif operation == "plan" or operation.startswith("stage:"):
            calls += totals.events
            calls_by_outcome[outcome] += totals.events
            prompt_tokens += totals.prompt_tokens
            cached_tokens += totals.cached_prompt_tokens
            completion_tokens += totals.completion_tokens
            cost += totals.cost_usd
            if error_type:
                errors[error_type] += totals.events
            if operation == "plan":
                plan_calls += totals.events
                plan_cost += totals.cost_usd
    histogram: Counter[int] = Counter()
    for (_hour, operation, outcome, bucket), count in rollup.latencies.items():
        if operation == "plan_answer" and outcome in GENERATED_OUTCOMES:
            histogram[bucket] += count
    quality: Counter[str] = Counter()
    for (_hour, _operation, code), count in rollup.codes.items():
        quality[code] += count
    hits = sum(by_source[o] for o in HIT_OUTCOMES)
    requests = sum(by_source.values())
    reused = by_source.get("reused", 0)
    cache_lookups = requests - reused
    mean_plan_cost = plan_cost / generated_count if generated_count else 0.0
    return {
        "plan_requests": requests,
        "plan_requests_by_source": dict(sorted((k, v) for k, v in by_source.items() if v)),
        "cache_hits": hits,
        "hit_rate": round(hits / cache_lookups, 4) if cache_lookups else 0.0,
        "plan_generation_ms": {
            "count": generated_count,
            "p50": round(percentile_from_histogram(histogram, 50), 2),
            "p95": round(percentile_from_histogram(histogram, 95), 2),
        },
        "llm_calls": calls,
        "llm_plan_calls": plan_calls,
        "llm_stage_calls": calls - plan_calls,
        "llm_calls_by_outcome": dict(sorted(calls_by_outcome.items())),
        "prompt_tokens": prompt_tokens,
        "cached_prompt_tokens": cached_tokens,
        "completion_tokens": completion_tokens,
        "cost_usd": round(cost, 6),
        "cost_saved_usd": round(saved_hits + reused * mean_plan_cost, 6),
        "cost_saved_by_hits_usd": round(saved_hits, 6),
        "cost_saved_by_reuse_usd": round(reused * mean_plan_cost, 6),
        "plan_reuses": reused,
        "error_rate": round(sum(errors.values()) / calls, 4) if calls else 0.0,
        "errors_by_type": dict(sorted(errors.items())),
        "failed_plan_requests_by_type": dict(sorted(failed_requests.items())),
        "quality_issues_by_code": dict(sorted(quality.items())),
    }


async def compute_stats(rt: Runtime, *, since: datetime | None = None) -> dict[str, Any]:
    """Stats from the rollups (buffered events written first), and the cache's counts."""
    await rt.flush()
    summary = summarize_rollup(await rt.store.event_rollup(since=since))
    cache = await rt.store.cache_stats(now=rt.now())
    summary["cache"] = asdict(cache)
    return summary


async def purge_events(rt: Runtime, *, keep_days: float | None = None) -> int:
    """Delete events older than ``keep_days`` (default ``LESSONPLAN_EVENT_RETENTION_DAYS``;
    0 keeps everything). Buffered events are written first. Stats are unchanged: they read the
    hourly rollups, which are kept. Returns how many events were deleted."""
    keep = rt.settings.event_retention_days if keep_days is None else keep_days
    if keep <= 0:
        return 0
    await rt.flush()
    return await rt.store.purge_events(before=rt.now() - timedelta(days=keep))
