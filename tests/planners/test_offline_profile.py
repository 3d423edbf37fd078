"""How the learner's profile and the pre-lesson kit change the offline plan: each effect is shown
by comparing a plan with and without the one field that causes it."""

from __future__ import annotations

from typing import Any

from lessonplan.domain.models import CanDoDescriptor, DomainPlan, LearnerProfile, PrelessonKit
from tests.planners.test_offline_plan import (
    CATALOG,
    EMPTY_KIT,
    PLANNER,
    plan_errors,
    quality_errors,
)
from tests.planners.test_offline_stages import compile_stages, official_errors, stage_errors

BY_UID = {d.uid: d for d in CATALOG}
DOCTOR = BY_UID["JF:105"]  # A1 Health: a polite doctor's consultation
TOUR = BY_UID["JFまるごと:14"]  # A2 Travel: a plain hometown tour with a friend


def profile(**fields: Any) -> LearnerProfile:
    return LearnerProfile.model_validate({"learner_id": "t", **fields})


def registers(plan: DomainPlan) -> dict[str, str]:
    return {r.label: r.register for s in plan.scenarios for r in s.roles}


def plan_for(
    descriptor: CanDoDescriptor, learner: LearnerProfile, kit: PrelessonKit = EMPTY_KIT
) -> DomainPlan:
    plan = PLANNER.plan(descriptor, learner, kit)
    assert plan_errors(plan, descriptor, kit) == []
    assert quality_errors(plan, descriptor, kit) == []
    return plan


def test_plain_preference_makes_the_learner_side_plain() -> None:
    base = registers(plan_for(DOCTOR, profile()))
    plain = registers(plan_for(DOCTOR, profile(usage_context={"register_preferences": ["plain"]})))
    assert base["Patient"] == "polite" and plain["Patient"] == "plain"
    assert base["Customer"] == "polite" and plain["Customer"] == "plain"
    assert plain["Doctor"] == base["Doctor"] == "polite"  # staff and experts stay polite


def test_polite_preference_makes_friends_polite() -> None:
    base = registers(plan_for(TOUR, profile()))
    polite = registers(plan_for(TOUR, profile(usage_context={"register_preferences": ["polite"]})))
    assert base["Guide"] == base["Friend"] == "plain"
    assert polite["Guide"] == polite["Friend"] == "polite"


def test_formality_contexts_name_a_role() -> None:
    learner = profile(usage_context={"formality_contexts": {"friend": "polite"}})
    assert registers(plan_for(TOUR, learner))["Friend"] == "polite"


def test_register_preference_reaches_the_stages() -> None:
    learner = profile(usage_context={"register_preferences": ["plain"]})
    plan = plan_for(DOCTOR, learner)
    content, _, _, interaction = compile_stages(plan, DOCTOR, learner, EMPTY_KIT)
    patient_turns = [t for t in content.dialogue.turns if t.speaker == "Patient"]
    assert patient_turns and all(t.register == "plain" for t in patient_turns)
    assert "わかった。" in "".join(t.text.surface for t in patient_turns)
    assert interaction.role_plays[0].register == "plain"


def test_cultural_interests_choose_and_order_themes() -> None:
    base = plan_for(DOCTOR, profile())
    festive = plan_for(DOCTOR, profile(cultural_interests=["festivals"]))
    assert "festival" in festive.cultural_themes_en[0].lower()
    assert not any("festival" in t.lower() for t in base.cultural_themes_en)
    assert len(festive.cultural_themes_en) == len(festive.cultural_themes_ja)
    # An interest the topic already covers moves that theme to the front.
    pharmacy = plan_for(DOCTOR, profile(cultural_interests=["pharmacy"]))
    assert pharmacy.cultural_themes_en[0] == base.cultural_themes_en[2]


def test_vocabulary_goals_add_buckets() -> None:
    base = plan_for(DOCTOR, profile())
    food = plan_for(DOCTOR, profile(vocabulary_domain_goals=["food"]))
    names = [b.name for b in food.lex_buckets]
    assert "Dishes and drinks" in names and "Dishes and drinks" not in [
        b.name for b in base.lex_buckets
    ]
    assert names.index("Dishes and drinks") == 0  # prioritised


