"""The benchmark profile set, re-exported for tests (the data lives in the package so that
``benchmarks`` can import it without the tests)."""

from __future__ import annotations

from lessonplan.prompts.benchmark_profiles import BENCHMARK_PROFILES

__all__ = ["BENCHMARK_PROFILES"]
