"""``/cando``: search the catalog, read a descriptor; ``/cando/{can_do_id}/…``: get a plan,
compile a lesson, or compile with streamed progress."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from sse_starlette import EventSourceResponse

from lessonplan.api.deps import CanDoId, RuntimeDep, WithinBudget
from lessonplan.api.routes._common import (
    GENERATION,
    body_inputs,
    lesson_out,
    lineage_out,
    problems,
    require_body_learner,
)
from lessonplan.api.schemas import (
    CatalogPage,
    CompileRequest,
    CompileResponse,
    PlanInfo,
    PlanRequest,
    PlanResponse,
)
from lessonplan.api.security import CallerDep, require_admin_for_no_cache
from lessonplan.api.streaming import compile_events
from lessonplan.catalog.search import MAX_LIMIT, MAX_QUERY, CatalogQuery
from lessonplan.domain.models import CanDoDescriptor
from lessonplan.service.compile import compile_lesson, resolve_descriptor
from lessonplan.service.plans import get_plan
from lessonplan.service.versions import lineage_for

router = APIRouter(prefix="/cando", tags=["cando"])
_FILTER = {"max_length": 200, "pattern": r"^[^\x00-\x1f\x7f]*$"}


@router.get(
    "",
    response_model=CatalogPage,
    responses=problems(401, 403, 422),
    summary="Search the catalog: words in either language, level, topic, skill, source; paged",
)
async def list_cando(
    rt: RuntimeDep,
    query: Annotated[
        str | None,
        Query(
            max_length=MAX_QUERY,
            pattern=_FILTER["pattern"],
            description="words that must all occur (English or Japanese)",
            examples=["買い物"],
        ),
    ] = None,
    level: Annotated[str | None, Query(pattern=r"^[A-Ca-c][12]$", examples=["A2"])] = None,
    topic: Annotated[
        str | None,
        Query(**_FILTER, description="topic in Japanese or English", examples=["買い物"]),
    ] = None,
    skill: Annotated[
        str | None,
        Query(**_FILTER, description="受容/reception, 産出/production, やりとり/interaction"),
    ] = None,
    source: Annotated[str | None, Query(**_FILTER, examples=["JF"])] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> CatalogPage:
    select = CatalogQuery.build(
        query=query,
        level=level,
        topic=topic,
        skill=skill,
        source=source,
        limit=limit,
        offset=offset,
    )
    items, total = await rt.store.search_descriptors(query=select)
    after = offset + len(items)
    return CatalogPage(
        items=items,
        total=total,
        limit=limit,
        offset=offset,
        next_offset=after if after < total else None,
    )


@router.get(
    "/{can_do_id}",
    response_model=CanDoDescriptor,
    responses=problems(401, 403, 404, 422),
    summary="One descriptor of the catalog, every field",
)
async def get_cando(rt: RuntimeDep, can_do_id: CanDoId) -> CanDoDescriptor:
    return await resolve_descriptor(rt, can_do_id)


def _sse_event(events: list[str], data_schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["event", "data"],
        "properties": {
            "event": {"type": "string", "enum": events},
            "data": {
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": data_schema,
            },
            "id": {"type": "string"},
            "retry": {"type": "integer", "minimum": 0},
        },
    }


_SSE_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": (
            "Server-sent events: `inputs`, `plan` (with its source), one `stage` per stage "
            "(stage, status, source, error), then `lesson` (the stored lesson, as GET "
            "/lessons/{id} returns it) or `error` (a problem body). Event data is JSON."
        ),
        "content": {
            "text/event-stream": {
                "itemSchema": {
                    "oneOf": [
                        _sse_event(["inputs", "plan", "stage"], {"type": "object"}),
                        _sse_event(["lesson"], {"$ref": "#/components/schemas/Lesson"}),
                        _sse_event(["error"], {"$ref": "#/components/schemas/Problem"}),
                    ]
                }
            }
        },
    }
}


@router.post(
    "/{can_do_id}/plan",
    response_model=PlanResponse,
    responses=problems(401, 403, 404, 413, 422, *GENERATION),
    dependencies=[WithinBudget],
    summary="The DomainPlan for a descriptor and learner (cache first)",
)
async def plan(
    rt: RuntimeDep,
    caller: CallerDep,
    can_do_id: CanDoId,
    body: Annotated[PlanRequest | None, Body()] = None,
) -> PlanResponse:
    body = body or PlanRequest()
    require_body_learner(caller, body)
    require_admin_for_no_cache(caller, body.use_cache)
    inputs = await body_inputs(rt, can_do_id, body)
    result = await get_plan(rt, inputs, use_cache=body.use_cache)
    return PlanResponse(
        can_do_id=inputs.descriptor.uid,
        source=result.source,
        provenance=result.provenance,
        quality_issues=result.quality_issues,
        timings_ms={"plan": round(result.provenance.duration_ms, 2)},
        lineage=lineage_out(lineage_for(rt, inputs)),
        plan=result.plan,
    )


@router.post(
    "/{can_do_id}/compile",
    response_model=CompileResponse,
    responses=problems(401, 403, 404, 413, 422, *GENERATION),
    dependencies=[WithinBudget],
    summary="Compile and store a lesson (plan, then the four stages)",
)
async def compile_(
    rt: RuntimeDep,
    caller: CallerDep,
    can_do_id: CanDoId,
    body: Annotated[CompileRequest | None, Body()] = None,
) -> CompileResponse:
    body = body or CompileRequest()
    require_body_learner(caller, body)
    require_admin_for_no_cache(caller, body.use_cache)
    inputs = await body_inputs(rt, can_do_id, body)
    result = await compile_lesson(
        rt, inputs.descriptor.uid, profile=inputs.profile, kit=body.kit, use_cache=body.use_cache
    )
    return CompileResponse(
        lesson_id=result.lesson.lesson_id,
        version=result.lesson.version,
        status=result.lesson.status,
        source=result.plan.source,
        plan=PlanInfo(
            source=result.plan.source,
            provenance=result.plan.provenance,
            quality_issues=result.plan.quality_issues,
        ),
        timings_ms={k: round(v, 2) for k, v in result.timings_ms.items()},
        lesson=await lesson_out(rt, result.lesson, inputs.descriptor.target_language),
    )


@router.post(
    "/{can_do_id}/compile/stream",
    response_class=EventSourceResponse,
    responses={**_SSE_DOC, **problems(401, 403, 404, 413, 422, 429)},
    dependencies=[WithinBudget],
    summary="Compile with progress as server-sent events",
)
async def compile_stream(
    rt: RuntimeDep,
    caller: CallerDep,
    can_do_id: CanDoId,
    body: Annotated[CompileRequest | None, Body()] = None,
) -> EventSourceResponse:
    body = body or CompileRequest()
    require_body_learner(caller, body)
    require_admin_for_no_cache(caller, body.use_cache)
    inputs = await body_inputs(rt, can_do_id, body)  # 404 / 422 before the stream opens
    return EventSourceResponse(
        compile_events(
            rt,
            inputs.descriptor.uid,
            profile=inputs.profile,
            kit=body.kit,
            use_cache=body.use_cache,
        ),
        ping=15,
    )
