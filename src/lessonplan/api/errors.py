"""RFC 7807 problem details for every error the API returns.

One shape for all failures (``type``, ``title``, ``status``, ``detail``, ``code``) so clients branch
on ``code``, never on prose. ``lessonplan.errors`` already carries ``http_status`` and ``code``;
this module only renders them. Bad input is always a 4xx: request validation is reformatted into
a 422 problem that lists the bad fields, and unexpected exceptions become a bare 500 whose
detail says nothing about internals.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from lessonplan.errors import (
    AllFallbacksFailedError,
    BudgetExceededError,
    GenerationError,
    LessonplanError,
    QualityRejectedError,
    RateLimitedError,
    StoreUnavailableError,
)

log = logging.getLogger("lessonplan.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"
# Seconds a client is asked to wait when the database is unavailable.
STORE_RETRY_AFTER_S = 5

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
}


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


def problem_type(code: str) -> str:
    return f"urn:lessonplan:problem:{code}"


def problem_body(status: int, code: str, detail: str, **extra: Any) -> dict[str, Any]:
    """A problem document; a 422 always lists its bad fields (maybe none) in ``errors``."""
    if status == 422:
        extra.setdefault("errors", [])
    return {
        "type": problem_type(code),
        "title": _title(status),
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> ProblemResponse:
    return ProblemResponse(
        problem_body(status, code, detail, **extra), status_code=status, headers=headers
    )


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


# What a client is told about a generation failure: typed, never the provider's own words (an
# upstream 401 can quote the caller's key). The full message goes to the server log.
GENERATION_DETAILS = {
    "timeout": "the LLM provider did not answer in time",
    "rate_limited": "the LLM provider is rate limiting requests",
    "provider_unavailable": "the LLM provider is unavailable",
    "bad_request": "the LLM provider refused the request",
    "provider_error": "the LLM provider failed",
    "invalid_output": "the LLM's answer was not valid after every repair",
    "truncated_output": "the LLM's answer was cut off at its token limit on every attempt",
    "generation_failed": "generation failed",
}


def generation_detail(exc: GenerationError) -> str:
    if isinstance(exc, QualityRejectedError):
        return exc.message.splitlines()[0]  # our own words: the failed check codes
    if isinstance(exc, AllFallbacksFailedError):
        last = exc.last
        why = (
            generation_detail(last)
            if isinstance(last, GenerationError)
            else GENERATION_DETAILS["generation_failed"]
        )
        return f"every step of the fallback chain failed; the last: {why}"
    return GENERATION_DETAILS.get(exc.code, GENERATION_DETAILS["generation_failed"])


def retry_after(exc: BaseException) -> float | None:
    """Seconds the provider asked us to wait, looking through a fallback chain's last failure."""
    if isinstance(exc, AllFallbacksFailedError):
        exc = exc.last or exc
    if isinstance(exc, RateLimitedError | BudgetExceededError) and exc.retry_after is not None:
        return max(0.0, float(exc.retry_after))
    return None


def error_problem(exc: LessonplanError) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Status, problem body and headers for a lessonplan error (also used by the SSE stream)."""
    status = int(exc.http_status)
    headers: dict[str, str] = {}
    wait = retry_after(exc)
    if status == 429 and wait is not None:
        headers["Retry-After"] = str(math.ceil(wait))
    detail = str(exc).splitlines()[0] if str(exc) else exc.code
    if isinstance(exc, StoreUnavailableError):  # the cause names hosts and ports: log it only
        log.error("database unavailable: %s", detail)
        headers["Retry-After"] = str(STORE_RETRY_AFTER_S)
        detail = "the database is unavailable; try again shortly"
    elif isinstance(exc, GenerationError):
        log.warning("generation failed (%s): %s", exc.code, detail)
        detail = generation_detail(exc)
    elif status >= 500 and status not in (502, 503, 504):
        log.error("lessonplan error %s: %s", exc.code, detail)
        detail = "the server is misconfigured; see its log"
    return status, problem_body(status, exc.code, detail), headers


async def _lessonplan_error(_request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, LessonplanError)
    status, body, headers = error_problem(exc)
    return ProblemResponse(body, status_code=status, headers=headers or None)


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        where, rest = parts[0], parts[1:]
        return f"{where}.{'.'.join(rest)}" if rest else where
    return ".".join(parts)


async def _validation_error(_request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "field": _field_path(err.get("loc", ())),
            "message": str(err.get("msg", "")),
            "type": str(err.get("type", "")),
        }
        for err in exc.errors()
    ]
    fields = ", ".join(dict.fromkeys(e["field"] for e in errors)) or "request"
    return problem(422, "invalid_request", f"invalid request: {fields}", errors=errors)


async def _http_error(_request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = getattr(exc, "code", None)
    detail = exc.detail if isinstance(exc.detail, str) else _title(exc.status_code)
    if exc.status_code == 400 and code is None:
        # FastAPI's "error parsing the body" (e.g. JSON that is not UTF-8): a bad body, so 422.
        error = {"field": "body", "message": detail, "type": "body_unreadable"}
        return problem(422, "invalid_request", f"invalid request: {detail}", errors=[error])
    code = code or _HTTP_CODES.get(exc.status_code, "http_error")
    return problem(exc.status_code, code, detail, headers=exc.headers)


async def _unexpected(_request: Request, exc: Exception) -> ProblemResponse:
    log.exception("unhandled error: %s", type(exc).__name__, exc_info=exc)
    return problem(500, "internal_error", "internal server error")


class ApiProblem(StarletteHTTPException):
    """An HTTP error raised by the API layer itself, with a machine ``code``."""

    def __init__(
        self, status_code: int, code: str, detail: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(status_code=status_code, detail=detail, headers=dict(headers or {}))
        self.code = code


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(LessonplanError, _lessonplan_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
