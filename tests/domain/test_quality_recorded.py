"""The recorded plans and lessons of the earlier LLM system, replayed through the checks.

What the checks catch there (issue #11, part 5): invented uids and a wrong level, items repeated
across buckets, no key expressions; a hometown-tour dialogue whose plain roles (Guide, Friend,
as the plan says) speak です/ます throughout; 9 words for a lesson; readings written as whole
sentences (no furigana) and romaji spaced unlike the convention ("nigiyakana").
"""

from __future__ import annotations

from collections import Counter

from lessonplan.domain.quality import check_plan, check_stage
from tests.domain import samples
from tests.domain.recorded_lessons import jf21_stage1, marugoto_content


def test_recorded_plans_as_the_llm_wrote_them() -> None:
    found = {
        name: Counter(i.code for i in check_plan(samples.raw_plan(name), samples.descriptor(name)))
        for name in ("jf-105", "jf-106", "jfmarugoto-14")
    }
    assert all(c["uid.mismatch"] == 1 for c in found.values())
    assert all(c["plan.key_expressions_missing"] == 1 for c in found.values())
    assert found["jf-105"]["level.mismatch"] == 1
    assert found["jf-105"]["lex_buckets.duplicate"] == 3


def test_recorded_lesson_roles_speak_out_of_their_register() -> None:
    plan = samples.recorded_plan("jfmarugoto-14")
    roles = {r.label: r.register for s in plan.scenarios for r in s.roles}
    assert roles["Guide"] == roles["Friend"] == "plain"
    issues = check_stage("content", marugoto_content(roles), plan)
    codes = Counter((i.code, i.severity) for i in issues)
    assert codes[("register.role", "error")] == 2  # Guide and Friend
    assert codes[("register.line", "warning")] == 5  # every turn
    assert codes[("content.words_count", "error")] == 1
    assert codes[("text.furigana_missing", "warning")] >= 10
    assert any(i.code == "text.romaji_spacing" and "'nigiyakana'" in i.message for i in issues)
    # The LLM's readings and romaji otherwise agree with the text layer.
    assert codes[("text.reading_mismatch", "warning")] == 0
    assert codes[("text.romaji_particle", "error")] == 0


def test_recorded_stage1_answers_are_grounded_in_its_reading() -> None:
    content, questions = jf21_stage1()
    plan = samples.recorded_plan("jfmarugoto-14")
    assert check_stage("comprehension", questions, plan, content=content) == []
    ungrounded = questions.model_copy(
        update={
            "questions": [questions.questions[0].model_copy(update={"evidence": "8時に起きました"})]
        }
    )
    issues = check_stage("comprehension", ungrounded, plan, content=content)
    assert [i.code for i in issues] == ["comprehension.evidence"]
