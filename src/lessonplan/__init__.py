"""lessonplan: compile language lessons from Can-Do descriptors, cheaply, fast and auditably.

The Python API, for product backends::

    import asyncio
    from lessonplan import LearnerProfile, compile_lesson, open_runtime

    async def main() -> None:
        async with open_runtime() as rt:  # settings from LESSONPLAN_* (offline SQLite by default)
            result = await compile_lesson(rt, "JF:105", profile=LearnerProfile(learner_id="maria"))
            print(result.plan.source, result.lesson.lesson_id, result.lesson.status)

    asyncio.run(main())

Names are imported lazily so that ``import lessonplan`` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Runtime": "lessonplan.service.runtime",
    "open_runtime": "lessonplan.service.runtime",
    "compile_lesson": "lessonplan.service.compile",
    "get_plan": "lessonplan.service.plans",
    "PlanInputs": "lessonplan.service.plans",
    "regenerate_stage": "lessonplan.service.regenerate",
    "compute_stats": "lessonplan.service.stats",
    "Settings": "lessonplan.config",
    "CanDoDescriptor": "lessonplan.domain.models",
    "LearnerProfile": "lessonplan.domain.models",
    "PrelessonKit": "lessonplan.domain.models",
    "DomainPlan": "lessonplan.domain.models",
    "Lesson": "lessonplan.domain.lesson",
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lessonplan' has no attribute {name!r}")
    return getattr(import_module(module), name)
