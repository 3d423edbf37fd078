"""``/plans/{can_do_id}/…``: the version history of one plan lineage.

A lineage is a descriptor × learner profile × kit. Reads name it in the query: ``learner_id``
(the stored profile; omitted means the anonymous profile) and an optional ``kit`` (a JSON
``PrelessonKit``). Writes (rollback, manual edit; admin only) take the same selector in their
JSON body, where an inline ``profile`` is also accepted. Clients with inline profiles store
them first with ``PUT /learners/{id}/profile`` to read their history.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from lessonplan.api.deps import ID_PATTERN, CanDoId, RuntimeDep
from lessonplan.api.routes._common import (
    body_inputs,
    lineage_out,
    parse_kit_query,
    plan_inputs,
    problems,
)
from lessonplan.api.schemas import (
    DiffResponse,
    ManualEditRequest,
    PlanVersionOut,
    RollbackRequest,
    VersionsResponse,
)
from lessonplan.api.security import CallerDep, require_admin, require_learner
from lessonplan.service import versions
from lessonplan.service.plans import PlanInputs
from lessonplan.store.records import PlanVersion

router = APIRouter(prefix="/plans", tags=["plans"])

Version = Annotated[int, Query(ge=1, le=2**31 - 1)]


async def lineage_query(
    rt: RuntimeDep,
    caller: CallerDep,
    can_do_id: CanDoId,
    learner_id: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            pattern=ID_PATTERN,
            description="whose stored profile; omitted: the anonymous profile",
        ),
    ] = None,
    kit: Annotated[
        str | None,
        Query(max_length=65536, description="the pre-lesson kit as JSON (PrelessonKit)"),
    ] = None,
) -> PlanInputs:
    require_learner(caller, learner_id)
    return await plan_inputs(
        rt, can_do_id, profile=None, learner_id=learner_id, kit=parse_kit_query(kit)
    )


LineageInputs = Annotated[PlanInputs, Depends(lineage_query)]


def version_out(version: PlanVersion) -> PlanVersionOut:
    return PlanVersionOut(
        version=version.version,
        source=version.source,
        parent_version=version.parent_version,
        model=version.model,
        prompt_version=version.prompt_version,
        quality_issues=version.quality_issues,
        note=version.note,
        created_at=version.created_at,
        is_active=version.is_active,
        plan=version.plan,
    )


@router.get(
    "/{can_do_id}/versions",
    response_model=VersionsResponse,
    responses=problems(401, 403, 404, 422),
    summary="The plan versions of a lineage, oldest first",
)
async def list_versions(rt: RuntimeDep, inputs: LineageInputs) -> VersionsResponse:
    lineage = versions.lineage_for(rt, inputs)
    items = await versions.list_versions(rt, lineage)
    return VersionsResponse(lineage=lineage_out(lineage), versions=[version_out(v) for v in items])


@router.get(
    "/{can_do_id}/diff",
    response_model=DiffResponse,
    responses=problems(401, 403, 404, 422),
    summary="What changed between two plan versions (readable lines and a JSON Patch)",
)
async def diff(rt: RuntimeDep, inputs: LineageInputs, v1: Version, v2: Version) -> DiffResponse:
    lineage = versions.lineage_for(rt, inputs)
    result = await versions.diff_versions(rt, lineage, v1, v2)
    return DiffResponse(
        lineage=lineage_out(lineage),
        from_version=result.old.version,
        to_version=result.new.version,
        lines=result.diff.to_lines(),
        json_patch=result.patch,
        diff=result.diff,
    )


@router.post(
    "/{can_do_id}/rollback",
    response_model=PlanVersionOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require_admin)],
    responses=problems(401, 403, 404, 413, 422),
    summary="Roll back: a new version copying an old one (admin)",
)
async def rollback(rt: RuntimeDep, can_do_id: CanDoId, body: RollbackRequest) -> PlanVersionOut:
    inputs = await body_inputs(rt, can_do_id, body)
    created = await versions.rollback(rt, versions.lineage_for(rt, inputs), body.version)
    return version_out(created)


@router.post(
    "/{can_do_id}/versions",
    response_model=PlanVersionOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require_admin)],
    responses=problems(401, 403, 404, 413, 422),
    summary="Store a manually edited plan as a new version (admin)",
)
async def manual_edit(
    rt: RuntimeDep, can_do_id: CanDoId, body: ManualEditRequest
) -> PlanVersionOut:
    inputs = await body_inputs(rt, can_do_id, body)
    created = await versions.manual_edit(
        rt, versions.lineage_for(rt, inputs), inputs, body.plan, note=body.note
    )
    return version_out(created)
