"""check_plan: every SPEC §4 check trips on a bad plan and passes on a good one."""

from __future__ import annotations

import re
from typing import Any

import pytest

from lessonplan.domain.models import DomainPlan, LexBucket, PrelessonKit, Scenario
from lessonplan.domain.quality import (
    QualityIssue,
    ScriptCheck,
    check_plan,
    has_errors,
    summarize,
)
from tests.domain import samples

GOOD = "jfmarugoto-14"


def _codes(issues: list[QualityIssue]) -> set[str]:
    return {i.code for i in issues}


def _with(plan: DomainPlan, **update: Any) -> DomainPlan:
    return DomainPlan.model_validate({**plan.model_dump(), **update})


def _check(plan: DomainPlan, kit: PrelessonKit | None = None) -> list[QualityIssue]:
    return check_plan(plan, samples.descriptor(GOOD), kit)


@pytest.fixture
def good() -> DomainPlan:
    return samples.plan(GOOD)


@pytest.mark.parametrize("name", ["jf-106", "jfmarugoto-14"])
def test_recorded_plans_pass_once_normalised(name: str) -> None:
    # Recorded before plans carried key expressions (issue #11): that is their only finding.
    issues = check_plan(samples.recorded_plan(name), samples.descriptor(name))
    assert [(i.code, i.severity) for i in issues] == [("plan.key_expressions_missing", "warning")]
    assert check_plan(samples.plan(name), samples.descriptor(name)) == []


def test_jf105_repeats_items_across_buckets() -> None:
    issues = check_plan(samples.plan("jf-105"), samples.descriptor("jf-105"))
    assert [(i.code, i.path) for i in issues] == [
        ("lex_buckets.duplicate", "$.lex_buckets[1].items[3]"),
        ("lex_buckets.duplicate", "$.lex_buckets[1].items[8]"),
        ("lex_buckets.duplicate", "$.lex_buckets[1].items[9]"),
    ]
    assert "'聞く'" in issues[0].message and "Health Instructions" in issues[0].message
    # "1日3回" has digits but also kanji: Japanese script, no script issue.
    assert "1日3回" in samples.plan("jf-105").all_items()


def test_invented_uid_and_wrong_level_trip() -> None:
    issues = check_plan(samples.raw_plan("jf-105"), samples.descriptor("jf-105"))
    by_code = {i.code: i for i in issues}
    assert by_code["uid.mismatch"].path == "$.uid"
    assert "'12345'" in by_code["uid.mismatch"].message
    assert by_code["level.mismatch"].path == "$.level"
    assert has_errors(issues)


@pytest.mark.parametrize(
    ("count", "tripped"), [(1, False), (2, False), (3, True)], ids=["1", "2", "3"]
)
def test_scenario_count(good: DomainPlan, count: int, tripped: bool) -> None:
    scenario = Scenario.model_validate(
        {"name": "x", "roles": [{"label": "Guide", "register": "plain"}]}
    )
    plan = _with(good, scenarios=[scenario.model_dump()] * count)
    assert ("scenarios.count" in _codes(_check(plan))) is tripped


def _buckets(sizes: list[int]) -> list[dict[str, Any]]:
    """Buckets of distinct Japanese items (かな + number keeps them unique and in script)."""
    counter = iter(range(1000))
    return [
        {"name": f"b{i}", "items": [f"ことば{next(counter)}" for _ in range(size)]}
        for i, size in enumerate(sizes)
    ]


@pytest.mark.parametrize(
    ("sizes", "codes"),
    [
        ([7, 7, 7], set()),
        ([14, 14, 14, 14, 14], set()),
        ([10, 10], {"lex_buckets.count"}),
        ([6, 6, 6, 6, 6, 6], {"lex_buckets.count"}),
        ([6, 6, 6], {"lex_buckets.total"}),
        ([5, 10, 10], {"lex_buckets.items.count"}),
        ([15, 10, 10], {"lex_buckets.items.count"}),
    ],
)
def test_bucket_ranges(good: DomainPlan, sizes: list[int], codes: set[str]) -> None:
    issues = _check(_with(good, lex_buckets=_buckets(sizes)))
    assert _codes(issues) == codes


def test_bucket_size_issue_points_at_the_bucket(good: DomainPlan) -> None:
    issues = _check(_with(good, lex_buckets=_buckets([7, 15, 7])))
    assert [i.path for i in issues] == ["$.lex_buckets[1].items"]
    assert issues[0].message == "15 items in bucket 'b1'; expected 6–14."


