"""The PostgreSQL fixtures skip visibly when the server is unreachable, and fail under CI=true."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from lessonplan.store import Store
from tests.conftest import TEST_POOL

from .samples import sample_key

CONFTEST = Path(__file__).parent.parent / "conftest.py"
UNREACHABLE = "postgresql+asyncpg://postgres@127.0.0.1:1/none"


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "conftest.py").write_text(CONFTEST.read_text())
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
        "markers =\n    postgres: needs PostgreSQL\n"
    )
    (tmp_path / "test_pg.py").write_text("async def test_uses_pg(pg_url):\n    pass\n")
    environ = {k: v for k, v in os.environ.items() if k != "CI"}
    environ.update({"LESSONPLAN_TEST_PG_URL": UNREACHABLE, **env})
    # the copied conftest imports tests.hermetic; cwd is tmp_path, so absolute paths only
    repo = CONFTEST.parents[1]
    environ["PYTHONPATH"] = os.pathsep.join(
        [str(repo), str(repo / "src"), *filter(None, [environ.get("PYTHONPATH")])]
    )
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_unreachable_server_skips_with_reason(tmp_path: Path) -> None:
    result = _run(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "PostgreSQL at postgresql+asyncpg://postgres@127.0.0.1:1/none unavailable" in (
        result.stdout
    )


@pytest.mark.slow
def test_unreachable_server_fails_in_ci(tmp_path: Path) -> None:
    result = _run(tmp_path, CI="true")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "PostgreSQL tests must run in CI" in result.stdout
    assert "1 error" in result.stdout


async def test_a_test_store_holds_few_connections_however_busy(pg_store: object) -> None:
    """Twenty concurrent transactions and lock holders on the test store: the server never sees
    more connections from this database than the bounded pools allow."""
    assert isinstance(pg_store, Store)
    limit = TEST_POOL["pool_size"] + TEST_POOL["max_overflow"] + TEST_POOL["lock_pool_max"]
    seen: list[int] = []
    count = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")

    async def busy(i: int) -> None:
        async with pg_store.plan_lock(sample_key(f"JF:{i % 6}")), pg_store.transaction() as tx:
            seen.append(int((await tx.conn.execute(count)).scalar_one()))

    await asyncio.gather(*(busy(i) for i in range(20)))
    assert max(seen) <= limit
