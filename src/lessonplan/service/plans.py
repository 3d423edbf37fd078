"""Plan answers: cache, single-flight and the fallback chain (seed items 1 and 3).

The chain, in order: the primary model (retries and repair inside each generation) → the
simplified prompt when the output stayed invalid → each fallback model → the stale (expired)
cache entry → the offline planner when enabled → a typed error. Every answer carries its source
and the path it took. A plan is cached under the key of the model that made it.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from lessonplan import metrics
from lessonplan.domain.hashing import PlanKey
from lessonplan.domain.models import (
    CanDoDescriptor,
    DomainPlan,
    LearnerProfile,
    PlanProvenance,
    PlanResult,
    PlanSource,
    PrelessonKit,
    normalize_plan,
)
from lessonplan.errors import (
    AllFallbacksFailedError,
    GenerationError,
    InvalidOutputError,
    QualityRejectedError,
    UnsupportedLanguageError,
    error_type,
)
from lessonplan.prompts.planner import (
    PLANNER_PROMPT_VERSION,
    SCHEMA_VERSION,
    build_planner_request,
    plan_fingerprints,
)
from lessonplan.providers.base import LLMProvider, LLMRequest
from lessonplan.service.fallback import Step, StepSkipped, after_error, run_fallbacks
from lessonplan.service.runtime import Runtime
from lessonplan.store.errors import DescriptorChanged
from lessonplan.store.records import CachedPlanText, CacheEntry, GenerationEvent

if TYPE_CHECKING:
    from lessonplan.planners.generate import AttemptRecord, Generated


@dataclass
class PlanInputs:
    descriptor: CanDoDescriptor
    profile: LearnerProfile
    kit: PrelessonKit
    metalanguage: str = "en"


@dataclass
class _Chain:
    """What one run of the fallback chain did: events to persist and the path taken."""

    events: list[GenerationEvent] = field(default_factory=list)
    path: list[str] = field(default_factory=list)


def prompt_version_for(provider: LLMProvider) -> str:
    if provider.is_offline:
        from lessonplan.planners.offline import OFFLINE_PLANNER_VERSION

        return OFFLINE_PLANNER_VERSION
    return PLANNER_PROMPT_VERSION


@lru_cache(maxsize=4096)
def _fingerprints(
    descriptor_json: str, profile_json: str, kit_json: str, variant: str, metalanguage: str
) -> tuple[str, str, str]:
    """Fingerprints by the inputs' JSON: a hit re-serializes, it does not rebuild the prompt."""
    return plan_fingerprints(
        CanDoDescriptor.model_validate_json(descriptor_json),
        LearnerProfile.model_validate_json(profile_json),
        PrelessonKit.model_validate_json(kit_json),
        variant=variant,  # type: ignore[arg-type]
        metalanguage=metalanguage,
    )


def plan_key(rt: Runtime, inputs: PlanInputs, provider: LLMProvider) -> PlanKey:
    """The cache key: descriptor content, what the prompt carries, model and versions."""
    descriptor_hash, profile_hash, kit_hash = _fingerprints(
        inputs.descriptor.model_dump_json(),
        inputs.profile.model_dump_json(),
        inputs.kit.model_dump_json(),
        rt.settings.prompt,
        inputs.metalanguage,
    )
    return PlanKey(
        can_do_id=inputs.descriptor.uid,
        profile_hash=profile_hash,
        kit_hash=kit_hash,
        descriptor_hash=descriptor_hash,
        metalanguage=inputs.metalanguage,
        model=provider.spec,
        prompt_version=prompt_version_for(provider),
        schema_version=SCHEMA_VERSION,
        params={"temperature": rt.settings.llm_temperature, "variant": rt.settings.prompt},
    )


def _provenance_from_entry(
    entry: CacheEntry | CachedPlanText, source: PlanSource, key: PlanKey
) -> PlanProvenance:
    return PlanProvenance(
        source=source,
        model=entry.model,
        prompt_version=entry.prompt_version,
        schema_version=SCHEMA_VERSION,
        created_at=entry.created_at,
        plan_version=entry.plan_version,
        key_hash=key.key_hash,
        path=[source],
        cost_usd=entry.cost_usd,
    )


