"""Peak memory of the Zipf workload: this process's resident set, sampled every 10 ms during the
Zipf run (the simulated server is a separate process and not counted).

Reuses the samples of the ``zipf`` workload when it ran in this invocation; otherwise runs it.
``ru_maxrss`` (the process's high-water mark since start) is reported beside the sampled peak.
"""

from __future__ import annotations

from typing import Any

from benchmarks.workloads import zipf
from benchmarks.workloads.common import BenchContext, Figures, show

NAME = "memory"


async def run(ctx: BenchContext) -> Figures:
    if "zipf_memory" not in ctx.shared:
        ctx.console.print("[dim][memory] the zipf workload has not run yet: running it now[/dim]")
        await zipf.run(ctx)
    by_backend: dict[str, Any] = ctx.shared["zipf_memory"]
    for backend, f in by_backend.items():
        show(
            ctx,
            f"[memory] {backend}: resident memory of this process during the zipf workload",
            [
                ("peak RSS (MB)", f["peak_rss_mb"], "sampled every 10 ms"),
                ("RSS before the run (MB)", f["baseline_rss_mb"], ""),
                ("growth during the run (MB)", f["growth_mb"], ""),
                ("ru_maxrss after the run (MB)", f["ru_maxrss_mb"], "process high-water mark"),
            ],
        )
    primary = ctx.primary_backend if ctx.primary_backend in by_backend else next(iter(by_backend))
    return {"backend": primary, **by_backend[primary], "by_backend": by_backend}
