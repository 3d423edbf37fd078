"""Plumbing shared by the benchmark workloads.

* :class:`BenchContext`: the run's options, the simulated OpenAI-compatible server (a child
  process, so its CPU and memory are not the benchmark's), throw-away databases on SQLite and
  PostgreSQL, and runtimes wired to the real ``openai`` SDK (``openai:gpt-4o-mini`` through
  ``OPENAI_BASE_URL``).
* :class:`RecordingProvider`: wraps the real provider and records each call's task and interval
  (optionally serializing the calls: the "every call awaited one after another" variant).
* Synthetic descriptors and profiles for the Zipf workload, percentiles, tables, machine facts.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import platform
import sqlite3
import sys
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import psutil
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.engine import make_url

from benchmarks.simserver import ProcessSimServer, SimConfig, SimServerHandle, start_subprocess
from lessonplan.config import Settings
from lessonplan.domain.models import CanDoDescriptor, LearnerProfile
from lessonplan.planners.offline import load_catalog
from lessonplan.providers.base import Completion, LLMProvider, LLMRequest
from lessonplan.providers.factory import make_provider
from lessonplan.service.runtime import Runtime

LLM_SPEC = "openai:gpt-4o-mini"
DEFAULT_PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
PG_URL_ENVS = ("LESSONPLAN_BENCH_PG_URL", "LESSONPLAN_TEST_PG_URL")

Figures = dict[str, Any]

# Set by a workload around a service call: the LLM calls made on its behalf (including those of a
# single-flight task it started, which copies its context) are recorded under this tag.
CALL_TAG: contextvars.ContextVar[str | None] = contextvars.ContextVar("bench_tag", default=None)


# --- the run's context -------------------------------------------------------------------------


@dataclass
class BenchContext:
    quick: bool
    backends: list[str]
    sim: SimServerHandle
    tmpdir: Path
    pg_url: str | None = None  # maintenance URL; None when PostgreSQL is not part of this run
    console: Console = field(
        default_factory=lambda: Console(width=None if sys.stdout.isatty() else 120)
    )
    shared: dict[str, Any] = field(default_factory=dict)

    @property
    def primary_backend(self) -> str:
        """The backend whose figures a workload reports at top level: the production store
        (PostgreSQL) when it ran, else SQLite. Every backend's figures are under ``by_backend``."""
        return "postgres" if "postgres" in self.backends else self.backends[0]

    # simulated server

    def configure_sim(self, latency_ms: float) -> None:
        """Counters to zero and one simulated latency for every task."""
        self.sim.reset()
        self.sim.configure(latency_ms=latency_ms)

    def sim_calls(self) -> dict[str, int]:
        """LLM calls counted at the simulated server, by task (``plan``, ``content``...)."""
        return {str(k): int(v) for k, v in self.sim.stats()["by_task"].items()}

    def plan_calls(self) -> int:
        return self.sim_calls().get("plan", 0)

    # databases and runtimes

    @contextlib.asynccontextmanager
    async def database(self, backend: str) -> AsyncIterator[str]:
        """A fresh, empty database URL: a SQLite file, or ``lp_bench_<hex>`` dropped afterwards."""
        name = f"lp_bench_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            yield f"sqlite+aiosqlite:///{self.tmpdir / name / 'bench.db'}"
            return
        assert self.pg_url is not None, "PostgreSQL is not part of this run"
        await pg_admin(self.pg_url, f'CREATE DATABASE "{name}"')
        try:
            yield make_url(self.pg_url).set(database=name).render_as_string(hide_password=False)
        finally:
            await pg_admin(self.pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def open_runtime(
    url: str, *, serialize: bool = False, warm: bool = False, **overrides: Any
) -> tuple[Runtime, RecordingProvider]:
    """A runtime on ``url`` (migrated, catalog seeded) whose provider is the real OpenAI
    provider (``OPENAI_BASE_URL``: the simulated server) wrapped in a :class:`RecordingProvider`;
    ``warm``: opened as ``serve`` opens its own (``Runtime.open(warm=True)``)."""
    settings = bench_settings(url, **overrides)
    provider = RecordingProvider(make_provider(LLM_SPEC, settings=settings), serialize)
    rt = await Runtime.open(settings, provider=provider, warm=warm)
    return rt, provider


def bench_settings(url: str, **overrides: Any) -> Settings:
    """Settings for a benchmark runtime: every option that matters is explicit."""
    values: dict[str, Any] = {
        "database_url": url,
        "llm": LLM_SPEC,
        "fallback_llms": "",
        "offline_fallback": False,
        "quality_policy": "warn",
        "prompt": "compact",
        "metalanguage": "en",
    }
    values.update(overrides)
    return Settings(**values)


async def pg_admin(url: str, sql: str) -> None:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def pg_probe(url: str) -> tuple[str | None, str | None]:
    """(server version, None) when PostgreSQL answers, else (None, reason)."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        conn = await asyncpg.connect(dsn, timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        return None, f"{type(exc).__name__}: {exc}"
    try:
        return str(await conn.fetchval("SHOW server_version")), None
    finally:
        await conn.close()


def pg_maintenance_url() -> str:
    for name in PG_URL_ENVS:
        if os.environ.get(name):
            return os.environ[name]
    return DEFAULT_PG_URL


# --- the simulated server -----------------------------------------------------------------------


def start_sim(startup_timeout: float = 30.0) -> ProcessSimServer:
    """The simulated server in a child process (its CPU apart from the measured process)."""
    return start_subprocess(SimConfig(), startup_timeout=startup_timeout)


# --- the recording provider --------------------------------------------------------------------


@dataclass(frozen=True)
class CallRecord:
    task: str
    tag: str | None
    start: float
    end: float


class RecordingProvider:
    """Delegates to ``inner`` and records every call (task, tag, perf_counter interval).

    ``serialize=True`` holds an :class:`asyncio.Lock` around each call, so calls the service
    issues concurrently run one after another; the interval recorded is the call itself.
    """

    def __init__(self, inner: LLMProvider, serialize: bool = False) -> None:
        self.inner = inner
        self.calls: list[CallRecord] = []
        self._lock = asyncio.Lock() if serialize else None

    @property
    def spec(self) -> str:
        return self.inner.spec

    @property
    def provider(self) -> str:
        return self.inner.provider

    @property
    def model(self) -> str:
        return self.inner.model

    @property
    def is_offline(self) -> bool:
        return self.inner.is_offline

    async def complete(self, request: LLMRequest) -> Completion:
        if self._lock is None:
            return await self._timed(request)
        async with self._lock:
            return await self._timed(request)

    async def _timed(self, request: LLMRequest) -> Completion:
        start = time.perf_counter()
        try:
            return await self.inner.complete(request)
        finally:
            self.calls.append(CallRecord(request.task, CALL_TAG.get(), start, time.perf_counter()))

    async def aclose(self) -> None:
        await self.inner.aclose()


def longest_chain(calls: Sequence[CallRecord]) -> list[CallRecord]:
    """The longest run of calls that ran one after another (each starting after the previous
    ended): the observed critical path. Concurrent calls overlap and never chain."""
    ordered = sorted(calls, key=lambda c: c.end)
    best: list[list[CallRecord]] = []
    for i, call in enumerate(ordered):
        before = [best[j] for j in range(i) if ordered[j].end <= call.start]
        best.append([*max(before, key=len, default=[]), call])
    return max(best, key=len, default=[])


# --- synthetic inputs --------------------------------------------------------------------------

_INTERESTS = [
    "food culture",
    "festivals",
    "anime and manga",
    "tea ceremony",
    "baseball",
    "onsen etiquette",
    "train travel",
    "traditional crafts",
    "J-pop",
    "temples and shrines",
]
_REGISTERS: list[list[str]] = [["polite"], ["plain"], ["neutral"], ["polite", "plain"]]
_KNOWN = [
    "水",
    "お茶",
    "ご飯",
    "駅",
    "電車",
    "学校",
    "先生",
    "友達",
    "家族",
    "今日",
    "明日",
    "買う",
    "食べる",
    "飲む",
    "行く",
    "来る",
    "見る",
]


def synthetic_descriptors(count: int) -> list[CanDoDescriptor]:
    """``BENCH:001``… : copies of catalog entries (cycling) with slightly varied descriptions."""
    catalog = load_catalog()
    out = []
    for i in range(count):
        base = catalog[i % len(catalog)]
        text = f"{base.description_en} (benchmark variant {i + 1}: {_INTERESTS[i % 10]})"
        out.append(base.model_copy(update={"uid": f"BENCH:{i + 1:03d}", "description_en": text}))
    return out


def synthetic_profiles(count: int, *, prefix: str = "bench") -> list[LearnerProfile]:
    """Learners that differ in fields the compact prompt carries (interests, registers, known
    vocabulary), so each has its own profile fingerprint (workloads verify it with plan_key)."""
    profiles = []
    for i in range(count):
        interests = [_INTERESTS[i % 10], _INTERESTS[(i // 10 + i + 1) % 10]]
        known = _KNOWN[: 3 + i % len(_KNOWN)]
        profiles.append(
            LearnerProfile.model_validate(
                {
                    "learner_id": f"{prefix}-learner-{i + 1:03d}",
                    "current_level": ("A1", "A2", "B1")[i % 3],
                    "native_language": "English",
                    "usage_context": {
                        "primary_use_case": f"daily life in Japan, situation {i + 1}",
                        "register_preferences": _REGISTERS[i % len(_REGISTERS)],
                    },
                    "cultural_interests": list(dict.fromkeys(interests)),
                    "known_vocabulary": known,
                }
            )
        )
    return profiles


# --- statistics, output, machine ---------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0–100), linear interpolation between closest ranks."""
    if not values:
        return float("nan")
    data = sorted(values)
    rank = (len(data) - 1) * p / 100.0
    low = int(rank)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (rank - low)


def fmt(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 100 else f"{value:.1f}"
    return str(value)


def show(
    ctx: BenchContext,
    title: str,
    rows: Sequence[tuple[str, Any, str]],
    note: str | None = None,
) -> None:
    """A table of (figure, value, goal or comment) rows."""
    table = Table(title=escape(title), title_justify="left", show_edge=False)
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("goal / note", style="dim")
    for name, value, goal in rows:
        table.add_row(escape(name), escape(fmt(value)), escape(goal))
    ctx.console.print(table)
    if note:
        ctx.console.print(escape(note), style="dim")
    ctx.console.print()


def rss_mb() -> float:
    return float(psutil.Process().memory_info().rss) / 2**20


def machine_info(pg_version: str | None) -> Figures:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "logical_cores": os.cpu_count(),
        "physical_cores": psutil.cpu_count(logical=False),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "postgres": pg_version,
    }
