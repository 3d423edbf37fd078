"""Who may do what over HTTP: keys on every /api/v1 route, learner-bound client keys, admin-only
options, loopback-only without keys."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from lessonplan.access import KeyConfigError, KeyRing, LearnerScope
from lessonplan.api.app import create_app
from lessonplan.config import Settings

from .helpers import (
    ADMIN_KEY,
    API,
    CAN_DO,
    CLIENT_KEY,
    CLIENT_KEYS,
    MARIA_KEY,
    NO_KEY,
    PROFILE,
    admin,
    api_settings,
    assert_problem,
    publish,
    serve,
)

MARIA = {"X-API-Key": MARIA_KEY}
KEN = {**PROFILE, "learner_id": "ken"}

# Every /api/v1 route, with a body that would be valid: without a key each is 401.
ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/cando?query=買い物&level=A2", None),
    ("GET", f"/cando/{CAN_DO}", None),
    ("POST", f"/cando/{CAN_DO}/plan", {}),
    ("POST", f"/cando/{CAN_DO}/compile", {}),
    ("POST", f"/cando/{CAN_DO}/compile/stream", {}),
    ("GET", "/lessons?learner_id=maria", None),
    ("GET", "/lessons/L-000000000000", None),
    ("GET", "/lessons/L-000000000000/export?format=md", None),
    ("POST", "/lessons/L-000000000000/stages/content/regenerate", {}),
    ("GET", "/lessons/L-000000000000/versions", None),
    ("GET", "/lessons/L-000000000000/reviews", None),
    ("POST", "/lessons/L-000000000000/review", {"state": "in_review"}),
    ("GET", f"/plans/{CAN_DO}/versions", None),
    ("GET", f"/plans/{CAN_DO}/diff?v1=1&v2=2", None),
    ("POST", f"/plans/{CAN_DO}/rollback", {"version": 1}),
    ("POST", f"/plans/{CAN_DO}/versions", {"plan": {}}),
    ("PUT", "/learners/maria/profile", PROFILE),
    ("GET", "/learners/maria/profile", None),
    ("DELETE", "/cache", None),
    ("GET", "/stats", None),
    ("GET", "/precompile/run_000000000000", None),
]


def test_every_api_route_is_listed(app: Any) -> None:
    served = {
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        if path.startswith(API)
        for method in item
    }
    listed = {
        (
            m,
            (API + p.split("?")[0])
            .replace(CAN_DO, "{can_do_id}")
            .replace("L-000000000000", "{lesson_id}")
            .replace("/maria/", "/{learner_id}/")
            .replace("/content/", "/{stage}/")
            .replace("run_000000000000", "{run_id}"),
        )
        for m, p, _ in ROUTES
    }
    assert served == listed


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
async def test_no_key_is_401_and_a_wrong_key_is_403(
    client: httpx.AsyncClient, method: str, path: str, body: dict[str, Any] | None
) -> None:
    response = await client.request(method, API + path, json=body, headers=NO_KEY)
    assert_problem(response, 401, "missing_api_key")
    assert response.headers["www-authenticate"] == "Bearer"
    wrong = await client.request(method, API + path, json=body, headers={"X-API-Key": "x" * 20})
    problem = assert_problem(wrong, 403, "invalid_api_key")
    assert "x" * 20 not in problem["detail"]


async def test_root_routes_need_no_key(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz", headers=NO_KEY)).status_code == 200
    assert (await client.get("/metrics", headers=NO_KEY)).status_code == 200
    assert_problem(await client.get(f"{API}/healthz"), 404)
    assert_problem(await client.get(f"{API}/metrics"), 404)


async def _compile(client: httpx.AsyncClient, body: dict[str, Any], **kw: Any) -> httpx.Response:
    return await client.post(f"{API}/cando/{CAN_DO}/compile", json=body, **kw)


async def test_a_bound_key_reaches_only_its_learners(client: httpx.AsyncClient) -> None:
    # the product backend (unbound key) stores two learners and compiles for both
    assert (await client.put(f"{API}/learners/ken/profile", json=KEN)).status_code == 200
    ken_lesson = (await _compile(client, {"learner_id": "ken"})).json()["lesson"]["lesson_id"]
    assert (await client.put(f"{API}/learners/maria/profile", json=PROFILE)).status_code == 200

    mine = await _compile(client, {"learner_id": "maria"}, headers=MARIA)
    assert mine.status_code == 200, mine.text
    my_lesson = mine.json()["lesson"]["lesson_id"]
    # a learner is served published versions only: the new draft is not one yet
    assert_problem(await client.get(f"{API}/lessons/{my_lesson}", headers=MARIA), 404)
    await publish(client, my_lesson)
    assert (await client.get(f"{API}/lessons/{my_lesson}", headers=MARIA)).status_code == 200
    tenant = await _compile(client, {"profile": {**PROFILE, "learner_id": "acme/7"}}, headers=MARIA)
    assert tenant.status_code == 200, tenant.text

    # ken is another learner: everything about him is 404, as if he did not exist
    for response in (
        await _compile(client, {"learner_id": "ken"}, headers=MARIA),
        await _compile(client, {"profile": KEN}, headers=MARIA),
        await client.post(f"{API}/cando/{CAN_DO}/plan", json={"learner_id": "ken"}, headers=MARIA),
        await client.get(f"{API}/learners/ken/profile", headers=MARIA),
        await client.put(f"{API}/learners/ken/profile", json=KEN, headers=MARIA),
        await client.get(f"{API}/lessons", params={"learner_id": "ken"}, headers=MARIA),
        await client.get(
            f"{API}/plans/{CAN_DO}/versions", params={"learner_id": "ken"}, headers=MARIA
        ),
    ):
        assert_problem(response, 404, "unknown_learner")
    for response in (
        await client.get(f"{API}/lessons/{ken_lesson}", headers=MARIA),
        await client.get(f"{API}/lessons/{ken_lesson}", params={"version": 1}, headers=MARIA),
        await client.post(
            f"{API}/lessons/{ken_lesson}/stages/content/regenerate", json={}, headers=MARIA
        ),
    ):
        assert_problem(response, 404, "unknown_lesson")
    ken_after = await client.get(
        f"{API}/lessons/{ken_lesson}", params={"drafts": "true"}, headers=admin()
    )
    assert ken_after.json()["version"] == 1  # the refused regeneration wrote nothing

    # a bound key must say which of its learners; global figures are not for it
    assert_problem(await _compile(client, {}, headers=MARIA), 422, "learner_required")
    assert_problem(await client.get(f"{API}/stats", headers=MARIA), 403, "forbidden_for_key")
    assert (await client.get(f"{API}/stats")).status_code == 200
    run = f"{API}/precompile/run_000000000000"
    assert_problem(await client.get(run, headers=MARIA), 403, "forbidden_for_key")
    assert_problem(await client.get(run), 404, "unknown_run")

    regenerated = await client.post(
        f"{API}/lessons/{my_lesson}/stages/content/regenerate", json={}, headers=MARIA
    )
    assert regenerated.status_code == 200, regenerated.text
    listed = await client.get(f"{API}/lessons", params={"learner_id": "maria"}, headers=MARIA)
    # the regenerated version 2 is a draft: maria still gets the published version 1
    assert [(row["lesson_id"], row["version"]) for row in listed.json()] == [(my_lesson, 1)]


@pytest.mark.parametrize("route", ["plan", "compile", "compile/stream"])
async def test_use_cache_false_is_admin_only(client: httpx.AsyncClient, route: str) -> None:
    url = f"{API}/cando/{CAN_DO}/{route}"
    problem = assert_problem(await client.post(url, json={"use_cache": False}), 403)
    assert problem["code"] == "admin_required" and "use_cache" in problem["detail"]
    assert (await client.post(url, json={"use_cache": False}, headers=admin())).status_code == 200
    assert (await client.post(url, json={"use_cache": True})).status_code == 200


@pytest.fixture
async def keyless(tmp_path: Path) -> AsyncIterator[Any]:
    app = create_app(api_settings(tmp_path, api_keys="", client_keys=""))

    async def make(host: str) -> Any:
        return serve(app, client_host=host)

    yield make


async def test_without_keys_only_loopback_clients_are_answered(keyless: Any) -> None:
    for host in ("127.0.0.1", "::1", "127.8.9.10"):
        async with await keyless(host) as client:
            assert (await client.post(f"{API}/cando/{CAN_DO}/plan", json={})).status_code == 200
    for host in ("192.168.1.20", "10.0.0.3", "2001:db8::1"):
        async with await keyless(host) as client:
            for path in (f"{API}/cando/{CAN_DO}/plan", "/healthz"):
                response = (
                    await client.post(path, json={}) if "plan" in path else await client.get(path)
                )
                problem = assert_problem(response, 403, "loopback_only")
                assert "LESSONPLAN_API_KEYS" in problem["detail"]


async def test_without_keys_use_cache_false_is_refused_too(keyless: Any) -> None:
    async with await keyless("127.0.0.1") as client:
        response = await client.post(f"{API}/cando/{CAN_DO}/plan", json={"use_cache": False})
        assert_problem(response, 403, "admin_required")


async def test_keys_from_a_file_and_as_hashes(tmp_path: Path) -> None:
    file_key = "file-client-key-for-ken-only-3c"
    hashed_key = "hashed-client-key-everyone-8d"
    hashed_admin = "hashed-admin-key-00112233"
    keys_file = tmp_path / "client-keys"
    sha = hashlib.sha256(hashed_key.encode()).hexdigest()
    keys_file.write_text(f"# learners of ken's school\n{file_key}=ken\nsha256:{sha}=*\n")
    settings = api_settings(
        tmp_path,
        api_keys=f"sha256:{hashlib.sha256(hashed_admin.encode()).hexdigest()}",
        client_keys_file=keys_file,
    )
    async with serve(create_app(settings)) as client:
        assert (
            await client.put(
                f"{API}/learners/ken/profile", json=KEN, headers={"X-API-Key": file_key}
            )
        ).status_code == 200
        assert_problem(
            await client.get(f"{API}/learners/maria/profile", headers={"X-API-Key": file_key}),
            404,
        )
        assert (
            await client.get(f"{API}/stats", headers={"X-API-Key": hashed_key})
        ).status_code == 200
        assert (await client.delete(f"{API}/cache", headers=admin(hashed_admin))).status_code == 200
        digest_itself = await client.get(f"{API}/stats", headers={"X-API-Key": f"sha256:{sha}"})
        assert_problem(digest_itself, 403, "invalid_api_key")


async def test_keys_are_never_logged(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await client.post(f"{API}/cando/{CAN_DO}/plan", json={"learner_id": "ken"}, headers=MARIA)
    await client.get(f"{API}/stats", headers={"Authorization": f"Bearer {CLIENT_KEY}"})
    await client.get(f"{API}/stats", headers={"X-API-Key": "not-" + MARIA_KEY})
    assert caplog.records
    for key in (MARIA_KEY, CLIENT_KEY, ADMIN_KEY):
        assert key not in caplog.text


def test_key_configuration_errors_name_the_entry_not_the_key() -> None:
    for bad, message in (
        ("short=*", "shorter than"),
        ("a-long-enough-client-key", "KEY=SCOPE"),
        ("a-long-enough-client-key=", "empty scope"),
        ("a-long-enough-client-key=*|maria", "cannot be combined"),
    ):
        with pytest.raises(ValidationError, match=message) as raised:
            Settings(client_keys=bad)
        assert "a-long-enough-client-key" not in str(raised.value).split("input_value")[0]
    with pytest.raises(KeyConfigError, match="cannot read the client key file"):
        KeyRing.from_config(client_keys_file=Path("/nonexistent/keys"))


def test_scopes() -> None:
    scope = LearnerScope.parse("maria|acme/*")
    assert scope.reaches("maria") and scope.reaches("acme/7")
    assert not scope.reaches("ken") and not scope.reaches("acme") and not scope.reaches("mari")
    ring = KeyRing.from_config(admin_keys=ADMIN_KEY, client_keys=CLIENT_KEYS)
    assert ring.caller(MARIA_KEY) is not None and ring.caller(MARIA_KEY).is_bound  # type: ignore[union-attr]
    assert ring.caller(CLIENT_KEY).is_bound is False  # type: ignore[union-attr]
    assert ring.caller(ADMIN_KEY).is_admin  # type: ignore[union-attr]
    assert ring.caller(ADMIN_KEY[:-1]) is None


async def test_an_llm_without_its_api_key_fails_the_server_at_start(tmp_path: Path) -> None:
    from lessonplan.errors import ConfigurationError

    app = create_app(api_settings(tmp_path, llm="openai:gpt-4o"))
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        async with serve(app):
            pass
