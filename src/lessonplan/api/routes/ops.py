"""Operations: ``/metrics`` and ``/healthz`` at the root, ``/api/v1/stats``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse

from lessonplan import metrics
from lessonplan.api.deps import RuntimeDep
from lessonplan.api.errors import ApiProblem
from lessonplan.api.routes._common import problems
from lessonplan.api.schemas import Health, StatsResponse
from lessonplan.api.security import CallerDep, require_unbound
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


# RFC 3339 (what OpenAPI's date-time means): a number or a bare date is not an instant.
RFC3339 = r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"


def _instant(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.upper())
    except ValueError as exc:
        raise RequestValidationError(
            [{"loc": ("query", "since"), "msg": f"not a date-time: {exc}", "type": "datetime"}]
        ) from exc


@router.get(
    "/stats",
    response_model=StatsResponse,
    responses=problems(401, 403, 422),
    summary="Cache hit rate, generation time, LLM calls, tokens, cost, errors, quality",
)
async def stats(
    rt: RuntimeDep,
    caller: CallerDep,
    since: Annotated[
        str | None,
        Query(
            pattern=RFC3339,
            description="only events from this instant (RFC 3339, with an offset)",
            json_schema_extra={"format": "date-time"},
        ),
    ] = None,
) -> StatsResponse:
    require_unbound(caller, "/stats (figures over every learner)")
    return StatsResponse.model_validate(await compute_stats(rt, since=_instant(since)))
