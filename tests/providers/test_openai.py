"""OpenAIProvider: strict schema, error mapping, and real SDK calls to the simulated server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest
from benchmarks.simserver import SimServerHandle

from lessonplan.domain.lesson import ContentStage, InteractionStage
from lessonplan.domain.models import (
    CanDoDescriptor,
    DomainPlan,
    LearnerProfile,
    normalize_plan,
)
from lessonplan.errors import (
    ConfigurationError,
    ProviderBadRequestError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitedError,
)
from lessonplan.planners.generate import RetryPolicy, generate_structured
from lessonplan.planners.offline import load_catalog
from lessonplan.prompts.planner import build_planner_request, schema_for
from lessonplan.prompts.tokens import count_request_tokens
from lessonplan.providers.base import LLMRequest
from lessonplan.providers.openai import (
    OpenAIProvider,
    map_openai_error,
    strict_schema_for,
    to_strict_schema,
)
from lessonplan.providers.replay import default_fixtures_dir
from tests.simserver_fixture import sim_server  # noqa: F401

FAST = RetryPolicy(base_seconds=0.01, max_seconds=0.1)


def recorded_descriptor(stem: str) -> CanDoDescriptor:
    directory = default_fixtures_dir()
    assert directory is not None
    data = json.loads((Path(directory) / f"{stem}.cando.json").read_text(encoding="utf-8"))
    return CanDoDescriptor.model_validate(data)


# --- strict schema ----------------------------------------------------------------------------


def _objects(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if "properties" in node:
            found.append(node)
        for value in node.values():
            found.extend(_objects(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_objects(value))
    return found


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        keys = set(node)
        for name, value in node.items():
            keys |= _keys(value) if name not in ("properties", "$defs") else set()
            if name in ("properties", "$defs"):
                for sub in value.values():
                    keys |= _keys(sub)
        return keys
    if isinstance(node, list):
        return set().union(*(_keys(v) for v in node)) if node else set()
    return set()


@pytest.mark.parametrize("model", [DomainPlan, ContentStage, InteractionStage])
def test_strict_schema_closes_every_object(model: type[Any]) -> None:
    original = schema_for(model)
    strict = to_strict_schema(original)
    assert strict is not None
    objects = _objects(strict)
    assert objects
    for obj in objects:
        assert obj["additionalProperties"] is False
        assert sorted(obj["required"]) == sorted(obj["properties"])
    assert not _keys(strict) & {"default", "minLength", "maxLength", "allOf"}
    assert strict["$defs"].keys() == original["$defs"].keys()
    assert original != strict and "additionalProperties" not in json.dumps(original)


def test_free_form_objects_cannot_be_strict() -> None:
    schema = {
        "type": "object",
        "properties": {"tags": {"type": "object", "additionalProperties": {"type": "string"}}},
    }
    assert to_strict_schema(schema) is None
    assert to_strict_schema({"type": "array", "items": {"type": "string"}}) is None
    single_all_of = {
        "type": "object",
        "properties": {"x": {"allOf": [{"$ref": "#/$defs/X"}], "default": None}},
        "$defs": {"X": {"type": "object", "properties": {"a": {"type": "string"}}}},
    }
    strict = to_strict_schema(single_all_of)
    assert strict is not None and strict["properties"]["x"] == {"$ref": "#/$defs/X"}


async def test_response_format_per_mode() -> None:
    request = LLMRequest(
        system="s", user="u", schema_name="Domain Plan!", schema=schema_for(DomainPlan)
    )
    strict = OpenAIProvider("m", base_url="http://127.0.0.1:1/v1", api_key="k")
    loose = OpenAIProvider(
        "m", base_url="http://127.0.0.1:1/v1", api_key="k", response_format="json_object"
    )
    try:
        sent = strict.response_format_for(request)
        assert sent["type"] == "json_schema"
        assert sent["json_schema"]["name"] == "Domain_Plan_"
        assert sent["json_schema"]["strict"] is True
        free = LLMRequest(system="s", user="u", schema_name="X", schema={"type": "object"})
        assert strict.response_format_for(free)["json_schema"]["strict"] is False
        assert loose.response_format_for(request) == {"type": "json_object"}
    finally:
        await strict.aclose()
        await loose.aclose()


# --- configuration ----------------------------------------------------------------------------


async def test_api_key_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        OpenAIProvider("gpt-4o-mini")
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        OpenAIProvider("gpt-4o-mini", base_url="https://api.openai.com/v1")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://localhost:11434/v1")
    local = OpenAIProvider("llama3:8b")
    try:
        assert local.base_url.startswith("http://localhost:11434/v1")
        assert local.spec == "openai:llama3:8b" and not local.is_offline
    finally:
        await local.aclose()


# --- error mapping ----------------------------------------------------------------------------

_REQ = httpx2.Request("POST", "http://sim/v1/chat/completions")


def _status_error(status: int, headers: dict[str, str] | None = None) -> openai.APIStatusError:
    response = httpx2.Response(status, headers=headers, request=_REQ)
    classes: dict[int, type[openai.APIStatusError]] = {
        400: openai.BadRequestError,
        401: openai.AuthenticationError,
        403: openai.PermissionDeniedError,
        404: openai.NotFoundError,
        422: openai.UnprocessableEntityError,
        429: openai.RateLimitError,
        500: openai.InternalServerError,
        503: openai.InternalServerError,
    }
    cls = classes.get(status, openai.APIStatusError)
    return cls(f"status {status}", response=response, body=None)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, ProviderBadRequestError),
        (401, ProviderBadRequestError),
        (403, ProviderBadRequestError),
        (404, ProviderBadRequestError),
        (422, ProviderBadRequestError),
        (408, ProviderTimeoutError),
        (500, ProviderUnavailableError),
        (502, ProviderUnavailableError),
        (503, ProviderUnavailableError),
    ],
)
def test_status_errors_map(status: int, expected: type[Exception]) -> None:
    mapped = map_openai_error(_status_error(status), model="m")
    assert type(mapped) is expected
    assert mapped.details["status"] == status  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("headers", "retry_after"),
    [
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after": "3"}, 3.0),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_rate_limit_carries_retry_after(headers: dict[str, str], retry_after: float | None) -> None:
    mapped = map_openai_error(_status_error(429, headers), model="m")
    assert isinstance(mapped, RateLimitedError)
    assert mapped.retry_after == retry_after


def test_transport_errors_map() -> None:
    timeout = map_openai_error(openai.APITimeoutError(request=_REQ), model="m")
    down = map_openai_error(openai.APIConnectionError(request=_REQ), model="m")
    assert type(timeout) is ProviderTimeoutError
    assert type(down) is ProviderUnavailableError


# --- against the simulated server -------------------------------------------------------------


@pytest.mark.parametrize("response_format", ["json_schema", "json_object"])
async def test_recorded_plan_through_the_sdk(
    sim_server: SimServerHandle,  # noqa: F811
    response_format: str,
) -> None:
    sim_server.configure(mode="recorded")
    descriptor = recorded_descriptor("jf-105")
    request = build_planner_request(descriptor, LearnerProfile.anonymous(), None, variant="compact")
    provider = OpenAIProvider(
        "sim-model",
        base_url=sim_server.base_url,
        api_key="k",
        response_format=response_format,
    )
    try:
        result = await generate_structured(provider, request, DomainPlan, retry=FAST)
    finally:
        await provider.aclose()
    assert result.value.uid == "12345"
    plan = normalize_plan(result.value, descriptor)
    assert (plan.uid, plan.level) == ("JF:105", "A1")
    stats = sim_server.stats()
    assert stats["requests"] == 1 and stats["by_task"] == {"plan": 1}
    assert result.usage.prompt_tokens == stats["prompt_tokens"] > 0
    assert result.usage.completion_tokens == stats["completion_tokens"] > 0
    sent = sim_server.requests()[-1]
    assert sent["model"] == "sim-model"
    assert sent["response_format"]["type"] == response_format
    if response_format == "json_schema":
        assert sent["response_format"]["json_schema"]["strict"] is True
        assert sent["response_format"]["json_schema"]["name"] == "DomainPlan"


@pytest.mark.parametrize("response_format", ["json_schema", "json_object"])
async def test_offline_answers_through_the_sdk_validate_as_plans(
    sim_server: SimServerHandle,  # noqa: F811
    response_format: str,
) -> None:
    descriptor = load_catalog()[0]
    request = build_planner_request(
        descriptor, LearnerProfile.anonymous(), None, variant="compact", timeout=30.0
    )
    provider = OpenAIProvider(
        "sim-model",
        base_url=sim_server.base_url,
        api_key="k",
        response_format=response_format,
    )
    try:
        result = await generate_structured(provider, request, DomainPlan, retry=FAST)
    finally:
        await provider.aclose()
    plan = normalize_plan(DomainPlan.model_validate(result.value.model_dump()), descriptor)
    assert (plan.uid, plan.level) == (descriptor.uid, descriptor.level)
    assert [a.outcome for a in result.attempts] == ["ok"]
    assert result.usage.prompt_tokens == count_request_tokens(request)


def test_strict_schema_is_converted_once_per_schema_object() -> None:
    schema = schema_for(ContentStage)
    first = strict_schema_for(schema)
    assert first is not None and strict_schema_for(schema) is first
    assert first == to_strict_schema(schema)
    rebuilt = json.loads(json.dumps(schema))  # equal, but another object: converted on its own
    assert strict_schema_for(rebuilt) == first and strict_schema_for(rebuilt) is not first


async def test_requests_carry_one_schema_object_per_model_so_strict_is_converted_once() -> None:
    descriptor = recorded_descriptor("jf-105")
    first = build_planner_request(descriptor, LearnerProfile.anonymous(), None, variant="compact")
    other = build_planner_request(
        descriptor, LearnerProfile(learner_id="someone-else"), None, variant="full"
    )
    assert first.schema is other.schema and first.schema == schema_for(DomainPlan)
    provider = OpenAIProvider("m", base_url="http://127.0.0.1:1/v1", api_key="k")
    try:
        formats = [provider.body_for(r)["response_format"] for r in (first, other)]
    finally:
        await provider.aclose()
    sent = [f["json_schema"]["schema"] for f in formats]
    assert sent[0] is sent[1] and sent[0] == to_strict_schema(schema_for(DomainPlan))


async def test_a_completion_on_the_wire_is_the_body_with_the_bearer_key() -> None:
    """The request the SDK sends: POST /v1/chat/completions, the body as built, the API key as
    a bearer token, the answer parsed."""
    seen: list[httpx2.Request] = []
    answer = {
        "id": "c1",
        "object": "chat.completion",
        "created": 0,
        "model": "m-2",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": '{"ok": true}'},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10},
    }

    def handle(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200, json=answer)

    provider = OpenAIProvider("m", base_url="http://sim.invalid/v1", api_key="sk-test-key")
    provider._client = openai.AsyncOpenAI(
        api_key="sk-test-key",
        base_url="http://sim.invalid/v1",
        max_retries=0,
        http_client=openai.DefaultAsyncHttpxClient(transport=httpx2.MockTransport(handle)),
    )
    request = LLMRequest(
        system="sys", user="usr", schema_name="Ok", schema=schema_for(DomainPlan), timeout=7.0
    )
    try:
        completion = await provider.complete(request)
    finally:
        await provider.aclose()
    (wire,) = seen
    assert (wire.method, wire.url.path) == ("POST", "/v1/chat/completions")
    assert wire.headers["authorization"] == "Bearer sk-test-key"
    assert json.loads(wire.content) == json.loads(json.dumps(provider.body_for(request)))
    assert (completion.text, completion.model, completion.finish_reason) == (
        '{"ok": true}',
        "m-2",
        "stop",
    )
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (7, 3)
