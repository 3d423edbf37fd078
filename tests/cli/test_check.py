"""``lessonplan check FILE``: one line per issue; exit 0 clean, 1 with errors, 2 bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lessonplan.cli.app import app
from lessonplan.japanese import annotate_model
from tests.domain import samples

PRECHANGE = Path(__file__).resolve().parents[1] / "fixtures" / "prechange_offline"


def _check(*args: str) -> Any:
    return CliRunner().invoke(app, ["check", *args])


def _clean_lesson(*, annotated: bool) -> dict[str, Any]:
    stages = {
        "content": samples.content_stage(),
        "comprehension": samples.comprehension_stage(),
        "production": samples.production_stage(),
        "interaction": samples.interaction_stage(),
    }
    return {
        "plan": samples.plan("jfmarugoto-14").model_dump(mode="json"),
        "metalanguage": "en",
        "stages": {
            name: (annotate_model(stage) if annotated else stage).model_dump(mode="json")
            for name, stage in stages.items()
        },
    }


@pytest.mark.parametrize("annotated", [True, False])
def test_a_clean_lesson_exits_0(tmp_path: Path, annotated: bool) -> None:
    path = tmp_path / "lesson.json"
    path.write_text(json.dumps(_clean_lesson(annotated=annotated), ensure_ascii=False), "utf-8")
    result = _check(str(path))
    assert result.exit_code == 0, result.output
    assert not [line for line in result.stdout.splitlines() if line.startswith("error ")]


def test_an_old_offline_lesson_exits_1_with_one_line_per_issue() -> None:
    path = PRECHANGE / "lp-005.lesson.json"
    result = _check(str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines and all(line.split(" ", 1)[0] in {"error", "warning", "info"} for line in lines)
    assert any(
        line.startswith("error grammar.nonvolitional_request $.stages.")
        and "降ってください" in line
        for line in lines
    )
    assert "error comprehension.tf_unbalanced $.stages.comprehension.data.questions: " in (
        "\n".join(lines)
    )
    as_json = json.loads(_check(str(path), "--json").stdout)
    assert len(as_json) == len(lines)
    assert {"code", "severity", "path", "message"} <= set(as_json[0])


def test_a_wrong_romaji_in_a_teacher_file_is_an_error(tmp_path: Path) -> None:
    lesson = _clean_lesson(annotated=False)
    turn = lesson["stages"]["content"]["dialogue"]["turns"][0]["text"]
    turn.update(reading="あれがゆうめいなお城だよ。", romaji="Are ga yuumei na O城 da yo.")
    path = tmp_path / "teacher.json"
    path.write_text(json.dumps(lesson, ensure_ascii=False), "utf-8")
    result = _check(str(path))
    assert result.exit_code == 1
    where = "$.stages.content.dialogue.turns[0].text"
    assert f"error text.reading_script {where}.reading: " in result.stdout
    assert f"error text.romaji_script {where}.romaji: " in result.stdout


def test_a_plan_file_and_plan_json_output_are_checked(tmp_path: Path) -> None:
    plan = samples.plan("jf-105").model_dump(mode="json")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, ensure_ascii=False), "utf-8")
    result = _check(str(path))
    assert result.exit_code == 1  # JF:105 repeats items across buckets
    assert "error lex_buckets.duplicate $.lex_buckets[" in result.stdout
    wrapped = tmp_path / "plan-output.json"
    wrapped.write_text(json.dumps({"source": "cache", "plan": plan}, ensure_ascii=False), "utf-8")
    assert "$.plan.lex_buckets[" in _check(str(wrapped)).stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "file not found"),
        ("{not json", "not valid JSON"),
        ('{"hello": 1}', "not a lesson or plan"),
        ('{"plan": {"uid": "x"}, "stages": {}}', "not a valid plan"),
        ("[1, 2]", "not a lesson or plan"),
    ],
)
def test_unreadable_or_invalid_input_exits_2_with_one_line(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "input.json"
    if content is not None:
        path.write_text(content, "utf-8")
    result = _check(str(path))
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_compile_json_output_is_checked_with_paths_into_it(tmp_path: Path) -> None:
    lesson = json.loads((PRECHANGE / "lp-003.lesson.json").read_text("utf-8"))
    path = tmp_path / "compile-output.json"
    path.write_text(json.dumps({"lesson_id": "L-1", "lesson": lesson}, ensure_ascii=False), "utf-8")
    result = _check(str(path))
    assert result.exit_code == 1
    assert "error content.words_count $.lesson.stages.content.data.words: " in result.stdout
