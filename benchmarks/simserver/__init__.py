"""The simulated OpenAI-compatible LLM server used by tests and benchmarks (SPEC §7).

``run_in_thread(SimConfig(...))`` for tests, ``start_subprocess(...)`` for multi-process runs,
``python -m benchmarks.simserver --port 8099 --latency-ms 50 --fault-rate 0.3 --faults
rate_limit,prose`` from a shell.
"""

from benchmarks.simserver.app import create_app
from benchmarks.simserver.config import FAULT_KINDS, SimConfig, SimState
from benchmarks.simserver.server import (
    ProcessSimServer,
    SimServerHandle,
    ThreadSimServer,
    run_in_thread,
    start_subprocess,
)

__all__ = [
    "FAULT_KINDS",
    "ProcessSimServer",
    "SimConfig",
    "SimServerHandle",
    "SimState",
    "ThreadSimServer",
    "create_app",
    "run_in_thread",
    "start_subprocess",
]
