"""diff_plans (readable, per part) and json_patch (exact, RFC 6902)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from lessonplan.domain.diff import apply_json_patch, diff_plans, json_patch
from lessonplan.domain.models import DomainPlan, normalize_plan
from tests.domain import samples


@pytest.fixture
def old() -> DomainPlan:
    return samples.plan("jfmarugoto-14")


def _changed(plan: DomainPlan, change: Any) -> DomainPlan:
    data = plan.model_dump(mode="json")
    change(data)
    return DomainPlan.model_validate(data)


def test_identical_plans_have_an_empty_diff(old: DomainPlan) -> None:
    diff = diff_plans(old, old.model_copy(deep=True))
    assert diff.is_empty
    assert diff.to_lines() == []


def test_communicative_function_change(old: DomainPlan) -> None:
    new = _changed(old, lambda d: d.update(communicative_function_en="Give a city tour."))
    assert diff_plans(old, new).to_lines() == [
        "communicative_function_en: 'Introduce famous sights and local specialties in simple "
        "terms.' → 'Give a city tour.'"
    ]


def test_scenarios_added_removed_and_changed(old: DomainPlan) -> None:
    def change(d: dict[str, Any]) -> None:
        d["scenarios"][0]["roles"][1]["register"] = "polite"
        d["scenarios"][0]["roles"].append({"label": "Shopkeeper", "register": "polite"})
        d["scenarios"][0]["setting"] = "Kanazawa"
        d["scenarios"][1] = {
            "name": "Food Market",
            "setting": "Omicho market",
            "roles": [{"label": "Guide", "register": "plain"}],
        }

    diff = diff_plans(old, _changed(old, change))
    assert [s.name for s in diff.scenarios_added] == ["Food Market"]
    assert [s.name for s in diff.scenarios_removed] == ["City Tour"]
    lines = diff.to_lines()
    assert "scenarios + Food Market (Guide/plain)" in lines
    assert "scenarios - City Tour" in lines
    assert "scenarios[Hometown Tour].roles[Friend].register: 'plain' → 'polite'" in lines
    assert "scenarios[Hometown Tour].roles + Shopkeeper/polite" in lines
    assert any(line.startswith("scenarios[Hometown Tour].setting: ") for line in lines)


def test_bucket_items_added_and_removed(old: DomainPlan) -> None:
    def change(d: dict[str, Any]) -> None:
        d["lex_buckets"][1]["items"].remove("寿司")
        d["lex_buckets"][1]["items"].append("金沢カレー")
        d["lex_buckets"].pop(4)  # Directional Phrases
        d["lex_buckets"].append({"name": "Shops", "items": ["市場", "店"]})

    diff = diff_plans(old, _changed(old, change))
    lines = diff.to_lines()
    assert "lex_buckets[Local Specialties] + 金沢カレー" in lines
    assert "lex_buckets[Local Specialties] - 寿司" in lines
    assert "lex_buckets - Directional Phrases" in lines
    assert "lex_buckets + Shops: 市場, 店" in lines
    assert len(lines) == 4


def test_grammar_functions_matched_by_pattern_when_ids_shift(
    old: DomainPlan,
) -> None:
    """Inserting a function renumbers the ids after it; that is not a change of those functions."""

    def change(d: dict[str, Any]) -> None:
        d["grammar_functions"].insert(
            0, {"id": "x", "label": "Invitations", "pattern_ja": "動詞 + ましょう。", "slots": []}
        )
        d["grammar_functions"][2]["notes_en"] = "Polite verbs for the tour."

    new = normalize_plan(_changed(old, change), samples.descriptor("jfmarugoto-14"))
    diff = diff_plans(old, new)
    assert [g.pattern_ja for g in diff.grammar_added] == ["動詞 + ましょう。"]
    assert diff.grammar_removed == []
    changed = {g.pattern_ja: [c.field for c in g.changes] for g in diff.grammar_changed}
    assert changed["動詞 + ます。"] == ["id", "notes_en"]
    assert changed["名詞 + は + 形容詞 + です。"] == ["id"]
    assert "grammar_functions + gf_001 動詞 + ましょう。 (Invitations)" in diff.to_lines()


def test_grammar_function_pattern_change_matched_by_id(old: DomainPlan) -> None:
    new = _changed(
        old,
        lambda d: d["grammar_functions"][2].update(pattern_ja="名詞 + に + 名詞 + があります。"),
    )
    lines = diff_plans(old, new).to_lines()
    assert lines == [
        "grammar_functions[gf_003].pattern_ja: "
        "'名詞 + は + 場所 + にあります。' → '名詞 + に + 名詞 + があります。'"
    ]


def test_grammar_function_removed(old: DomainPlan) -> None:
    new = _changed(old, lambda d: d["grammar_functions"].pop())
    assert diff_plans(old, new).to_lines() == [
        "grammar_functions - gf_003 名詞 + は + 場所 + にあります。"
    ]


def test_evaluation_and_themes(old: DomainPlan) -> None:
    def change(d: dict[str, Any]) -> None:
        d["evaluation"]["discourse_markers"].remove("最後に")
        d["evaluation"]["success_criteria"].append("The guide recommends a dish.")
        d["cultural_themes_en"].append("Omiyage culture.")
        d["cultural_themes_ja"].append("お土産の文化。")

    lines = diff_plans(old, _changed(old, change)).to_lines()
    assert lines == [
        "evaluation.success_criteria + The guide recommends a dish.",
        "evaluation.discourse_markers - 最後に",
        "cultural_themes_en + Omiyage culture.",
        "cultural_themes_ja + お土産の文化。",
    ]


def test_order_only_changes_are_reported(old: DomainPlan) -> None:
    def change(d: dict[str, Any]) -> None:
        d["lex_buckets"].reverse()
        d["lex_buckets"][0]["items"].reverse()

    diff = diff_plans(old, _changed(old, change))
    assert not diff.is_empty
    assert diff.to_lines() == [
        "lex_buckets: order changed",
        "lex_buckets[Directional Phrases]: order changed",
    ]


def test_diff_is_json_serialisable(old: DomainPlan) -> None:
    new = samples.plan("jf-106")
    dumped = diff_plans(old, new).model_dump(mode="json")
    assert dumped["fields"][0] == {"field": "uid", "old": "JFまるごと:14", "new": "JF:106"}


@pytest.mark.parametrize(
    ("a", "b"), [("jf-105", "jf-106"), ("jf-106", "jfmarugoto-14"), ("jfmarugoto-14", "jf-105")]
)
def test_json_patch_round_trip(a: str, b: str) -> None:
    old = samples.plan(a).model_dump(mode="json")
    new = samples.plan(b).model_dump(mode="json")
    before = copy.deepcopy(old)
    patch = json_patch(old, new)
    assert patch and all(
        op["op"] in {"add", "remove", "replace", "move", "copy", "test"} for op in patch
    )
    assert apply_json_patch(old, patch) == new
    assert old == before  # applied to a copy


def test_json_patch_of_a_small_edit(old: DomainPlan) -> None:
    before = old.model_dump(mode="json")
    after = copy.deepcopy(before)
    after["lex_buckets"][1]["items"][0] = "味噌ラーメン"
    assert json_patch(before, after) == [
        {"op": "replace", "path": "/lex_buckets/1/items/0", "value": "味噌ラーメン"}
    ]
    assert json_patch(before, before) == []