def test_vocabulary_goal_within_the_topic_moves_its_bucket_first() -> None:
    base = plan_for(DOCTOR, profile())
    clinic = plan_for(DOCTOR, profile(vocabulary_domain_goals=["pharmacy"]))
    assert base.lex_buckets[0].name != "At the clinic"
    assert clinic.lex_buckets[0].name == "At the clinic"


def test_known_vocabulary_is_not_taught_first() -> None:
    base = plan_for(DOCTOR, profile())
    first = base.lex_buckets[0]
    known = first.items[:2]
    plan = plan_for(DOCTOR, profile(known_vocabulary=known))
    bucket = next(b for b in plan.lex_buckets if b.name == first.name)
    assert bucket.items[:2] != known
    # The bucket data holds spare words, so the known ones are swapped out.
    assert not set(known) & set(plan.all_items())


def test_known_vocabulary_goes_last_when_no_alternatives() -> None:
    base = plan_for(DOCTOR, profile())
    first = base.lex_buckets[0]
    known = first.items[:5]  # more than the bucket's spare words
    bucket = next(
        b
        for b in plan_for(DOCTOR, profile(known_vocabulary=known)).lex_buckets
        if b.name == first.name
    )
    kept = [k for k in known if k in bucket.items]
    assert kept and bucket.items[-len(kept) :] == kept


def test_known_grammar_is_taught_last() -> None:
    base = plan_for(DOCTOR, profile())
    first = base.grammar_functions[0].pattern_ja
    plan = plan_for(DOCTOR, profile(known_grammar=[first]))
    assert plan.grammar_functions[0].pattern_ja != first


def test_grammar_goals_prioritise_patterns() -> None:
    base = plan_for(DOCTOR, profile())
    invite = plan_for(DOCTOR, profile(grammar_progression_goals=["inviting someone"]))
    assert "〜ませんか" not in [g.pattern_ja for g in base.grammar_functions]
    assert invite.grammar_functions[0].pattern_ja == "〜ませんか"


def test_scenario_details_reorder_scenarios() -> None:
    base = plan_for(DOCTOR, profile())
    pharmacy = plan_for(DOCTOR, profile(usage_context={"scenario_details": ["pharmacy visits"]}))
    assert base.scenarios[0].name == "Doctor's consultation"
    assert pharmacy.scenarios[0].name == "At the pharmacy"


KIT_WORDS = [
    ("病院", "びょういん", "hospital"),
    ("パスポート", "ぱすぽーと", "passport"),
    ("予約", "よやく", "reservation"),
    ("受付", "うけつけ", "reception"),
    ("住所", "じゅうしょ", "address"),
    ("電話番号", "でんわばんごう", "phone number"),
    ("名前", "なまえ", "name"),
    ("保険", "ほけん", "insurance"),
]


def kit(words: int, required: int, **extra: Any) -> PrelessonKit:
    return PrelessonKit.model_validate(
        {
            "words": [{"surface": s, "reading": r, "meaning": m} for s, r, m in KIT_WORDS[:words]],
            **extra,
            "requirements": {"min_words": required, **extra.pop("requirements", {})},
        }
    )


def test_required_kit_words_get_their_own_bucket() -> None:
    big = kit(8, 8)
    plan = plan_for(DOCTOR, profile(), big)
    assert plan.lex_buckets[0].name == "Pre-lesson kit"
    assert plan.lex_buckets[0].items == [s for s, _, _ in KIT_WORDS]
    content, *_ = compile_stages(plan, DOCTOR, profile(), big)
    kit_entries = [w for w in content.words if w.from_kit]
    assert [w.text.surface for w in kit_entries] == [s for s, _, _ in KIT_WORDS]
    assert (
        next(w for w in kit_entries if w.text.surface == "パスポート").text.reading == "ぱすぽーと"
    )
    spoken = "".join(t.text.surface for t in content.dialogue.turns)
    assert all(s in spoken for s, _, _ in KIT_WORDS)


