"""Operations routes: /healthz, /metrics, /api/v1/stats, and stored learner profiles."""

from __future__ import annotations

import httpx
import pytest

from lessonplan.domain.models import LearnerProfile
from lessonplan.service.runtime import Runtime

from .helpers import API, CAN_DO, PROFILE, assert_problem


async def test_healthz(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_healthz_is_503_when_the_database_does_not_answer(
    client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def no_answer() -> bool:
        return False

    monkeypatch.setattr(runtime.store, "ping", no_answer)
    assert_problem(await client.get("/healthz"), 503, "database_unavailable")


async def test_metrics_are_prometheus_text(client: httpx.AsyncClient) -> None:
    await client.post(f"{API}/cando/{CAN_DO}/compile", json={})
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    for name in ("lessonplan_plan_requests", "lessonplan_llm_calls", "lessonplan_plan_seconds"):
        assert name in text
    assert 'source="offline"' in text


async def test_stats_count_plan_requests_and_hits(client: httpx.AsyncClient) -> None:
    empty = (await client.get(f"{API}/stats")).json()
    assert empty["plan_requests"] == 0
    await client.post(f"{API}/cando/{CAN_DO}/plan", json={})
    await client.post(f"{API}/cando/{CAN_DO}/plan", json={})
    stats = (await client.get(f"{API}/stats")).json()
    assert stats["plan_requests"] == 2
    assert stats["cache_hits"] == 1
    assert stats["hit_rate"] == 0.5
    assert stats["cache"]["entries"] == 1
    later = await client.get(f"{API}/stats", params={"since": "2999-01-01T00:00:00Z"})
    assert later.json()["plan_requests"] == 0
    earlier = await client.get(f"{API}/stats", params={"since": "2000-01-01T09:00:00+09:00"})
    assert earlier.json()["plan_requests"] == 2
    for bad in ("yesterday", "-1.5", "2024-01-01", "2024-01-01T00:00:00", "2024-13-01T00:00:00Z"):
        assert_problem(await client.get(f"{API}/stats", params={"since": bad}), 422)


async def test_learner_profile_put_and_get(client: httpx.AsyncClient) -> None:
    url = f"{API}/learners/maria/profile"
    assert_problem(await client.get(url), 404, "unknown_learner")
    without_id = {k: v for k, v in PROFILE.items() if k != "learner_id"}
    stored = await client.put(url, json=without_id)
    assert stored.status_code == 200, stored.text
    assert stored.json()["learner_id"] == "maria"
    got = (await client.get(url)).json()
    assert PROFILE["learner_id"] == "maria"
    assert got == LearnerProfile.model_validate(PROFILE).model_dump(mode="json")
    mismatch = await client.put(url, json={**PROFILE, "learner_id": "bob"})
    assert_problem(mismatch, 422, "learner_id_mismatch")
    unknown_field = await client.put(url, json={"shoe_size": 42})
    assert_problem(unknown_field, 422, "invalid_request")
