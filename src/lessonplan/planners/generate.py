"""One structured generation: provider call with retries, JSON extraction, validation, repair.

Transient provider errors (timeout, 429, 5xx) are retried by tenacity with exponential backoff
and jitter, waiting at least what a 429's Retry-After asks. Invalid output is sent back with a
repair prompt (the original request plus the latest errors only) up to ``max_repairs`` times.
An answer the provider cut at its token limit (:class:`TruncatedOutputError`) is invalid output
that is never parsed: the repair asks again with twice the token budget, and when every attempt
was cut the typed ``TruncatedOutputError`` is raised.
Every provider call is an :class:`AttemptRecord`; usage is summed over all of them, including
calls whose output was invalid, because they were paid for.
"""

from __future__ import annotations

import asyncio
import inspect
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt

from lessonplan.errors import (
    InvalidOutputError,
    ProviderError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitedError,
    TruncatedOutputError,
)
from lessonplan.planners.jsonextract import JSONExtractionError, extract_json
from lessonplan.prompts.repair import build_repair_request, format_validation_errors
from lessonplan.providers.base import Completion, LLMProvider, LLMRequest, Usage

if TYPE_CHECKING:
    from lessonplan.config import Settings

T = TypeVar("T", bound=BaseModel)
# The budget a cut answer is retried with, when the request set none: double what was used.
DEFAULT_TOKEN_BUDGET = 4096
MAX_TOKEN_BUDGET = 32768
RETRYABLE: tuple[type[ProviderError], ...] = (
    ProviderTimeoutError,
    RateLimitedError,
    ProviderUnavailableError,
)


@dataclass
class AttemptRecord:
    """One call to the provider."""

    index: int
    kind: str  # "initial" | "retry" | "repair"
    outcome: str  # "ok" | "invalid_output" | an error code ("timeout", "rate_limited", ...)
    latency_ms: float
    prompt_tokens: int
    completion_tokens: int
    error_type: str | None = None
    error: str | None = None
    cached_prompt_tokens: int = 0
    cache_write_tokens: int = 0


@dataclass
class Generated(Generic[T]):
    value: T
    usage: Usage
    attempts: list[AttemptRecord]
    repaired: bool
    model: str
    provider: str
    latency_ms: float
    raw_text: str


