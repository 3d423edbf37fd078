"""The floor of an HTTP cache hit: FastAPI + asyncpg reading the same row, nothing else.

``uvicorn benchmarks.floors.fastapi_asyncpg:create_app --factory`` with ``FLOOR_DSN`` (a
``postgresql://`` DSN) and ``FLOOR_KEY_HASH`` (the cache row) in the environment. The handler
reads the body (as the real route does), fetches ``plan_json`` by its unique key through a pool
and a prepared statement, and returns the JSON text as it is.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from fastapi import FastAPI, Request, Response

SQL = "SELECT plan_json::text FROM plan_cache WHERE key_hash = $1 AND expires_at > now()"


def create_app() -> FastAPI:
    dsn = os.environ["FLOOR_DSN"]
    key_hash = os.environ["FLOOR_KEY_HASH"]
    state: dict[str, asyncpg.Pool] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state["pool"] = await asyncpg.create_pool(dsn, min_size=1, max_size=5)
        try:
            yield
        finally:
            await state["pool"].close()

    app = FastAPI(lifespan=lifespan)

    @app.post("/plan")
    async def plan(request: Request) -> Response:
        await request.body()
        text = await state["pool"].fetchval(SQL, key_hash)
        return Response(content=text, media_type="application/json")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