def model_name(spec: str) -> str:
    """``openai:gpt-4o-mini`` -> ``gpt-4o-mini`` (prices and metrics use the bare name)."""
    return spec.split(":", 1)[1] if ":" in spec else spec


def require_planner_language(provider: LLMProvider, descriptor: CanDoDescriptor) -> None:
    """The offline planner teaches Japanese only: another target language needs an LLM."""
    if provider.is_offline and not descriptor.is_japanese:
        raise UnsupportedLanguageError(
            f"descriptor {descriptor.uid!r} teaches {descriptor.target_language!r}; the offline "
            "planner's curriculum is Japanese only: compile it with an LLM (--llm / LESSONPLAN_LLM)"
        )


# Set by a compile around its get_plan: called with a generated plan once it passed its checks,
# before it is recorded (the generation's task inherits the caller's context; a caller that
# joins another's generation is not called).
PLAN_READY: ContextVar[Callable[[DomainPlan], None] | None] = ContextVar(
    "lessonplan_plan_ready", default=None
)


async def get_plan(rt: Runtime, inputs: PlanInputs, *, use_cache: bool = True) -> PlanResult:
    """A plan for these inputs: from the cache, or generated once per key (single-flight).

    Records one ``plan_answer`` event per request (its source, duration and the cost a hit
    saved) beside the per-attempt events of any generation.
    """
    require_planner_language(rt.provider, inputs.descriptor)
    started = time.perf_counter()
    key = plan_key(rt, inputs, rt.provider)
    try:
        if not use_cache:
            result = await _run_chain(rt, inputs, key)
            return await _finish(rt, key, result, started, outcome=result.source)
        # A generation of this key already running here: join it without touching the database.
        hit = None
        if not rt.plan_flights.inflight(key.key_hash):
            try:
                hit = await _cache_answer(rt, key, inputs.descriptor)
            except DescriptorChanged:
                # Another process changed the catalog: the key follows the descriptor as it is.
                inputs.descriptor = await _current_descriptor(rt, inputs.descriptor.uid)
                key = plan_key(rt, inputs, rt.provider)
                hit = await _cache_answer(rt, key)
        if hit is not None:
            return await _finish(rt, key, hit, started, outcome="cache", saved=hit_cost(hit))
        result, joined = await rt.plan_flights.run(
            key.key_hash, lambda: _generate_locked(rt, inputs, key)
        )
        saved = hit_cost(result) if result.source == "cache" else rt_cost(rt, result)
        if joined:
            result = result.model_copy(deep=True)
            result.provenance.path = [*result.provenance.path, "single_flight:joined"]
            return await _finish(rt, key, result, started, outcome="joined", saved=saved)
        if result.source == "cache":  # another process made it while this one waited
            return await _finish(rt, key, result, started, outcome="cache", saved=saved)
        return await _finish(rt, key, result, started, outcome=result.source)
    except GenerationError as exc:
        elapsed = time.perf_counter() - started
        event = _event(rt, key, "plan_answer", outcome="error", source=None)
        rejected = [str(i.get("code")) for i in getattr(exc, "issues", [])]
        event = replace(
            event,
            latency_ms=elapsed * 1000,
            error_type=error_type(exc),
            quality_codes=rejected or None,
        )
        await rt.record([event])
        raise


def hit_cost(result: PlanResult) -> float:
    return result.provenance.cost_usd


def rt_cost(rt: Runtime, result: PlanResult) -> float:
    p = result.provenance
    return rt.prices.cost(model_name(p.model), p.prompt_tokens, p.completion_tokens)


async def _finish(
    rt: Runtime,
    key: PlanKey,
    result: PlanResult,
    started: float,
    *,
    outcome: str,
    saved: float = 0.0,
) -> PlanResult:
    codes = [issue.code for issue in result.quality_issues]
    await _record_answer(rt, key, result.provenance, codes, started, outcome=outcome, saved=saved)
    return result


