"""Plan versions (list, diff, rollback, manual edit) and the quality policy."""

from __future__ import annotations

import json

import pytest

from lessonplan.domain.models import LearnerProfile, PrelessonKit
from lessonplan.errors import BadInputError, QualityRejectedError, UnknownVersionError
from lessonplan.providers.base import LLMRequest
from lessonplan.providers.fake import FakeProvider
from lessonplan.service.plans import PlanInputs, get_plan
from lessonplan.service.versions import (
    diff_versions,
    lineage_for,
    list_versions,
    manual_edit,
    rollback,
)
from tests.service.conftest import RuntimeFactory, calls_by_task, fake_llm, offline_answer

LEARNER = LearnerProfile(learner_id="lee", current_level="A1")


async def _inputs(rt) -> PlanInputs:  # type: ignore[no-untyped-def]
    descriptor = await rt.store.get_descriptor(uid="JF:105")
    return PlanInputs(descriptor, LEARNER, PrelessonKit(), "en")


async def test_rollback_then_diff_and_history_only_grows(make_runtime: RuntimeFactory) -> None:
    rt = await make_runtime(fake_llm())
    inputs = await _inputs(rt)
    first = await get_plan(rt, inputs)
    lineage = lineage_for(rt, inputs)

    edited = first.plan.model_dump(mode="json")
    edited["lex_buckets"][0]["items"] = [*edited["lex_buckets"][0]["items"][1:], "診察券"]
    edited["cultural_themes_en"][0] = "Clinics often ask for a patient card."
    v2 = await manual_edit(rt, lineage, inputs, edited, note="teacher edit")
    assert v2.version == 2 and v2.source == "manual_edit" and v2.parent_version == 1

    diff = await diff_versions(rt, lineage, 1, 2)
    bucket = first.plan.lex_buckets[0]
    lines = "\n".join(diff.diff.to_lines())
    assert "診察券" in lines and bucket.items[0] in lines
    assert any(op["op"] in ("replace", "add", "remove") for op in diff.patch)

    v3 = await rollback(rt, lineage, 1)
    assert (v3.version, v3.source, v3.parent_version) == (3, "rollback", 1)
    assert v3.plan == first.plan
    back = await diff_versions(rt, lineage, 2, 3)
    assert "診察券" in "\n".join(back.diff.to_lines())
    assert (await diff_versions(rt, lineage, 1, 3)).diff.is_empty

    history = await list_versions(rt, lineage)
    assert [v.version for v in history] == [1, 2, 3]
    assert [v.is_active for v in history] == [False, False, True]
    assert history[1].plan.lex_buckets[0].items[-1] == "診察券"  # never rewritten

    # The cache serves the active version.
    served = await get_plan(rt, inputs)
    assert served.source == "cache" and served.provenance.plan_version == 3
    assert served.plan == first.plan


async def test_bad_manual_edit_and_unknown_version_are_usage_errors(
    make_runtime: RuntimeFactory,
) -> None:
    rt = await make_runtime(fake_llm())
    inputs = await _inputs(rt)
    await get_plan(rt, inputs)
    lineage = lineage_for(rt, inputs)
    with pytest.raises(BadInputError, match="scenarios"):
        await manual_edit(rt, lineage, inputs, {"uid": "x", "level": "A1", "scenarios": []})
    with pytest.raises(UnknownVersionError):
        await rollback(rt, lineage, 42)
    assert [v.version for v in await list_versions(rt, lineage)] == [1]


def thin_plan(request: LLMRequest) -> str:
    """A schema-valid plan that breaks the quality ranges (one grammar function, few items)."""
    data = json.loads(offline_answer(request))
    if request.task == "plan" and "fix" not in request.user.lower():
        data["grammar_functions"] = data["grammar_functions"][:1]
    return json.dumps(data, ensure_ascii=False)


async def test_warn_policy_records_issues(make_runtime: RuntimeFactory) -> None:
    rt = await make_runtime(FakeProvider("gpt-4o-mini", fallback=thin_plan), quality_policy="warn")
    result = await get_plan(rt, await _inputs(rt))
    assert result.source == "generated"
    codes = {i.code for i in result.quality_issues}
    assert any("grammar" in code for code in codes)
    versions = await list_versions(rt, lineage_for(rt, await _inputs(rt)))
    assert versions[0].quality_issues == result.quality_issues


async def test_repair_policy_sends_the_issues_back_once(make_runtime: RuntimeFactory) -> None:
    seen: list[str] = []

    def answer(request: LLMRequest) -> str:
        seen.append(request.user)
        data = json.loads(offline_answer(request))
        if len(seen) == 1:
            data["grammar_functions"] = data["grammar_functions"][:1]
        return json.dumps(data, ensure_ascii=False)

    llm = FakeProvider("gpt-4o-mini", fallback=answer)
    rt = await make_runtime(llm, quality_policy="repair")
    result = await get_plan(rt, await _inputs(rt))
    assert result.source == "repaired"
    assert "quality_repair" in result.provenance.path
    assert calls_by_task(llm)["plan"] == 2
    assert "grammar" in seen[1].lower()
    assert not [i for i in result.quality_issues if i.severity == "error"]


async def test_reject_policy_fails_with_a_typed_error(make_runtime: RuntimeFactory) -> None:
    rt = await make_runtime(
        FakeProvider("gpt-4o-mini", fallback=thin_plan), quality_policy="reject"
    )
    with pytest.raises(QualityRejectedError, match="rejected by quality checks"):
        await get_plan(rt, await _inputs(rt))
    assert await list_versions(rt, lineage_for(rt, await _inputs(rt))) == []


async def test_offline_plans_pass_the_reject_policy(make_runtime: RuntimeFactory) -> None:
    llm = FakeProvider("gpt-4o-mini", fallback=offline_answer)
    rt = await make_runtime(llm, quality_policy="reject")
    result = await get_plan(rt, await _inputs(rt))
    assert result.source == "generated"
    assert not [i for i in result.quality_issues if i.severity == "error"]


async def test_lesson_level_kit_check_is_stored_and_counted(make_runtime: RuntimeFactory) -> None:
    """A generator that ignores the kit: the plan and the lesson both report the missing word."""
    from lessonplan.planners.offline import OfflinePlanner
    from lessonplan.service.compile import compile_lesson
    from lessonplan.service.stats import compute_stats

    def ignores_kit(request: LLMRequest) -> str:
        inputs = {**request.inputs, "kit": {}}
        return json.dumps(OfflinePlanner().answer(request.task, inputs), ensure_ascii=False)

    kit = PrelessonKit.model_validate(
        {
            "words": [{"surface": "診察券", "reading": "しんさつけん", "meaning": "patient card"}],
            "requirements": {"min_words": 1},
        }
    )
    rt = await make_runtime(FakeProvider("gpt-4o-mini", fallback=ignores_kit))
    result = await compile_lesson(rt, "JF:105", profile=LEARNER, kit=kit)
    codes = {i.code for i in result.lesson.quality_issues}
    assert "lesson.kit_word_missing" in codes
    stored = await rt.store.get_lesson(lesson_id=result.lesson.lesson_id)
    assert stored is not None and stored.quality_issues == result.lesson.quality_issues
    stats = await compute_stats(rt)
    assert stats["quality_issues_by_code"]["lesson.kit_word_missing"] == 1
    assert stats["quality_issues_by_code"]["kit.word_missing"] == 1
