"""The fallback runner shared by plans and stages."""

from __future__ import annotations

import pytest

from lessonplan.errors import GenerationError, InvalidOutputError, ProviderTimeoutError
from lessonplan.service.fallback import Step, StepSkipped, after_error, run_fallbacks


def answer(value: str):  # type: ignore[no-untyped-def]
    async def run() -> str:
        return value

    return run


def fail(exc: Exception):  # type: ignore[no-untyped-def]
    async def run() -> str:
        raise exc

    return run


async def test_first_step_that_answers_wins_and_later_steps_never_run() -> None:
    ran: list[str] = []

    async def never() -> str:
        ran.append("never")
        return "x"

    result = await run_fallbacks(
        [Step("a", fail(ProviderTimeoutError("slow"))), Step("b", answer("B")), Step("c", never)],
        recover=GenerationError,
    )
    assert (result.value, result.answered_by) == ("B", "b")
    assert [(t.name, type(t.error).__name__) for t in result.tried] == [
        ("a", "ProviderTimeoutError"),
        ("b", "NoneType"),
    ]
    assert ran == []


async def test_conditional_step_runs_only_after_that_error() -> None:
    steps = [
        Step("primary", fail(InvalidOutputError("prose"))),
        Step("simplified", answer("S"), when=after_error("primary", InvalidOutputError)),
    ]
    assert (await run_fallbacks(steps, recover=GenerationError)).answered_by == "simplified"
    steps[0] = Step("primary", fail(ProviderTimeoutError("slow")))
    result = await run_fallbacks(steps, recover=GenerationError)
    assert result.value is None and [name for name, _ in result.failures] == ["primary"]


async def test_skipped_steps_are_not_failures_and_other_errors_propagate() -> None:
    async def nothing() -> str:
        raise StepSkipped

    seen: list[str] = []
    result = await run_fallbacks(
        [Step("stale", nothing), Step("x", fail(ProviderTimeoutError("t")))],
        recover=GenerationError,
        on_failure=lambda name, exc: seen.append(name),
    )
    assert result.failures[0][0] == "x" and len(result.failures) == 1 and seen == ["x"]
    assert isinstance(result.last_error, ProviderTimeoutError)
    with pytest.raises(ValueError):
        await run_fallbacks([Step("bug", fail(ValueError("bug")))], recover=GenerationError)