async def _record_answer(
    rt: Runtime,
    key: PlanKey,
    provenance: PlanProvenance,
    quality_codes: list[str],
    started: float,
    *,
    outcome: str,
    saved: float,
) -> None:
    """The answer's duration on its provenance, its metric and its ``plan_answer`` event."""
    elapsed = time.perf_counter() - started
    provenance.duration_ms = elapsed * 1000
    metrics.observe_plan(provenance.source if outcome != "joined" else "joined", elapsed)
    event = _event(
        rt,
        key,
        "plan_answer",
        outcome=outcome,
        source=provenance.source,
        cost_saved=saved,
        quality_issue_count=len(quality_codes),
    )
    await rt.record(
        [replace(event, latency_ms=elapsed * 1000, quality_codes=quality_codes or None)]
    )


@dataclass
class PlanTextHit:
    """A cache hit with the plan as its stored JSON text (the HTTP fast lane's answer)."""

    key: PlanKey
    provenance: PlanProvenance
    plan_text: str
    started: float


async def peek_plan_text(
    rt: Runtime, inputs: PlanInputs, *, key: PlanKey | None = None
) -> PlanTextHit | None:
    """:func:`get_plan`'s cache hit alone, nothing recorded yet (:func:`finish_plan_text`).

    ``None`` whenever :func:`get_plan` would do anything but answer from a live entry in one
    read: a miss, a generation of the key running here, a descriptor not held in process or
    changed by another process, a target language the offline planner does not teach.
    """
    if rt.provider.is_offline and not inputs.descriptor.is_japanese:
        return None
    started = time.perf_counter()
    key = key or plan_key(rt, inputs, rt.provider)  # given: the caller computed it for these
    if rt.plan_flights.inflight(key.key_hash):
        return None
    try:
        entry = await rt.store.cache_get_text(
            key_hash=key.key_hash, now=rt.now(), descriptor=inputs.descriptor
        )
    except DescriptorChanged:
        return None
    if entry is None:
        return None
    provenance = _provenance_from_entry(entry, "cache", key)
    return PlanTextHit(key=key, provenance=provenance, plan_text=entry.plan_text, started=started)


async def finish_plan_text(rt: Runtime, hit: PlanTextHit) -> None:
    """Count the hit (write-behind) and record it as :func:`get_plan` records a hit."""
    rt.note_hit(hit.key.key_hash)
    await _record_answer(
        rt, hit.key, hit.provenance, [], hit.started, outcome="cache", saved=hit.provenance.cost_usd
    )


async def _current_descriptor(rt: Runtime, uid: str) -> CanDoDescriptor:
    from lessonplan.errors import UnknownDescriptorError

    descriptor = await rt.store.get_descriptor(uid=uid, cached=True)
    if descriptor is None:
        raise UnknownDescriptorError(f"unknown Can-Do descriptor {uid!r} (it left the catalog)")
    return descriptor


async def _cache_answer(
    rt: Runtime, key: PlanKey, descriptor: CanDoDescriptor | None = None
) -> PlanResult | None:
    """The live entry of ``key``: one indexed read (which also verifies a held ``descriptor``)."""
    now = rt.now()
    entry = await rt.store.cache_get(key_hash=key.key_hash, now=now, descriptor=descriptor)
    if entry is None:
        return None
    rt.note_hit(key.key_hash)
    return PlanResult(plan=entry.plan, provenance=_provenance_from_entry(entry, "cache", key))


async def _generate_locked(rt: Runtime, inputs: PlanInputs, key: PlanKey) -> PlanResult:
    """Across processes (PostgreSQL advisory lock): re-check the cache, then generate."""
    async with rt.store.plan_lock(key):
        hit = await _cache_answer(rt, key)
        if hit is not None:
            hit.provenance.path = ["single_flight:waited", "cache"]
            return hit
        return await _run_chain(rt, inputs, key)


async def _run_chain(rt: Runtime, inputs: PlanInputs, key: PlanKey) -> PlanResult:
    chain = _Chain()
    try:
        return await _run_steps(rt, inputs, key, chain)
    finally:
        await rt.record(chain.events)


