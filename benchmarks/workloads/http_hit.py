"""HTTP cache hit: ``lessonplan serve`` against its floor, 1 and 2 workers, same run.

The floor (:mod:`benchmarks.floors.fastapi_asyncpg`) is a FastAPI endpoint that reads the same
cached row with asyncpg and returns it; both run under uvicorn with the same worker count and
the same TCP_NODELAY protocol, at the same time, on the same PostgreSQL database. A stdlib
``http.client`` keep-alive connection sends the same plan request to each, in alternating blocks;
the figure is each side's p50 and their ratio (goal ≤ 1.5); beside it, ours when every body is
one it has not seen (:class:`NewBodyClient`: the body memo of the fast lane misses). Also:
database round trips per HTTP hit (counted in process through the ASGI app,
:class:`benchmarks.roundtrips.RoundTrips`), and the resident memory of each server worker after
the run. PostgreSQL only (the multi-worker deployment); skipped when this run has no PostgreSQL.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil
from sqlalchemy.engine import make_url

from benchmarks.profiles import BENCHMARK_PROFILES
from benchmarks.roundtrips import RoundTrips
from benchmarks.workloads.common import BenchContext, Figures, open_runtime, percentile, show
from lessonplan.api.app import create_app
from lessonplan.api.server import HTTP_PROTOCOL
from lessonplan.service.plans import PlanInputs, get_plan, plan_key

NAME = "http_hit"
CAN_DO_ID = "JF:105"
ROUTE = f"/api/v1/cando/{CAN_DO_ID}/plan"
BLOCK = 50


@dataclass(frozen=True)
class Params:
    requests: int
    workers: tuple[int, ...] = (1, 2)


FULL = Params(requests=1000)
QUICK = Params(requests=200)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(command: list[str], env: dict[str, str], port: int, log: Path) -> Any:
    """A server process, healthy on ``port``; then it and its workers are stopped and reaped.

    It stays in the benchmark's process group, so whoever stops the benchmark's group (the
    smoke test) stops the servers too, even if this process dies first.
    """
    with log.open("w") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}: {log.read_text()}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not healthy in 60 s: {log.read_text()}")
            time.sleep(0.1)
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server (uvicorn stops its workers), SIGKILL what is left; reap all."""
    try:
        family = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        family = []
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    _, alive = psutil.wait_procs(family, timeout=10)
    for leftover in alive:
        leftover.kill()
    psutil.wait_procs(alive, timeout=10)


def worker_rss_mb(proc: subprocess.Popen[bytes]) -> list[float]:
    """RSS of each process that serves requests: the workers, or the server itself alone."""
    parent = psutil.Process(proc.pid)
    workers = [
        child
        for child in parent.children(recursive=True)
        if "spawn_main" in " ".join(child.cmdline())
    ]
    return [round(p.memory_info().rss / 2**20, 1) for p in workers or [parent]]


class Client:
    """One keep-alive connection; ``post()`` is one request, its time in ms."""

    def __init__(self, port: int, path: str, body: bytes) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port)
        self.path = path
        self.body = body
        self.headers = {"Content-Type": "application/json"}

    def post(self) -> float:
        started = time.perf_counter()
        self.conn.request("POST", self.path, body=self.body, headers=self.headers)
        response = self.conn.getresponse()
        data = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise RuntimeError(f"{self.path}: {response.status} {data[:200]!r}")
        return elapsed

    def close(self) -> None:
        self.conn.close()


class NewBodyClient(Client):
    """Each request's body is one the server has not seen: the same plan request with another
    ``learner_id`` in its profile (not a field the cache key reads, so still a hit). What the
    server remembers of a body it has seen does not help it here."""

    def __init__(self, port: int, path: str, body: bytes) -> None:
        super().__init__(port, path, body)
        self.template = json.loads(body)
        self.sent = 0

    def post(self) -> float:
        self.sent += 1
        self.template["profile"]["learner_id"] = f"new-body-{self.sent:07d}"
        self.body = json.dumps(self.template).encode()
        return super().post()


def measure(clients: dict[str, Client], requests: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in clients}
    for client in clients.values():  # warm-up: connections, statement caches
        for _ in range(20):
            client.post()
    for _ in range(max(1, requests // BLOCK)):
        for name, client in clients.items():
            times[name].extend(client.post() for _ in range(BLOCK))
    return times


async def warm_cache(url: str) -> tuple[str, bytes, float]:
    """Generate the plan once; return its key hash, the request body, HTTP round trips/hit."""
    rt, _ = await open_runtime(url)
    try:
        descriptor = await rt.store.get_descriptor(uid=CAN_DO_ID, cached=True)
        assert descriptor is not None
        profile, kit = BENCHMARK_PROFILES[0]
        inputs = PlanInputs(descriptor, profile, kit)
        await get_plan(rt, inputs)
        key_hash = plan_key(rt, inputs, rt.provider).key_hash
        body = {"profile": profile.model_dump(mode="json"), "kit": kit.model_dump(mode="json")}
        raw = json.dumps(body).encode()
        app = create_app(rt.settings.model_copy(update={"api_keys": ""}), runtime=rt)
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 51000))
        rt.writer.interval = 3600.0
        headers = {"Content-Type": "application/json"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://t", headers=headers
        ) as client:
            for _ in range(3):
                answer = await client.post(ROUTE, content=raw)
                assert answer.status_code == 200 and answer.json()["source"] == "cache", answer.text
            await rt.flush()
            with RoundTrips(rt.store.engine) as trips:
                for _ in range(20):
                    await client.post(ROUTE, content=raw)
        return key_hash, raw, trips.count / 20
    finally:
        await rt.close()