def test_requirement_is_capped_by_the_kit() -> None:
    """The earlier system asked for more words than small kits hold: here 10 required, 3 held."""
    small = kit(3, 10)
    assert small.effective_requirements().min_words == 3
    plan = plan_for(DOCTOR, profile(), small)
    assert {"病院", "パスポート", "予約"} <= set(plan.all_items())
    assert "Pre-lesson kit" not in [b.name for b in plan.lex_buckets]  # merged in
    assert plan.lex_buckets[0].items[:3] == ["病院", "パスポート", "予約"]  # taught first
    assert plan.all_items().count("病院") == 1  # also a topic word, but not repeated
    stages = compile_stages(plan, DOCTOR, profile(), small)
    assert stage_errors(plan, small, stages) == []
    assert official_errors(plan, small, stages, DOCTOR) == []


def test_kit_grammar_and_phrases_are_used() -> None:
    with_kit = PrelessonKit.model_validate(
        {
            "grammar": [{"pattern": "〜てもいいですか", "meaning": "asking permission"}],
            "phrases": [{"text": "お大事に", "meaning": "take care"}],
            "requirements": {"min_grammar": 1, "min_phrases": 1},
        }
    )
    base = plan_for(DOCTOR, profile())
    plan = plan_for(DOCTOR, profile(), with_kit)
    assert "〜てもいいですか" not in [g.pattern_ja for g in base.grammar_functions]
    first = plan.grammar_functions[0]
    assert (first.id, first.pattern_ja, first.label) == (
        "gf_001",
        "〜てもいいですか",
        "asking permission",
    )
    content, _, production, _ = compile_stages(plan, DOCTOR, profile(), with_kit)
    assert content.grammar[0].pattern_ja == "〜てもいいですか"
    assert any("てもいいですか" in e.surface for e in content.grammar[0].examples)
    assert "お大事に" in [p.surface for p in content.phrases]
    assert any(t.text.surface == "お大事に" for t in content.dialogue.turns)
    assert production.tasks[0].grammar_id == "gf_001"


def test_large_kits_still_meet_the_ranges() -> None:
    from lessonplan.planners.offline.data import load_curriculum

    words = [w for b in load_curriculum().buckets for w in b.items][:60]
    grammar = [{"pattern": g.pattern_ja, "meaning": g.label} for g in load_curriculum().grammar][:8]
    huge = PrelessonKit.model_validate(
        {
            "words": [
                {"surface": w.surface, "reading": w.reading, "meaning": w.meaning} for w in words
            ],
            "grammar": grammar,
            "phrases": [{"text": "よろしくお願いします", "meaning": "nice to meet you"}] * 3,
            "requirements": {"min_words": 60, "min_grammar": 8, "min_phrases": 3},
        }
    )
    for descriptor in (DOCTOR, TOUR, BY_UID["LP:031"]):
        plan = PLANNER.plan(descriptor, profile(), huge)
        buckets = plan.lex_buckets
        assert 3 <= len(buckets) <= 5 and all(6 <= len(b.items) <= 14 for b in buckets)
        assert len(plan.all_items()) == len(set(plan.all_items())) <= 100
        assert len(plan.grammar_functions) == 5
        stages = compile_stages(plan, descriptor, profile(), huge)
        assert stages[2].tasks and stages[3].role_plays


def test_kit_words_without_readings_still_get_one() -> None:
    compact = PrelessonKit.model_validate(
        {"words": [{"surface": "薬局"}, {"surface": "お土産"}], "requirements": {"min_words": 2}}
    )
    plan = plan_for(DOCTOR, profile(), compact)
    content, *_ = compile_stages(plan, DOCTOR, profile(), compact)
    readings = {w.text.surface: w.text.reading for w in content.words}
    assert readings["薬局"] == "やっきょく" and readings["お土産"] == "おみやげ"