async def _run_steps(rt: Runtime, inputs: PlanInputs, key: PlanKey, chain: _Chain) -> PlanResult:
    variant = rt.settings.prompt

    def generate(
        step_key: PlanKey, provider: LLMProvider, variant: str, name: str, forced: PlanSource | None
    ) -> Callable[[], Awaitable[PlanResult]]:
        return lambda: _generate_step(rt, inputs, step_key, provider, variant, chain, name, forced)

    steps = [Step("primary", generate(key, rt.provider, variant, "primary", None))]
    if variant != "simplified":
        simplified = generate(key, rt.provider, "simplified", "simplified_prompt", "fallback")
        steps.append(
            Step("simplified_prompt", simplified, when=after_error("primary", InvalidOutputError))
        )
    for provider in rt.fallbacks:
        name = f"fallback:{provider.spec}"
        step_key = key.with_model(provider.spec, prompt_version_for(provider))
        steps.append(Step(name, generate(step_key, provider, variant, name, "fallback")))
    steps.append(Step("stale_cache", lambda: _stale_answer(rt, key, chain)))
    if rt.offline is not None and inputs.descriptor.is_japanese:  # its curriculum is Japanese
        offline_key = key.with_model(rt.offline.spec, prompt_version_for(rt.offline))
        steps.append(
            Step("offline", generate(offline_key, rt.offline, variant, "offline", "offline"))
        )
    result = await run_fallbacks(steps, recover=GenerationError)
    if result.value is not None:
        return result.value
    raise _chain_error(result.failures)


async def _stale_answer(rt: Runtime, key: PlanKey, chain: _Chain) -> PlanResult:
    """The expired cache entry of the key, when there is one."""
    stale = await rt.store.cache_get(key_hash=key.key_hash, now=rt.now(), include_expired=True)
    if stale is None:
        raise StepSkipped
    chain.path.append("stale_cache")
    provenance = _provenance_from_entry(stale, "stale_cache", key)
    provenance.path = [*chain.path]
    return PlanResult(plan=stale.plan, provenance=provenance)


def _chain_error(failures: list[tuple[str, Exception]]) -> GenerationError:
    if len(failures) == 1:
        only = failures[0][1]
        if isinstance(only, GenerationError):
            only.details.setdefault("path", [name for name, _ in failures])
            return only
    steps = "; ".join(f"{name}: {error_type(exc)}" for name, exc in failures)
    last = failures[-1][1] if failures else None
    message = f"plan generation failed after every fallback ({steps})"
    if last is not None:
        message += f"; last error: {last}"
    return AllFallbacksFailedError(message, failures=failures)


async def _generate_step(
    rt: Runtime,
    inputs: PlanInputs,
    key: PlanKey,
    provider: LLMProvider,
    variant: str,
    chain: _Chain,
    step_name: str,
    forced_source: PlanSource | None,
) -> PlanResult:
    # What only a generation needs, loaded when one runs: a cache hit loads none of it.
    from lessonplan.domain.quality import check_plan, has_errors
    from lessonplan.prompts.repair import build_quality_repair_request

    chain.path.append(step_name)
    request = build_planner_request(
        inputs.descriptor,
        inputs.profile,
        inputs.kit,
        variant=variant,  # type: ignore[arg-type]
        metalanguage=inputs.metalanguage,
        temperature=rt.settings.llm_temperature,
        timeout=rt.settings.llm_timeout_seconds,
    )
    generated = await _generate_plan(rt, provider, request, inputs, key, chain)
    plan = generated.value
    repaired = generated.repaired
    issues = check_plan(plan, inputs.descriptor, inputs.kit)
    policy = rt.settings.quality_policy
    if has_errors(issues) and policy == "repair" and not provider.is_offline:
        chain.path.append("quality_repair")
        fix = build_quality_repair_request(request, plan.model_dump(mode="json"), issues)
        second = await _generate_plan(rt, provider, fix, inputs, key, chain)
        generated.usage = generated.usage + second.usage
        generated.attempts.extend(second.attempts)
        plan = second.value
        repaired = True
        issues = check_plan(plan, inputs.descriptor, inputs.kit)
    if has_errors(issues) and policy == "reject":
        codes = sorted({i.code for i in issues if i.severity == "error"})
        raise QualityRejectedError(
            f"plan for {inputs.descriptor.uid} rejected by quality checks: {', '.join(codes)}",
            issues=[i.model_dump() for i in issues],
        )
    ready = PLAN_READY.get()
    if ready is not None:
        ready(plan)  # checked and about to be recorded: a compile may start its content now
    source: PlanSource
    if forced_source is not None:
        source = forced_source
    elif provider.is_offline:
        source = "offline"
    else:
        source = "repaired" if repaired else "generated"
    usage = generated.usage
    cost = rt.prices.cost(
        provider.model,
        usage.prompt_tokens,
        usage.completion_tokens,
        usage.cached_prompt_tokens,
        usage.cache_write_tokens,
        batch=is_batch(provider),
    )
    now = rt.now()
    # The parent is the lineage's active version, read in the transaction that appends this one.
    version = await rt.store.record_plan(
        key=key,
        plan=plan,
        source=source,
        model=provider.spec,
        prompt_version=key.prompt_version,
        quality_issues=issues,
        parent_version="active",
        now=now,
        ttl=timedelta(hours=rt.settings.cache_ttl_hours),
        cost_usd=cost,
    )
    chain.path.append(source)
    provenance = PlanProvenance(
        source=source,
        model=provider.spec,
        provider=provider.provider,
        prompt_version=key.prompt_version,
        schema_version=SCHEMA_VERSION,
        prompt_variant=variant,
        prompt_tokens=generated.usage.prompt_tokens,
        completion_tokens=generated.usage.completion_tokens,
        attempts=len(generated.attempts),
        path=list(chain.path),
        created_at=now,
        plan_version=version.version,
        key_hash=key.key_hash,
        cost_usd=cost,
    )
    return PlanResult(plan=plan, provenance=provenance, quality_issues=list(issues))


