"""Unit tests of the checks added by issue #11, one defect at a time."""

from __future__ import annotations

from typing import Any

from lessonplan.domain.lesson import ContentStage, StageName
from lessonplan.domain.models import DomainPlan
from lessonplan.domain.quality import check_catalog, check_lesson, check_stage
from lessonplan.domain.quality.text import check_text_fields, fold_romaji
from lessonplan.japanese import annotate_model
from tests.domain import samples


def _codes(issues: list[Any]) -> list[tuple[str, str]]:
    return [(i.code, i.severity) for i in issues]


def _content(**turn_text: Any) -> ContentStage:
    data = samples.content_stage().model_dump(mode="json")
    data["dialogue"]["turns"][0]["text"].update(turn_text)
    return ContentStage.model_validate(data)


def _text_codes(**turn_text: Any) -> list[tuple[str, str]]:
    return _codes(check_text_fields(_content(**turn_text)))


def test_annotated_stages_have_nothing_to_report() -> None:
    assert check_text_fields(annotate_model(samples.content_stage())) == []


def test_readings_are_kana_and_agree_with_the_text_layer() -> None:
    assert ("text.reading_script", "error") in _text_codes(reading="あれが有名なおしろだよ。")
    assert ("text.reading_mismatch", "warning") in _text_codes(
        reading="あれがゆうめいなおじょうだよ。"
    )
    # A katakana word read in hiragana is not its reading (the text layer keeps katakana).
    data = _content()
    data.words[1].text.reading = "らーめん"
    assert ("text.reading_mismatch", "warning") not in _codes(check_text_fields(data))
    data.words[1].text.reading = "らめん"
    assert ("text.reading_mismatch", "warning") in _codes(check_text_fields(data))


def test_whole_text_readings_without_furigana_are_reported() -> None:
    codes = _text_codes(reading="あれがゆうめいなおしろだよ。")
    assert ("text.furigana_missing", "warning") in codes


def test_romaji_particles_spacing_and_script() -> None:
    assert ("text.romaji_particle", "error") in _text_codes(romaji="Are ha yuumei na oshiro da yo.")
    assert ("text.romaji_spacing", "warning") in _text_codes(romaji="Aregayuumeina oshiro da yo.")
    assert ("text.romaji_script", "error") in _text_codes(romaji="are ga yuumei na O城 da yo.")
    # Long vowels written ou, oo or ō are one convention apart, not an error.
    assert _text_codes(romaji="are ga yūmei na oshiro da yo.") == []
    assert _text_codes(romaji="Are ga yuumei na oshiro da yo!") == []
    assert fold_romaji("Tōkyō e") == fold_romaji("toukyou e") == ["tokyo", "e"]


def test_translations_are_in_the_metalanguage() -> None:
    assert ("text.translation_language", "error") in _text_codes(translation="有名なお城です")
    data = _content(translation="有名なお城です")
    assert check_text_fields(data, metalanguage="ja") == []


def test_requests_of_non_volitional_verbs_are_errors() -> None:
    for surface in (
        "まず、生まれてください。",
        "雨が降ってください。",
        "よく分かってみてください。",
    ):
        assert ("grammar.nonvolitional_request", "error") in _text_codes(surface=surface)
    assert _text_codes(surface="薬を1日3回飲んでください。") == []


def test_plain_roles_speak_plain_and_polite_roles_polite(plan: DomainPlan) -> None:
    polite_turns = samples.content_stage().model_dump(mode="json")
    for turn in polite_turns["dialogue"]["turns"]:
        turn["text"]["surface"] = "お城は有名ですね。"
    codes = _codes(check_stage("content", polite_turns, plan))
    assert codes.count(("register.role", "error")) == 2  # Guide and Friend are plain
    one_slip = samples.content_stage().model_dump(mode="json")
    one_slip["dialogue"]["turns"][2]["text"]["surface"] = "はい、とても古いです。"
    codes = _codes(check_stage("content", one_slip, plan))
    assert ("register.line", "warning") in codes
    assert ("register.role", "error") not in codes


def test_a_plain_role_play_is_not_graded_on_politeness(plan: DomainPlan) -> None:
    data = samples.interaction_stage().model_dump(mode="json")
    data["role_plays"][0]["success_criteria"].append("Keeps the polite register")
    codes = _codes(check_stage("interaction", data, plan))
    assert ("interaction.criteria_register", "error") in codes
    data["role_plays"][0]["partner_lines"][0]["surface"] = "この町で何が有名ですか。"
    assert ("register.line", "warning") in _codes(check_stage("interaction", data, plan))


def _tf(answer: str, n: int) -> dict[str, Any]:
    return {
        "questions": [
            {
                "id": f"q{i}",
                "source": "reading",
                "kind": "true_false",
                "question": "The town has a famous castle.",
                "options": ["True", "False"],
                "answer": answer if i else ("False" if answer == "mixed" else answer),
                "evidence": "私の町には有名なお城があります。",
            }
            for i in range(n)
        ]
    }


def test_true_false_keys_must_not_all_be_the_same(plan: DomainPlan) -> None:
    content = samples.content_stage()
    same = _codes(check_stage("comprehension", _tf("True", 3), plan, content=content))
    assert ("comprehension.tf_unbalanced", "error") in same
    mixed = _tf("True", 3)
    mixed["questions"][0]["answer"] = "False"
    assert check_stage("comprehension", mixed, plan, content=content) == []
    odd = _tf("Yes", 1)
    codes = _codes(check_stage("comprehension", odd, plan, content=content))
    assert ("comprehension.tf_answer", "error") in codes


