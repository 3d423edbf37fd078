"""A cache hit is one indexed read: database round trips per hit, on SQLite and PostgreSQL,
through the library and through HTTP. Hit counts and events are written behind, later."""

from __future__ import annotations

import httpx
import pytest
from benchmarks.roundtrips import RoundTrips

from lessonplan.api.app import create_app
from lessonplan.domain.models import LearnerProfile, PrelessonKit
from lessonplan.service.plans import PlanInputs, get_plan
from lessonplan.service.runtime import Runtime
from tests.api.helpers import API, CAN_DO, PROFILE
from tests.service.conftest import RuntimeFactory

HITS = 5


def quiet_writer(rt: Runtime) -> None:
    """Bookkeeping waits for close (it is written behind anyway): only the hits are counted."""
    rt.writer.interval = 3600.0


async def test_a_library_cache_hit_is_one_round_trip(make_runtime: RuntimeFactory) -> None:
    rt = await make_runtime()
    quiet_writer(rt)
    descriptor = await rt.store.get_descriptor(uid=CAN_DO, cached=True)
    assert descriptor is not None
    inputs = PlanInputs(descriptor, LearnerProfile.model_validate(PROFILE), PrelessonKit())
    assert (await get_plan(rt, inputs)).source != "cache"
    await rt.flush()
    with RoundTrips(rt.store.engine) as trips:
        for _ in range(HITS):
            trips.reset()
            assert (await get_plan(rt, inputs)).source == "cache"
            assert trips.count == 1, trips.log
    # The hits were counted, behind the requests.
    await rt.flush()
    stats = await rt.store.cache_stats(now=rt.now())
    assert stats.total_hits == HITS


@pytest.mark.parametrize("by_learner", [False, True], ids=["inline_profile", "learner_id"])
async def test_an_http_cache_hit_is_at_most_two_round_trips(
    make_runtime: RuntimeFactory, by_learner: bool
) -> None:
    rt = await make_runtime()
    quiet_writer(rt)
    app = create_app(rt.settings.model_copy(update={"api_keys": ""}), runtime=rt)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 51000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        if by_learner:
            saved = await client.put(
                f"{API}/learners/{PROFILE['learner_id']}/profile", json=PROFILE
            )
            assert saved.status_code < 300, saved.text
            body = {"learner_id": PROFILE["learner_id"]}
        else:
            body = {"profile": PROFILE}
        first = await client.post(f"{API}/cando/{CAN_DO}/plan", json=body)
        assert first.status_code == 200 and first.json()["source"] != "cache", first.text
        await client.post(f"{API}/cando/{CAN_DO}/plan", json=body)  # the descriptor is held now
        await rt.flush()
        with RoundTrips(rt.store.engine) as trips:
            for _ in range(HITS):
                trips.reset()
                response = await client.post(f"{API}/cando/{CAN_DO}/plan", json=body)
                assert response.status_code == 200 and response.json()["source"] == "cache"
                # the cache read; a stored profile is one more read
                assert trips.count == (2 if by_learner else 1), trips.log