async def _asyncio_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of transient provider errors. ``sleep`` is injectable so tests record waits."""

    max_retries: int = 3
    base_seconds: float = 0.5
    max_seconds: float = 20.0
    jitter: bool = True
    sleep: Callable[[float], Awaitable[None]] = field(default=_asyncio_sleep, compare=False)

    @classmethod
    def from_settings(cls, s: Settings) -> RetryPolicy:
        return cls(
            max_retries=s.llm_max_retries,
            base_seconds=s.llm_retry_base_seconds,
            max_seconds=s.llm_retry_max_seconds,
        )

    def backoff(self, retry_number: int) -> float:
        """Exponential backoff for the ``retry_number``-th retry (1-based), with equal jitter."""
        delay = min(self.max_seconds, self.base_seconds * 2 ** (retry_number - 1))
        if self.jitter:
            delay = delay / 2 + random.uniform(0, delay / 2)
        return delay


class wait_backoff_or_retry_after:
    """A tenacity ``wait``: ``max(backoff, Retry-After)`` capped at ``max_seconds``."""

    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy

    def __call__(self, retry_state: RetryCallState) -> float:
        delay = self.policy.backoff(retry_state.attempt_number)
        outcome = retry_state.outcome
        exc = outcome.exception() if outcome is not None and outcome.failed else None
        if isinstance(exc, RateLimitedError) and exc.retry_after is not None:
            delay = max(delay, exc.retry_after)
        return min(delay, self.policy.max_seconds)


OnAttempt = Callable[[AttemptRecord], Awaitable[None] | None]


class _Run:
    """The bookkeeping of one generation: attempts, usage, callbacks."""

    def __init__(self, on_attempt: OnAttempt | None) -> None:
        self.attempts: list[AttemptRecord] = []
        self.usage = Usage()
        self.on_attempt = on_attempt
        self.started = time.perf_counter()

    async def record(self, record: AttemptRecord) -> None:
        self.attempts.append(record)
        if self.on_attempt is not None:
            result = self.on_attempt(record)
            if inspect.isawaitable(result):
                await result

    def details(self) -> dict[str, Any]:
        return {"attempts": list(self.attempts), "usage": self.usage}


def larger_budget(cut: TruncatedOutputError, request: LLMRequest) -> int:
    """The ``max_tokens`` to ask again with after ``cut``: twice what was used, capped."""
    used = request.max_tokens or cut.max_tokens or DEFAULT_TOKEN_BUDGET // 2
    return min(MAX_TOKEN_BUDGET, max(2 * used, DEFAULT_TOKEN_BUDGET))


async def _call(
    provider: LLMProvider, request: LLMRequest, kind: str, retry: RetryPolicy, run: _Run
) -> tuple[Completion, str, float, TruncatedOutputError | None]:
    """One logical call: the provider call plus tenacity retries of transient errors.

    Returns the completion, the kind of the call that gave it (``retry`` after a failure),
    that call's latency as the caller saw it, and the truncation error when the provider cut
    the answer at its token limit (the completion is then the cut one).
    """
    retrying = AsyncRetrying(
        stop=stop_after_attempt(retry.max_retries + 1),
        wait=wait_backoff_or_retry_after(retry),
        retry=retry_if_exception_type(RETRYABLE),
        sleep=retry.sleep,
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            this_kind = kind if attempt.retry_state.attempt_number == 1 else "retry"
            started = time.perf_counter()
            try:
                completion = await provider.complete(request)
                return completion, this_kind, (time.perf_counter() - started) * 1000.0, None
            except TruncatedOutputError as cut:
                if cut.completion is None:
                    raise
                latency = (time.perf_counter() - started) * 1000.0
                return cut.completion, this_kind, latency, cut
            except asyncio.CancelledError:
                # Shutdown (SIGTERM, a client hanging up) mid-call: the call was made, record it.
                await run.record(
                    AttemptRecord(
                        index=len(run.attempts),
                        kind=this_kind,
                        outcome="cancelled",
                        latency_ms=(time.perf_counter() - started) * 1000.0,
                        prompt_tokens=0,
                        completion_tokens=0,
                        error_type="CancelledError",
                        error="cancelled during the call",
                    )
                )
                raise
            except ProviderError as exc:
                await run.record(
                    AttemptRecord(
                        index=len(run.attempts),
                        kind=this_kind,
                        outcome=exc.code,
                        latency_ms=(time.perf_counter() - started) * 1000.0,
                        prompt_tokens=0,
                        completion_tokens=0,
                        error_type=type(exc).__name__,
                        error=str(exc),
                    )
                )
                raise
    raise AssertionError("unreachable: tenacity either returns or re-raises")  # pragma: no cover


def _parse(
    text: str,
    model_cls: type[T],
    postprocess: Callable[[T], T] | None,
    validate_extra: Callable[[T], list[str]] | None,
) -> tuple[T | None, list[str]]:
    try:
        value = model_cls.model_validate(extract_json(text))
    except JSONExtractionError as exc:
        return None, [str(exc)]
    except ValidationError as exc:
        return None, format_validation_errors(exc) or [str(exc)]
    if postprocess is not None:
        value = postprocess(value)
    errors = validate_extra(value) if validate_extra is not None else []
    return (value, []) if not errors else (None, list(errors))


async def generate_structured(
    provider: LLMProvider,
    request: LLMRequest,
    model_cls: type[T],
    *,
    max_repairs: int = 2,
    retry: RetryPolicy = RetryPolicy(),
    on_attempt: OnAttempt | None = None,
    postprocess: Callable[[T], T] | None = None,
    validate_extra: Callable[[T], list[str]] | None = None,
) -> Generated[T]:
    """Ask ``provider`` for a ``model_cls`` answer to ``request``, retrying and repairing.

    Raises the typed :class:`ProviderError` after retries (``details["attempts"]``,
    ``details["usage"]`` set), or :class:`InvalidOutputError` after ``max_repairs`` repairs.
    """
    run = _Run(on_attempt)
    current = request
    repairs = 0
    while True:
        kind = "initial" if repairs == 0 else "repair"
        try:
            completion, call_kind, latency_ms, cut = await _call(
                provider, current, kind, retry, run
            )
        except ProviderError as exc:
            exc.details.update(run.details())
            raise
        run.usage = run.usage + completion.usage
        if cut is not None:  # never parsed: a JSON repair would make half an answer "valid"
            value, errors = None, [str(cut)]
        else:
            value, errors = _parse(completion.text, model_cls, postprocess, validate_extra)
        await run.record(
            AttemptRecord(
                index=len(run.attempts),
                kind=call_kind,
                outcome="ok" if value is not None else "invalid_output",
                latency_ms=latency_ms,
                prompt_tokens=completion.usage.prompt_tokens,
                completion_tokens=completion.usage.completion_tokens,
                cached_prompt_tokens=completion.usage.cached_prompt_tokens,
                cache_write_tokens=completion.usage.cache_write_tokens,
                error_type=(
                    None
                    if value is not None
                    else type(cut).__name__
                    if cut is not None
                    else "InvalidOutputError"
                ),
                error=None if value is not None else "; ".join(errors)[:1000],
            )
        )
        if value is not None:
            return Generated(
                value=value,
                usage=run.usage,
                attempts=run.attempts,
                repaired=repairs > 0,
                model=completion.model,
                provider=completion.provider,
                latency_ms=(time.perf_counter() - run.started) * 1000.0,
                raw_text=completion.text,
            )
        if repairs >= max_repairs:
            if cut is not None:
                raise TruncatedOutputError(
                    f"{request.schema_name}: the answer was cut off at the token limit on "
                    f"every attempt ({repairs + 1}, last budget {current.max_tokens or 'default'})",
                    max_tokens=current.max_tokens,
                    errors=errors,
                    raw_text=completion.text,
                    **run.details(),
                )
            shown = "; ".join(" ".join(e.split()) for e in errors[:3])
            more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
            raise InvalidOutputError(
                f"{request.schema_name}: output still invalid after {repairs} repair(s): "
                f"{shown}{more}",
                errors=errors,
                raw_text=completion.text,
                **run.details(),
            )
        repairs += 1
        budget = larger_budget(cut, current) if cut is not None else current.max_tokens
        current = replace(build_repair_request(request, completion.text, errors), max_tokens=budget)
