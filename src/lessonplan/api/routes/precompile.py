"""``/precompile/{run}``: a queued precompile run's progress (read from our run tables)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from lessonplan.api.deps import ID_PATTERN, RuntimeDep
from lessonplan.api.routes._common import problems
from lessonplan.api.security import CallerDep, require_unbound
from lessonplan.service.precompile_queue import run_status

router = APIRouter(prefix="/precompile", tags=["precompile"])


@router.get(
    "/{run_id}",
    responses=problems(401, 403, 404, 422),
    summary="Done, failed, pending and cost so far of a queued precompile run",
)
async def precompile_run(
    rt: RuntimeDep,
    caller: CallerDep,
    run_id: Annotated[str, Path(max_length=64, pattern=ID_PATTERN)],
) -> dict[str, Any]:
    require_unbound(caller, "/precompile (runs over every learner)")
    status = await run_status(rt, run_id)
    return status.as_dict()
