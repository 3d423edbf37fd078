"""Compile, read back, scope to a learner, regenerate a stage."""

from __future__ import annotations

import httpx

from lessonplan.domain.lesson import STAGES

from .helpers import API, CAN_DO, KIT, PROFILE, admin, assert_problem, publish

DRAFTS = {"drafts": "true"}


async def test_compile_returns_a_lesson_that_get_returns_again(client: httpx.AsyncClient) -> None:
    response = await client.post(f"{API}/cando/{CAN_DO}/compile", json={"profile": PROFILE})
    assert response.status_code == 200, response.text
    body = response.json()
    lesson = body["lesson"]
    assert body["lesson_id"] == lesson["lesson_id"]
    assert body["source"] in {"offline", "cache"}
    assert body["plan"]["provenance"]["source"] == body["source"]
    assert set(lesson["stages"]) == set(STAGES)
    assert lesson["learner_id"] == PROFILE["learner_id"]
    assert lesson["can_do_id"] == CAN_DO

    assert lesson["review_state"] == "draft"

    # an admin reads the draft back; learners get it once it is published
    got = await client.get(f"{API}/lessons/{lesson['lesson_id']}", params=DRAFTS, headers=admin())
    assert got.status_code == 200
    assert got.json() == lesson
    assert_problem(await client.get(f"{API}/lessons/{lesson['lesson_id']}"), 404, "unknown_lesson")

    await publish(client, lesson["lesson_id"])
    mine = await client.get(
        f"{API}/lessons/{lesson['lesson_id']}", params={"learner_id": PROFILE["learner_id"]}
    )
    assert mine.json() == {**lesson, "review_state": "published"}


async def test_lesson_of_another_learner_is_404(client: httpx.AsyncClient) -> None:
    body = (await client.post(f"{API}/cando/{CAN_DO}/compile", json={"profile": PROFILE})).json()
    other = await client.get(
        f"{API}/lessons/{body['lesson_id']}", params={"learner_id": "someone-else"}
    )
    assert_problem(other, 404, "unknown_lesson")


async def test_unknown_lesson_and_version_are_404(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get(f"{API}/lessons/L-doesnotexist"), 404, "unknown_lesson")
    body = (await client.post(f"{API}/cando/{CAN_DO}/compile", json={})).json()
    missing = await client.get(f"{API}/lessons/{body['lesson_id']}", params={"version": 99})
    assert_problem(missing, 404, "unknown_lesson")


async def test_unknown_descriptor_is_404_problem(client: httpx.AsyncClient) -> None:
    for route in ("plan", "compile", "compile/stream"):
        response = await client.post(f"{API}/cando/NOPE:404/{route}", json={})
        problem = assert_problem(response, 404, "unknown_descriptor")
        assert "NOPE:404" in problem["detail"]


async def test_compile_with_stored_profile_and_kit(client: httpx.AsyncClient) -> None:
    stored = await client.put(f"{API}/learners/maria/profile", json=PROFILE)
    assert stored.status_code == 200, stored.text
    response = await client.post(
        f"{API}/cando/{CAN_DO}/compile", json={"learner_id": "maria", "kit": KIT}
    )
    assert response.status_code == 200, response.text
    assert response.json()["lesson"]["learner_id"] == "maria"


async def test_plan_route_then_cache_hit(client: httpx.AsyncClient) -> None:
    first = await client.post(f"{API}/cando/{CAN_DO}/plan", json={"profile": PROFILE})
    assert first.status_code == 200, first.text
    second = await client.post(f"{API}/cando/{CAN_DO}/plan", json={"profile": PROFILE})
    assert second.json()["source"] == "cache"
    assert second.json()["plan"] == first.json()["plan"]
    assert second.json()["lineage"] == first.json()["lineage"]
    assert first.json()["plan"]["uid"] == CAN_DO


async def test_regenerate_one_stage_reuses_the_plan(client: httpx.AsyncClient) -> None:
    compiled = (
        await client.post(f"{API}/cando/{CAN_DO}/compile", json={"profile": PROFILE})
    ).json()
    lesson_id = compiled["lesson_id"]
    response = await client.post(
        f"{API}/lessons/{lesson_id}/stages/production/regenerate", json={"new_plan": False}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["stage"] == "production"
    assert body["plan_source"] == "reused"
    assert body["version"] == compiled["version"] + 1
    before, after = compiled["lesson"]["stages"], body["lesson"]["stages"]
    for stage in ("content", "comprehension", "interaction"):
        assert after[stage] == before[stage]
    drafts = {"params": DRAFTS, "headers": admin()}
    latest = (await client.get(f"{API}/lessons/{lesson_id}", **drafts)).json()
    assert latest == body["lesson"]
    first = await client.get(
        f"{API}/lessons/{lesson_id}", params={"version": 1, **DRAFTS}, headers=admin()
    )
    assert first.json() == compiled["lesson"]


async def test_regenerate_validates_stage_and_lesson(client: httpx.AsyncClient) -> None:
    compiled = (await client.post(f"{API}/cando/{CAN_DO}/compile", json={})).json()
    lesson_id = compiled["lesson_id"]
    bad_stage = await client.post(f"{API}/lessons/{lesson_id}/stages/dessert/regenerate", json={})
    problem = assert_problem(bad_stage, 422, "invalid_request")
    assert problem["errors"][0]["field"] == "path.stage"
    assert_problem(
        await client.post(f"{API}/lessons/L-nope/stages/content/regenerate", json={}),
        404,
        "unknown_lesson",
    )
    other = await client.post(
        f"{API}/lessons/{lesson_id}/stages/content/regenerate", json={"learner_id": "intruder"}
    )
    assert_problem(other, 404, "unknown_lesson")


async def test_list_a_learners_lessons(client: httpx.AsyncClient) -> None:
    mine = await client.post(
        f"{API}/cando/JF:105/compile", json={"profile": {"learner_id": "lister"}}
    )
    await client.post(f"{API}/cando/JF:106/compile", json={"profile": {"learner_id": "other"}})
    response = await client.get(f"{API}/lessons", params={"learner_id": "lister"})
    assert response.status_code == 200
    assert response.json() == []  # nothing published yet
    await publish(client, mine.json()["lesson_id"])
    rows = (await client.get(f"{API}/lessons", params={"learner_id": "lister"})).json()
    assert [(r["lesson_id"], r["version"], r["status"], r["review_state"]) for r in rows] == [
        (mine.json()["lesson_id"], 1, "complete", "published")
    ]
    missing = await client.get(f"{API}/lessons")
    assert missing.status_code == 422  # a listing is always one learner's
