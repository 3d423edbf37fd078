"""What several routes share: documented error responses and resolving a request's inputs."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from lessonplan.access import Caller
from lessonplan.api.schemas import InputsBody, LessonOut, LineageOut, Problem, ValidationProblem
from lessonplan.api.security import require_learner
from lessonplan.domain.lesson import Lesson
from lessonplan.domain.models import LearnerProfile, PrelessonKit
from lessonplan.service.plans import PlanInputs
from lessonplan.service.resolve import resolve_inputs
from lessonplan.service.runtime import Runtime
from lessonplan.service.versions import Lineage

_DESCRIPTIONS = {
    401: "No API key given (keys are configured)",
    403: "Wrong API key, a client key on an admin-only route or option, or admin routes "
    "disabled (no admin key configured)",
    404: "Unknown descriptor, lesson, learner or version, or a learner the key does not reach",
    409: "The change conflicts with the current state (e.g. a review move not allowed from it)",
    413: "Request body too large",
    422: "Invalid request: the fields at fault are listed in `errors`",
    429: "The LLM provider is rate limiting and no fallback was left",
    502: "Plan generation failed",
    503: "The LLM provider (or the database) is unavailable",
    504: "The LLM provider timed out",
}
GENERATION = (429, 502, 503, 504)


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these statuses, each an ``application/problem+json`` body."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        entry: dict[str, Any] = {
            "model": ValidationProblem if status == 422 else Problem,
            "description": _DESCRIPTIONS.get(status, "Error"),
        }
        if status == 429:
            entry["headers"] = {
                "Retry-After": {
                    "description": "seconds to wait, when the provider said",
                    "schema": {"type": "integer"},
                }
            }
        if status == 401:
            entry["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
        out[status] = entry
    return out


async def plan_inputs(
    rt: Runtime,
    can_do_id: str,
    *,
    profile: LearnerProfile | None,
    learner_id: str | None,
    kit: PrelessonKit | None,
) -> PlanInputs:
    """Descriptor and profile (a stored one fetched concurrently with the descriptor); 404 /
    422 before any generation starts."""
    descriptor, learner = await resolve_inputs(rt, can_do_id, profile, learner_id)
    return PlanInputs(descriptor, learner, kit or PrelessonKit(), rt.settings.metalanguage)


async def body_inputs(rt: Runtime, can_do_id: str, body: InputsBody) -> PlanInputs:
    return await plan_inputs(
        rt, can_do_id, profile=body.profile, learner_id=body.learner_id, kit=body.kit
    )


def body_learner(body: InputsBody) -> str | None:
    """The learner a request body acts for (``None``: the anonymous profile)."""
    if body.profile is not None:
        return body.profile.learner_id
    return body.learner_id


def require_body_learner(caller: Caller, body: InputsBody) -> None:
    """Before anything is read: a learner outside the key's scope is 404."""
    require_learner(caller, body_learner(body))


def lineage_out(lineage: Lineage) -> LineageOut:
    return LineageOut(
        can_do_id=lineage.can_do_id,
        profile_hash=lineage.profile_hash,
        kit_hash=lineage.kit_hash,
    )


def parse_kit_query(raw: str | None) -> PrelessonKit | None:
    """The ``kit`` query parameter: a JSON ``PrelessonKit``; invalid JSON or fields are 422."""
    if raw is None or raw == "":
        return None
    from fastapi.exceptions import RequestValidationError

    try:
        return PrelessonKit.model_validate_json(raw)
    except ValidationError as exc:
        errors = [
            {"loc": ("query", "kit", *err["loc"]), "msg": err["msg"], "type": err["type"]}
            for err in exc.errors()
        ]
        raise RequestValidationError(errors) from exc


async def lesson_out(rt: Runtime, lesson: Lesson, target_language: str | None = None) -> LessonOut:
    """``lesson`` as the API serves it, with its descriptor's target language (read from the
    catalog, held in process, when the caller does not know it)."""
    if target_language is None:
        descriptor = await rt.store.get_descriptor(uid=lesson.can_do_id, cached=True)
        target_language = descriptor.target_language if descriptor is not None else "ja"
    return LessonOut.of(lesson, target_language)
