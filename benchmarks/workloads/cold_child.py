"""One cold compile in a fresh process, for :mod:`benchmarks.workloads.critical_path`.

``python -m benchmarks.workloads.cold_child URL LEARNER WARM`` opens a runtime on ``URL``
(``WARM`` = ``1``: with ``warm=True``, as ``serve`` and the queue workers open theirs), compiles
``JF:105`` once for its own learner (so the plan is generated) through the real SDK against
``OPENAI_BASE_URL``, and prints one JSON object: the compile's wall time, the chain of
dependent LLM calls and the time the calls took, and what opening and warming cost. Nothing
was loaded before but what starting Python and importing the library load.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from benchmarks.workloads.common import (
    LLM_SPEC,
    RecordingProvider,
    bench_settings,
    longest_chain,
    synthetic_profiles,
)
from lessonplan.providers.factory import make_provider
from lessonplan.service.compile import compile_lesson
from lessonplan.service.runtime import Runtime

CAN_DO_ID = "JF:105"


async def cold_compile(url: str, learner: int, warm: bool) -> dict[str, Any]:
    settings = bench_settings(url)
    provider = RecordingProvider(make_provider(LLM_SPEC, settings=settings))
    started = time.perf_counter()
    rt = await Runtime.open(settings, provider=provider, warm=warm)
    opened = time.perf_counter()
    try:
        profile = synthetic_profiles(learner + 1, prefix="critical")[learner]
        result = await compile_lesson(rt, CAN_DO_ID, profile=profile)
        wall = time.perf_counter() - opened
    finally:
        await rt.close()
    if result.lesson.status != "complete" or result.plan.source != "generated":
        raise RuntimeError(f"not cold and complete: {result.lesson.status}, {result.plan.source}")
    chain = longest_chain(provider.calls)
    return {
        "wall_s": wall,
        "open_s": opened - started,
        "chain": len(chain),
        "chain_call_s": sum(c.end - c.start for c in chain),
        "calls": len(provider.calls),
    }


def main(argv: list[str]) -> int:
    url, learner, warm = argv[0], int(argv[1]), argv[2] == "1"
    print(json.dumps(asyncio.run(cold_compile(url, learner, warm))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
