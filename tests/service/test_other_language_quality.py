"""The quality policy for a Spanish descriptor: the plan and stage repair loops quote the
issues the Spanish checks found (Latin script, not Japanese), and a repaired lesson is clean."""

from __future__ import annotations

import copy
import json
from typing import Any

from benchmarks.simserver.languages import answer_other_language, authored_lesson

from lessonplan.domain.models import CanDoDescriptor, LearnerProfile, PrelessonKit
from lessonplan.providers.base import LLMRequest
from lessonplan.providers.fake import FakeProvider
from lessonplan.service.compile import compile_lesson
from lessonplan.service.plans import PlanInputs, get_plan
from tests.service.conftest import RuntimeFactory

SPANISH = CanDoDescriptor(
    uid="ES:CAFE",
    level="A2",
    description_en="Can order drinks and food in a café and pay the bill.",
    descriptions={"es": "Puede pedir bebidas y comida en una cafetería y pagar la cuenta."},
    target_language="es",
)
LEARNER = LearnerProfile(learner_id="ana", current_level="A2")


def _spanish_model(broken: dict[str, Any]) -> tuple[FakeProvider, list[LLMRequest]]:
    """A model that answers with the authored Spanish lesson, broken on the first answer of
    each task named in ``broken`` (task -> a function that breaks its JSON)."""
    seen: list[LLMRequest] = []

    def answer(request: LLMRequest) -> str:
        seen.append(request)
        task = request.task
        data = copy.deepcopy(answer_other_language(task, dict(request.inputs)))
        if task in broken and sum(r.task == task for r in seen) == 1:
            broken[task](data)
        return json.dumps(data, ensure_ascii=False)

    return FakeProvider("gpt-4o-mini", fallback=answer), seen


def _japanese_item(plan: dict[str, Any]) -> None:
    plan["lex_buckets"][0]["items"][0] = "コーヒー"


def _japanese_turn(content: dict[str, Any]) -> None:
    content["dialogue"]["turns"][1]["text"]["surface"] = "コーヒーを一つください。"


async def test_a_spanish_plan_is_repaired_with_the_spanish_issues(
    make_runtime: RuntimeFactory,
) -> None:
    llm, seen = _spanish_model({"plan": _japanese_item})
    rt = await make_runtime(llm, quality_policy="repair")
    await rt.store.upsert_descriptors(descriptors=[SPANISH])
    result = await get_plan(rt, PlanInputs(SPANISH, LEARNER, PrelessonKit(), "en"))
    assert result.source == "repaired"
    assert [r.task for r in seen] == ["plan", "plan"]
    assert "'コーヒー' is not written in Latin script" in seen[1].user
    assert "Japanese" not in seen[1].user.replace("コーヒー", "")
    assert result.plan.lex_buckets[0].items[0] == "el café con leche"
    assert not [i for i in result.quality_issues if i.severity == "error"]


async def test_a_spanish_stage_is_repaired_and_the_lesson_is_clean(
    make_runtime: RuntimeFactory,
) -> None:
    llm, seen = _spanish_model({"content": _japanese_turn})
    rt = await make_runtime(llm, quality_policy="repair")
    await rt.store.upsert_descriptors(descriptors=[SPANISH])
    result = await compile_lesson(rt, SPANISH.uid, profile=LEARNER)
    lesson = result.lesson
    assert lesson.status == "complete"
    content = lesson.stages["content"]
    assert content.source == "repaired" and content.attempts == 2
    repair = [r for r in seen if r.task == "content"][1]
    assert "is not written in Latin script" in repair.user
    issues = [i for record in lesson.stages.values() for i in record.quality_issues]
    assert not [i for i in issues + lesson.quality_issues if i.severity == "error"]
    assert authored_lesson("es")["stages"]["content"]["dialogue"]["turns"][1]["text"][
        "surface"
    ] in json.dumps(content.data, ensure_ascii=False)
