"""A database that cannot be reached is a typed error at the store boundary: StoreUnavailableError
from the store, a 503 problem over HTTP (no host or port in it), one line and exit 1 in the CLI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from typer.testing import CliRunner

from lessonplan.cli.app import app as cli_app
from lessonplan.config import get_settings
from lessonplan.errors import StoreUnavailableError
from lessonplan.service.runtime import Runtime
from lessonplan.store import Store
from lessonplan.store.engine import create_engine

from .helpers import API, assert_problem

# Nothing listens on port 1: the connection is refused at once.
REFUSED_URL = "postgresql+asyncpg://postgres@127.0.0.1:1/nothing"


@pytest.fixture
async def dead_store() -> AsyncIterator[Store]:
    store = Store(create_engine(REFUSED_URL, pool_pre_ping=False), url=REFUSED_URL)
    yield store
    await store.close()


async def test_reads_and_writes_raise_store_unavailable(dead_store: Store) -> None:
    with pytest.raises(StoreUnavailableError, match="database unavailable") as caught:
        await dead_store.get_descriptor(uid="JF:105")
    assert caught.value.__cause__ is not None
    with pytest.raises(StoreUnavailableError):
        async with dead_store.transaction() as tx:
            await tx.cache.purge(now=datetime.now(UTC), grace=timedelta(0))


async def test_open_raises_store_unavailable() -> None:
    with pytest.raises(StoreUnavailableError):
        await Store.open(REFUSED_URL)


async def test_http_answers_503_without_the_cause(
    client: httpx.AsyncClient,
    runtime: Runtime,
    dead_store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Undone before the app's lifespan closes the runtime, so it closes its own store (the
    # environment fixture's monkeypatch is torn down last).
    with monkeypatch.context() as patch:
        patch.setattr(runtime, "store", dead_store)
        response = await client.get(f"{API}/lessons/L-000000000000")
    body = assert_problem(response, 503, "store_unavailable")
    assert response.headers["retry-after"] == "5"
    assert "127.0.0.1" not in body["detail"] and ":1" not in body["detail"]


def test_cli_prints_one_line_and_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LESSONPLAN_DATABASE_URL", REFUSED_URL)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli_app, ["catalog", "list"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: database unavailable"), lines