def test_evidence_is_one_line_not_a_span_of_lines(plan: DomainPlan) -> None:
    data = _tf("True", 1)
    data["questions"][0]["evidence"] = "あります。ラーメンが"  # across two reading sentences
    codes = _codes(check_stage("comprehension", data, plan, content=samples.content_stage()))
    assert ("comprehension.evidence", "error") in codes


def test_lesson_size_and_level(plan: DomainPlan) -> None:
    data = samples.content_stage().model_dump(mode="json")
    data["words"] = data["words"] * 3  # 63 words
    assert ("content.words_count", "error") in _codes(check_stage("content", data, plan))
    hard = ["我慢", "入院", "診察", "処方", "症状", "治療", "手術", "検査"]
    data["words"] = [{"text": {"surface": w}} for w in hard * 3]
    a1 = plan.model_copy(update={"level": "A1"})
    assert ("content.words_above_level", "error") in _codes(check_stage("content", data, a1))


def _stages() -> dict[StageName, Any]:
    return {
        "content": samples.content_stage(),
        "comprehension": samples.comprehension_stage(),
        "production": samples.production_stage(),
        "interaction": samples.interaction_stage(),
    }


def test_key_expressions_must_appear(plan: DomainPlan) -> None:
    assert check_lesson(_stages(), plan, None) == []
    asked = plan.model_copy(update={"key_expressions": ["いくらですか"]})
    issues = check_lesson(_stages(), asked, None)
    assert _codes(issues) == [("lesson.key_expression_missing", "error")]
    assert issues[0].path == "$.plan.key_expressions[0]"


def test_a_listed_word_no_text_uses_is_reported(plan: DomainPlan) -> None:
    stages = _stages()
    content = stages["content"].model_dump(mode="json")
    content["words"] += [
        {"text": {"surface": "かわいい"}, "bucket": "Descriptive Adjectives"},
        {"text": {"surface": "若い"}, "bucket": "Descriptive Adjectives"},
    ]
    stages["content"] = content
    issues = [i for i in check_lesson(stages, plan, None) if i.code == "lesson.words_unused"]
    assert [(i.severity, i.path) for i in issues] == [("warning", "$.stages.content.data.words")]
    assert issues[0].message.startswith("2 of the 23 listed words appear in no dialogue")
    assert issues[0].message.endswith(": かわいい, 若い.")
    # a word used in an inflected form is used (歩く as 歩いて, 案内する as 案内します)
    assert {"歩く", "案内する"} <= {w["text"]["surface"] for w in content["words"]}
    assert "歩く" not in issues[0].message and "案内する" not in issues[0].message
    # a Spanish lesson is not checked: its verbs inflect (costar, cuesta) and are not matched
    assert not [
        i
        for i in check_lesson(stages, plan, None, language="es")
        if i.code == "lesson.words_unused"
    ]


def test_every_plan_grammar_function_is_practised(plan: DomainPlan) -> None:
    stages = _stages()
    production = stages["production"].model_dump(mode="json")
    production["tasks"] = production["tasks"][:2]
    stages["production"] = production
    issues = check_lesson(stages, plan, None)
    assert ("lesson.grammar_unused", "error") in _codes(issues)
    assert "gf_003" in next(i.message for i in issues if i.code == "lesson.grammar_unused")


def test_a_line_repeated_across_stages_is_reported(plan: DomainPlan) -> None:
    stages = _stages()
    interaction = stages["interaction"].model_dump(mode="json")
    interaction["role_plays"][0]["partner_lines"].append({"surface": "あれが有名なお城だよ。"})
    stages["interaction"] = interaction
    issues = check_lesson(stages, plan, None)
    repeated = [i for i in issues if i.code == "lesson.line_repeated"]
    assert [i.path for i in repeated] == [
        "$.stages.interaction.data.role_plays[0].partner_lines[1]"
    ]


def test_catalog_reports_shared_and_templated_dialogues() -> None:
    one = samples.content_stage()
    template = ["{}は有名だよ。", "{}はどこ？", "{}は駅の近くにあるよ。", "{}に行こう！", "うん！"]
    for turn, line in zip(one.dialogue.turns, template, strict=True):
        turn.text.surface = line.format("お城")
    other = one.model_copy(deep=True)
    for turn, line in zip(other.dialogue.turns, template, strict=True):
        turn.text.surface = line.format("神社")
    for i, sentence in enumerate(other.reading.sentences):
        sentence.surface = f"公園は{i}時に閉まります。"
    assert (
        _codes(check_catalog({"A": one, "B": one})).count(("catalog.dialogue_duplicate", "error"))
        == 1
    )
    assert ("catalog.dialogue_template", "warning") in _codes(check_catalog({"A": one, "B": other}))
    distinct = one.model_copy(deep=True)
    for i, turn in enumerate(distinct.dialogue.turns):
        turn.text.surface = f"これは{i}番目の文です。"
    for i, sentence in enumerate(distinct.reading.sentences):
        sentence.surface = f"駅は{i}時に開きます。"
    assert check_catalog({"A": one, "C": distinct}) == []


import pytest  # noqa: E402


@pytest.fixture
def plan() -> DomainPlan:
    return samples.plan("jfmarugoto-14")
