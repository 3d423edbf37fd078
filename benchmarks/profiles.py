"""The benchmark profile set: twelve realistic learner profiles, each with a pre-lesson kit.

Data in ``benchmarks/data/benchmark_profiles.json`` (a list of ``{name, profile, kit}``), used
by the prompt-token and cached-fetch workloads and by the prompt tests. Realistic means what a
product collects after onboarding and a few weeks of use: long free-text goals, 30–80 known
words, formality contexts, kits of 10–25 words with readings and meanings. Nothing in
``src/`` needs it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from lessonplan.domain.models import LearnerProfile, PrelessonKit

DATA = Path(__file__).resolve().parent / "data" / "benchmark_profiles.json"


@cache
def load_benchmark_profiles() -> tuple[tuple[str, LearnerProfile, PrelessonKit], ...]:
    """``(name, profile, kit)`` of every benchmark profile, validated, in file order."""
    rows = json.loads(DATA.read_text(encoding="utf-8"))
    return tuple(
        (
            str(row["name"]),
            LearnerProfile.model_validate(row["profile"]),
            PrelessonKit.model_validate(row["kit"]),
        )
        for row in rows
    )


BENCHMARK_PROFILES: list[tuple[LearnerProfile, PrelessonKit]] = [
    (profile, kit) for _, profile, kit in load_benchmark_profiles()
]
