"""Admin routes: API keys (401 / 403 / OK, never logged), cache invalidation, plan versions."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from lessonplan.api.app import create_app
from lessonplan.api.security import key_is_valid

from .helpers import (
    ADMIN_KEY,
    API,
    CAN_DO,
    CLIENT_KEY,
    KIT,
    MARIA_KEY,
    NO_KEY,
    OTHER_KEY,
    PROFILE,
    admin,
    api_settings,
    assert_problem,
    serve,
)

CACHE = f"{API}/cache"


def test_key_comparison() -> None:
    assert key_is_valid("b", ["a", "b"])
    assert not key_is_valid("c", ["a", "b"])
    assert not key_is_valid("", ["a"])
    assert not key_is_valid("ключ", ["a"])  # non-ASCII input is compared, not a TypeError
    assert key_is_valid("ключ", ["ключ"])


async def test_admin_route_without_key_is_401(client: httpx.AsyncClient) -> None:
    response = await client.delete(CACHE, headers=NO_KEY)
    assert_problem(response, 401, "missing_api_key")
    assert response.headers["www-authenticate"] == "Bearer"
    not_bearer = await client.delete(
        CACHE, headers={**NO_KEY, "Authorization": f"Basic {ADMIN_KEY}"}
    )
    assert_problem(not_bearer, 401, "missing_api_key")
    unreadable_beside_a_good_key = await client.delete(
        CACHE, headers={"Authorization": "garbage", "X-API-Key": ADMIN_KEY}
    )
    assert_problem(unreadable_beside_a_good_key, 401, "missing_api_key")


async def test_client_key_on_an_admin_route_is_403(client: httpx.AsyncClient) -> None:
    for key in (CLIENT_KEY, MARIA_KEY):
        response = await client.delete(CACHE, headers={"X-API-Key": key})
        assert_problem(response, 403, "admin_required")


async def test_admin_route_with_wrong_key_is_403(client: httpx.AsyncClient) -> None:
    for headers in (admin("wrong-key"), {"X-API-Key": "wrong-key"}, admin(ADMIN_KEY + "x")):
        problem = assert_problem(
            await client.delete(CACHE, headers=headers), 403, "invalid_api_key"
        )
        assert "wrong-key" not in problem["detail"]


async def test_admin_route_with_right_key_and_no_key_in_logs(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for headers in (admin(ADMIN_KEY), {"X-API-Key": OTHER_KEY}):
        response = await client.delete(CACHE, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json() == {"deleted": 0, "can_do_id": None}
    await client.delete(CACHE, headers=admin("not-" + ADMIN_KEY))
    assert caplog.records, "the API and its libraries log at DEBUG: there is something to search"
    assert ADMIN_KEY not in caplog.text
    assert OTHER_KEY not in caplog.text


@pytest.fixture
async def closed_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(create_app(api_settings(tmp_path, api_keys=""))) as client:
        yield client


async def test_no_configured_key_closes_admin_routes(closed_client: httpx.AsyncClient) -> None:
    for headers in ({}, admin("anything")):
        problem = assert_problem(
            await closed_client.delete(CACHE, headers=headers), 403, "admin_disabled"
        )
        assert "disabled" in problem["detail"]
    # non-admin routes still work
    assert (await closed_client.get(f"{API}/stats")).status_code == 200


async def test_delete_cache_then_plan_is_generated_again(client: httpx.AsyncClient) -> None:
    plan = f"{API}/cando/{CAN_DO}/plan"
    assert (await client.post(plan, json={})).json()["source"] == "offline"
    assert (await client.post(plan, json={})).json()["source"] == "cache"
    scoped = await client.delete(CACHE, params={"can_do_id": "JF:106"}, headers=admin())
    assert scoped.json() == {"deleted": 0, "can_do_id": "JF:106"}
    unknown = await client.delete(CACHE, params={"can_do_id": "NOPE:1"}, headers=admin())
    assert_problem(unknown, 404, "unknown_descriptor")
    deleted = await client.delete(CACHE, params={"can_do_id": CAN_DO}, headers=admin())
    assert deleted.json() == {"deleted": 1, "can_do_id": CAN_DO}
    assert (await client.post(plan, json={})).json()["source"] == "offline"


async def test_versions_diff_rollback_and_manual_edit(client: httpx.AsyncClient) -> None:
    stored = await client.put(f"{API}/learners/{PROFILE['learner_id']}/profile", json=PROFILE)
    assert stored.status_code == 200
    who = {"learner_id": PROFILE["learner_id"], "kit": KIT}
    query = {"learner_id": PROFILE["learner_id"], "kit": json.dumps(KIT)}
    versions_url = f"{API}/plans/{CAN_DO}/versions"

    empty = await client.get(versions_url, params=query)
    assert empty.status_code == 200, empty.text
    assert empty.json()["versions"] == []

    first = await client.post(f"{API}/cando/{CAN_DO}/plan", json=who)
    assert first.status_code == 200, first.text
    assert first.json()["lineage"] == empty.json()["lineage"]
    v1_plan = first.json()["plan"]

    edited = dict(v1_plan)
    edited["communicative_function_en"] = "ask for medicine at a pharmacy, politely"
    edited["cultural_themes_en"] = [*v1_plan["cultural_themes_en"][:-1], "pharmacy etiquette"]
    edit_url = f"{API}/plans/{CAN_DO}/versions"
    assert_problem(await client.post(edit_url, json={**who, "plan": edited}, headers=NO_KEY), 401)
    assert_problem(await client.post(edit_url, json={**who, "plan": edited}), 403, "admin_required")
    made = await client.post(
        edit_url, json={**who, "plan": edited, "note": "teacher edit"}, headers=admin()
    )
    assert made.status_code == 201, made.text
    assert made.json()["version"] == 2
    assert made.json()["source"] == "manual_edit"
    assert made.json()["is_active"] is True

    listed = (await client.get(versions_url, params=query)).json()["versions"]
    assert [v["version"] for v in listed] == [1, 2]

    diff = await client.get(f"{API}/plans/{CAN_DO}/diff", params={**query, "v1": 1, "v2": 2})
    assert diff.status_code == 200, diff.text
    body = diff.json()
    assert (body["from_version"], body["to_version"]) == (1, 2)
    assert any("communicative_function_en" in line for line in body["lines"])
    assert any("pharmacy etiquette" in line for line in body["lines"])
    paths = {op["path"] for op in body["json_patch"]}
    assert "/communicative_function_en" in paths

    rollback_url = f"{API}/plans/{CAN_DO}/rollback"
    assert_problem(await client.post(rollback_url, json={**who, "version": 1}, headers=NO_KEY), 401)
    assert_problem(
        await client.post(rollback_url, json={**who, "version": 1}), 403, "admin_required"
    )
    rolled = await client.post(rollback_url, json={**who, "version": 1}, headers=admin())
    assert rolled.status_code == 201, rolled.text
    assert rolled.json()["version"] == 3
    assert rolled.json()["parent_version"] == 1
    assert rolled.json()["plan"] == v1_plan

    listed = (await client.get(versions_url, params=query)).json()["versions"]
    assert [v["version"] for v in listed] == [1, 2, 3]
    assert [v["is_active"] for v in listed] == [False, False, True]

    same = await client.get(f"{API}/plans/{CAN_DO}/diff", params={**query, "v1": 1, "v2": 3})
    assert same.json()["lines"] == [] and same.json()["json_patch"] == []


async def test_version_errors(client: httpx.AsyncClient) -> None:
    diff = f"{API}/plans/{CAN_DO}/diff"
    assert_problem(await client.get(diff, params={"v1": 1, "v2": 2}), 404, "unknown_version")
    assert_problem(await client.get(diff, params={"v1": 1}), 422, "invalid_request")
    bad_kit = await client.get(f"{API}/plans/{CAN_DO}/versions", params={"kit": "{nope"})
    assert_problem(bad_kit, 422, "invalid_request")
    bad_kit = await client.get(f"{API}/plans/{CAN_DO}/versions", params={"kit": '{"x": 1}'})
    problem = assert_problem(bad_kit, 422, "invalid_request")
    assert problem["errors"][0]["field"].startswith("query.kit")
    rollback = await client.post(
        f"{API}/plans/{CAN_DO}/rollback", json={"version": 7}, headers=admin()
    )
    assert_problem(rollback, 404, "unknown_version")
    not_a_plan = await client.post(
        f"{API}/plans/{CAN_DO}/versions", json={"plan": {"uid": "x"}}, headers=admin()
    )
    assert_problem(not_a_plan, 422, "bad_input")
    unknown = await client.get(f"{API}/plans/NOPE:1/versions")
    assert_problem(unknown, 404, "unknown_descriptor")
