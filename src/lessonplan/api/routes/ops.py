"""Operations: ``/metrics`` and ``/healthz`` at the root, ``/api/v1/stats``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import PlainTextResponse

from lessonplan import metrics
from lessonplan.api.deps import RuntimeDep
from lessonplan.api.errors import ApiProblem
from lessonplan.api.routes._common import problems
from lessonplan.api.schemas import Health, StatsResponse
from lessonplan.service.stats import compute_stats

root_router = APIRouter(tags=["ops"])
router = APIRouter(tags=["ops"])

PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@root_router.get(
    "/metrics",
    response_class=PlainTextResponse,
    summary="Prometheus metrics of this process",
)
async def prometheus_metrics() -> Response:
    return Response(content=metrics.render(), media_type=PROMETHEUS_CONTENT_TYPE)


@root_router.get(
    "/healthz",
    response_model=Health,
    responses=problems(503),
    summary="Liveness and database reachability",
)
async def healthz(rt: RuntimeDep) -> Health:
    if not await rt.store.ping():
        raise ApiProblem(503, "database_unavailable", "the database does not answer")
    return Health(status="ok", database="ok")


@router.get(
    "/stats",
    response_model=StatsResponse,
    responses=problems(422),
    summary="Cache hit rate, generation time, LLM calls, tokens, cost, errors, quality",
)
async def stats(
    rt: RuntimeDep,
    since: Annotated[datetime | None, Query(description="only events from this instant")] = None,
) -> StatsResponse:
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)  # naive instants are read as UTC
    return StatsResponse.model_validate(await compute_stats(rt, since=since))
