"""The three recorded plans run through the real validation path, corrected by the system."""

from __future__ import annotations

import json

import pytest

from lessonplan.domain.models import LearnerProfile
from lessonplan.providers.replay import ReplayProvider, default_fixtures_dir
from lessonplan.service.compile import compile_lesson
from tests.service.conftest import RuntimeFactory

RECORDED = {"JF:105": "jf-105", "JF:106": "jf-106", "JFまるごと:14": "jfmarugoto-14"}


@pytest.mark.parametrize("uid", list(RECORDED))
async def test_recorded_plan_is_validated_and_corrected(
    make_runtime: RuntimeFactory, uid: str
) -> None:
    directory = default_fixtures_dir()
    assert directory is not None, "recorded fixtures missing"
    raw = json.loads((directory / f"{RECORDED[uid]}.plan.json").read_text(encoding="utf-8"))
    assert raw["uid"] == "12345"  # the earlier system let the LLM invent it

    rt = await make_runtime(ReplayProvider())
    result = await compile_lesson(rt, uid, profile=LearnerProfile(learner_id="replay"))
    plan = result.lesson.plan
    descriptor = await rt.store.get_descriptor(uid=uid)
    assert descriptor is not None
    assert (plan.uid, plan.level) == (descriptor.uid, descriptor.level)
    assert plan.grammar_ids() == [f"gf_{i:03d}" for i in range(1, len(plan.grammar_functions) + 1)]
    assert plan.scenarios[0].name == raw["scenarios"][0]["name"]
    assert result.plan.source == "generated"
    assert result.lesson.status == "complete"
    if uid == "JF:105":  # its buckets repeat 飲む, 休む and 聞く: recorded, not hidden
        codes = {issue.code for issue in result.plan.quality_issues}
        assert "lex_buckets.duplicate" in codes
