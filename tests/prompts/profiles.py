"""The benchmark profile set, re-exported for tests (data in ``benchmarks/data``)."""

from __future__ import annotations

from benchmarks.profiles import BENCHMARK_PROFILES

__all__ = ["BENCHMARK_PROFILES"]
