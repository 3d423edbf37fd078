"""The Python API a product backend uses, as the README shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

import lessonplan
from lessonplan import (
    LearnerProfile,
    PrelessonKit,
    Settings,
    compile_lesson,
    open_runtime,
    regenerate_stage,
)


async def test_compile_and_regenerate_through_the_package_namespace(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'api.db'}")
    async with open_runtime(settings) as rt:
        kit = PrelessonKit.model_validate({"words": [{"surface": "熱"}]})
        result = await compile_lesson(rt, "JF:105", profile=LearnerProfile(learner_id="m"), kit=kit)
        assert (result.plan.source, result.lesson.status) == ("offline", "complete")
        again = await regenerate_stage(rt, result.lesson.lesson_id, "production")
        assert again.plan_source == "reused" and again.lesson.version == 2
    async with open_runtime(settings) as rt:  # persisted, including the buffered events
        assert (await rt.store.get_lesson(lesson_id=result.lesson.lesson_id)) is not None
        assert len(await rt.store.list_events(operation="plan_answer")) == 2


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        lessonplan.nope  # noqa: B018


def test_the_package_holds_no_benchmark_data() -> None:
    import importlib.util
    from pathlib import Path

    import lessonplan

    assert importlib.util.find_spec("lessonplan.prompts.benchmark_profiles") is None
    package = Path(lessonplan.__file__).parent
    assert not [p for p in package.rglob("*.py") if "bench" in p.name]
