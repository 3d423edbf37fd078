"""Every bundled descriptor with an authored lesson compiles offline, with and without a profile
and kit, on SQLite and PostgreSQL, and every lesson passes every check with no error-severity
issue; dialogues and readings are distinct across descriptors. A separate test fails while a
bundled descriptor has no authored lesson, and names it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from lessonplan.domain.lesson import STAGES, ContentStage
from lessonplan.domain.models import LearnerProfile, PrelessonKit, UsageContext
from lessonplan.domain.quality import check_plan, check_stage
from lessonplan.planners.offline import load_catalog
from lessonplan.planners.offline.library import load_library
from lessonplan.providers.factory import make_provider
from lessonplan.service.compile import compile_lesson
from tests.service.conftest import RuntimeFactory

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE_PROFILE = LearnerProfile.model_validate_json((EXAMPLES / "profile.json").read_text())
EXAMPLE_KIT = PrelessonKit.model_validate_json((EXAMPLES / "kit.json").read_text())
WALKER = LearnerProfile(
    learner_id="walker",
    usage_context=UsageContext(register_preferences=["plain"]),
    cultural_interests=["food", "festivals"],
    known_vocabulary=["水", "人"],
)
WALKER_KIT = PrelessonKit.model_validate(
    {
        "words": [{"surface": "友達", "reading": "ともだち", "meaning": "friend"}],
        "grammar": [{"pattern": "〜たいです", "meaning": "want to"}],
        "phrases": [{"text": "よろしくお願いします", "meaning": "nice to meet you"}],
        "requirements": {"min_words": 5, "min_grammar": 1, "min_phrases": 1},
    }
)
INPUTS = [
    pytest.param(None, PrelessonKit(), id="no-profile"),
    pytest.param(EXAMPLE_PROFILE, EXAMPLE_KIT, id="examples-profile-and-kit"),
    pytest.param(WALKER, WALKER_KIT, id="plain-walker-and-kit"),
]


def authored_descriptors() -> list[str]:
    library = load_library()
    return [d.uid for d in load_catalog() if d.uid in library]


@pytest.mark.parametrize(("profile", "kit"), INPUTS)
async def test_every_authored_descriptor_compiles_offline_and_passes_every_check(
    make_runtime: RuntimeFactory, profile: LearnerProfile | None, kit: PrelessonKit
) -> None:
    rt = await make_runtime(make_provider("offline"))
    uids = authored_descriptors()
    assert uids, "no authored lesson is bundled"
    limit = asyncio.Semaphore(4)

    async def one(uid: str):  # type: ignore[no-untyped-def]
        async with limit:
            return await compile_lesson(rt, uid, profile=profile, kit=kit)

    results = await asyncio.gather(*(one(uid) for uid in uids))
    failures: dict[str, list[tuple[str, str, str]]] = {}
    dialogues: dict[tuple[str, ...], str] = {}
    readings: dict[tuple[str, ...], str] = {}
    for uid, result in zip(uids, results, strict=True):
        lesson = result.lesson
        assert result.plan.source == "offline"
        assert lesson.status == "complete", (uid, lesson.stages)
        assert (lesson.plan.uid, lesson.plan.level) == (uid, result.plan.plan.level)
        errors = [
            i
            for i in check_plan(lesson.plan, next(d for d in load_catalog() if d.uid == uid), kit)
            if i.severity == "error"
        ]
        stage_errors = [
            (name, i.code, i.message)
            for name in STAGES
            for i in check_stage(
                name,
                lesson.stage_data(name),  # type: ignore[arg-type]
                lesson.plan,
                kit,
                content=lesson.stage_data("content"),
            )
            if i.severity == "error"
        ]
        stored = [
            (name, str(i["code"]), str(i["message"]))
            for name, record in lesson.stages.items()
            for i in record.quality_issues
            if i.get("severity") == "error"
        ] + [
            ("lesson", str(i["code"]), str(i["message"]))
            for i in lesson.quality_issues
            if i.get("severity") == "error"
        ]
        found = [("plan", i.code, i.message) for i in errors] + stage_errors + stored
        if found:
            failures[uid] = sorted(set(found))
        content = lesson.stage_data("content")
        assert isinstance(content, ContentStage)
        assert content.lesson_kind == "dialogue_and_reading" and content.dialogue is not None
        turns = tuple(t.text.surface for t in content.dialogue.turns)
        sentences = tuple(s.surface for s in content.reading.sentences)
        assert turns not in dialogues, f"{uid} shares its dialogue with {dialogues.get(turns)}"
        assert sentences not in readings, f"{uid} shares its reading with {readings.get(sentences)}"
        dialogues[turns], readings[sentences] = uid, uid
    assert failures == {}, json.dumps(failures, ensure_ascii=False, indent=1)
    learner = (profile or LearnerProfile.anonymous()).learner_id
    assert len(await rt.store.list_lessons(learner_id=learner)) == len(uids)


def test_every_bundled_descriptor_is_walked() -> None:
    """Fails while a bundled descriptor has no authored lesson (the walk above skips it)."""
    missing = [d.uid for d in load_catalog() if d.uid not in load_library()]
    assert missing == [], f"not walked, no authored lesson yet: {missing}"
