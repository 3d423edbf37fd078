"""The HTTP fast lane answers a plan cache hit exactly as the route would, and leaves every
other request (errors, misses, budgets, unusual requests) to the route, counted once.

Each test runs two apps over one database, the fast lane on and off, and compares what a
client reads from both: the same status, the same JSON (the answer's duration aside)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from lessonplan.api.app import create_app
from lessonplan.metrics import REGISTRY
from lessonplan.service.runtime import Runtime

from .helpers import (
    ADMIN_KEY,
    API,
    CAN_DO,
    CLIENT_KEY,
    CLIENT_KEYS,
    KIT,
    MARIA_KEY,
    PROFILE,
    api_settings,
    serve,
)

PLAN = f"{API}/cando/{CAN_DO}/plan"
CLIENT = {"X-API-Key": CLIENT_KEY}


def lane(outcome: str) -> float:
    return REGISTRY.get_sample_value("lessonplan_http_fast_lane_total", {"outcome": outcome}) or 0


def without_durations(body: dict[str, Any]) -> dict[str, Any]:
    """The answer minus what differs between any two answers: how long this one took."""
    out = dict(body)
    out.pop("timings_ms", None)
    if isinstance(out.get("provenance"), dict):
        out["provenance"] = {k: v for k, v in out["provenance"].items() if k != "duration_ms"}
    return out


class Pair:
    """The same database served with the fast lane on (``fast``) and off (``route``)."""

    def __init__(
        self, fast: httpx.AsyncClient, route: httpx.AsyncClient, runtimes: list[Runtime]
    ) -> None:
        self.fast, self.route, self.runtimes = fast, route, runtimes

    async def flush(self) -> None:
        for rt in self.runtimes:
            await rt.flush()

    async def both(
        self,
        body: Any = None,
        *,
        path: str = PLAN,
        headers: dict[str, str] | None = None,
        **kw: Any,
    ) -> tuple[httpx.Response, httpx.Response, float, float]:
        """One request to each app; also how the fast lane's counters moved for the first."""
        sent: dict[str, Any] = {"headers": headers if headers is not None else CLIENT, **kw}
        if body is not None:
            sent["json"] = body
        answered, passed = lane("answered"), lane("passed")
        fast = await self.fast.post(path, **sent)
        moved = (lane("answered") - answered, lane("passed") - passed)
        route = await self.route.post(path, **sent)
        return fast, route, *moved


@pytest.fixture
async def pair(db_url: str, tmp_path: Path) -> AsyncIterator[Pair]:
    settings = api_settings(
        tmp_path,
        database_url=db_url,
        api_keys=ADMIN_KEY,
        client_keys=CLIENT_KEYS,
        db_pool_size=2,
        db_lock_pool_max=2,
    )
    async with AsyncExitStack() as stack:
        fast_app = create_app(settings)
        route_app = create_app(settings.model_copy(update={"http_fast_lane": False}))
        fast = await stack.enter_async_context(serve(fast_app))
        route = await stack.enter_async_context(serve(route_app))
        saved = await fast.put(
            f"{API}/learners/{PROFILE['learner_id']}/profile", json=PROFILE, headers=CLIENT
        )
        assert saved.status_code < 300, saved.text
        yield Pair(fast, route, [fast_app.state.runtime, route_app.state.runtime])


BODIES = {
    "no_body": None,
    "anonymous": {},
    "inline_profile_and_kit": {"profile": PROFILE, "kit": KIT},
    "stored_learner": {"learner_id": PROFILE["learner_id"]},
}


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
async def test_a_hit_reads_the_same_from_the_fast_lane_as_from_the_route(
    pair: Pair, body: Any
) -> None:
    # The first request of a key is a miss: the fast lane passes it, the route generates.
    first, _, answered, passed = await pair.both(body)
    assert first.status_code == 200, first.text
    assert first.json()["source"] == "offline"
    assert (answered, passed) == (0, 1)

    fast, route, answered, passed = await pair.both(body)
    assert (answered, passed) == (1, 0)
    assert fast.status_code == route.status_code == 200, (fast.text, route.text)
    assert fast.headers["content-type"] == route.headers["content-type"] == "application/json"
    assert fast.json()["source"] == "cache"
    assert without_durations(fast.json()) == without_durations(route.json())
    assert fast.json()["plan"] == first.json()["plan"]
    assert fast.json()["provenance"]["duration_ms"] >= 0
    # The fast lane's hit was counted as the route's was.
    await pair.flush()
    rt = pair.runtimes[0]
    # (the route app's first request was a hit already: the fast app had generated the plan)
    assert (await rt.store.cache_stats(now=rt.now())).total_hits == 3


