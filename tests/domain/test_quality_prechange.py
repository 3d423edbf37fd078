"""The checks see what the teacher saw in the old offline lessons (issue #11).

``tests/fixtures/prechange_offline`` holds lessons of the slot-filling offline planner, compiled
before issue #11. Every defect class of the review must be flagged there.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from lessonplan.domain.lesson import ContentStage
from lessonplan.domain.quality import QualityIssue, check_catalog
from lessonplan.domain.quality.document import check_document
from lessonplan.planners.offline import load_catalog

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "prechange_offline"


def _lessons() -> dict[str, dict[str, Any]]:
    return {p.name: json.loads(p.read_text("utf-8")) for p in sorted(FIXTURES.glob("*.json"))}


@pytest.fixture(scope="module")
def found() -> dict[str, list[QualityIssue]]:
    catalog = {d.uid: d for d in load_catalog()}
    return {name: check_document(doc, descriptors=catalog) for name, doc in _lessons().items()}


def _codes(issues: list[QualityIssue]) -> set[tuple[str, str]]:
    return {(i.code, i.severity) for i in issues}


# Defects every old lesson has: all-True keys, 50 words, whole-text readings without furigana,
# romaji spaced at random, lines copied from the dialogue into the role-play, no key expressions.
EVERY_LESSON = {
    ("comprehension.tf_unbalanced", "error"),
    ("content.words_count", "error"),
    ("text.furigana_missing", "warning"),
    ("text.romaji_spacing", "warning"),
    ("lesson.line_repeated", "warning"),
    ("plan.key_expressions_missing", "warning"),
}
# Defects of some lessons: 降ってください/生まれてください, "jitsuha", plain role-plays graded on
# the polite register, a plain host saying です/ます, too many words above the level,
# readings and romaji the text layer disagrees with.
SOME_LESSON = {
    ("grammar.nonvolitional_request", "error"),
    ("text.romaji_particle", "error"),
    ("interaction.criteria_register", "error"),
    ("register.line", "warning"),
    ("content.words_above_level", "warning"),
    ("text.reading_mismatch", "warning"),
    ("text.romaji_mismatch", "warning"),
    # a doctor answering thanks with どういたしまして, 父 asked about a friend's father,
    # "I often be born" / "This is the today."
    ("dialogue.reply_misfit", "warning"),
    ("dialogue.kinship_humble", "warning"),
    ("text.translation_ungrammatical", "warning"),
    # the patient asking the doctor about the patient's own head; the doctor telling the patient
    # 「頭は痛いですよ」
    ("dialogue.roles_reversed", "warning"),
}


def test_every_old_lesson_shows_the_shared_defects(found: dict[str, list[QualityIssue]]) -> None:
    assert len(found) >= 12
    for name, issues in found.items():
        assert _codes(issues) >= EVERY_LESSON, (name, EVERY_LESSON - _codes(issues))


def test_each_remaining_defect_class_is_flagged_somewhere(
    found: dict[str, list[QualityIssue]],
) -> None:
    seen = set().union(*(_codes(issues) for issues in found.values()))
    assert seen >= SOME_LESSON, SOME_LESSON - seen


def test_the_defects_are_flagged_where_they_are(found: dict[str, list[QualityIssue]]) -> None:
    rain = [i for i in found["lp-005.lesson.json"] if i.code == "grammar.nonvolitional_request"]
    assert any("降る" in i.message for i in rain)
    born = [i for i in found["lp-001.lesson.json"] if i.code == "grammar.nonvolitional_request"]
    assert any("生まれる" in i.message and "生まれてください" in i.message for i in born)
    particle = [i for issues in found.values() for i in issues if i.code == "text.romaji_particle"]
    assert any("'jitsuha'" in i.message for i in particle)
    words = next(i for i in found["jf-105.lesson.json"] if i.code == "content.words_count")
    assert "50 words" in words.message and words.path == "$.stages.content.data.words"
    reversed_ = [i for i in found["jf-105.lesson.json"] if i.code == "dialogue.roles_reversed"]
    assert any("Doctor tells" in i.message and "頭は痛いですよ" in i.message for i in reversed_)
    keys = next(i for i in found["lp-003.lesson.json"] if i.code == "comprehension.tf_unbalanced")
    assert "answer True" in keys.message


def test_every_old_lesson_fails_the_gate(found: dict[str, list[QualityIssue]]) -> None:
    for name, issues in found.items():
        assert any(i.severity == "error" for i in issues), name


def test_the_catalog_check_sees_one_dialogue_for_every_lesson() -> None:
    contents = {
        name: ContentStage.model_validate(doc["stages"]["content"]["data"])
        for name, doc in _lessons().items()
    }
    counts = Counter(i.code for i in check_catalog(contents))
    assert counts["catalog.dialogue_duplicate"] >= len(contents) - 1
    assert counts["catalog.reading_duplicate"] + counts["catalog.reading_template"] >= 1