def test_total_over_100_trips(good: DomainPlan) -> None:
    big = LexBucket(name="big", items=[f"ことば{i}" for i in range(101)])
    codes = _codes(_check(_with(good, lex_buckets=[big.model_dump()] * 1)))
    assert {"lex_buckets.total", "lex_buckets.count"} <= codes


def test_duplicate_within_a_bucket_trips(good: DomainPlan) -> None:
    buckets = _buckets([7, 7, 7])
    buckets[2]["items"][6] = buckets[2]["items"][0]
    issues = _check(_with(good, lex_buckets=buckets))
    assert [(i.code, i.path) for i in issues] == [
        ("lex_buckets.duplicate", "$.lex_buckets[2].items[6]")
    ]


@pytest.mark.parametrize(("count", "tripped"), [(1, True), (2, False), (5, False), (6, True)])
def test_grammar_function_count(good: DomainPlan, count: int, tripped: bool) -> None:
    gf = good.grammar_functions[0].model_dump()
    functions = [{**gf, "id": f"gf_{i + 1:03d}"} for i in range(count)]
    assert (
        "grammar_functions.count" in _codes(_check(_with(good, grammar_functions=functions)))
    ) is tripped


def test_duplicate_grammar_ids_trip(good: DomainPlan) -> None:
    functions = [gf.model_dump() for gf in good.grammar_functions]
    functions[2]["id"] = "gf_001"
    issues = _check(_with(good, grammar_functions=functions))
    assert [(i.code, i.path) for i in issues] == [
        ("grammar_functions.duplicate_id", "$.grammar_functions[2].id")
    ]


@pytest.mark.parametrize(("count", "tripped"), [(1, True), (2, False), (5, False), (6, True)])
def test_success_criteria_count(good: DomainPlan, count: int, tripped: bool) -> None:
    evaluation = {**good.evaluation.model_dump(), "success_criteria": ["ok"] * count}
    codes = _codes(_check(_with(good, evaluation=evaluation)))
    assert ("evaluation.success_criteria.count" in codes) is tripped


@pytest.mark.parametrize(("count", "tripped"), [(0, True), (1, True), (2, False), (9, False)])
def test_discourse_marker_minimum(good: DomainPlan, count: int, tripped: bool) -> None:
    evaluation = {**good.evaluation.model_dump(), "discourse_markers": ["まず"] * count}
    codes = _codes(_check(_with(good, evaluation=evaluation)))
    assert ("evaluation.discourse_markers.count" in codes) is tripped


@pytest.mark.parametrize(("count", "tripped"), [(1, True), (2, False), (5, False), (6, True)])
def test_cultural_theme_count(good: DomainPlan, count: int, tripped: bool) -> None:
    plan = _with(good, cultural_themes_en=["theme"] * count, cultural_themes_ja=["テーマ"] * count)
    assert ("cultural_themes.count" in _codes(_check(plan))) is tripped


def test_cultural_theme_lengths_must_match(good: DomainPlan) -> None:
    plan = _with(good, cultural_themes_ja=good.cultural_themes_ja[:2])
    issues = _check(plan)
    assert [(i.code, i.path) for i in issues] == [
        ("cultural_themes.length_mismatch", "$.cultural_themes_ja")
    ]
    assert "3" in issues[0].message and "2" in issues[0].message


def test_item_without_japanese_is_an_error(good: DomainPlan) -> None:
    buckets = [b.model_dump() for b in good.lex_buckets]
    buckets[1]["items"][0] = "ramen"
    issues = _check(_with(good, lex_buckets=buckets))
    assert [(i.code, i.severity, i.path) for i in issues] == [
        ("script.missing", "error", "$.lex_buckets[1].items[0]")
    ]


def test_latin_letters_in_japanese_are_a_warning(good: DomainPlan) -> None:
    buckets = [b.model_dump() for b in good.lex_buckets]
    buckets[1]["items"][0] = "Tシャツ"
    issues = _check(_with(good, lex_buckets=buckets))
    assert [(i.code, i.severity) for i in issues] == [("script.mixed", "warning")]
    assert not has_errors(issues)


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("communicative_function_ja", "Introduce sights", "$.communicative_function_ja"),
        ("cultural_themes_ja", ["Local food", "歴史", "町"], "$.cultural_themes_ja[0]"),
    ],
)
def test_ja_fields_need_japanese(good: DomainPlan, field: str, value: Any, path: str) -> None:
    issues = _check(_with(good, **{field: value}))
    assert [(i.code, i.path) for i in issues] == [("script.missing", path)]


