"""The FastAPI app factory: ``uvicorn lessonplan.api.app:create_app --factory``.

Every ``/api/v1`` route depends on :func:`~lessonplan.api.security.get_caller` (API keys, when
any is configured); ``/healthz`` and ``/metrics`` stay at the root, outside it. With no key
configured the app answers loopback clients only.

Each process (each uvicorn worker) builds its own app and opens one :class:`Runtime` in the
lifespan, closed at shutdown. Tests pass a runtime of their own (the app then neither opens
nor closes it) or settings pointing at a temporary database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.openapi.utils import get_openapi

from lessonplan import __version__
from lessonplan.api.deps import single_query_values
from lessonplan.api.docs import install_docs
from lessonplan.api.errors import PROBLEM_MEDIA_TYPE, install_error_handlers
from lessonplan.api.fastlane import PlanFastLane
from lessonplan.api.middleware import BodySizeLimit
from lessonplan.api.routes import admin, cando, exports, learners, lessons, ops, plans, precompile
from lessonplan.api.security import LoopbackOnly, get_caller
from lessonplan.config import Settings, get_settings
from lessonplan.errors import ConfigurationError
from lessonplan.providers.lazy import resolve_all
from lessonplan.service.runtime import Runtime
from lessonplan.studio import install_studio

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    if settings is None:
        settings = runtime.settings if runtime is not None else get_settings()
    resolved = settings

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if runtime is not None:  # the caller owns it
            app.state.runtime = runtime
            yield
            return
        opened = await Runtime.open(resolved)
        try:
            resolve_all([opened.provider, *opened.fallbacks, opened.offline])  # fail at start
        except BaseException:
            await opened.close()
            raise
        try:
            await opened.warm()  # before the first request: it is not a cold one
        except BaseException:
            await opened.close()
            raise
        app.state.runtime = opened
        try:
            yield
        finally:
            app.state.runtime = None
            await opened.close()

    app = FastAPI(
        title="lessonplan",
        version=__version__,
        summary="Compile language lessons from Can-Do descriptors with an LLM.",
        lifespan=lifespan,
        dependencies=[Depends(single_query_values)],
        docs_url=None,  # served offline by install_docs
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.runtime = runtime
    try:
        app.state.key_ring = key_ring = settings.key_ring()
    except ValueError as exc:
        raise ConfigurationError(f"API keys: {exc}") from None
    install_error_handlers(app)
    for module in (cando, lessons, exports, plans, learners, admin, ops, precompile):
        app.include_router(module.router, prefix=API_PREFIX, dependencies=[Depends(get_caller)])
    app.include_router(ops.root_router)
    install_studio(app)
    install_docs(app)
    if settings.http_fast_lane:
        app.add_middleware(PlanFastLane, state=app.state, prefix=API_PREFIX)
    app.add_middleware(BodySizeLimit, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(LoopbackOnly, enabled=not key_ring.configured)
    app.openapi = _openapi_with_problems(app)  # type: ignore[method-assign]
    return app


def _openapi_with_problems(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """FastAPI documents every response in the route's media type; errors are problem+json."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            routes=app.routes,
        )
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                for status, response in operation.get("responses", {}).items():
                    if status[:1] in ("4", "5"):
                        _as_problem(response)
        app.openapi_schema = schema
        return schema

    return openapi


def _as_problem(response: dict[str, Any]) -> None:
    content = response.get("content") or {}
    found = [c["schema"] for c in content.values() if isinstance(c, dict) and c.get("schema")]
    schema = found[0] if found else {"$ref": "#/components/schemas/Problem"}
    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": schema}}
