"""Bad input is a 4xx problem, never a 500: bodies, types, JSON, sizes, identifiers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from lessonplan.api.app import create_app

from .helpers import API, CAN_DO, PROFILE, api_settings, assert_problem, serve

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
