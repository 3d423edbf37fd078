"""The review workflow over HTTP: reviewers with an admin key move versions; learners are
served published versions only; drafts need an admin key."""

from __future__ import annotations

from typing import Any

import httpx

from .helpers import API, CAN_DO, MARIA_KEY, PROFILE, admin, assert_problem

MARIA = {"X-API-Key": MARIA_KEY}


async def _compile(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.post(f"{API}/cando/{CAN_DO}/compile", json={"profile": PROFILE})
    assert response.status_code == 200, response.text
    lesson: dict[str, Any] = response.json()["lesson"]
    return lesson


async def _move(client: httpx.AsyncClient, lesson_id: str, **body: Any) -> httpx.Response:
    return await client.post(f"{API}/lessons/{lesson_id}/review", json=body, headers=admin())


async def test_a_reviewer_publishes_and_the_learner_then_gets_the_lesson(
    client: httpx.AsyncClient,
) -> None:
    lesson = await _compile(client)
    lesson_id = lesson["lesson_id"]
    url = f"{API}/lessons/{lesson_id}"
    problem = assert_problem(await client.get(url, headers=MARIA), 404, "unknown_lesson")
    assert "no published lesson" in problem["detail"]

    moved = await _move(client, lesson_id, state="in_review", by="Sato-sensei")
    assert moved.status_code == 200, moved.text
    assert moved.json()["from_state"] == "draft" and moved.json()["to_state"] == "in_review"
    assert (await _move(client, lesson_id, state="approved")).status_code == 200
    assert_problem(await client.get(url, headers=MARIA), 404)  # approved is not published
    assert (await _move(client, lesson_id, state="published", version=1)).status_code == 200

    served = await client.get(url, headers=MARIA)
    assert served.status_code == 200, served.text
    assert served.json()["review_state"] == "published"
    assert served.json()["stages"] == lesson["stages"]

    history = (await client.get(f"{url}/reviews", headers=admin())).json()
    assert [(e["from_state"], e["to_state"]) for e in history] == [
        ("draft", "in_review"),
        ("in_review", "approved"),
        ("approved", "published"),
    ]
    assert history[0]["actor"] == "Sato-sensei (admin key 2)"
    assert history[1]["actor"] == "admin key 2"


async def test_wrong_moves_are_clear_problems_and_change_nothing(
    client: httpx.AsyncClient,
) -> None:
    lesson_id = (await _compile(client))["lesson_id"]
    skipped = assert_problem(
        await _move(client, lesson_id, state="published"), 409, "invalid_transition"
    )
    assert skipped["detail"] == (
        "the version is draft and cannot become published: from draft it can go to in_review, "
        "rejected"
    )
    no_note = assert_problem(await _move(client, lesson_id, state="rejected"), 422, "note_required")
    assert "needs a note" in no_note["detail"]
    unknown = assert_problem(await _move(client, lesson_id, state="done"), 422, "invalid_request")
    assert unknown["errors"][0]["field"] == "body.state"
    assert_problem(await _move(client, "L-000000000000", state="in_review"), 404, "unknown_lesson")
    assert_problem(await _move(client, lesson_id, state="in_review", version=7), 404)

    versions = await client.get(
        f"{API}/lessons/{lesson_id}/versions", params={"drafts": "true"}, headers=admin()
    )
    assert [(v["version"], v["review_state"]) for v in versions.json()] == [(1, "draft")]
    assert (await client.get(f"{API}/lessons/{lesson_id}/reviews", headers=admin())).json() == []

    rejected = await _move(client, lesson_id, state="rejected", note="Too long for one class.")
    assert rejected.status_code == 200 and rejected.json()["note"] == "Too long for one class."


async def test_drafts_and_reviews_need_an_admin_key(client: httpx.AsyncClient) -> None:
    lesson_id = (await _compile(client))["lesson_id"]
    url = f"{API}/lessons/{lesson_id}"
    for headers in ({}, MARIA):  # the product backend's unbound key, a learner-bound key
        for response in (
            await client.get(url, params={"drafts": "true"}, headers=headers),
            await client.get(
                f"{API}/lessons", params={"learner_id": "maria", "drafts": "true"}, headers=headers
            ),
            await client.get(f"{url}/versions", params={"drafts": "true"}, headers=headers),
            await client.get(f"{url}/reviews", headers=headers),
            await client.post(f"{url}/review", json={"state": "in_review"}, headers=headers),
        ):
            assert_problem(response, 403, "admin_required")
    # published versions only, for a learner too
    assert (await client.get(f"{url}/versions", headers=MARIA)).json() == []
    drafts = await client.get(url, params={"drafts": "true"}, headers=admin())
    assert drafts.status_code == 200 and drafts.json()["review_state"] == "draft"
