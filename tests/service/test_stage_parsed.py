"""The lesson checks read a stage's validated model while its record still holds the data the
model was dumped from, and validate the record's data otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from lessonplan.domain.lesson import STAGE_MODELS, STAGES, StageName
from lessonplan.domain.models import LearnerProfile, PrelessonKit
from lessonplan.service.compile import compile_lesson
from lessonplan.service.stages import Parsed, lesson_issues
from tests.service.conftest import RuntimeFactory, fake_llm

LEARNER = LearnerProfile(learner_id="aiko", cultural_interests=["food"])
KIT = PrelessonKit.model_validate(
    {"words": [{"surface": "子猫"}], "requirements": {"min_words": 1}}
)


def _with_word(data: dict[str, Any]) -> dict[str, Any]:
    """The content's data with 子猫 in its first dialogue line."""
    turns = [dict(t) for t in data["dialogue"]["turns"]]
    turns[0] = {**turns[0], "text": {**turns[0]["text"], "surface": "子猫がいます。"}}
    return {**data, "dialogue": {**data["dialogue"], "turns": turns}}


def _codes(issues: list[Any]) -> list[str]:
    return [i.code for i in issues]


async def test_lesson_checks_read_the_kept_model_only_for_the_same_data(
    make_runtime: RuntimeFactory,
) -> None:
    rt = await make_runtime(fake_llm())
    lesson = (await compile_lesson(rt, "JF:105", profile=LEARNER)).lesson
    stages, plan = lesson.stages, lesson.plan
    content = stages["content"]
    assert content.data is not None
    assert "lesson.kit_word_missing" in _codes(lesson_issues(stages, plan, KIT))

    # A model kept for this very data dict is what the check reads (here it holds the word).
    with_word: BaseModel = STAGE_MODELS["content"].model_validate(_with_word(content.data))
    kept: Parsed = {"content": (content.data, with_word)}
    assert "lesson.kit_word_missing" not in _codes(lesson_issues(stages, plan, KIT, parsed=kept))

    # A record holding other data (an equal copy, even) is validated from that data.
    copied = content.model_copy(update={"data": dict(content.data)})
    issues = lesson_issues({**stages, "content": copied}, plan, KIT, parsed=kept)
    assert "lesson.kit_word_missing" in _codes(issues)


async def test_a_compile_keeps_each_stage_model_beside_its_data(
    make_runtime: RuntimeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What ``compile_lesson`` hands the lesson checks: every stage's model, equal to its data."""
    import lessonplan.service.compile as compile_module

    seen: dict[StageName, tuple[bool, bool]] = {}
    real = compile_module.lesson_quality

    async def spy(rt: Any, stages: Any, plan: Any, kit: Any, **options: Any) -> Any:
        for name, (data, model) in (options.get("parsed") or {}).items():
            seen[name] = (
                data is stages[name].data,
                model == STAGE_MODELS[name].model_validate(stages[name].data),
            )
        return await real(rt, stages, plan, kit, **options)

    monkeypatch.setattr(compile_module, "lesson_quality", spy)
    rt = await make_runtime(fake_llm())
    await compile_lesson(rt, "JF:105", profile=LEARNER)
    assert seen == {name: (True, True) for name in STAGES}
