"""The errors lessonplan raises. Misuse is kept apart from runtime failure.

::

    LessonplanError
    ├── UsageError                  misuse: the caller can fix it (CLI exit 2, HTTP 4xx)
    │   ├── BadInputError           a profile, kit, plan or catalog file that is missing or invalid
    │   │   └── UnsupportedLanguageError  the offline planner asked for a non-Japanese descriptor
    │   ├── UnknownDescriptorError  no descriptor with that id in the catalog          (404)
    │   ├── UnknownLessonError      no lesson (or lesson version) with that id         (404)
    │   ├── UnknownVersionError     no plan version with that number in the lineage    (404)
    │   └── ConfigurationError      a bad LESSONPLAN_* setting or LLM spec
    └── GenerationError             runtime failure (CLI exit 1, HTTP 502/503/429)
        ├── ProviderError           the provider did not give an answer
        │   ├── ProviderTimeoutError        the call or the compile ran out of time   (retried)
        │   ├── RateLimitedError            429; carries ``retry_after`` seconds      (retried)
        │   ├── ProviderUnavailableError    5xx, connection refused or reset          (retried)
        │   └── ProviderBadRequestError     4xx other than 429: never retried
        ├── InvalidOutputError      the answer was not valid JSON for the schema after every repair
        │   └── TruncatedOutputError    the answer stopped at the token limit (finish_reason
        │                               "length", stop_reason "max_tokens"): never accepted
        ├── QualityRejectedError    the plan failed quality checks under the ``reject`` policy
        └── AllFallbacksFailedError every step of the fallback chain failed; holds each failure
    StoreError                      runtime failure of the database (CLI exit 1)
    └── StoreUnavailableError       refused, gone away, timed out or locked           (503)

Every error has a one-line ``str()`` fit for a terminal, and ``code`` for machines.
"""

from __future__ import annotations

from typing import Any


class LessonplanError(Exception):
    code = "error"
    exit_code = 1
    http_status = 500

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


class UsageError(LessonplanError):
    code = "usage_error"
    exit_code = 2
    http_status = 400


class BadInputError(UsageError):
    code = "bad_input"
    http_status = 422


class UnsupportedLanguageError(BadInputError):
    """The offline planner's curriculum is Japanese; this descriptor teaches another language."""

    code = "unsupported_language"


class UnknownDescriptorError(UsageError):
    code = "unknown_descriptor"
    http_status = 404


class UnknownLessonError(UsageError):
    code = "unknown_lesson"
    http_status = 404


class UnknownVersionError(UsageError):
    code = "unknown_version"
    http_status = 404


class ConfigurationError(UsageError):
    code = "configuration_error"
    http_status = 500


class GenerationError(LessonplanError):
    code = "generation_failed"
    exit_code = 1
    http_status = 502


class ProviderError(GenerationError):
    code = "provider_error"
    retryable = False


class ProviderTimeoutError(ProviderError):
    code = "timeout"
    http_status = 503
    retryable = True


class RateLimitedError(ProviderError):
    code = "rate_limited"
    http_status = 429
    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **details: Any) -> None:
        super().__init__(message, **details)
        self.retry_after = retry_after


class ProviderUnavailableError(ProviderError):
    code = "provider_unavailable"
    http_status = 503
    retryable = True


class ProviderBadRequestError(ProviderError):
    code = "bad_request"
    http_status = 502


class InvalidOutputError(GenerationError):
    code = "invalid_output"


class TruncatedOutputError(InvalidOutputError):
    """The provider cut the answer at its token limit. Raised by the provider with the cut
    ``completion`` attached; the generation loop retries with a larger ``max_tokens`` (as a
    repair), and raises it again when every attempt was cut. A cut answer is never parsed, so
    a JSON repair cannot turn half a plan into a valid-looking one."""

    code = "truncated_output"

    def __init__(
        self,
        message: str,
        *,
        completion: Any = None,
        max_tokens: int | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message, **details)
        self.completion = completion
        self.max_tokens = max_tokens


class QualityRejectedError(GenerationError):
    code = "quality_rejected"
    http_status = 422

    def __init__(self, message: str, *, issues: list[Any] | None = None, **details: Any) -> None:
        super().__init__(message, **details)
        self.issues = issues or []


class AllFallbacksFailedError(GenerationError):
    code = "all_fallbacks_failed"

    def __init__(
        self, message: str, *, failures: list[tuple[str, Exception]] | None = None, **details: Any
    ) -> None:
        super().__init__(message, **details)
        self.failures = failures or []

    @property
    def last(self) -> Exception | None:
        return self.failures[-1][1] if self.failures else None

    @property
    def http_status(self) -> int:  # type: ignore[override]
        last = self.last
        if isinstance(last, RateLimitedError):
            return 429
        if isinstance(last, ProviderUnavailableError | ProviderTimeoutError):
            return 503
        return 502


class BudgetExceededError(LessonplanError):
    """``LESSONPLAN_DAILY_BUDGET_USD`` is spent for today (UTC): generation waits for tomorrow."""

    code = "daily_budget_exceeded"
    http_status = 429
    exit_code = 1

    def __init__(self, message: str, *, retry_after: float | None = None, **details: Any) -> None:
        super().__init__(message, **details)
        self.retry_after = retry_after


class StoreError(LessonplanError):
    code = "store_error"
    exit_code = 1
    http_status = 500


class StoreUnavailableError(StoreError):
    """The database could not be reached or used (mapped at the store boundary)."""

    code = "store_unavailable"
    http_status = 503


def error_type(exc: BaseException) -> str:
    """A short machine name for an exception, for events and metrics."""
    if isinstance(exc, LessonplanError):
        return exc.code
    return type(exc).__name__
