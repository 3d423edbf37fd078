"""The authored lesson library: every bundled file validates against the model and follows
FORMAT.md's rules, and every bundled descriptor has one."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from lessonplan.planners.offline import load_catalog
from lessonplan.planners.offline.authored import AuthoredLesson, lesson_file_name
from lessonplan.planners.offline.library import (
    AuthoredLessonError,
    lesson_files,
    load_library,
    parse_lesson,
)
from lessonplan.planners.offline.rules import rule_violations

CATALOG = {d.uid: d for d in load_catalog()}
FILES = lesson_files()
SAMPLE = "jf-105.json"


def sample() -> dict[str, Any]:
    file = next(f for f in FILES if f.name == SAMPLE)
    raw: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
    return raw


def lesson_of(raw: dict[str, Any]) -> AuthoredLesson:
    return parse_lesson(json.dumps(raw, ensure_ascii=False), name="lessons/test.json")


@pytest.mark.parametrize("file", FILES, ids=[f.name for f in FILES])
def test_bundled_file_follows_the_format(file: Any) -> None:
    lesson = parse_lesson(file.read_text(encoding="utf-8"), name=f"lessons/{file.name}")
    assert lesson.can_do_id in CATALOG, f"{file.name}: {lesson.can_do_id} is not bundled"
    assert file.name == lesson_file_name(lesson.can_do_id)
    assert lesson.level == CATALOG[lesson.can_do_id].level
    assert rule_violations(lesson) == [], file.name


def test_every_bundled_descriptor_has_an_authored_lesson() -> None:
    """Fails, honestly, while any bundled descriptor lacks its lesson; the list says which."""
    library = load_library()
    missing = [uid for uid in CATALOG if uid not in library]
    assert missing == [], f"{len(missing)} descriptors have no authored lesson: {missing}"


def test_file_names_follow_the_can_do_id() -> None:
    assert lesson_file_name("LP:003") == "lp-003.json"
    assert lesson_file_name("JF:105") == "jf-105.json"
    assert lesson_file_name("JFまるごと:14") == "jfmarugoto-14.json"


def test_an_unknown_field_is_an_error_naming_the_file_and_the_path() -> None:
    raw = sample()
    raw["words"][2]["reading"] = "ねつ"
    with pytest.raises(AuthoredLessonError) as caught:
        lesson_of(raw)
    message = str(caught.value)
    assert message.startswith("lessons/test.json: ")
    assert "$.words[2].reading" in message and "Extra inputs are not permitted" in message


def test_broken_json_is_an_error_naming_the_file() -> None:
    with pytest.raises(AuthoredLessonError, match=r"^lessons/x\.json: not valid JSON"):
        parse_lesson("{", name="lessons/x.json")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda r: r["dialogues"][0]["turns"][0].update(speaker="看護師"),
            "is not one of its roles",
        ),
        (lambda r: r["production"][0].update(grammar="nope"), "is not a grammar key"),
        (lambda r: r["role_plays"][0].update(grammar=["nope"]), "is not a grammar key"),
        (lambda r: r["comprehension"][0].update(dialogue_id="d9"), "is not a dialogue"),
        (lambda r: r["comprehension"][0].update(options=["Yes", "No"]), "exactly"),
        (lambda r: r["words"][0].update(pos="thing"), "$.words[0].pos"),
        (lambda r: r.pop("reading"), "$.reading: Field required"),
    ],
    ids=[
        "speaker",
        "task-grammar",
        "role-play-grammar",
        "dialogue-id",
        "tf-options",
        "pos",
        "missing",
    ],
)
def test_dangling_references_and_bad_values_are_errors(change: Any, expected: str) -> None:
    raw = copy.deepcopy(sample())
    change(raw)
    with pytest.raises(AuthoredLessonError, match=r"lessons/test\.json") as caught:
        lesson_of(raw)
    assert expected in str(caught.value)


def test_the_sample_follows_the_rules() -> None:
    assert rule_violations(lesson_of(sample())) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda r: r["comprehension"][0].update(evidence="インフルエンザですね。"),
            "not a verbatim",
        ),
        (
            lambda r: [
                q.update(answer="True") for q in r["comprehension"] if q["kind"] == "true_false"
            ],
            "true_false keys",
        ),
        (
            lambda r: r["key_expressions"].append({"surface": "いかがですか", "translation": "x"}),
            "is in no dialogue",
        ),
        (
            lambda r: r["words"].append(
                {"surface": "犬", "translation": "dog", "pos": "noun", "bucket": "x"}
            ),
            "'犬' is used in no sentence",
        ),
        (lambda r: r["words"].__delitem__(slice(19, None)), "19 words"),
        (
            lambda r: r["reading"]["sentences"].append(dict(r["dialogues"][0]["turns"][2])),
            "repeats $.dialogues[0].turns[2]",
        ),
        (lambda r: r["grammar"][0].update(pattern_ja="[verb te-form] + ください"), "Latin letters"),
        (lambda r: r["production"].reverse(), "not ordered"),
    ],
    ids=[
        "evidence",
        "all-true",
        "key-expression",
        "unused-word",
        "word-count",
        "repeat",
        "latin",
        "order",
    ],
)
def test_rules_catch_what_a_teacher_would(change: Any, expected: str) -> None:
    raw = copy.deepcopy(sample())
    change(raw)
    raw["reading"]["sentences"] = [
        {"surface": s["surface"], "translation": s["translation"]}
        for s in raw["reading"]["sentences"]
    ]
    problems = rule_violations(lesson_of(raw))
    assert any(expected in p for p in problems), problems
