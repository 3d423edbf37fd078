"""Cached fetch: a plan answered from the cache through the service, versus the floor.

On a warm key (a realistic benchmark profile and kit), ``get_plan`` p50 is compared, in the same
run and alternating blocks, with the floor: the same indexed row read with no library in
between, a stdlib ``sqlite3`` connection (SQLite) or a direct ``asyncpg`` connection with its
prepared statement (PostgreSQL), the row's JSON text fetched and nothing else (``floor_ratio``).
``ratio`` keeps the older, softer baseline (``SELECT plan_json`` through the project's own
``AsyncEngine``). ``round_trips_per_hit`` counts database round trips per ``get_plan`` hit
(:class:`benchmarks.roundtrips.RoundTrips`; goal ≤ 2).
The service path is also taken apart: each step it runs on a hit is timed alone with the
service's own functions (key derivation; the cache read: its SQL, row conversion and plan
validation; the hit's bookkeeping, buffered by the write-behind), so the gap can be attributed.
``--profile`` adds a cProfile of the service path.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

import asyncpg
from sqlalchemy import Table, select
from sqlalchemy.engine import make_url

from benchmarks.profiles import BENCHMARK_PROFILES
from benchmarks.roundtrips import RoundTrips
from benchmarks.workloads.common import BenchContext, Figures, open_runtime, percentile, show
from lessonplan import metrics
from lessonplan.domain.models import DomainPlan
from lessonplan.service.plans import PlanInputs, get_plan, plan_key
from lessonplan.store.engine import sqlite_path
from lessonplan.store.records import GenerationEvent
from lessonplan.store.tables import PlanCache

NAME = "cached_fetch"
CAN_DO_ID = "JF:105"
BLOCK = 50
plan_cache = cast(Table, PlanCache.__table__)
SERVICE = "service"
RAW = "raw"
FLOOR = "floor"
FLOOR_SQL = "SELECT plan_json FROM plan_cache WHERE key_hash = {} AND expires_at > {}"
KEY = "plan_key (descriptor, profile, kit fingerprints)"
GET = "store.cache_get (SELECT *, expiry, row → CacheEntry)"
GET_SQL = "  its SQL alone, statement built once: SELECT * … AND expires_at > now"
GET_BUILT = "  the same SQL, statement built per call (what cache_get avoids)"
GET_VALIDATE = "  its plan validation (DomainPlan.model_validate)"
BOOKKEEPING = "hit bookkeeping (buffered hit + event, metrics)"
REST = "rest: get_plan − the steps above (provenance, result, _finish)"


@dataclass(frozen=True)
class Params:
    calls: int
    warmup: int = 20


FULL = Params(calls=500)
QUICK = Params(calls=100)

Step = Callable[[], Awaitable[Any]]


async def _time(step: Step) -> float:
    started = time.perf_counter()
    await step()
    return (time.perf_counter() - started) * 1000


async def interleaved(steps: dict[str, Step], calls: int) -> dict[str, list[float]]:
    """Each step ``calls`` times (ms), in alternating blocks of ``BLOCK``."""
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(max(1, calls // BLOCK)):
        for name, step in steps.items():
            for _ in range(BLOCK):
                times[name].append(await _time(step))
    return times


async def run_backend(ctx: BenchContext, backend: str, p: Params) -> Figures:
    async with ctx.database(backend) as url:
        rt, _ = await open_runtime(url)
        try:
            ctx.configure_sim(0)
            descriptor = await rt.store.get_descriptor(uid=CAN_DO_ID, cached=True)
            assert descriptor is not None
            profile, kit = BENCHMARK_PROFILES[0]
            inputs = PlanInputs(descriptor, profile, kit)
            await get_plan(rt, inputs)  # the miss that fills the cache
            key_hash = plan_key(rt, inputs, rt.provider).key_hash
            query = select(plan_cache.c.plan_json).where(plan_cache.c.key_hash == key_hash)
            engine = rt.store.engine

            async def service() -> None:
                result = await get_plan(rt, inputs)
                assert result.source == "cache"

            async def raw() -> Any:
                async with engine.connect() as conn:
                    return (await conn.execute(query)).scalar_one()

            plan_json = await raw()
            floor, close_floor = await floor_read(url, key_hash, rt.now())

            async def key() -> None:
                plan_key(rt, inputs, rt.provider)

            async def cache_get() -> None:
                await rt.store.cache_get(key_hash=key_hash, now=rt.now())

            full_row = select(plan_cache).where(
                plan_cache.c.key_hash == key_hash, plan_cache.c.expires_at > rt.now()
            )

            async def raw_full_row() -> None:
                async with engine.connect() as conn:
                    (await conn.execute(full_row)).one()

            async def built_per_call() -> None:
                query = select(plan_cache).where(
                    plan_cache.c.key_hash == key_hash, plan_cache.c.expires_at > rt.now()
                )
                async with engine.connect() as conn:
                    (await conn.execute(query)).one()

            async def validate() -> None:
                DomainPlan.model_validate(plan_json)

            async def bookkeeping() -> None:
                rt.note_hit(key_hash)
                await rt.record([answer_event(rt, key_hash)])
                metrics.observe_plan("cache", 0.001)

            for _ in range(p.warmup):
                await service()
                await raw()
                await floor()
            rt.writer.interval = 3600.0  # count the hits' own round trips, not the flushes
            await rt.flush()
            with RoundTrips(engine) as trips:
                for _ in range(20):
                    await service()
            round_trips = trips.count / 20
            rt.writer.interval = 0.2
            times = await interleaved(
                {
                    SERVICE: service,
                    FLOOR: floor,
                    RAW: raw,
                    KEY: key,
                    GET: cache_get,
                    GET_SQL: raw_full_row,
                    GET_BUILT: built_per_call,
                    GET_VALIDATE: validate,
                    BOOKKEEPING: bookkeeping,
                },
                p.calls,
            )
            await rt.flush()
            profile_text = await profiled(service) if ctx.shared.get("profile") else None
            await close_floor()
        finally:
            await rt.close()
    p50 = {name: percentile(values, 50) for name, values in times.items()}
    steps = [KEY, GET, GET_SQL, GET_BUILT, GET_VALIDATE, BOOKKEEPING]
    breakdown = {name: round(p50[name], 4) for name in steps}
    breakdown[REST] = round(p50[SERVICE] - p50[KEY] - p50[GET] - p50[BOOKKEEPING], 4)
    return {
        "calls": len(times[SERVICE]),
        "service_ms_p50": round(p50[SERVICE], 4),
        "raw_select_ms_p50": round(p50[RAW], 4),
        "ratio": round(p50[SERVICE] / p50[RAW], 3),
        "floor_ms_p50": round(p50[FLOOR], 4),
        "floor_ratio": round(p50[SERVICE] / p50[FLOOR], 3),
        "round_trips_per_hit": round_trips,
        "breakdown_ms_p50": breakdown,
        "profile": profile_text,
    }


async def floor_read(
    url: str, key_hash: str, now: Any
) -> tuple[Step, Callable[[], Awaitable[None]]]:
    """The floor: the row read with no library in between (stdlib sqlite3, or asyncpg)."""
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        conn = sqlite3.connect(str(path))
        sql = FLOOR_SQL.format("?", "?")
        stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")

        async def read_sqlite() -> None:
            row = conn.execute(sql, (key_hash, stamp)).fetchone()
            assert row is not None

        async def close_sqlite() -> None:
            conn.close()

        return read_sqlite, close_sqlite
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    pg = await asyncpg.connect(dsn)
    statement = await pg.prepare(FLOOR_SQL.format("$1", "$2"))

    async def read_pg() -> None:
        assert await statement.fetchval(key_hash, now) is not None

    return read_pg, pg.close


def answer_event(rt: Any, key_hash: str) -> GenerationEvent:
    """The ``plan_answer`` event a cache hit records (as ``service.plans`` builds it)."""
    return GenerationEvent(
        at=rt.now(),
        operation="plan_answer",
        can_do_id=CAN_DO_ID,
        key_hash=key_hash,
        provider="cache",
        model="gpt-4o-mini",
        outcome="cache",
        source="cache",
        latency_ms=1.0,
    )


async def profiled(step: Step, calls: int = 200) -> str:
    """cProfile of ``calls`` runs of ``step``: the top functions by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        await step()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
    return out.getvalue()


