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
from lessonplan.domain.quality import check_catalog, check_lesson, check_plan
from lessonplan.domain.quality.document import check_document
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
    contents: dict[str, ContentStage] = {}
    descriptors = {d.uid: d for d in load_catalog()}
    for uid, result in zip(uids, results, strict=True):
        lesson = result.lesson
        assert result.plan.source == "offline"
        assert lesson.status == "complete", (uid, lesson.stages)
        assert (lesson.plan.uid, lesson.plan.level) == (uid, descriptors[uid].level)
        stages = {name: lesson.stage_data(name) for name in STAGES}
        # What `lessonplan check` runs on the stored lesson, the kit checks, what was stored.
        issues = check_document(lesson.model_dump(mode="json"), descriptors=descriptors)
        issues += check_plan(lesson.plan, descriptors[uid], kit)
        issues += check_lesson(stages, lesson.plan, kit)  # type: ignore[arg-type]
        issues += [i for record in lesson.stages.values() for i in record.quality_issues]
        issues += lesson.quality_issues
        found = sorted({(i.path, i.code, i.message) for i in issues if i.severity == "error"})
        if found:
            failures[uid] = found
        content = stages["content"]
        assert isinstance(content, ContentStage)
        assert content.lesson_kind == "dialogue_and_reading" and content.dialogue is not None
        contents[uid] = content
    catalog_errors = [
        (i.path, i.code, i.message) for i in check_catalog(contents) if i.severity == "error"
    ]
    assert catalog_errors == []
    dialogues = {
        tuple(t.text.surface for t in c.dialogue.turns) for c in contents.values() if c.dialogue
    }
    readings = {tuple(s.surface for s in c.reading.sentences) for c in contents.values()}
    assert len(dialogues) == len(readings) == len(contents)
    assert failures == {}, json.dumps(failures, ensure_ascii=False, indent=1)
    learner = (profile or LearnerProfile.anonymous()).learner_id
    assert len(await rt.store.list_lessons(learner_id=learner)) == len(uids)


def test_every_bundled_descriptor_is_walked() -> None:
    """Fails while a bundled descriptor has no authored lesson (the walk above skips it)."""
    missing = [d.uid for d in load_catalog() if d.uid not in load_library()]
    assert missing == [], f"not walked, no authored lesson yet: {missing}"
