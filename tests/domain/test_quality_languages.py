"""Quality checks follow the descriptor's target language: the authored Spanish lesson passes,
the same checks catch a broken one, and nothing Japanese runs for it."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from benchmarks.simserver.languages import authored_lesson

from lessonplan.domain.lesson import ContentStage
from lessonplan.domain.models import CanDoDescriptor, DomainPlan, PrelessonKit
from lessonplan.domain.quality import check_lesson, check_plan, check_stage
from lessonplan.domain.quality.common import words_pattern_in
from lessonplan.domain.quality.document import check_document
from lessonplan.domain.quality.scripts import script_for
from lessonplan.domain.quality.words import uses_word

SPANISH = CanDoDescriptor(
    uid="ES:CAFE",
    level="A2",
    description_en="Can order drinks and food in a café and pay the bill.",
    target_language="es",
)


def _lesson() -> dict[str, Any]:
    return copy.deepcopy(authored_lesson("es"))


def _plan(lesson: dict[str, Any] | None = None) -> DomainPlan:
    data = (lesson or _lesson())["plan"]
    return DomainPlan.model_validate({"uid": "ES:CAFE", "level": "A2", **data})


def _stage_issues(
    lesson: dict[str, Any], language: str = "es", metalanguage: str = "en"
) -> list[Any]:
    plan = _plan(lesson)
    stages = lesson["stages"]
    content = ContentStage.model_validate(stages["content"])
    issues = []
    for name, data in stages.items():
        issues += check_stage(
            name, data, plan, content=content, language=language, metalanguage=metalanguage
        )
    return issues + check_lesson(stages, plan, None, language=language)


def _codes(issues: list[Any], severity: str | None = None) -> set[str]:
    return {i.code for i in issues if severity is None or i.severity == severity}


@pytest.mark.parametrize(
    ("tag", "script"),
    [
        ("es", "Latin script"),
        ("pt-BR", "Latin script"),
        ("fr", "Latin script"),
        ("de", "Latin script"),
        ("ru", "Cyrillic script"),
        ("uk", "Cyrillic script"),
        ("sr-Latn", "Latin script"),
        ("ko", "Hangul"),
        ("zh", "Chinese characters"),
        ("zh-Hant", "Chinese characters"),
        ("ja", "Japanese"),
    ],
)
def test_each_language_has_its_script(tag: str, script: str) -> None:
    found = script_for(tag)
    assert found is not None and found.name == script


def test_the_spanish_plan_and_lesson_pass_every_check() -> None:
    lesson = _lesson()
    assert check_plan(_plan(lesson), SPANISH) == []
    assert _stage_issues(lesson) == []


def test_the_same_spanish_plan_fails_as_a_japanese_plan() -> None:
    """The script really is checked: for a Japanese descriptor every field is wrong."""
    japanese = SPANISH.model_copy(update={"target_language": "ja"})
    issues = check_plan(_plan(), japanese)
    assert "script.missing" in _codes(issues, "error")
    assert all("Japanese" in i.message for i in issues if i.code == "script.missing")


def test_a_spanish_plan_in_the_wrong_script_is_an_error() -> None:
    lesson = _lesson()
    items = lesson["plan"]["lex_buckets"][0]["items"]
    items[0], items[1] = "コーヒー", "кофе с молоком"
    lesson["plan"]["grammar_functions"][0]["pattern_ja"] = "〜をください"
    lesson["plan"]["lex_buckets"][1]["items"][0] = "la tostada (トースト)"
    issues = check_plan(_plan(lesson), SPANISH)
    missing = {i.path for i in issues if i.code == "script.missing"}
    assert missing == {
        "$.lex_buckets[0].items[0]",
        "$.lex_buckets[0].items[1]",
        "$.grammar_functions[0].pattern_ja",
    }
    assert "not written in Latin script" in next(i.message for i in issues if i.severity == "error")
    mixed = [i for i in issues if i.code == "script.mixed"]
    assert [(i.severity, i.path) for i in mixed] == [("warning", "$.lex_buckets[1].items[0]")]


def test_latin_letters_are_foreign_in_korean_but_not_in_spanish() -> None:
    plan = _plan().model_copy(
        update={"communicative_function_ja": "카페에서 coffee 주문하기 please order"}
    )
    korean = SPANISH.model_copy(update={"target_language": "ko"})
    assert "script.missing" in _codes(check_plan(plan, korean), "error")
    plan = plan.model_copy(update={"communicative_function_ja": "카페에서 커피 주문하기 (menu)"})
    issues = [i for i in check_plan(plan, korean) if i.path == "$.communicative_function_ja"]
    assert [(i.code, i.severity) for i in issues] == [("script.mixed", "warning")]
    assert [
        i for i in check_plan(_plan(), SPANISH) if i.path == "$.communicative_function_ja"
    ] == []


def test_an_unknown_language_is_not_script_checked_and_says_so() -> None:
    klingon = SPANISH.model_copy(update={"target_language": "tlh"})
    issues = check_plan(_plan(), klingon)
    assert [(i.code, i.severity, i.path) for i in issues] == [("script.unchecked", "info", "$")]
    assert "'tlh'" in issues[0].message
    lesson = _lesson()
    stage = check_stage("content", lesson["stages"]["content"], _plan(lesson), language="tlh")
    assert [(i.code, i.severity) for i in stage] == [("script.unchecked", "info")]


def test_dialogue_in_japanese_or_cyrillic_is_caught_for_a_spanish_lesson() -> None:
    lesson = _lesson()
    turns = lesson["stages"]["content"]["dialogue"]["turns"]
    turns[1]["text"]["surface"] = "コーヒーを一つください。"
    turns[2]["text"]["surface"] = "Хорошо. Что-нибудь поесть?"
    issues = check_stage("content", lesson["stages"]["content"], _plan(lesson), language="es")
    errors = [(i.code, i.path) for i in issues if i.severity == "error"]
    assert errors == [
        ("script.missing", "$.dialogue.turns[1].text.surface"),
        ("script.missing", "$.dialogue.turns[2].text.surface"),
    ]


def test_a_translation_left_in_the_target_language_is_an_error() -> None:
    lesson = _lesson()
    text = lesson["stages"]["content"]["dialogue"]["turns"][3]["text"]
    text["translation"] = text["surface"]
    issues = check_stage("content", lesson["stages"]["content"], _plan(lesson), language="es")
    assert [(i.code, i.path) for i in issues if i.severity == "error"] == [
        ("text.translation_language", "$.dialogue.turns[3].text.translation")
    ]


def test_a_russian_translation_in_cyrillic_is_an_error() -> None:
    lesson = _lesson()
    line = {"surface": "Мне кофе, пожалуйста.", "translation": "Кофе, please."}
    lesson["stages"]["production"]["tasks"][0]["model_answer"] = line
    issues = check_stage("production", lesson["stages"]["production"], _plan(lesson), language="ru")
    translation = [i for i in issues if i.code == "text.translation_language"]
    assert [i.path for i in translation] == ["$.tasks[0].model_answer.translation"]
    assert "Cyrillic" in translation[0].message


def test_plan_words_never_used_are_caught_in_spanish() -> None:
    lesson = _lesson()
    lines = ["Hola.", "Hola, ¿qué tal?", "Muy bien, gracias.", "Hasta luego."]
    turns = lesson["stages"]["content"]["dialogue"]["turns"]
    lesson["stages"]["content"]["dialogue"]["turns"] = [
        {**turns[i % 2], "text": {"surface": line, "translation": "Hello."}}
        for i, line in enumerate(lines)
    ]
    issues = check_stage("content", lesson["stages"]["content"], _plan(lesson), language="es")
    vocabulary = [i for i in issues if i.code == "dialogue.vocabulary"]
    assert [(i.severity, i.message) for i in vocabulary] == [
        ("error", "the dialogue uses 0 of the plan's bucket items; expected at least 3.")
    ]
    # The whole lesson then misses two of the plan's key expressions.
    stages = lesson["stages"]
    missing = _codes(check_lesson(stages, _plan(lesson), None, language="es"), "error")
    assert missing == {"lesson.key_expression_missing"}


def test_a_kit_word_and_grammar_missing_from_a_spanish_lesson_are_errors() -> None:
    kit = PrelessonKit.model_validate(
        {
            "words": [
                {"surface": "la cuenta", "meaning": "bill"},
                {"surface": "el churro", "meaning": "churro"},
            ],
            "grammar": [
                {"pattern": "¿Me pone …?", "meaning": "ordering"},
                {"pattern": "ir a + infinitivo", "meaning": "going to"},
            ],
            "requirements": {"min_words": 2, "min_grammar": 2},
        }
    )
    lesson = _lesson()
    issues = check_lesson(lesson["stages"], _plan(lesson), kit, language="es")
    assert [(i.code, i.path) for i in issues] == [
        ("lesson.kit_word_missing", "$.kit.words[1]"),
        ("lesson.kit_grammar_missing", "$.kit.grammar[1]"),
    ]
    plan_issues = check_plan(_plan(lesson), SPANISH, kit)
    assert _codes(plan_issues) == {"kit.word_missing", "kit.grammar_missing"}


def test_annotations_on_a_spanish_text_warn() -> None:
    lesson = _lesson()
    lesson["stages"]["content"]["phrases"][0]["romaji"] = "pu-e-su"
    issues = check_stage("content", lesson["stages"]["content"], _plan(lesson), language="es")
    assert [(i.code, i.severity) for i in issues] == [("text.annotation_unexpected", "warning")]


def test_the_japanese_text_layer_is_not_used_for_a_spanish_lesson(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Readings, registers, roles reversed, いる, the JLPT band: none runs for Spanish."""
    import lessonplan.domain.quality.roles as roles
    import lessonplan.domain.quality.stages as stages
    import lessonplan.domain.quality.text as text

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the Japanese text layer ran on a Spanish lesson")

    for module, names in (
        (stages, ("annotate", "word_level", "line_registers", "jlpt_for_cefr")),
        (text, ("annotate", "nonvolitional_requests")),
        (roles, ("tokenize",)),
    ):
        for name in names:
            monkeypatch.setattr(module, name, refuse)
    assert _stage_issues(_lesson()) == []
    with pytest.raises(AssertionError, match="Japanese text layer"):
        _stage_issues(_lesson(), language="ja")


