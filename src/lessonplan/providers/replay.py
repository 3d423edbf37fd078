"""Replays the recorded LLM plans of ``fixtures/recorded/`` (SPEC §7: tests never go online).

For a ``plan`` request whose descriptor uid has a recording (``jf-105`` ↔ ``JF:105``, matched
through the ``<id>.cando.json`` files), the answer is the recorded ``<id>.plan.json`` text,
byte for byte: its invented uid ``"12345"`` and sometimes wrong level are kept, because
correcting them is the system's job. Stages and unknown uids are delegated to the offline
planner (the recordings hold no stage answers in the new shape).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from lessonplan.errors import ConfigurationError
from lessonplan.providers.base import Completion, LLMRequest, Usage
from lessonplan.providers.offline import OfflineProvider, task_and_inputs


def default_fixtures_dir() -> Path | None:
    """``LESSONPLAN_FIXTURES_DIR``, else ``<repo>/../shared/fixtures/recorded``, else the copy
    kept with the tests (``<repo>/tests/fixtures/recorded``), whichever exists first."""
    env = os.environ.get("LESSONPLAN_FIXTURES_DIR")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[3]
    for candidate in (
        repo.parent / "shared" / "fixtures" / "recorded",
        repo / "tests" / "fixtures" / "recorded",
    ):
        if candidate.is_dir():
            return candidate
    return None


def load_recorded_plans(directory: Path) -> dict[str, str]:
    """``{descriptor uid: recorded plan JSON text}`` for every ``<id>.cando.json`` with a plan."""
    plans: dict[str, str] = {}
    for cando_path in sorted(directory.glob("*.cando.json")):
        stem = cando_path.name.removesuffix(".cando.json")
        plan_path = directory / f"{stem}.plan.json"
        if not plan_path.is_file():
            continue
        uid = json.loads(cando_path.read_text(encoding="utf-8")).get("uid")
        if isinstance(uid, str):
            plans[uid] = plan_path.read_text(encoding="utf-8")
    return plans


class ReplayProvider:
    """Recorded plans for the recorded descriptors; the offline planner for everything else."""

    def __init__(self, directory: str | Path | None = None) -> None:
        path = Path(directory) if directory is not None else default_fixtures_dir()
        if path is None or not path.is_dir():
            raise ConfigurationError(
                f"replay: no recorded fixtures directory ({path or 'unset'}); "
                "set LESSONPLAN_FIXTURES_DIR"
            )
        self.directory = path
        self.plans = load_recorded_plans(path)
        self._offline = OfflineProvider()

    @property
    def spec(self) -> str:
        return "replay"

    @property
    def provider(self) -> str:
        return "replay"

    @property
    def model(self) -> str:
        return "replay"

    @property
    def is_offline(self) -> bool:
        return False

    def recorded_plan(self, uid: str) -> str | None:
        return self.plans.get(uid)

    async def complete(self, request: LLMRequest) -> Completion:
        task, inputs = task_and_inputs(request)
        descriptor = inputs.get("descriptor")
        uid = descriptor.get("uid") if isinstance(descriptor, dict) else None
        text = self.plans.get(uid) if task == "plan" and isinstance(uid, str) else None
        if text is None:
            delegated = await self._offline.complete(request)
            return Completion(
                text=delegated.text,
                usage=Usage(),
                model="replay",
                provider="replay",
                latency_ms=delegated.latency_ms,
                finish_reason="stop",
            )
        started = time.perf_counter()
        return Completion(
            text=text,
            usage=Usage(),
            model="replay",
            provider="replay",
            latency_ms=(time.perf_counter() - started) * 1000.0,
            finish_reason="stop",
        )

    async def aclose(self) -> None:
        await self._offline.aclose()