WRONG = {
    "no_key": ({}, {}, 401),
    "not_bearer": ({"Authorization": f"Basic {CLIENT_KEY}"}, {}, 401),
    "unknown_key": ({"X-API-Key": "not-a-key-of-ours"}, {}, 403),
    # out of a bound key's scope reads as unknown (no oracle), a bound key must name a learner
    "learner_out_of_scope": ({"X-API-Key": MARIA_KEY}, {"learner_id": "kenji"}, 404),
    "bound_key_without_learner": ({"X-API-Key": MARIA_KEY}, {}, 422),
    "use_cache_false_for_a_client": (CLIENT, {"use_cache": False}, 403),
    "unknown_field": (CLIENT, {"profil": PROFILE}, 422),
    "nul_escape": (CLIENT, {"profile": {**PROFILE, "learner_id": "ma\u0000ria"}}, 422),
    "lone_surrogate": (CLIENT, {"profile": {**PROFILE, "goals": ["\ud800"]}}, 422),
    "bad_level": (CLIENT, {"profile": {**PROFILE, "current_level": "Z9"}}, 422),
}


@pytest.mark.parametrize(("headers", "body", "status"), WRONG.values(), ids=WRONG.keys())
async def test_what_the_fast_lane_cannot_answer_the_route_answers_with_its_error(
    pair: Pair, headers: dict[str, str], body: Any, status: int
) -> None:
    warm, _, _, _ = await pair.both({})
    assert warm.status_code == 200, warm.text
    # As a client's JSON library sends it: NUL and a lone surrogate travel as \u escapes.
    content = json.dumps(body).encode()
    sent = {**headers, "content-type": "application/json"}
    fast, route, answered, passed = await pair.both(content=content, headers=sent)
    assert (answered, passed) == (0, 1)
    assert fast.status_code == route.status_code == status, (fast.text, route.text)
    assert fast.json() == route.json()
    for header in ("content-type", "www-authenticate"):
        assert fast.headers.get(header) == route.headers.get(header), header


async def test_unusual_requests_go_to_the_route(pair: Pair) -> None:
    await pair.both({})
    as_json = {**CLIENT, "content-type": "application/json"}
    twice = [("X-API-Key", CLIENT_KEY), ("X-API-Key", CLIENT_KEY)]
    cases: list[tuple[str, dict[str, Any]]] = [
        ("unknown descriptor", {"path": f"{API}/cando/JF:nope/plan", "json": {}}),
        ("a query string", {"path": f"{PLAN}?trace=1", "json": {}}),
        ("not JSON", {"content": b"{not json", "headers": as_json}),
        ("text/plain", {"content": b"{}", "headers": {**CLIENT, "content-type": "text/plain"}}),
        ("a repeated key header", {"json": {}, "headers": twice}),
    ]
    for label, sent in cases:
        sent.setdefault("headers", CLIENT)
        fast, route, answered, passed = await pair.both(**sent)
        assert (answered, passed) == (0, 1), label
        assert fast.status_code == route.status_code, (label, fast.text, route.text)
        if fast.status_code == 200:
            assert without_durations(fast.json()) == without_durations(route.json()), label
        else:
            assert fast.json() == route.json(), label
    unknown = (await pair.fast.post(f"{API}/cando/JF:nope/plan", json={}, headers=CLIENT)).json()
    assert unknown["status"] == 404 and "JF:nope" in unknown["detail"]


async def test_a_daily_budget_is_checked_by_the_route(db_url: str, tmp_path: Path) -> None:
    settings = api_settings(
        tmp_path, database_url=db_url, api_keys=ADMIN_KEY, db_pool_size=2, db_lock_pool_max=2
    )
    async with serve(create_app(settings), headers={"X-API-Key": ADMIN_KEY}) as client:
        assert (await client.post(PLAN, json={})).status_code == 200
    spent = settings.model_copy(update={"daily_budget_usd": 0.0})
    async with serve(create_app(spent), headers={"X-API-Key": ADMIN_KEY}) as client:
        answered, passed = lane("answered"), lane("passed")
        refused = await client.post(PLAN, json={})
        assert (lane("answered") - answered, lane("passed") - passed) == (0, 1)
    assert refused.status_code == 429, refused.text
    assert refused.json()["code"] == "daily_budget_exceeded"


