"""Every descriptor of an imported JF list compiles offline into an honest
vocabulary-and-grammar lesson that passes every quality check with no error: the JF topic's
vocabulary, the descriptor's own key expressions, real example sentences, at its level."""

from __future__ import annotations

from collections import Counter

import pytest

from lessonplan.catalog import read_catalog_file
from lessonplan.catalog.vocab import jf_vocabulary
from lessonplan.domain import quality
from lessonplan.domain.models import CanDoDescriptor, LearnerProfile, PrelessonKit
from lessonplan.planners.offline import OfflinePlanner
from lessonplan.planners.offline.data import load_curriculum
from lessonplan.prompts.planner import descriptor_block
from tests.catalog.test_jf_import import FIXTURE
from tests.planners.test_offline_plan import RICH_KIT, RICH_PROFILE
from tests.planners.test_offline_stages import compile_stages, tatoeba

IMPORTED = read_catalog_file(FIXTURE).descriptors
PLANNER = OfflinePlanner()
STAGES = ("content", "comprehension", "production", "interaction")


def errors(descriptor: CanDoDescriptor, profile: LearnerProfile, kit: PrelessonKit) -> list[str]:
    plan = PLANNER.plan(descriptor, profile, kit)
    stages = compile_stages(plan, descriptor, profile, kit)
    issues = list(quality.check_plan(plan, descriptor, kit))
    for name, stage in zip(STAGES, stages, strict=True):
        issues += quality.check_stage(name, stage, plan, kit, content=stages[0])
    issues += quality.check_lesson(dict(zip(STAGES, stages, strict=True)), plan, kit)
    return [f"{i.code} {i.path}: {i.message}" for i in issues if i.severity == "error"]


def test_the_fixture_spans_levels_and_topics() -> None:
    assert len(IMPORTED) >= 50
    levels = Counter(d.level for d in IMPORTED)
    assert all(levels[level] >= 10 for level in ("A1", "A2", "B1", "B2"))
    assert len({d.primary_topic_ja for d in IMPORTED}) == 16


@pytest.mark.parametrize(
    ("profile", "kit"),
    [
        pytest.param(LearnerProfile(learner_id="t"), PrelessonKit(), id="empty"),
        pytest.param(RICH_PROFILE, RICH_KIT, id="rich"),
    ],
)
def test_every_imported_descriptor_compiles_offline_without_an_error(
    profile: LearnerProfile, kit: PrelessonKit
) -> None:
    failing = {d.uid: found for d in IMPORTED if (found := errors(d, profile, kit))}
    assert failing == {}


def test_the_lesson_teaches_the_jf_topic_vocabulary_with_real_sentences() -> None:
    curriculum = load_curriculum()
    profile, kit = LearnerProfile(learner_id="t"), PrelessonKit()
    for descriptor in IMPORTED:
        jf_topic = jf_vocabulary().topic(descriptor.primary_topic_ja)
        assert jf_topic is not None
        topic = curriculum.topic(jf_topic.curriculum)
        topic_words = {
            w.surface
            for b in curriculum.buckets
            if b.topic == topic.key or b.key in topic.also
            for w in b.items
        }
        plan = PLANNER.plan(descriptor, profile, kit)
        content, _, production, _ = compile_stages(plan, descriptor, profile, kit)
        taught = {w.text.surface for w in content.words}
        assert taught & topic_words, descriptor.uid
        assert content.lesson_kind == "vocabulary_and_grammar"
        assert "real examples from Tatoeba" in content.objective
        assert all(s.surface in tatoeba() for s in content.reading.sentences)
        assert all(t.model_answer.surface in tatoeba() for t in production.tasks)
        reading = {s.surface for s in content.reading.sentences}
        assert not reading & {t.model_answer.surface for t in production.tasks}
        assert {s.name for s in plan.scenarios} <= {
            s.name for s in curriculum.scenarios if s.topic == topic.key
        }


def test_key_expressions_quoted_by_the_descriptor_are_taught() -> None:
    quoting = [d for d in IMPORTED if "「" in d.description_ja]
    assert len(quoting) >= 5
    profile, kit = LearnerProfile(learner_id="t"), PrelessonKit()
    for descriptor in quoting:
        plan = PLANNER.plan(descriptor, profile, kit)
        assert plan.key_expressions, descriptor.uid
        assert all(f"「{k}" in descriptor.description_ja for k in plan.key_expressions)
        content, _, _, interaction = compile_stages(plan, descriptor, profile, kit)
        phrases = [p.surface for p in content.phrases]
        assert phrases[: len(plan.key_expressions)] == plan.key_expressions
        for role_play in interaction.role_plays:
            useful = [u.surface for u in role_play.useful_expressions]
            assert set(plan.key_expressions) <= set(useful)
    priced = next(d for d in IMPORTED if "「これはいくらですか」" in d.description_ja)
    content = compile_stages(PLANNER.plan(priced, profile, kit), priced, profile, kit)[0]
    assert content.phrases[0].translation == "How much is this?"  # the English quote, paired


def test_a_japanese_only_descriptor_gets_an_english_goal_that_says_so() -> None:
    japanese_only = next(d for d in IMPORTED if not d.description_en)
    plan = PLANNER.plan(japanese_only, LearnerProfile(learner_id="t"), PrelessonKit())
    assert "as the Japanese Can-do statement describes" in plan.communicative_function_en
    assert japanese_only.primary_topic_en in plan.communicative_function_en


def test_the_llm_planner_gets_both_texts_skill_type_and_category() -> None:
    descriptor = next(d for d in IMPORTED if d.description_en and d.description_ja)
    block = descriptor_block(descriptor, full=False, metalanguage="en")
    assert block["description_ja"] == descriptor.description_ja
    assert block["description_en"] == descriptor.description_en
    assert (block["skill_domain"], block["type"], block["category"]) == (
        descriptor.skill_domain,
        descriptor.type,
        descriptor.category,
    )
    assert "target_language" not in block  # the default, Japanese, costs no tokens
    spanish = CanDoDescriptor(
        uid="ES:1", level="A1", description_en="Can order.", target_language="es"
    )
    assert descriptor_block(spanish, full=False, metalanguage="en")["target_language"] == "es"
    with pytest.raises(ValueError, match="curriculum is Japanese"):
        PLANNER.plan(spanish, LearnerProfile(learner_id="t"), PrelessonKit())
