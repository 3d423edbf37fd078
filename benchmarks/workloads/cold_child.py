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

from benchmarks.workloads.common import LLM_SPEC, RecordingProvider, bench_settings
from benchmarks.workloads.critical_path import timed_compile
from lessonplan.providers.factory import make_provider
from lessonplan.service.runtime import Runtime


async def cold_compile(url: str, learner: int, warm: bool) -> dict[str, Any]:
    settings = bench_settings(url)
    provider = RecordingProvider(make_provider(LLM_SPEC, settings=settings))
    started = time.perf_counter()
    rt = await Runtime.open(settings, provider=provider, warm=warm)
    opened = time.perf_counter()
    try:
        compiled = await timed_compile(rt, provider, learner)
    finally:
        await rt.close()
    return {
        "wall_s": compiled.wall,
        "open_s": opened - started,
        "chain": compiled.chain,
        "chain_call_s": compiled.chain_call_s,
        "calls": compiled.calls,
    }


def main(argv: list[str]) -> int:
    url, learner, warm = argv[0], int(argv[1]), argv[2] == "1"
    print(json.dumps(asyncio.run(cold_compile(url, learner, warm))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
