"""Every bundled descriptor compiles offline and meets SPEC §4, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from lessonplan.domain.lesson import STAGES
from lessonplan.domain.models import LearnerProfile, PrelessonKit, UsageContext
from lessonplan.domain.quality import check_lesson, check_plan, check_stage
from lessonplan.planners.offline import load_catalog
from lessonplan.providers.factory import make_provider
from lessonplan.service.compile import compile_lesson
from tests.service.conftest import RuntimeFactory

PROFILE = LearnerProfile(
    learner_id="walker",
    usage_context=UsageContext(register_preferences=["plain"]),
    cultural_interests=["food", "festivals"],
    known_vocabulary=["水", "人"],
)
KIT = PrelessonKit.model_validate(
    {
        "words": [{"surface": "友達", "reading": "ともだち", "meaning": "friend"}],
        "grammar": [{"pattern": "〜たいです", "meaning": "want to"}],
        "phrases": [{"text": "よろしくお願いします", "meaning": "nice to meet you"}],
        "requirements": {"min_words": 5, "min_grammar": 1, "min_phrases": 1},
    }
)


async def test_every_descriptor_compiles_offline_within_the_quality_ranges(
    make_runtime: RuntimeFactory,
) -> None:
    rt = await make_runtime(make_provider("offline"))
    catalog = load_catalog()
    assert len(catalog) >= 40
    limit = asyncio.Semaphore(4)

    async def one(uid: str):  # type: ignore[no-untyped-def]
        async with limit:
            return await compile_lesson(rt, uid, profile=PROFILE, kit=KIT)

    results = await asyncio.gather(*(one(d.uid) for d in catalog))
    for descriptor, result in zip(catalog, results, strict=True):
        lesson = result.lesson
        assert result.plan.source == "offline"
        assert lesson.status == "complete", (descriptor.uid, lesson.stages)
        assert (lesson.plan.uid, lesson.plan.level) == (descriptor.uid, descriptor.level)
        errors = [i for i in check_plan(lesson.plan, descriptor, KIT) if i.severity == "error"]
        assert errors == [], (descriptor.uid, errors)
        stages = {name: lesson.stage_data(name) for name in STAGES}
        for name, data in stages.items():
            assert data is not None
            stage_errors = [
                i
                for i in check_stage(name, data, lesson.plan, KIT, content=stages["content"])
                if i.severity == "error"
            ]
            assert stage_errors == [], (descriptor.uid, name, stage_errors)
        lesson_errors = [
            i
            for i in check_lesson(stages, lesson.plan, KIT)
            if i.severity == "error"  # type: ignore[arg-type]
        ]
        assert lesson_errors == [], (descriptor.uid, lesson_errors)
    assert len(await rt.store.list_lessons(learner_id="walker")) == len(catalog)