def test_pattern_ja_needs_japanese(good: DomainPlan) -> None:
    functions = [gf.model_dump() for gf in good.grammar_functions]
    functions[1]["pattern_ja"] = "Verb + masu"
    issues = _check(_with(good, grammar_functions=functions))
    assert [(i.code, i.path) for i in issues] == [
        ("script.missing", "$.grammar_functions[1].pattern_ja")
    ]


@pytest.mark.parametrize("text", ["ラーメン", "お城", "1日3回", "々", "ｶﾀｶﾅ", "〆切"])
def test_japanese_script_accepts(good: DomainPlan, text: str) -> None:
    assert _check(_with(good, communicative_function_ja=text)) == []


def test_script_is_a_parameter(good: DomainPlan) -> None:
    latin = ScriptCheck(
        name="Latin", target=re.compile("[A-Za-zÀ-ÿ]"), foreign=re.compile("[\u3040-\u30ff]")
    )
    issues = check_plan(good, samples.descriptor(GOOD), script=latin)
    assert issues and {i.code for i in issues} == {"script.missing"}
    with pytest.raises(ValueError, match="unknown script"):
        check_plan(good, samples.descriptor(GOOD), script="klingon")


def test_required_kit_words_must_be_bucket_items(good: DomainPlan) -> None:
    kit = samples.tour_kit(min_words=4)
    issues = _check(good, kit)
    # お城, 食べる and 古い are items; 温泉 (hot spring) is not.
    assert [(i.code, i.path) for i in issues] == [("kit.word_missing", "$.lex_buckets")]
    assert "温泉" in issues[0].message
    assert _check(good, samples.tour_kit(min_words=3)) == []


def test_kit_word_matches_an_inflected_item(good: DomainPlan) -> None:
    buckets = [b.model_dump() for b in good.lex_buckets]
    buckets[3]["items"][1] = "食べます"  # was 食べる
    kit = samples.tour_kit(min_words=2)
    assert _check(_with(good, lex_buckets=buckets), kit) == []


def test_kit_requirements_are_capped_by_the_kit(good: DomainPlan) -> None:
    kit = PrelessonKit.model_validate(
        {"words": [{"surface": "お城"}], "requirements": {"min_words": 10, "min_grammar": 5}}
    )
    assert _check(good, kit) == []


def test_required_kit_grammar_must_be_in_a_grammar_function(good: DomainPlan) -> None:
    # The plan has 名詞 + は + 場所 + にあります: "N1はN2にあります" matches by its chunks in order;
    # 〜ましょう is in no grammar function.
    assert _check(good, samples.tour_kit(min_grammar=2)) != []
    functions = [gf.model_dump() for gf in good.grammar_functions]
    functions[1]["pattern_ja"] = "動詞 + ましょう。"
    assert _check(_with(good, grammar_functions=functions), samples.tour_kit(min_grammar=2)) == []
    issues = _check(good, samples.tour_kit(min_grammar=1))
    assert [(i.code, i.path) for i in issues] == [("kit.grammar_missing", "$.grammar_functions")]
    assert "〜ましょう" in issues[0].message


def test_kit_grammar_can_match_the_label(good: DomainPlan) -> None:
    functions = [gf.model_dump() for gf in good.grammar_functions]
    functions[1]["label"] = "Invitations with 〜ましょう"
    assert _check(_with(good, grammar_functions=functions), samples.tour_kit(min_grammar=1)) == []


def test_issues_are_frozen_and_readable(good: DomainPlan) -> None:
    issue = _check(_with(good, cultural_themes_ja=[]))[0]
    with pytest.raises(Exception, match="frozen"):
        issue.code = "x"  # type: ignore[misc]
    assert issue.message.endswith(".")
    assert issue.path.startswith("$")


def test_summarize_counts_by_code_and_severity() -> None:
    issues = [
        QualityIssue(code="a", severity="error", message="m.", path="$"),
        QualityIssue(code="a", severity="error", message="m.", path="$"),
        QualityIssue(code="b", severity="warning", message="m.", path="$"),
    ]
    assert summarize(issues) == {
        "total": 3,
        "errors": 2,
        "warnings": 1,
        "by_code": {"a": 2, "b": 1},
    }
    assert has_errors(issues)
    assert not has_errors(issues[2:])
    assert summarize([]) == {"total": 0, "errors": 0, "warnings": 0, "by_code": {}}