def test_a_document_says_its_language() -> None:
    lesson = _lesson()
    document = {"plan": {"uid": "ES:CAFE", "level": "A2", **lesson["plan"]}}
    document["stages"] = lesson["stages"]
    as_japanese = check_document(document)
    assert "script.missing" in _codes(as_japanese, "error")
    assert check_document(document, target_language="es") == []
    assert check_document({**document, "target_language": "es"}) == []


@pytest.mark.parametrize(
    ("text", "word", "language", "found"),
    [
        ("¿Me trae la cuenta, por favor?", "la cuenta", "es", True),
        ("Un café con leche, por favor.", "el café con leche", "es", True),
        ("CAFÉ CON LECHE", "el café con leche", "es", True),
        ("Tenemos tostadas.", "el té", "es", False),
        ("Un café solo.", "el café con leche", "es", False),
        ("Je voudrais l'addition.", "l'addition", "fr", True),
        ("Я хочу кофе.", "кофе", "ru", True),
        ("Это кофейня.", "кофе", "ru", False),
        ("커피를 주세요.", "커피", "ko", True),
        ("我要一杯咖啡。", "咖啡", "zh", True),
        ("コーヒーを飲みました。", "飲む", "ja", True),
    ],
)
def test_words_are_matched_in_their_language(
    text: str, word: str, language: str, found: bool
) -> None:
    assert uses_word(text, word, language) is found


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        ("¿Me pone …?", "Buenos días, ¿me pone un café?", True),
        ("¿Me pone …?", "Pone me un café.", False),
        ("Quisiera + infinitivo", "Quisiera pagar con tarjeta.", True),
        ("¿Cuánto es? / ¿Cuánto cuesta …?", "¿Y cuánto cuesta la tostada?", True),
        ("ir a + infinitivo", "Voy a pagar.", False),
    ],
)
def test_word_patterns_match_in_order_as_whole_words(pattern: str, text: str, found: bool) -> None:
    assert words_pattern_in(pattern, [text]) is found


