"""A non-Japanese descriptor offline: the offline planner teaches Japanese only, so it refuses
plainly (exit 2, a precompile failure of that descriptor alone), never a traceback and
never a Japanese lesson; and the plain importer keeps ``title_<language>`` columns."""

from __future__ import annotations

import json
from pathlib import Path

from lessonplan.catalog import read_catalog
from tests.cli.test_cli import cli, count, db  # noqa: F401  (the db fixture)

SPANISH = (
    "uid,level,description_en,description_es,title_es,target_language\n"
    "ES:1,A2,Can order a coffee in a café.,Puede pedir un café en una cafetería.,"
    "En la cafetería,es\n"
)
REASON = "descriptor 'ES:1' teaches 'es'; the offline planner's curriculum is Japanese only"


def _import(tmp_path: Path) -> None:
    catalog = tmp_path / "es.csv"
    catalog.write_text(SPANISH, encoding="utf-8")
    assert cli("init")[0] == 0
    code, _, err = cli("catalog", "import", str(catalog))
    assert code == 0, err


def test_compile_and_plan_offline_refuse_a_spanish_descriptor(
    db: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    _import(tmp_path)
    for args in (("compile", "ES:1", "--json"), ("plan", "ES:1", "--json"), ("plan", "ES:1")):
        code, out, err = cli(*args)
        assert code == 2, args
        assert out == ""  # no lesson, no plan, no JSON of either
        lines = [line for line in err.splitlines() if line.startswith("error:")]
        assert lines == [f"error: {REASON}: compile it with an LLM (--llm / LESSONPLAN_LLM)"]
        assert "Traceback" not in err
    assert count(db, "lessons") == 0 and count(db, "plan_versions") == 0


def test_offline_precompile_fails_the_spanish_descriptor_alone(
    db: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    _import(tmp_path)
    code, out, err = cli("precompile", "--level", "A2", "--json")
    assert code == 1, err
    report = json.loads(out)
    assert report["failures"] == {
        "ES:1": f"unsupported_language: {REASON}: compile it with an LLM (--llm / LESSONPLAN_LLM)"
    }
    assert report["by_source"]["error"] == 1
    assert report["by_source"]["offline"] == report["total"] - 1 > 0
    code, _, err = cli("precompile", "--query", "cafetería", "--dry-run")
    assert code == 2 and REASON in err


def test_a_dry_run_with_an_llm_estimates_a_spanish_descriptor(
    db: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    _import(tmp_path)
    code, out, err = cli(
        "precompile", "--query", "cafetería", "--dry-run", "--llm", "openai:gpt-4o-mini", "--json"
    )
    assert code == 0, err
    estimate = json.loads(out)
    assert estimate["jobs"] == 1 and estimate["expected_llm_calls"] == 1
    assert estimate["estimated_prompt_tokens"] > 0 < estimate["estimated_completion_tokens"]


def test_title_columns_in_other_languages_are_kept(
    db: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    report = read_catalog(SPANISH, fmt="csv")
    assert not report.problems
    (descriptor,) = report.descriptors
    assert descriptor.titles == {"es": "En la cafetería"}
    _import(tmp_path)
    shown = json.loads(cli("catalog", "show", "ES:1", "--json")[1])
    assert shown["titles"] == {"es": "En la cafetería"}
    code, out, _ = cli("catalog", "show", "ES:1")
    assert code == 0 and "title_es" in out and "En la cafetería" in out
    code, out, _ = cli("catalog", "list", "--query", "cafetería", "--json")
    assert [d["uid"] for d in json.loads(out)] == ["ES:1"]
