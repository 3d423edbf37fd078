"""One lesson stage from a plan: the repair loop, the model fallbacks and a status.

A stage never raises for a generation failure: it comes back as a failed :class:`StageRecord`
so the lesson is stored with the other stages intact and the stage can be retried alone.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from pydantic import BaseModel

from lessonplan.domain.lesson import STAGE_MODELS, ContentStage, StageName, StageRecord
from lessonplan.domain.models import CanDoDescriptor, DomainPlan, LearnerProfile, PrelessonKit
from lessonplan.domain.quality import check_lesson, check_stage, has_errors
from lessonplan.errors import GenerationError, QualityRejectedError, error_type
from lessonplan.japanese import annotate_model
from lessonplan.planners.generate import AttemptRecord, RetryPolicy, generate_structured
from lessonplan.prompts.stages import STAGE_PROMPT_VERSION, build_stage_request
from lessonplan.prompts.tokens import prompt_hash
from lessonplan.providers.base import LLMProvider
from lessonplan.service.plans import attempt_event
from lessonplan.service.runtime import Runtime
from lessonplan.store.records import GenerationEvent

log = logging.getLogger(__name__)


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
) -> StageRecord:
    """Generate ``stage``; returns a ``done`` or ``failed`` record, never raises for the LLM."""
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
    steps: list[tuple[LLMProvider, str]] = [(rt.provider, "")]
    steps += [(p, "fallback") for p in rt.fallbacks]
    if rt.offline is not None:
        steps.append((rt.offline, "offline"))
    policy = rt.settings.quality_policy
    model_cls = STAGE_MODELS[stage]

    def validate_extra(value: BaseModel) -> list[str]:
        if policy != "repair":
            return []
        issues = check_stage(
            stage, annotate_model(value), plan, kit, content=content, metalanguage=metalanguage
        )
        return [f"{i.path}: {i.message}" for i in issues if i.severity == "error"]

    last_error: Exception | None = None
    attempts = 0
    try:
        for provider, forced in steps:

            def on_attempt(attempt: AttemptRecord, provider: LLMProvider = provider) -> None:
                events.append(
                    attempt_event(
                        rt, None, f"stage:{stage}", provider, attempt, can_do_id=descriptor.uid
                    )
                )

            try:
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
            except GenerationError as exc:
                attempts += len(exc.details.get("attempts", []) or [])
                last_error = exc
                continue
            except Exception as exc:  # a provider bug must not fail the other stages
                log.exception("unexpected error generating the %s stage", stage)
                last_error = exc
                continue
            # The system, not the generator, derives readings, furigana and romaji.
            value = annotate_model(generated.value)
            issues = check_stage(
                stage, value, plan, kit, content=content, metalanguage=metalanguage
            )
            if policy == "reject" and has_errors(issues):
                codes = sorted({i.code for i in issues if i.severity == "error"})
                last_error = QualityRejectedError(
                    f"{stage} stage rejected by quality checks: {', '.join(codes)}"
                )
                continue
            source = forced or ("offline" if provider.is_offline else "generated")
            if generated.repaired and not forced:
                source = "repaired"
            return StageRecord(
                status="done",
                data=value.model_dump(mode="json"),
                source=source,
                model=provider.spec,
                prompt_hash=prompt_hash(request),
                prompt_version=STAGE_PROMPT_VERSION,
                attempts=attempts + len(generated.attempts),
                prompt_tokens=generated.usage.prompt_tokens,
                completion_tokens=generated.usage.completion_tokens,
                started_at=started_at,
                finished_at=rt.now(),
                duration_ms=(time.perf_counter() - started) * 1000,
                quality_issues=[i.model_dump() for i in issues],
            )
        message = one_line(str(last_error)) if last_error else "no generator available"
        return StageRecord(
            status="failed",
            model=rt.provider.spec,
            prompt_hash=prompt_hash(request),
            prompt_version=STAGE_PROMPT_VERSION,
            attempts=attempts,
            started_at=started_at,
            finished_at=rt.now(),
            duration_ms=(time.perf_counter() - started) * 1000,
            error=message,
            error_type=error_type(last_error) if last_error else "generation_failed",
        )
    finally:
        await rt.record(events)


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


async def lesson_quality(
    rt: Runtime,
    stages: dict[StageName, StageRecord],
    plan: DomainPlan,
    kit: PrelessonKit,
    *,
    can_do_id: str,
) -> list[dict[str, Any]]:
    """Kit requirements across the whole lesson (checked once every stage is done), recorded
    with the stages' own issue codes as one ``lesson_quality`` event."""
    issues: list[dict[str, Any]] = []
    if all(record.status == "done" and record.data is not None for record in stages.values()):
        data = {name: record.data for name, record in stages.items() if record.data is not None}
        issues = [i.model_dump() for i in check_lesson(data, plan, kit)]
    codes = [i.code for record in stages.values() for i in record.quality_issues]
    codes += [str(i["code"]) for i in issues]
    event = GenerationEvent(
        at=rt.now(),
        operation="lesson_quality",
        can_do_id=can_do_id,
        outcome="checked",
        quality_issue_count=len(codes),
        quality_codes=codes or None,
    )
    await rt.record([event])
    return issues
