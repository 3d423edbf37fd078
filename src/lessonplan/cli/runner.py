"""Run an async command body with a runtime; lessonplan errors become one line and an exit code.

Exit codes: 0 success, 2 bad input (one-line reason), 1 generation failed after every fallback
or the database is unavailable, 130 on Ctrl-C, 143 on SIGTERM. SIGTERM cancels the command's
task, so the runtime is still closed: buffered events are written before the process exits.
"""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer
from typer._click import exceptions as click_errors  # typer vendors click; no public alias
from typer.core import TyperGroup

from lessonplan.errors import ConfigurationError, LessonplanError

if TYPE_CHECKING:  # imported where used: `lessonplan --help` loads none of them
    from lessonplan.config import Settings
    from lessonplan.service.runtime import Runtime

T = TypeVar("T")


def load_settings(**overrides: Any) -> Settings:
    from pydantic import ValidationError

    from lessonplan.config import Settings, get_settings

    try:
        base = get_settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "LESSONPLAN_" + str(first["loc"][0]).upper() if first["loc"] else "LESSONPLAN_*"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigurationError(f"{name}: {message}") from exc
    updates = {k: v for k, v in overrides.items() if v is not None}
    if not updates:
        return base
    try:
        # Validated like the environment (an unknown --prompt variant is bad input, exit 2).
        return Settings.model_validate({**base.model_dump(), **updates})
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "option"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigurationError(f"--{name.replace('_', '-')}: {message}") from exc


class OneLineErrors(TyperGroup):
    """The command group: a usage error (bad option value, unknown option, missing argument)
    is one line on stderr and exit 2, like every other bad input, instead of a boxed panel."""

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click_errors.NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click_errors.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "lessonplan"
            message = " ".join(exc.format_message().split())
            typer.echo(f"error: {message} (see `{where} --help`)", err=True)
            sys.exit(2)
        except click_errors.ClickException as exc:
            typer.echo(f"error: {' '.join(exc.format_message().split())}", err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("error: aborted", err=True)
            sys.exit(1)
        sys.exit(code or 0)


def fail(message: str, code: int) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


class Terminated(Exception):
    """The process received SIGTERM; the command was cancelled and the runtime closed."""


async def cancel_on_sigterm(main: Coroutine[Any, Any, T]) -> T:
    """Run ``main``; SIGTERM cancels it (its ``finally`` blocks run) and raises Terminated."""
    import asyncio

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


def run(
    body: Callable[[Runtime], Awaitable[T]],
    *,
    llm: str | None = None,
    needs_llm: bool = False,
    **overrides: Any,
) -> T:
    """Open a runtime, run ``body`` and close it; map errors to exit codes.

    Providers are built lazily: a command that may generate (``needs_llm``) checks their
    configuration up front, so a missing API key fails it at once (and never fails one that
    does not generate), but builds them, importing the vendor SDK, only on the first LLM call:
    a cache hit imports no SDK.
    """

    import asyncio

    from sqlalchemy.exc import SQLAlchemyError

    from lessonplan.providers.lazy import check_all
    from lessonplan.service.runtime import Runtime

    async def main() -> T:
        settings = load_settings(**overrides)
        rt = await Runtime.open(settings, llm=llm)
        try:
            if needs_llm:
                check_all([rt.provider, *rt.fallbacks, rt.offline])
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