def test_a_spanish_role_speaking_out_of_its_register_is_caught() -> None:
    """Lines marked by usted or tú count: a warning per line in the other register, an error
    for a role most of whose marked lines are."""
    lesson = _lesson()
    turns = lesson["stages"]["content"]["dialogue"]["turns"]
    turns[3]["text"]["surface"] = "Pues… quisiera una tostada. ¿Tú qué me recomiendas?"
    issues = check_stage("content", lesson["stages"]["content"], _plan(lesson), language="es")
    # The customer's other marked line ("Y esto es para usted.") is polite: 1 of 2 is a slip.
    assert [(i.code, i.severity, i.path) for i in issues] == [
        ("register.line", "warning", "$.dialogue.turns[3].text.surface")
    ]
    assert issues[0].message == "cliente (polite) says 'Tú', which is plain."
    turns[0]["text"]["surface"] = "Buenos días. ¿Qué quieres tomar tú?"
    issues = check_stage("content", lesson["stages"]["content"], _plan(lesson), language="es")
    assert [i.message for i in issues if i.severity == "error"] == [
        "1 of camarero's 1 lines in the dialogue are not in the role's polite register."
    ]


def test_friends_who_use_usted_in_a_plain_role_play_are_caught() -> None:
    lesson = _lesson()
    lines = lesson["stages"]["interaction"]["role_plays"][1]["partner_lines"]
    lines[1]["surface"] = "Yo quiero un zumo de naranja. ¿Y usted?"
    lines[0]["surface"] = "¡Hola! ¿Le apetece a usted un café en la terraza?"
    issues = check_stage(
        "interaction", lesson["stages"]["interaction"], _plan(lesson), language="es"
    )
    assert [(i.code, i.severity, i.path) for i in issues] == [
        ("register.line", "warning", "$.role_plays[1].partner_lines[0].surface"),
        ("register.line", "warning", "$.role_plays[1].partner_lines[1].surface"),
        ("register.role", "error", "$.role_plays[1].partner_lines"),
    ]
