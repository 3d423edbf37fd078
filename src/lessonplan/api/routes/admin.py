"""Admin routes that are not about one plan lineage: the plan cache."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from lessonplan.api.deps import ID_PATTERN, RuntimeDep
from lessonplan.api.routes._common import problems
from lessonplan.api.schemas import CacheInvalidated
from lessonplan.api.security import require_admin
from lessonplan.errors import UnknownDescriptorError

router = APIRouter(tags=["admin"], dependencies=[Depends(require_admin)])


@router.delete(
    "/cache",
    response_model=CacheInvalidated,
    responses=problems(401, 403, 404, 422),
    summary="Invalidate the plan cache, or one descriptor's entries (admin)",
)
async def invalidate_cache(
    rt: RuntimeDep,
    can_do_id: Annotated[
        str | None, Query(min_length=1, max_length=200, pattern=ID_PATTERN)
    ] = None,
) -> CacheInvalidated:
    if can_do_id is not None and await rt.store.get_descriptor(uid=can_do_id) is None:
        raise UnknownDescriptorError(f"unknown Can-Do descriptor {can_do_id!r}")
    deleted = await rt.store.cache_invalidate(can_do_id=can_do_id)
    return CacheInvalidated(deleted=deleted, can_do_id=can_do_id)