async def run(ctx: BenchContext) -> Figures:
    p = QUICK if ctx.quick else FULL
    by_backend = {backend: await run_backend(ctx, backend, p) for backend in ctx.backends}
    for backend, f in by_backend.items():
        service, raw = f["service_ms_p50"], f["raw_select_ms_p50"]
        floor_name = "stdlib sqlite3" if backend == "sqlite" else "direct asyncpg, prepared"
        show(
            ctx,
            f"[cached_fetch] {backend}: warm-key plan fetch, p50 of {f['calls']} calls each",
            [
                ("get_plan (service) p50 (ms)", service, ""),
                ("floor: the row read alone p50 (ms)", f["floor_ms_p50"], floor_name),
                ("service / floor", f["floor_ratio"], "the library's whole cost per hit"),
                ("database round trips per hit", f["round_trips_per_hit"], "goal ≤ 2"),
                ("raw indexed SELECT p50 (ms)", raw, "through the project's engine"),
                ("service / raw", f["ratio"], "goal ≤ 1.5"),
                *[
                    (f"  step: {name} p50 (ms)", ms, f"{ms / raw:.2f}× raw")
                    for name, ms in f["breakdown_ms_p50"].items()
                ],
            ],
            note="each step timed alone with the service's own functions, in the same "
            "alternating blocks as the two paths; a hit runs plan_key, cache_get, then the "
            "bookkeeping (hit count and event written behind, in batches)",
        )
        if f["profile"]:
            ctx.console.print(f["profile"], markup=False, highlight=False)
    figures: Figures = {"by_backend": by_backend}
    for backend in ("sqlite", "postgres"):
        f = by_backend.get(backend)
        figures[f"{backend}_ratio"] = f["ratio"] if f else None
        figures[f"{backend}_floor_ratio"] = f["floor_ratio"] if f else None
        figures[f"{backend}_round_trips_per_hit"] = f["round_trips_per_hit"] if f else None
    return figures
