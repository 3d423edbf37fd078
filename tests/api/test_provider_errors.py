"""Generation failures map to 503 / 429 (with Retry-After) / 502 problems, also in the stream."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from benchmarks.simserver import SimServerHandle

from lessonplan.api.app import create_app
from lessonplan.errors import (
    ProviderBadRequestError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitedError,
)
from lessonplan.providers.base import LLMRequest
from lessonplan.providers.fake import FakeProvider, register_fake, unregister_fakes
from lessonplan.providers.openai import OpenAIProvider
from lessonplan.service.runtime import Runtime
from tests.simserver_fixture import sim_server  # noqa: F401

from .helpers import API, CAN_DO, api_settings, assert_problem, parse_sse, serve


def always(exc: Exception, name: str = "failing") -> FakeProvider:
    def fail(_request: LLMRequest) -> str:
        raise exc

    return FakeProvider(name, fallback=fail)


@asynccontextmanager
async def api_with(
    tmp_path: Path, provider: FakeProvider, **overrides: Any
) -> AsyncIterator[httpx.AsyncClient]:
    rt = await Runtime.open(api_settings(tmp_path, **overrides), provider=provider)
    try:
        async with serve(create_app(runtime=rt)) as client:
            yield client
    finally:
        await rt.close()


async def test_provider_down_without_fallback_is_503(tmp_path: Path) -> None:
    provider = always(ProviderUnavailableError("upstream returned 502 Bad Gateway"))
    async with api_with(tmp_path, provider) as client:
        for route in ("plan", "compile"):
            response = await client.post(f"{API}/cando/{CAN_DO}/{route}", json={})
            problem = assert_problem(response, 503, "provider_unavailable")
            assert "Retry-After" not in response.headers
            assert problem["detail"]
        stream = await client.post(f"{API}/cando/{CAN_DO}/compile/stream", json={})
        assert stream.status_code == 200
        events = parse_sse(stream.text)
        assert [name for name, _ in events] == ["inputs", "error"]
        assert events[-1][1]["status"] == 503
        assert events[-1][1]["code"] == "provider_unavailable"
    assert provider.requests, "the provider was asked"


async def test_rate_limited_is_429_with_retry_after(tmp_path: Path) -> None:
    provider = always(RateLimitedError("429 Too Many Requests", retry_after=6.2))
    async with api_with(tmp_path, provider) as client:
        response = await client.post(f"{API}/cando/{CAN_DO}/compile", json={})
        assert_problem(response, 429, "rate_limited")
        assert response.headers["retry-after"] == "7"


async def test_rate_limited_after_every_fallback_is_429(tmp_path: Path) -> None:
    register_fake(always(RateLimitedError("backup is rate limited too", retry_after=3), "backup"))
    try:
        primary = always(ProviderUnavailableError("primary down"))
        async with api_with(tmp_path, primary, fallback_llms="fake:backup") as client:
            response = await client.post(f"{API}/cando/{CAN_DO}/plan", json={})
            assert_problem(response, 429, "all_fallbacks_failed")
            assert response.headers["retry-after"] == "3"
    finally:
        unregister_fakes()


async def test_other_generation_failure_is_502(tmp_path: Path) -> None:
    provider = always(ProviderBadRequestError("400 context length exceeded"))
    async with api_with(tmp_path, provider) as client:
        response = await client.post(f"{API}/cando/{CAN_DO}/plan", json={})
        assert_problem(response, 502, "bad_request")


async def test_provider_timeout_follows_the_error_tree(tmp_path: Path) -> None:
    provider = always(ProviderTimeoutError("the call took more than 60 s"))
    async with api_with(tmp_path, provider) as client:
        response = await client.post(f"{API}/cando/{CAN_DO}/plan", json={})
        assert_problem(response, ProviderTimeoutError.http_status, "timeout")
        assert response.status_code == 503  # a provider that does not answer in time is down


async def test_upstream_error_text_never_reaches_the_client(
    tmp_path: Path,
    sim_server: SimServerHandle,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = "sk-caller-secret-0123456789abcdef"
    provider = OpenAIProvider("sim-model", base_url=sim_server.base_url, api_key=secret)
    sim_server.configure(fault_rate=1.0, faults=["unauthorized"])
    caplog.set_level(logging.INFO)
    rt = await Runtime.open(api_settings(tmp_path), provider=provider)
    try:
        async with serve(create_app(runtime=rt)) as client:
            plan = await client.post(f"{API}/cando/{CAN_DO}/plan", json={})
            problem = assert_problem(plan, 502, "bad_request")
            assert problem["detail"] == "the LLM provider refused the request"
            stream = await client.post(f"{API}/cando/{CAN_DO}/compile/stream", json={})
            for response in (plan, stream):
                assert secret not in response.text
                assert "Incorrect API key" not in response.text
    finally:
        await rt.close()
    assert sim_server.stats()["by_status"].get("401")
    assert "Incorrect API key provided: [redacted]" in caplog.text  # the operator sees why
    assert secret not in caplog.text


async def test_stage_errors_stored_in_a_lesson_carry_no_upstream_text(
    tmp_path: Path,
    sim_server: SimServerHandle,  # noqa: F811
) -> None:
    secret = "sk-caller-secret-fedcba9876543210"
    provider = OpenAIProvider("sim-model", base_url=sim_server.base_url, api_key=secret)
    # the plan succeeds, then every stage call is a 401 that quotes the key
    sim_server.configure(script=["ok"], fault_rate=1.0, faults=["unauthorized"])
    rt = await Runtime.open(api_settings(tmp_path), provider=provider)
    try:
        async with serve(create_app(runtime=rt)) as client:
            compiled = await client.post(f"{API}/cando/{CAN_DO}/compile", json={})
            assert compiled.status_code == 200, compiled.text
            lesson = compiled.json()["lesson"]
            assert {s["status"] for s in lesson["stages"].values()} == {"failed"}
            assert secret not in compiled.text and "Incorrect API key" not in compiled.text
            stored = await client.get(f"{API}/lessons/{lesson['lesson_id']}")
            assert secret not in stored.text
    finally:
        await rt.close()
