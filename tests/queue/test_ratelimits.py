"""``LESSONPLAN_RATE_LIMITS``: parsing, the token bucket, and a limit shared by processes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from benchmarks.simserver import SimServerHandle
from sqlalchemy.ext.asyncio import create_async_engine

from lessonplan.config import Settings
from lessonplan.domain.ratelimits import (
    BucketState,
    RateLimit,
    RateLimitSyntaxError,
    block,
    parse_rate_limits,
    take,
    window_limit,
)
from lessonplan.service.ratelimit import LocalLimiter, PostgresLimiter
from lessonplan.store.engine import ensure_migrated
from tests.queue.test_distributed import REPO, cli_env, lessonplan
from tests.simserver_fixture import sim_server  # noqa: F401


def test_several_entries_parse() -> None:
    limits = parse_rate_limits(
        "openai:gpt-4o-mini=500rpm/200000tpm, anthropic:claude-haiku-4-5=50rpm"
    )
    assert limits["openai:gpt-4o-mini"] == RateLimit("openai:gpt-4o-mini", 500, 200000)
    assert limits["anthropic:claude-haiku-4-5"].tpm is None


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("openai:gpt-4o-mini=500rpm,gpt-4o=10rpm", "'gpt-4o=10rpm'"),
        ("openai:gpt-4o-mini=500rps", "'500rps'"),
        ("openai:gpt-4o-mini=0rpm", "'0rpm'"),
        ("openai:a=1rpm,openai:a=2rpm", "limited twice"),
    ],
)
def test_a_bad_entry_is_named(text: str, named: str) -> None:
    with pytest.raises(RateLimitSyntaxError, match=named):
        parse_rate_limits(text)


def test_settings_refuse_a_bad_entry_by_name() -> None:
    with pytest.raises(ValueError, match="'openai:x=fast'"):
        Settings(rate_limits="openai:x=fast")


def test_the_bucket_admits_the_burst_then_the_rate() -> None:
    limit = RateLimit("openai:m", rpm=120)  # 2/s, burst 2
    state = BucketState.full(limit, now=0.0)
    assert [take(state, limit, now=0.0, tokens=0) for _ in range(2)] == [0.0, 0.0]
    assert take(state, limit, now=0.0, tokens=0) == pytest.approx(0.5)
    assert take(state, limit, now=0.5, tokens=0) == 0.0
    assert window_limit(limit, 60) == 122


def test_tokens_per_minute_hold_a_request_back() -> None:
    limit = RateLimit("openai:m", tpm=600)  # 10 tokens/s, bucket of 10
    state = BucketState.full(limit, now=0.0)
    assert take(state, limit, now=0.0, tokens=8) == 0.0
    assert take(state, limit, now=0.0, tokens=8) == pytest.approx(0.6)


def test_a_429_blocks_the_bucket_for_its_retry_after() -> None:
    limit = RateLimit("openai:m", rpm=6000)
    state = BucketState.full(limit, now=0.0)
    block(state, now=0.0, retry_after=3.0)
    assert take(state, limit, now=1.0, tokens=0) == pytest.approx(2.0)
    assert take(state, limit, now=3.0, tokens=0) == 0.0


async def test_local_limiter_penalty_is_seen_by_the_next_acquire() -> None:
    limiter = LocalLimiter()
    limit = RateLimit("openai:m", rpm=6000)
    await limiter.penalize(limit, 30.0)
    state = limiter._states["openai:m"]
    assert state.blocked_until > 0


@pytest.mark.postgres
async def test_a_429_seen_by_one_process_slows_the_others(pg_url: str) -> None:
    """Two engines stand for two processes: one's Retry-After blocks the other's bucket."""
    first = create_async_engine(pg_url, pool_size=1, max_overflow=0)
    second = create_async_engine(pg_url, pool_size=1, max_overflow=0)
    try:
        await ensure_migrated(first)
        limit = RateLimit("openai:m", rpm=6000)
        assert await PostgresLimiter(second)._with_row(limit, 0, None) == 0.0
        await PostgresLimiter(first).penalize(limit, 30.0)
        wait = await PostgresLimiter(second)._with_row(limit, 0, None)
        assert 25.0 < wait <= 30.0
    finally:
        await first.dispose()
        await second.dispose()


@pytest.mark.postgres
@pytest.mark.slow
def test_four_processes_share_a_60_rpm_limit(
    pg_url: str,
    tmp_path: Path,
    sim_server: SimServerHandle,  # noqa: F811
) -> None:
    """Counted at the simulated server: in any window, at most the rate plus the burst."""
    rpm = 60
    env = cli_env(pg_url, sim_server, LESSONPLAN_RATE_LIMITS=f"openai:gpt-4o-mini={rpm}rpm")
    assert lessonplan("init", env=env).returncode == 0
    procs = []
    for n in range(4):
        profiles: list[str] = []
        for m in range(2):
            path = tmp_path / f"p{n}{m}.json"
            profile = {"learner_id": f"l{n}{m}", "learning_goals": [f"goal {n}{m}"]}
            path.write_text(json.dumps(profile), encoding="utf-8")
            profiles += ["--profile", str(path)]
        procs.append(
            subprocess.Popen(
                [
                    *lessonplan_cmd(),
                    "precompile",
                    "--source",
                    "JF",
                    "--level",
                    "A1",
                    *profiles,
                    "--json",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=REPO,
            )
        )
    for proc in procs:
        assert proc.wait(timeout=900) == 0
    arrivals = sorted(sim_server.stats()["arrivals"])
    assert len(arrivals) == 4 * 2 * 2  # every plan made it
    limit = RateLimit("openai:gpt-4o-mini", rpm=rpm)
    # Between taking from the bucket and reaching the server a request spends a variable time
    # (4 processes and the server on a busy 2-core box): windows are widened by that jitter.
    slack = 1.0
    for window in (1.0, 3.0, 5.0):
        most = max(sum(1 for t in arrivals if a <= t < a + window) for a in arrivals)
        assert most <= window_limit(limit, window + slack), (window, most)
    span = arrivals[-1] - arrivals[0]
    # Unthrottled, 16 plans against a zero-latency server take a fraction of a second.
    assert span >= (len(arrivals) - limit.request_capacity) * 60 / rpm - 2 * slack


def lessonplan_cmd() -> list[str]:
    import sys

    return [sys.executable, "-m", "lessonplan.cli.app"]