async def _generate_plan(
    rt: Runtime,
    provider: LLMProvider,
    request: LLMRequest,
    inputs: PlanInputs,
    key: PlanKey,
    chain: _Chain,
) -> Generated[DomainPlan]:
    from lessonplan.planners.generate import RetryPolicy, generate_structured

    def on_attempt(attempt: AttemptRecord) -> None:
        chain.events.append(attempt_event(rt, key, "plan", provider, attempt))

    async with rt.llm_limit:
        return await generate_structured(
            provider,
            request,
            DomainPlan,
            max_repairs=rt.settings.llm_max_repairs,
            retry=RetryPolicy.from_settings(rt.settings),
            on_attempt=on_attempt,
            postprocess=lambda plan: normalize_plan(plan, inputs.descriptor),
        )


def is_batch(provider: LLMProvider) -> bool:
    """A provider that sends its requests through a Batch API is billed at the batch price."""
    return bool(getattr(provider, "is_batch", False))


def attempt_event(
    rt: Runtime,
    key: PlanKey | None,
    operation: str,
    provider: LLMProvider,
    attempt: AttemptRecord,
    can_do_id: str | None = None,
) -> GenerationEvent:
    return GenerationEvent(
        at=rt.now(),
        operation=operation,
        can_do_id=key.can_do_id if key else (can_do_id or ""),
        key_hash=key.key_hash if key else None,
        provider=provider.provider,
        model=provider.model,
        outcome=attempt.outcome,
        source=None,
        latency_ms=attempt.latency_ms,
        prompt_tokens=attempt.prompt_tokens,
        completion_tokens=attempt.completion_tokens,
        cost_usd=rt.prices.cost(
            provider.model,
            attempt.prompt_tokens,
            attempt.completion_tokens,
            attempt.cached_prompt_tokens,
            attempt.cache_write_tokens,
            batch=is_batch(provider),
        ),
        cached_prompt_tokens=attempt.cached_prompt_tokens,
        cost_saved_usd=0.0,
        error_type=None if attempt.outcome == "ok" else attempt.outcome,
        quality_issue_count=0,
    )


def _event(
    rt: Runtime,
    key: PlanKey,
    operation: str,
    *,
    outcome: str,
    source: str | None,
    cost_saved: float = 0.0,
    quality_issue_count: int = 0,
) -> GenerationEvent:
    return GenerationEvent(
        at=rt.now(),
        operation=operation,
        can_do_id=key.can_do_id,
        key_hash=key.key_hash,
        provider="cache",
        model=model_name(key.model),
        outcome=outcome,
        source=source,
        latency_ms=0.0,
        prompt_tokens=0,
        completion_tokens=0,
        cost_usd=0.0,
        cost_saved_usd=cost_saved,
        error_type=None,
        quality_issue_count=quality_issue_count,
    )