@pytest.mark.postgres
async def test_a_hit_after_the_database_dropped_the_connection_is_still_answered(
    pg_url: str, tmp_path: Path
) -> None:
    """No pre-ping on the hot path: a dead pooled connection is recycled and the read retried."""
    settings = api_settings(
        tmp_path, database_url=pg_url, api_keys=ADMIN_KEY, db_pool_size=2, db_lock_pool_max=2
    )
    app = create_app(settings)
    async with serve(app, headers={"X-API-Key": ADMIN_KEY}) as client:
        assert (await client.post(PLAN, json={})).status_code == 200
        assert (await client.post(PLAN, json={})).json()["source"] == "cache"
        rt: Runtime = app.state.runtime
        await rt.flush()
        dsn = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
        killer = await asyncpg.connect(dsn)
        try:
            killed = await killer.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        finally:
            await killer.close()
        assert killed >= 1
        answered = lane("answered")
        for _ in range(3):
            hit = await client.post(PLAN, json={})
            assert hit.status_code == 200, hit.text
            assert hit.json()["source"] == "cache"
        assert lane("answered") - answered == 3


async def test_a_remembered_body_is_checked_against_each_callers_key(pair: Pair) -> None:
    """The lane remembers what a body parses to, never who may send it."""
    body = {"learner_id": PROFILE["learner_id"]}
    for _ in range(2):
        fast, _, _, _ = await pair.both(body)
        assert fast.status_code == 200, fast.text
    fast, route, answered, passed = await pair.both(body, headers={"X-API-Key": "nope"})
    assert (answered, passed) == (0, 1)
    assert fast.status_code == route.status_code == 403
    stranger = {"learner_id": "kenji"}
    await pair.both(stranger)
    fast, route, answered, passed = await pair.both(stranger, headers={"X-API-Key": MARIA_KEY})
    assert (answered, passed) == (0, 1)
    assert fast.status_code == route.status_code == 404


async def test_a_stored_learners_new_profile_gives_the_new_key(pair: Pair) -> None:
    """A body naming a stored learner is the same bytes after the learner's profile changed:
    the key follows the profile stored now."""
    body = {"learner_id": PROFILE["learner_id"]}
    await pair.both(body)
    before, _, answered, _ = await pair.both(body)
    assert answered == 1 and before.json()["source"] == "cache"
    changed = {**PROFILE, "cultural_interests": ["onsen", "baseball"]}
    saved = await pair.fast.put(
        f"{API}/learners/{PROFILE['learner_id']}/profile", json=changed, headers=CLIENT
    )
    assert saved.status_code < 300, saved.text
    after, route, answered, passed = await pair.both(body)
    assert (answered, passed) == (0, 1)  # a miss: the route generates for the new profile
    assert after.json()["source"] == "offline"
    assert after.json()["lineage"] != before.json()["lineage"]
    again, route, answered, _ = await pair.both(body)
    assert answered == 1 and again.json()["source"] == route.json()["source"] == "cache"
    assert without_durations(again.json()) == without_durations(route.json())


async def test_a_remembered_body_follows_a_changed_descriptor(pair: Pair) -> None:
    """The remembered key is the held descriptor's: an import that changes the descriptor
    gives a new key, not the old plan."""
    body = {"profile": PROFILE, "kit": KIT}
    await pair.both(body)
    before, _, answered, _ = await pair.both(body)
    assert answered == 1 and before.json()["source"] == "cache"
    rt = pair.runtimes[0]
    held = await rt.store.get_descriptor(uid=CAN_DO, cached=True)
    assert held is not None
    edited = held.model_copy(update={"description_en": f"{held.description_en} (edited)"})
    await rt.store.upsert_descriptors(descriptors=[edited])
    after, _, answered, passed = await pair.both(body)
    assert (answered, passed) == (0, 1)
    assert after.status_code == 200, after.text
    assert after.json()["source"] == "offline"
    assert after.json()["provenance"]["key_hash"] != before.json()["provenance"]["key_hash"]
