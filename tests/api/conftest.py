"""Fixtures for the HTTP API tests: settings on a temporary SQLite file (admin and client keys
configured), an app whose lifespan runs, and an ``httpx.AsyncClient`` speaking ASGI to it
in-process with a client key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from lessonplan.api.app import create_app
from lessonplan.config import Settings
from lessonplan.service.runtime import Runtime

from .helpers import ADMIN_KEY, CLIENT_KEY, CLIENT_KEYS, OTHER_KEY, api_settings, serve


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return api_settings(tmp_path, api_keys=f"{OTHER_KEY},{ADMIN_KEY}", client_keys=CLIENT_KEYS)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """The app as uvicorn builds it: it opens (and closes) its own runtime in the lifespan."""
    return create_app(settings)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the product backend: every request carries an unbound client key unless
    it sends its own (``admin()``, ``NO_KEY``)."""
    async with serve(app, headers={"X-API-Key": CLIENT_KEY}) as client:
        yield client


@pytest.fixture
def runtime(app: FastAPI, client: httpx.AsyncClient) -> Runtime:
    """The runtime the app's lifespan opened (after ``client`` started it)."""
    rt: Runtime = app.state.runtime
    return rt
