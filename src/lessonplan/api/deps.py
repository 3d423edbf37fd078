"""``Annotated`` dependency aliases shared by the routes.

The runtime lives on ``app.state`` (opened once per process by the lifespan, or injected by a
test) rather than in the lifespan state, so it is reachable from every transport, including
in-process test clients that do not forward lifespan state.

Dependencies are ``async def`` even where they await nothing: FastAPI runs a plain ``def``
dependency in the threadpool, a thread hop per request on the cache-hit path.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.exceptions import RequestValidationError

from lessonplan.config import Settings
from lessonplan.errors import ConfigurationError
from lessonplan.service.runtime import Runtime

# Identifiers end up in SQL parameters and logs: no NUL or other control characters.
ID_PATTERN = r"^[^\x00-\x1f\x7f]+$"


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:
        raise ConfigurationError("the API runtime is not open (was the app lifespan run?)")
    return runtime


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]

CanDoId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=200,
        pattern=ID_PATTERN,
        description="Can-Do descriptor uid",
        examples=["JF:105"],
    ),
]
LessonId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=ID_PATTERN, description="lesson id")
]
LearnerId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=200,
        pattern=ID_PATTERN,
        description="learner id",
        examples=["maria"],
    ),
]


async def single_query_values(request: Request) -> None:
    """A repeated query parameter is ambiguous (every parameter here is a single value): 422."""
    if not request.scope.get("query_string"):
        return
    names = [name for name, _ in request.query_params.multi_items()]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise RequestValidationError(
            [
                {"loc": ("query", name), "msg": "give this parameter once", "type": "repeated"}
                for name in repeated
            ]
        )


async def within_daily_budget(request: Request) -> None:
    """Generation routes: a problem+json 429 once ``LESSONPLAN_DAILY_BUDGET_USD`` is spent."""
    from lessonplan.service.budget import check_daily_budget

    await check_daily_budget(await get_runtime(request))


WithinBudget = Depends(within_daily_budget)
