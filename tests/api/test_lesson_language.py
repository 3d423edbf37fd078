"""A lesson served over HTTP names the language its texts are in: its descriptor's target
language, the same on compile, on GET, on the stream's last event and on regeneration."""

from __future__ import annotations

import httpx

from lessonplan.domain.lesson import STAGES, StageName, StageRecord
from lessonplan.service.runtime import Runtime
from tests.store.samples import NOW, sample_plan

from .helpers import API, CAN_DO, PROFILE, SPANISH, admin, parse_sse, publish


async def test_a_japanese_lesson_says_ja_on_compile_get_regenerate_and_stream(
    client: httpx.AsyncClient,
) -> None:
    compiled = await client.post(f"{API}/cando/{CAN_DO}/compile", json={"profile": PROFILE})
    assert compiled.status_code == 200, compiled.text
    lesson = compiled.json()["lesson"]
    assert lesson["target_language"] == "ja"
    got = await client.get(
        f"{API}/lessons/{lesson['lesson_id']}", params={"drafts": "true"}, headers=admin()
    )
    assert got.json() == lesson
    regenerated = await client.post(
        f"{API}/lessons/{lesson['lesson_id']}/stages/production/regenerate", json={}
    )
    assert regenerated.status_code == 200, regenerated.text
    assert regenerated.json()["lesson"]["target_language"] == "ja"
    streamed = await client.post(
        f"{API}/cando/{CAN_DO}/compile/stream", json={"profile": PROFILE}, headers=admin()
    )
    event, data = parse_sse(streamed.text)[-1]
    assert event == "lesson" and data["target_language"] == "ja"


async def test_a_stored_spanish_lesson_says_es(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await runtime.store.upsert_descriptors(descriptors=[SPANISH])
    stages: dict[StageName, StageRecord] = {
        name: StageRecord(status="failed", error="not generated here", error_type="test")
        for name in STAGES
    }
    stored = await runtime.store.save_lesson(
        lesson_id=None,
        can_do_id="ES:1",
        learner_id=PROFILE["learner_id"],
        profile_hash="p" * 16,
        kit_hash="k" * 16,
        plan_version=None,
        plan=sample_plan(uid="ES:1"),
        plan_source="generated",
        metalanguage="en",
        stages=stages,
        now=NOW,
    )
    await publish(client, stored.lesson_id)
    got = await client.get(
        f"{API}/lessons/{stored.lesson_id}", params={"learner_id": PROFILE["learner_id"]}
    )
    assert got.status_code == 200, got.text
    assert got.json()["target_language"] == "es"
    assert got.json()["can_do_id"] == "ES:1"
