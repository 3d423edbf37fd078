"""Bad input is a 4xx problem, never a 500: bodies, types, JSON, sizes, identifiers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from lessonplan.api.app import create_app
from lessonplan.domain.models import KIT_MAX_WORDS

from .helpers import ADMIN_KEY, API, CAN_DO, PROFILE, api_settings, assert_problem, serve

COMPILE = f"{API}/cando/{CAN_DO}/compile"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"profile": {**PROFILE, "favourite_colour": "blue"}}, "body.profile.favourite_colour"),
        ({"profile": {"current_level": "A1"}}, "body.profile.learner_id"),
        ({"profile": {**PROFILE, "current_level": "Z9"}}, "body.profile.current_level"),
        ({"profile": {**PROFILE, "learning_goals": "not a list"}}, "body.profile.learning_goals"),
        ({"use_cache": "sometimes"}, "body.use_cache"),
        ({"kit": {"words": [{"surface": ""}]}}, "body.kit.words.0.surface"),
        ({"kit": {"requirements": {"min_words": -1}}}, "body.kit.requirements.min_words"),
        ({"colour": "blue"}, "body.colour"),
        ({"learner_id": 42}, "body.learner_id"),
        ([1, 2, 3], "body"),
        ("a string", "body"),
    ],
)
async def test_invalid_bodies_are_422_listing_the_field(
    client: httpx.AsyncClient, body: object, field: str
) -> None:
    problem = assert_problem(await client.post(COMPILE, json=body), 422, "invalid_request")
    fields = [e["field"] for e in problem["errors"]]
    assert field in fields, fields
    assert all(e["message"] for e in problem["errors"])


async def test_profile_and_other_learner_id_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(COMPILE, json={"profile": PROFILE, "learner_id": "bob"})
    problem = assert_problem(response, 422, "invalid_request")
    assert "learner_id" in problem["errors"][0]["message"]


async def test_unknown_stored_learner_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(COMPILE, json={"learner_id": "nobody-stored"})
    assert_problem(response, 422, "bad_input")


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b'{"profile": ', "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b'{"learner_id": "\xe9t\xe9"}', "application/json"),
        (b"profile=maria", "application/x-www-form-urlencoded"),
        (b"just text", "text/plain"),
    ],
)
async def test_malformed_payloads_are_422(
    client: httpx.AsyncClient, content: bytes, content_type: str
) -> None:
    response = await client.post(COMPILE, content=content, headers={"content-type": content_type})
    assert_problem(response, 422, "invalid_request")


async def test_nul_characters_are_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(COMPILE, json={"profile": {**PROFILE, "learner_id": "a\x00b"}})
    assert_problem(response, 422, "invalid_request")
    response = await client.get(f"{API}/lessons/L-%00x")
    assert_problem(response, 422, "invalid_request")


async def test_empty_body_means_the_anonymous_learner(client: httpx.AsyncClient) -> None:
    response = await client.post(COMPILE)
    assert response.status_code == 200, response.text
    assert response.json()["lesson"]["learner_id"] == "anonymous"


@pytest.fixture
async def small_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(create_app(api_settings(tmp_path, max_body_bytes=1024))) as client:
        yield client


async def test_declared_oversized_body_is_413(small_client: httpx.AsyncClient) -> None:
    big = {"profile": {**PROFILE, "previous_knowledge": "x" * 5000}}
    assert_problem(await small_client.post(COMPILE, json=big), 413, "body_too_large")


async def test_streamed_oversized_body_without_length_is_413(
    small_client: httpx.AsyncClient,
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"profile": {"learner_id": "x", "previous_knowledge": "'
        for _ in range(10):
            yield b"y" * 200
        yield b'"}}'

    response = await small_client.post(
        COMPILE, content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert_problem(response, 413, "body_too_large")


async def test_lying_content_length_is_413(small_client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"learner_id": "'
        yield b"z" * 3000
        yield b'"}'

    response = await small_client.post(
        COMPILE,
        content=chunks(),
        headers={"content-type": "application/json", "content-length": "20"},
    )
    assert_problem(response, 413, "body_too_large")


async def test_body_under_the_limit_is_served(small_client: httpx.AsyncClient) -> None:
    response = await small_client.post(f"{API}/cando/{CAN_DO}/plan", json={})
    assert response.status_code == 200, response.text


async def test_unknown_route_and_method_are_problems(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get(f"{API}/nowhere"), 404, "not_found")
    wrong = await client.get(COMPILE)
    assert_problem(wrong, 405, "method_not_allowed")
    assert "POST" in wrong.headers["allow"]


@pytest.mark.parametrize(
    "params",
    [{"version": "one"}, {"version": "0"}, {"version": "-3"}, {"version": "99999999999999"}],
)
async def test_bad_query_values_are_422(client: httpx.AsyncClient, params: dict[str, str]) -> None:
    response = await client.get(f"{API}/lessons/L-x", params=params)
    assert_problem(response, 422, "invalid_request")


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("route", ["compile", "plan"])
async def test_deeply_nested_json_is_422_not_a_500(client: httpx.AsyncClient, route: str) -> None:
    for body in (
        '{"profile": {"learner_id": "deep", "learning_goals": ' + _nested(500) + "}}",
        '{"kit": ' + "{" + '"a": {' * 499 + "}" * 500 + "}",
        _nested(5000),
    ):
        response = await client.post(
            f"{API}/cando/{CAN_DO}/{route}",
            content=body.encode(),
            headers={"content-type": "application/json"},
        )
        assert_problem(response, 422, "invalid_request")
    still_fine = await client.post(f"{API}/cando/{CAN_DO}/plan", json={})
    assert still_fine.status_code == 200


async def test_deep_plan_edit_is_422(client: httpx.AsyncClient) -> None:
    body = '{"plan": {"uid": ' + _nested(500) + "}, " + '"version": 1}'
    response = await client.post(
        f"{API}/plans/{CAN_DO}/versions",
        content=body.encode(),
        headers={"content-type": "application/json", "X-API-Key": ADMIN_KEY},
    )
    problem = assert_problem(response, 422, "invalid_request")
    assert "nested deeper" in problem["errors"][0]["message"]


@pytest.mark.parametrize(
    "profile",
    [
        {**PROFILE, "learning_goals": ["ok", "\udc80"]},
        {**PROFILE, "previous_knowledge": "bad \ud800 text"},
        {**PROFILE, "usage_context": {"formality_contexts": {"\udc80": "polite"}}},
        {**PROFILE, "learner_id": "x\udc80"},
    ],
    ids=["goal", "free-text", "key", "learner-id"],
)
async def test_lone_surrogate_in_profile_text_is_422(
    client: httpx.AsyncClient, profile: dict[str, object]
) -> None:
    # json.dumps escapes the lone surrogate as \udc80: valid JSON, invalid Unicode text
    content = json.dumps({"profile": profile}).encode()
    for path in (COMPILE, f"{API}/cando/{CAN_DO}/plan"):
        response = await client.post(
            path, content=content, headers={"content-type": "application/json"}
        )
        problem = assert_problem(response, 422, "invalid_request")
        assert "surrogate" in json.dumps(problem["errors"]), problem
    if profile["learner_id"] == PROFILE["learner_id"]:
        stored = await client.put(
            f"{API}/learners/{PROFILE['learner_id']}/profile",
            content=json.dumps(profile).encode(),
            headers={"content-type": "application/json"},
        )
        assert_problem(stored, 422, "invalid_request")


async def test_kit_over_its_cap_is_422_naming_the_cap(client: httpx.AsyncClient) -> None:
    words = [{"surface": f"語{i}"} for i in range(2_000)]
    response = await client.post(
        f"{API}/cando/{CAN_DO}/plan",
        json={"kit": {"words": words, "requirements": {"min_words": 2_000}}},
    )
    problem = assert_problem(response, 422, "invalid_request")
    messages = {e["field"]: e["message"] for e in problem["errors"]}
    assert f"at most {KIT_MAX_WORDS}" in messages["body.kit.words"], messages
    assert str(KIT_MAX_WORDS) in messages["body.kit.requirements.min_words"], messages
