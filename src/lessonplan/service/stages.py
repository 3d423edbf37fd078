"""One lesson stage from a plan: the repair loop, the model fallbacks and a status.

A stage never raises for a generation failure: it comes back as a failed :class:`StageRecord`
so the lesson is stored with the other stages intact and the stage can be retried alone.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from lessonplan.domain.issues import QualityIssue
from lessonplan.domain.lesson import STAGE_MODELS, ContentStage, StageName, StageRecord
from lessonplan.domain.models import CanDoDescriptor, DomainPlan, LearnerProfile, PrelessonKit
from lessonplan.domain.quality import check_lesson, check_stage, has_errors
from lessonplan.domain.quality.common import target_texts
from lessonplan.errors import GenerationError, QualityRejectedError, error_type
from lessonplan.japanese import annotate, annotate_model
from lessonplan.planners.generate import AttemptRecord, RetryPolicy, generate_structured
from lessonplan.prompts.stages import STAGE_PROMPT_VERSION, build_stage_request
from lessonplan.prompts.tokens import prompt_hash
from lessonplan.providers.base import LLMProvider
from lessonplan.service.fallback import Step, run_fallbacks
from lessonplan.service.plans import attempt_event
from lessonplan.service.runtime import Runtime
from lessonplan.store.records import GenerationEvent

log = logging.getLogger(__name__)
_Model = TypeVar("_Model", bound=BaseModel)

# Stage -> (a record's data, the model it was dumped from): the lesson checks read the model
# instead of validating the data again (about 0.5 ms of the last stretch of a compile).
Parsed = dict[StageName, tuple[dict[str, Any], BaseModel]]


async def generate_stage(
    rt: Runtime,
    stage: StageName,
    *,
    plan: DomainPlan,
    descriptor: CanDoDescriptor,
    profile: LearnerProfile,
    kit: PrelessonKit,
    content: ContentStage | None = None,
    metalanguage: str = "en",
    on_generated: Callable[[BaseModel], Awaitable[None]] | None = None,
    checked_content: Awaitable[ContentStage] | None = None,
    parsed: Parsed | None = None,
) -> StageRecord:
    """Generate ``stage``; returns a ``done`` or ``failed`` record, never raises for the LLM.

    Under the ``warn`` policy, ``on_generated`` is awaited with the primary provider's answer
    as soon as it is parsed, before it is annotated and checked (neither can change it then);
    ``checked_content``, when given, is the content the checks compare against, awaited once
    this stage's own answer is in (``content`` is then what its prompt was built from).
    ``parsed``, when given, gets the validated model the record's data was dumped from.
    """
    started_at = rt.now()
    started = time.perf_counter()
    request = build_stage_request(
        stage,
        plan=plan,
        descriptor=descriptor,
        profile=profile,
        kit=kit,
        content=content,
        metalanguage=metalanguage,
        timeout=rt.settings.llm_timeout_seconds,
    )
    events: list[GenerationEvent] = []
    policy = rt.settings.quality_policy
    model_cls = STAGE_MODELS[stage]
    language = descriptor.target_language

    def annotated(value: BaseModel) -> BaseModel:
        """Readings, furigana and romaji from the Japanese text layer, for Japanese only."""
        return annotate_model(value) if descriptor.is_japanese else value

    def checked(value: BaseModel, against: ContentStage | None) -> list[QualityIssue]:
        return check_stage(
            stage, value, plan, kit, content=against, metalanguage=metalanguage, language=language
        )

    def validate_extra(value: BaseModel) -> list[str]:
        if policy != "repair":
            return []
        issues = checked(annotated(value), content)
        return [f"{i.path}: {i.message}" for i in issues if i.severity == "error"]

    def attempt(provider: LLMProvider, forced: str) -> Callable[[], Awaitable[StageRecord]]:
        async def run() -> StageRecord:
            def on_attempt(record: AttemptRecord) -> None:
                events.append(
                    attempt_event(
                        rt, None, f"stage:{stage}", provider, record, can_do_id=descriptor.uid
                    )
                )

            async with rt.llm_limit:
                generated = await generate_structured(
                    provider,
                    request,
                    model_cls,
                    max_repairs=rt.settings.llm_max_repairs,
                    retry=RetryPolicy.from_settings(rt.settings),
                    on_attempt=on_attempt,
                    validate_extra=validate_extra,
                )
            # The system, not the generator, derives readings, furigana and romaji.
            early = on_generated is not None and not forced and policy == "warn"
            if on_generated is not None and early:
                await on_generated(generated.value)
            if early and descriptor.is_japanese:  # its readers are sending their requests
                value = await annotate_serving_the_loop(generated.value)
            else:
                value = annotated(generated.value)
            against = content if checked_content is None else await checked_content
            issues = checked(value, against)
            if policy == "reject" and has_errors(issues):
                codes = sorted({i.code for i in issues if i.severity == "error"})
                raise QualityRejectedError(
                    f"{stage} stage rejected by quality checks: {', '.join(codes)}",
                    attempts=generated.attempts,
                )
            source = forced or ("offline" if provider.is_offline else "generated")
            if generated.repaired and not forced:
                source = "repaired"
            record = StageRecord(
                status="done",
                data=value.model_dump(mode="json"),
                source=source,
                model=provider.spec,
                prompt_hash=prompt_hash(request),
                prompt_version=STAGE_PROMPT_VERSION,
                attempts=len(generated.attempts),
                prompt_tokens=generated.usage.prompt_tokens,
                completion_tokens=generated.usage.completion_tokens,
                started_at=started_at,
                finished_at=rt.now(),
                duration_ms=(time.perf_counter() - started) * 1000,
                quality_issues=list(issues),
            )
            if parsed is not None and record.data is not None:
                parsed[stage] = (record.data, value)
            return record

        return run

    steps = [Step("primary", attempt(rt.provider, ""))]
    steps += [Step(f"fallback:{p.spec}", attempt(p, "fallback")) for p in rt.fallbacks]
    if rt.offline is not None and descriptor.is_japanese:  # its curriculum is Japanese
        steps.append(Step("offline", attempt(rt.offline, "offline")))

    def on_failure(name: str, exc: Exception) -> None:
        if not isinstance(exc, GenerationError):  # a provider bug must not fail the other stages
            log.error("unexpected error generating the %s stage (%s)", stage, name, exc_info=exc)

    try:
        result = await run_fallbacks(steps, recover=Exception, on_failure=on_failure)
        earlier = sum(
            len(exc.details.get("attempts", []) or [])
            for _name, exc in result.failures
            if isinstance(exc, GenerationError)
        )
        if result.value is not None:
            return result.value.model_copy(update={"attempts": earlier + result.value.attempts})
        last_error = result.last_error
        message = one_line(str(last_error)) if last_error else "no generator available"
        return StageRecord(
            status="failed",
            model=rt.provider.spec,
            prompt_hash=prompt_hash(request),
            prompt_version=STAGE_PROMPT_VERSION,
            attempts=earlier,
            started_at=started_at,
            finished_at=rt.now(),
            duration_ms=(time.perf_counter() - started) * 1000,
            error=message,
            error_type=error_type(last_error) if last_error else "generation_failed",
        )
    finally:
        await rt.record(events)


async def annotate_serving_the_loop(value: _Model) -> _Model:
    """``annotate_model(value)``, its texts analysed one at a time with the event loop served
    in between: requests started just before (the stages that read the content, which may
    still be resolving and connecting) go out while it runs, not after."""
    for text in target_texts(value):
        annotate(text.surface)  # cached: annotate_model below reads it back
        await asyncio.sleep(0)
    return annotate_model(value)


def one_line(text: str, limit: int = 300) -> str:
    """Errors are shown in tables and progress lines: first line, bounded."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


