"""The benchmark workloads, one module each; ``python -m benchmarks`` runs them.

Each module exposes ``NAME`` and ``async def run(ctx: BenchContext) -> dict``: it prints its
figures and returns them (the JSON object of that workload). Modules are imported by name on
demand, so a workload module can also be run as a worker process (``-m``) without warnings.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from typing import Any

WORKLOADS: tuple[str, ...] = (
    "zipf",
    "memory",
    "stampede",
    "regeneration",
    "critical_path",
    "prompt_tokens",
    "output_tokens",
    "cached_fetch",
    "http_hit",
    "cli_startup",
    "stats_scale",
    "batch_cost",
    "queue_workers",
    "catalog_search",
)

Runner = Callable[[Any], Awaitable[dict[str, Any]]]


def load(name: str) -> Runner:
    """The ``run`` coroutine function of workload ``name``."""
    if name not in WORKLOADS:
        raise KeyError(name)
    module = importlib.import_module(f"benchmarks.workloads.{name}")
    runner: Runner = module.run
    return runner
