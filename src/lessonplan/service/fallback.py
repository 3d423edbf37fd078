"""One fallback runner for plans and stages: an ordered list of steps, tried until one answers.

Each step has a name, a coroutine function and, optionally, a condition on what the earlier
steps did (the simplified prompt runs only after the primary model's output stayed invalid). A
step that raises one of the ``recover`` errors is recorded as failed and the next one runs; a step
that raises :class:`StepSkipped` had nothing to offer (no stale cache entry) and is not a failure.
The result says which step answered and what every tried step did.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


class StepSkipped(Exception):
    """Raised by a step that has nothing to offer this time; the runner moves on."""


@dataclass(frozen=True)
class Tried:
    """What one step did: ``error`` is None for the step that answered."""

    name: str
    error: Exception | None = None


@dataclass(frozen=True)
class Step(Generic[T]):
    name: str
    run: Callable[[], Awaitable[T]]
    when: Callable[[Sequence[Tried]], bool] | None = None


@dataclass
class FallbackResult(Generic[T]):
    """The answer (None when every step failed), the step that gave it, and each step tried."""

    value: T | None = None
    answered_by: str | None = None
    tried: list[Tried] = field(default_factory=list)

    @property
    def failures(self) -> list[tuple[str, Exception]]:
        return [(t.name, t.error) for t in self.tried if t.error is not None]

    @property
    def last_error(self) -> Exception | None:
        failures = self.failures
        return failures[-1][1] if failures else None


async def run_fallbacks(
    steps: Sequence[Step[T]],
    *,
    recover: type[Exception] | tuple[type[Exception], ...],
    on_failure: Callable[[str, Exception], None] | None = None,
) -> FallbackResult[T]:
    """Try ``steps`` in order; the first that returns answers. Never raises ``recover`` errors."""
    result: FallbackResult[T] = FallbackResult()
    for step in steps:
        if step.when is not None and not step.when(result.tried):
            continue
        try:
            value = await step.run()
        except StepSkipped:
            continue
        except recover as exc:
            result.tried.append(Tried(step.name, exc))
            if on_failure is not None:
                on_failure(step.name, exc)
            continue
        result.tried.append(Tried(step.name))
        result.value, result.answered_by = value, step.name
        return result
    return result


def after_error(step_name: str, error: type[Exception]) -> Callable[[Sequence[Tried]], bool]:
    """A ``when`` condition: the step just before failed with ``error`` and was ``step_name``."""

    def condition(tried: Sequence[Tried]) -> bool:
        return bool(tried) and tried[-1].name == step_name and isinstance(tried[-1].error, error)

    return condition