def skipped_stage(stage: StageName, reason: str, rt: Runtime) -> StageRecord:
    """A stage that could not start because a stage it reads failed."""
    now = rt.now()
    return StageRecord(
        status="failed",
        model=rt.provider.spec,
        started_at=now,
        finished_at=now,
        error=reason,
        error_type="dependency_failed",
    )


def lesson_issues(
    stages: dict[StageName, StageRecord],
    plan: DomainPlan,
    kit: PrelessonKit,
    *,
    language: str = "ja",
    parsed: Parsed | None = None,
) -> list[QualityIssue]:
    """Kit requirements across the whole lesson, checked once every stage is done (pure);
    ``language`` is the descriptor's target language. A stage whose record still holds the data
    ``parsed`` has for it is read from that model, the others are validated from their data."""
    if all(record.status == "done" and record.data is not None for record in stages.values()):
        known = parsed or {}
        data: dict[StageName, BaseModel | dict[str, Any]] = {}
        for name, record in stages.items():
            if record.data is None:
                continue
            kept = known.get(name)
            data[name] = kept[1] if kept is not None and kept[0] is record.data else record.data
        return list(check_lesson(data, plan, kit, language=language))
    return []


def lesson_quality_event(
    rt: Runtime,
    stages: dict[StageName, StageRecord],
    issues: list[QualityIssue],
    *,
    can_do_id: str,
) -> GenerationEvent:
    """The stages' own issue codes and the lesson's, as one ``lesson_quality`` event."""
    codes = [i.code for record in stages.values() for i in record.quality_issues]
    codes += [i.code for i in issues]
    return GenerationEvent(
        at=rt.now(),
        operation="lesson_quality",
        can_do_id=can_do_id,
        outcome="checked",
        quality_issue_count=len(codes),
        quality_codes=codes or None,
    )


async def lesson_quality(
    rt: Runtime,
    stages: dict[StageName, StageRecord],
    plan: DomainPlan,
    kit: PrelessonKit,
    *,
    can_do_id: str,
    language: str = "ja",
    parsed: Parsed | None = None,
) -> list[QualityIssue]:
    """:func:`lesson_issues`, recorded as a ``lesson_quality`` event."""
    issues = lesson_issues(stages, plan, kit, language=language, parsed=parsed)
    await rt.record([lesson_quality_event(rt, stages, issues, can_do_id=can_do_id)])
    return issues
