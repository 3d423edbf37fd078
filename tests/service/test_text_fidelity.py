"""Issue #11 in the compile path: the planner sees the whole task, the system writes readings."""

from __future__ import annotations

from lessonplan.domain.lesson import STAGE_MODELS, STAGES
from lessonplan.domain.models import LearnerProfile
from lessonplan.domain.quality.common import texts_with_paths
from lessonplan.japanese import annotate
from lessonplan.planners.offline import load_catalog
from lessonplan.service.compile import compile_lesson
from tests.service.conftest import RuntimeFactory, fake_llm

LEARNER = LearnerProfile(learner_id="hana")


async def test_the_planner_receives_the_descriptors_japanese_task(
    make_runtime: RuntimeFactory,
) -> None:
    llm = fake_llm()
    rt = await make_runtime(llm)
    await compile_lesson(rt, "LP:003", profile=LEARNER)
    descriptor = next(d for d in load_catalog() if d.uid == "LP:003")
    plan_request = next(r for r in llm.requests if r.task == "plan")
    sent = (plan_request.inputs or {})["descriptor"]
    assert (
        sent["description_ja"]
        == descriptor.description_ja
        == ("店で品物の値段を聞いて、数字をゆっくり言ってもらえれば、答えを理解することができる。")
    )
    assert sent["title_ja"] == descriptor.title_ja == "値段を聞く"
    assert sent["skill_domain"] == descriptor.skill_domain == "やりとり"
    assert descriptor.description_ja in plan_request.user
    assert (plan_request.inputs or {})["level_band"]["jlpt"] == "N5"


async def test_stages_ask_for_surface_and_translation_and_store_derived_fields(
    make_runtime: RuntimeFactory,
) -> None:
    llm = fake_llm()
    rt = await make_runtime(llm)
    lesson = (await compile_lesson(rt, "JF:105", profile=LEARNER)).lesson
    for request in llm.requests:
        if request.task in STAGES and "TargetText" in request.schema.get("$defs", {}):
            props = request.schema["$defs"]["TargetText"]["properties"]
            assert set(props) == {"surface", "translation"}, request.task
    checked = 0
    for name in STAGES:
        data = STAGE_MODELS[name].model_validate(lesson.stages[name].data)
        for path, text in texts_with_paths(data):
            derived = annotate(text.surface)
            assert text.reading == derived.reading, (name, path)
            assert text.romaji == derived.romaji, (name, path)
            assert text.furigana == list(derived.furigana), (name, path)
            checked += 1
    assert checked > 20
    # Whatever the generator wrote, the stored romaji follows the convention: は is "wa".
    content = lesson.stages["content"].data or {}
    romaji = [t["text"]["romaji"] for t in content["dialogue"]["turns"]]
    assert not any(" ha " in f" {r} " for r in romaji)
