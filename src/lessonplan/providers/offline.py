"""The offline planner behind the provider interface. It is NOT an LLM.

``OfflineProvider`` answers with the deterministic JSON of :mod:`lessonplan.planners.offline`
(curriculum data bundled in the package), so offline answers take the same validation path as
LLM answers. It reports zero tokens and says plainly what it is (:meth:`describe`).
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from lessonplan.errors import ProviderBadRequestError
from lessonplan.prompts.datablocks import parse_data_blocks
from lessonplan.providers.base import Completion, LLMRequest, Usage

if TYPE_CHECKING:
    from lessonplan.planners.offline import OfflinePlanner

SCHEMA_TASKS: dict[str, str] = {
    "DomainPlan": "plan",
    "ContentStage": "content",
    "ComprehensionStage": "comprehension",
    "ProductionStage": "production",
    "InteractionStage": "interaction",
}


def task_and_inputs(request: LLMRequest) -> tuple[str, dict[str, Any]]:
    """The structured task of a request, read from the prose (data blocks) when not given."""
    task = request.task or SCHEMA_TASKS.get(request.schema_name, "")
    inputs = request.inputs or parse_data_blocks(request.user)
    return task, inputs


class OfflineProvider:
    """The deterministic offline planner, presented as a provider (``LESSONPLAN_LLM=offline``)."""

    def __init__(self) -> None:
        self._planner: OfflinePlanner | None = None

    @property
    def spec(self) -> str:
        return "offline"

    @property
    def provider(self) -> str:
        return "offline"

    @property
    def model(self) -> str:
        return "offline-planner"

    @property
    def is_offline(self) -> bool:
        return True

    def describe(self) -> str:
        return (
            "offline planner: deterministic plans from bundled curriculum data "
            "(not an LLM; no network, no tokens)"
        )

    def answer(self, task: str, inputs: dict[str, Any]) -> dict[str, Any]:
        """The offline planner's JSON for ``task`` (``plan``, ``content``, …)."""
        if self._planner is None:
            from lessonplan.planners.offline import OfflinePlanner

            self._planner = OfflinePlanner()
        return self._planner.answer(task, inputs)

    async def complete(self, request: LLMRequest) -> Completion:
        started = time.perf_counter()
        task, inputs = task_and_inputs(request)
        if not task:
            raise ProviderBadRequestError(
                f"offline planner: unknown task for schema {request.schema_name!r}",
                provider="offline",
            )
        try:
            data = self.answer(task, inputs)
        except (KeyError, ValueError) as exc:
            raise ProviderBadRequestError(
                f"offline planner cannot answer {task!r}: {exc}", provider="offline"
            ) from exc
        return Completion(
            text=json.dumps(data, ensure_ascii=False),
            usage=Usage(),
            model=self.model,
            provider="offline",
            latency_ms=(time.perf_counter() - started) * 1000.0,
            finish_reason="stop",
        )

    async def aclose(self) -> None:
        return None

    def __repr__(self) -> str:
        return "OfflineProvider()  # offline planner, not an LLM"
