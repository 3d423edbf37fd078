"""Run an async command body with a runtime; lessonplan errors become one line and an exit code.

Exit codes: 0 success, 2 bad input (one-line reason), 1 generation failed after every fallback
or the database is unavailable, 130 on Ctrl-C, 143 on SIGTERM. SIGTERM cancels the command's
task, so the runtime is still closed: buffered events are written before the process exits.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, NoReturn, TypeVar

import typer
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from lessonplan.config import Settings, get_settings
from lessonplan.errors import ConfigurationError, LessonplanError
from lessonplan.service.runtime import Runtime

T = TypeVar("T")


def load_settings(**overrides: Any) -> Settings:
    try:
        base = get_settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "LESSONPLAN_" + str(first["loc"][0]).upper() if first["loc"] else "LESSONPLAN_*"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigurationError(f"{name}: {message}") from exc
    updates = {k: v for k, v in overrides.items() if v is not None}
    return base.model_copy(update=updates) if updates else base


def fail(message: str, code: int) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


class Terminated(Exception):
    """The process received SIGTERM; the command was cancelled and the runtime closed."""


async def cancel_on_sigterm(main: Coroutine[Any, Any, T]) -> T:
    """Run ``main``; SIGTERM cancels it (its ``finally`` blocks run) and raises Terminated."""
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    terminated = False

    def on_sigterm() -> None:
        nonlocal terminated
        terminated = True
        if task is not None:
            task.cancel()

    try:
        loop.add_signal_handler(signal.SIGTERM, on_sigterm)
        installed = True
    except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or Windows
        installed = False
    try:
        return await main
    except asyncio.CancelledError:
        if terminated:
            raise Terminated() from None
        raise
    finally:
        if installed:
            loop.remove_signal_handler(signal.SIGTERM)


def run(body: Callable[[Runtime], Awaitable[T]], *, llm: str | None = None, **overrides: Any) -> T:
    """Open a runtime, run ``body`` and close it; map errors to exit codes."""

    async def main() -> T:
        settings = load_settings(**overrides)
        rt = await Runtime.open(settings, llm=llm)
        try:
            return await body(rt)
        finally:
            await rt.close()

    try:
        return asyncio.run(cancel_on_sigterm(main()))
    except Terminated:
        fail("terminated", 143)
    except LessonplanError as exc:
        fail(str(exc).splitlines()[0] if str(exc) else exc.code, exc.exit_code)
    except (SQLAlchemyError, OSError) as exc:
        # Connection refused, a read-only file, a missing database: one line, no traceback.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        fail(f"database error: {reason[:300]}", 1)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    raise AssertionError("unreachable")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
