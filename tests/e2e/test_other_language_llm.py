"""A Spanish descriptor compiled end to end with an LLM: imported with the plain importer, then
``lessonplan compile`` through the real ``openai`` and ``anthropic`` SDKs against the project's
simulated server, which writes the Spanish plan and stages a careful model would."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from benchmarks.simserver import SimServerHandle
from typer.testing import CliRunner

from lessonplan.cli.app import app
from lessonplan.config import get_settings
from tests.simserver_fixture import sim_server  # noqa: F401

JAPANESE_CHARS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
CATALOG = (
    "uid,level,description_en,description_es,title_es,primary_topic_en,target_language\n"
    "ES:CAFE,A2,Can order drinks and food in a café and pay the bill.,"
    "Puede pedir bebidas y comida en una cafetería y pagar la cuenta.,En la cafetería,"
    "Food and drink,es\n"
    "KO:1,A1,Can order a coffee.,,,Food and drink,ko\n"
)


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(params=["openai:gpt-4o-mini", "anthropic:claude-3-5-haiku-latest"])
def llm_env(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sim_server: SimServerHandle,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[SimServerHandle]:
    monkeypatch.setenv("LESSONPLAN_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'lp.db'}")
    monkeypatch.setenv("LESSONPLAN_LLM", request.param)
    monkeypatch.setenv("OPENAI_BASE_URL", sim_server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sim-key")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", sim_server.base_url.removesuffix("/v1"))
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sim-key")
    monkeypatch.setenv("LESSONPLAN_LLM_RETRY_BASE_SECONDS", "0.01")
    monkeypatch.setenv("LESSONPLAN_QUALITY_POLICY", "reject")  # an error would fail the lesson
    get_settings.cache_clear()
    catalog = tmp_path / "es.csv"
    catalog.write_text(CATALOG, encoding="utf-8")
    assert cli("init")[0] == 0
    code, _, err = cli("catalog", "import", str(catalog))
    assert code == 0, err
    yield sim_server
    get_settings.cache_clear()


def _texts(value: Any) -> Iterator[dict[str, Any]]:
    """Every target-language text object (surface + translation) in a stage's JSON."""
    if isinstance(value, dict):
        if "surface" in value and "translation" in value:
            yield value
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def test_a_spanish_descriptor_compiles_to_a_complete_spanish_lesson(
    llm_env: SimServerHandle,
) -> None:
    code, out, err = cli("compile", "ES:CAFE", "--json")
    assert code == 0, err
    data = json.loads(out)
    lesson = data["lesson"]
    assert data["status"] == "complete" and data["source"] == "generated"
    assert lesson["plan"]["uid"] == "ES:CAFE" and lesson["plan"]["level"] == "A2"
    assert llm_env.stats()["by_task"] == {
        "plan": 1,
        "content": 1,
        "comprehension": 1,
        "production": 1,
        "interaction": 1,
    }
    issues = data["plan"]["quality_issues"] + lesson["quality_issues"]
    for name, record in lesson["stages"].items():
        assert record["status"] == "done", (name, record["error"])
        issues += record["quality_issues"]
    assert [i for i in issues if i["severity"] == "error"] == []
    assert not [i for i in issues if i["code"].startswith("script.")]
    turns = lesson["stages"]["content"]["data"]["dialogue"]["turns"]
    assert turns[1]["text"]["surface"] == "Buenos días. ¿Me pone un café con leche, por favor?"
    texts = [t for stage in lesson["stages"].values() for t in _texts(stage["data"])]
    assert len(texts) > 60
    # Spanish throughout: no Japanese character, and no reading, romaji or furigana derived.
    assert not [t["surface"] for t in texts if JAPANESE_CHARS.search(t["surface"])]
    assert not [t for t in texts if t.get("reading") or t.get("romaji") or t.get("furigana")]
    assert not JAPANESE_CHARS.search(json.dumps(lesson["plan"], ensure_ascii=False))

    code, out, err = cli("lesson", "show", data["lesson_id"])
    assert code == 0, err
    assert "¿Me pone un café con leche" in out


def test_lessonplan_check_reads_a_stored_spanish_lesson_in_spanish(
    llm_env: SimServerHandle, tmp_path: Path
) -> None:
    """``lesson show --json`` names the target language, so ``check`` needs no option; the same
    file with a Japanese and a Cyrillic dialogue line fails."""
    code, out, err = cli("compile", "ES:CAFE", "--json")
    assert code == 0, err
    assert json.loads(out)["lesson"]["target_language"] == "es"
    code, out, err = cli("lesson", "show", json.loads(out)["lesson_id"], "--json")
    assert code == 0, err
    stored = json.loads(out)
    assert stored["target_language"] == "es"
    path = tmp_path / "lesson.json"
    path.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
    code, out, err = cli("check", str(path))
    assert code == 0, out + err
    assert "0 errors" in err

    turns = stored["stages"]["content"]["data"]["dialogue"]["turns"]
    turns[1]["text"]["surface"] = "コーヒーを一つください。"
    turns[2]["text"]["surface"] = "Хорошо. Что-нибудь поесть?"
    path.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
    code, out, err = cli("check", str(path))
    assert code == 1
    errors = [line.split()[1:3] for line in out.splitlines() if line.startswith("error")]
    assert errors == [
        ["script.missing", "$.stages.content.data.dialogue.turns[1].text.surface:"],
        ["script.missing", "$.stages.content.data.dialogue.turns[2].text.surface:"],
        # and comprehension question q1 now quotes a line the dialogue no longer has
        ["comprehension.evidence", "$.stages.comprehension.data.questions[0].evidence:"],
    ]
    assert "is not written in Latin script" in out


def test_the_simulated_model_refuses_a_language_it_has_no_lesson_in(
    llm_env: SimServerHandle, caplog: pytest.LogCaptureFixture
) -> None:
    """Korean: no Japanese lesson comes back in its place; the compile fails plainly (the
    upstream's reason is logged, the user sees the provider's bad request)."""
    code, out, err = cli("compile", "KO:1")
    assert code == 1
    assert "Traceback" not in out + err
    assert "error:" in err and "400 Bad Request" in err
    assert "Japanese and es lessons only, not 'ko'" in caplog.text
    assert llm_env.stats()["by_task"].get("content") is None