async def run(ctx: BenchContext) -> Figures:
    p = QUICK if ctx.quick else FULL
    if "postgres" not in ctx.backends:
        ctx.console.print("[http_hit] skipped: needs PostgreSQL\n")
        return {"skipped": "needs PostgreSQL", "ratio_1_worker": None, "ratio_2_workers": None}
    ctx.configure_sim(0)
    by_workers: dict[str, Any] = {}
    async with ctx.database("postgres") as url:
        key_hash, body, round_trips = await warm_cache(url)
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        base_env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        for workers in p.workers:
            ports = {name: _free_port() for name in ("ours", "logged", "floor")}
            ours_env = {**base_env, "LESSONPLAN_DATABASE_URL": url}
            floor_env = {**base_env, "FLOOR_DSN": dsn, "FLOOR_KEY_HASH": key_hash}

            def serve(port: int, *extra: str, workers: int = workers) -> list[str]:
                return [
                    sys.executable, "-m", "lessonplan", "serve", "--port", str(port),
                    "--workers", str(workers), *extra,
                ]  # fmt: skip

            floor_cmd = [
                sys.executable, "-m", "uvicorn", "benchmarks.floors.fastapi_asyncpg:create_app",
                "--factory", "--port", str(ports["floor"]), "--http", HTTP_PROTOCOL,
                "--log-level", "warning", "--workers", str(workers),
            ]  # fmt: skip
            # Like for like: the floor logs nothing per request, so the figure is ours without
            # the access log; ours with it (the default) is measured beside them.
            with (
                server(
                    serve(ports["ours"], "--no-access-log"),
                    ours_env,
                    ports["ours"],
                    ctx.tmpdir / f"serve_{workers}.log",
                ) as ours,
                server(
                    serve(ports["logged"]),
                    ours_env,
                    ports["logged"],
                    ctx.tmpdir / f"serve_logged_{workers}.log",
                ),
                server(
                    floor_cmd, floor_env, ports["floor"], ctx.tmpdir / f"floor_{workers}.log"
                ) as floor,
            ):
                clients = {
                    "lessonplan": Client(ports["ours"], ROUTE, body),
                    "logged": Client(ports["logged"], ROUTE, body),
                    "new_body": NewBodyClient(ports["ours"], ROUTE, body),
                    "floor": Client(ports["floor"], "/plan", body),
                }
                try:
                    times = measure(clients, p.requests)
                finally:
                    for client in clients.values():
                        client.close()
                rss = worker_rss_mb(ours)
                floor_rss = worker_rss_mb(floor)
            ours_p50 = percentile(times["lessonplan"], 50)
            logged_p50 = percentile(times["logged"], 50)
            floor_p50 = percentile(times["floor"], 50)
            new_body_p50 = percentile(times["new_body"], 50)
            by_workers[str(workers)] = {
                "requests": len(times["lessonplan"]),
                "p50_ms": round(ours_p50, 3),
                "p95_ms": round(percentile(times["lessonplan"], 95), 3),
                "access_log_p50_ms": round(logged_p50, 3),
                "floor_p50_ms": round(floor_p50, 3),
                "floor_p95_ms": round(percentile(times["floor"], 95), 3),
                "ratio": round(ours_p50 / floor_p50, 3),
                "access_log_ratio": round(logged_p50 / floor_p50, 3),
                "new_body_p50_ms": round(new_body_p50, 3),
                "new_body_ratio": round(new_body_p50 / floor_p50, 3),
                "worker_rss_mb": rss,
                "floor_worker_rss_mb": floor_rss,
            }
    for workers, f in by_workers.items():
        show(
            ctx,
            f"[http_hit] postgres, {workers} worker(s): POST {ROUTE} answered from the cache, "
            f"p50 of {f['requests']} sequential keep-alive requests each",
            [
                ("lessonplan serve --no-access-log p50 (ms)", f["p50_ms"], f"p95 {f['p95_ms']}"),
                ("  with the access log (the default)", f["access_log_p50_ms"], ""),
                (
                    "floor: FastAPI + asyncpg p50 (ms)",
                    f["floor_p50_ms"],
                    f"p95 {f['floor_p95_ms']}",
                ),
                ("lessonplan / floor", f["ratio"], "goal ≤ 1.5"),
                ("  with the access log / floor", f["access_log_ratio"], ""),
                (
                    "  every body new / floor",
                    f["new_body_ratio"],
                    f"p50 {f['new_body_p50_ms']} ms: nothing remembered of the body",
                ),
                ("RSS per worker (MB)", ", ".join(map(str, f["worker_rss_mb"])), ""),
                ("  floor's (MB)", ", ".join(map(str, f["floor_worker_rss_mb"])), ""),
            ],
        )
    show(
        ctx,
        "[http_hit] database round trips per HTTP hit",
        [("round trips", round_trips, "goal ≤ 2")],
    )
    return {
        "round_trips_per_hit": round_trips,
        "ratio_1_worker": by_workers.get("1", {}).get("ratio"),
        "ratio_2_workers": by_workers.get("2", {}).get("ratio"),
        "by_workers": by_workers,
    }
