"""The command line as a user meets it: output, --json, exit codes and one-line errors."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lessonplan.cli.app import app
from lessonplan.config import get_settings
from lessonplan.domain.models import KIT_MAX_WORDS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "data" / "lessonplan.db"
    monkeypatch.setenv("LESSONPLAN_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    for name in ("LESSONPLAN_LLM", "LESSONPLAN_FALLBACK_LLMS", "LESSONPLAN_PROMPT"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_compile_prints_a_readable_lesson(db: Path) -> None:
    code, out, err = cli("compile", "JF:105")
    assert code == 0, err
    assert "Lesson L-" in out and "status complete" in out
    for heading in ("Content", "Dialogue", "Reading", "Comprehension", "Production", "Interaction"):
        assert heading in out
    assert "source: offline" in out
    assert "plan" in err and "interaction" in err  # progress per step on stderr


def test_compile_and_lesson_show_print_romaji_on_request(db: Path) -> None:
    code, out, err = cli("compile", "JF:105", "--romaji")
    assert code == 0, err
    assert "kusuri o ichinichi sankai nonde kudasai" in " ".join(out.split())
    lesson_id = next(w for w in out.split() if w.startswith("L-"))
    code, out, err = cli("lesson", "show", lesson_id, "--romaji")
    assert code == 0, err
    assert "yoku yasunde kudasai" in " ".join(out.split())
    code, out, _ = cli("lesson", "show", lesson_id)
    assert "yoku yasunde kudasai" not in " ".join(out.split())


def test_compile_json_has_source_timings_and_four_stages(db: Path) -> None:
    code, out, _ = cli(
        "compile",
        "JF:105",
        "--profile",
        str(EXAMPLES / "profile.json"),
        "--kit",
        str(EXAMPLES / "kit.json"),
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["source"] == "offline"
    assert data["plan"]["provenance"]["source"] == "offline"
    assert set(data["timings_ms"]) >= {"inputs", "plan", "content", "comprehension", "total"}
    stages = data["lesson"]["stages"]
    assert {name: s["status"] for name, s in stages.items()} == {
        "content": "done",
        "comprehension": "done",
        "production": "done",
        "interaction": "done",
    }
    assert data["lesson"]["learner_id"] == "maria"
    surfaces = json.dumps(stages["content"]["data"], ensure_ascii=False)
    for word in ("熱", "飲", "休"):
        assert word in surfaces


def test_plan_twice_is_generated_then_cached(db: Path) -> None:
    first = json.loads(cli("plan", "JF:106", "--json")[1])
    second = json.loads(cli("plan", "JF:106", "--json")[1])
    assert first["source"] == "offline" and second["source"] == "cache"
    assert first["plan"] == second["plan"]
    assert first["plan"]["uid"] == "JF:106"
    _code, out, _ = cli("plan", "JF:106", "--json", "--no-cache")
    assert json.loads(out)["source"] == "offline"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compile", "NOPE:1"], "unknown Can-Do descriptor 'NOPE:1'"),
        (["compile", "JF:105", "--profile", "/nonexistent/p.json"], "profile file not found"),
        (["compile", "JF:105", "--profile", "{bad}"], "profile file not found"),
        (["plan", "JF:105", "--kit", "/nonexistent/k.json"], "kit file not found"),
        (["lesson", "show", "L-000000000000"], "unknown lesson"),
        (["regenerate", "L-000000000000", "--stage", "content"], "unknown lesson"),
        (["regenerate", "L-000000000000", "--stage", "drills"], "unknown stage 'drills'"),
        (["catalog", "list", "--level", "Z9"], "unknown level"),
        (["prompt", "JF:105", "--variant", "tiny"], "unknown prompt variant"),
    ],
)
def test_bad_input_exits_2_with_one_line(db: Path, args: list[str], message: str) -> None:
    code, out, err = cli(*args)
    assert code == 2
    assert err.startswith("error: ") and message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err + out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON (line 1"),
        ('["a list"]', "must be a JSON object"),
        ('{"learner_id": "x", "favourite_colour": "red"}', "favourite_colour: unknown field"),
        ('{"learner_id": "x", "current_level": "Z1"}', "current_level"),
        ('{"current_level": "A1"}', "learner_id: Field required"),
    ],
)
def test_invalid_profile_is_named_and_nothing_is_written(
    db: Path, tmp_path: Path, content: str, message: str
) -> None:
    cli("init")
    profile = tmp_path / "profile.json"
    profile.write_text(content, encoding="utf-8")
    code, _, err = cli("compile", "JF:105", "--profile", str(profile))
    assert code == 2 and message in err, err
    assert count(db, "lessons") == 0 and count(db, "plan_versions") == 0


def test_init_is_idempotent(db: Path) -> None:
    code1, out1, _ = cli("init")
    code2, out2, _ = cli("init")
    assert code1 == code2 == 0
    assert out1.split(":")[-1] == out2.split(":")[-1]
    assert count(db, "descriptors") >= 40


def test_catalog_import_json_and_csv_all_or_nothing(db: Path, tmp_path: Path) -> None:
    cli("init")
    before = count(db, "descriptors")
    good = tmp_path / "good.json"
    good.write_text(
        json.dumps(
            [
                {"uid": "T:1", "level": "A1", "description_en": "Can greet a neighbour."},
                {
                    "uid": "T:2",
                    "level": "B1",
                    "description_en": "Can explain a delay at work.",
                    "primary_topic_en": "Work",
                },
            ]
        ),
        encoding="utf-8",
    )
    assert cli("catalog", "import", str(good))[0] == 0
    assert count(db, "descriptors") == before + 2

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "uid,level,description_en\nT:3,A2,Can buy a ticket.\nT:4,Z9,Bad level.\nT:5,A1,\n",
        encoding="utf-8",
    )
    code, _, err = cli("catalog", "import", str(bad))
    assert code == 2
    assert "2 bad row(s), nothing imported" in err
    assert "row 3: level" in err and "row 4: description_en" in err
    assert count(db, "descriptors") == before + 2  # T:3 was valid but not imported

    code, out, _ = cli("catalog", "list", "--level", "B1", "--json")
    assert "T:2" in {d["uid"] for d in json.loads(out)}


def test_regenerate_versions_diff_and_rollback(db: Path, tmp_path: Path) -> None:
    profile = str(EXAMPLES / "profile.json")
    compiled = json.loads(cli("compile", "JF:105", "--profile", profile, "--json")[1])
    lesson_id = compiled["lesson_id"]

    code, out, _ = cli("regenerate", lesson_id, "--stage", "production", "--json")
    assert code == 0
    regen = json.loads(out)
    assert regen["version"] == 2 and regen["plan_source"] == "reused"

    plan = compiled["lesson"]["plan"]
    plan["evaluation"]["success_criteria"].append("Thanks the doctor politely.")
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    assert cli("edit", "JF:105", str(edited), "--profile", profile)[0] == 0

    code, out, _ = cli("versions", "JF:105", "--profile", profile, "--json")
    assert [v["version"] for v in json.loads(out)] == [1, 2]
    code, out, _ = cli("diff", "JF:105", "1", "2", "--profile", profile)
    assert code == 0 and "Thanks the doctor politely." in out
    code, out, _ = cli("diff", "JF:105", "1", "2", "--profile", profile, "--json")
    patch = json.loads(out)["json_patch"]
    assert any("success_criteria" in op["path"] for op in patch)
    code, out, _ = cli("rollback", "JF:105", "1", "--profile", profile)
    assert code == 0 and "version 3" in out
    code, out, _ = cli("versions", "JF:105", "--profile", profile, "--json")
    assert [(v["version"], v["source"]) for v in json.loads(out)] == [
        (1, "offline"),
        (2, "manual_edit"),
        (3, "rollback"),
    ]
    code, _, err = cli("diff", "JF:105", "1", "9", "--profile", profile)
    assert code == 2 and "no plan version 9" in err

    shown = json.loads(cli("lesson", "show", lesson_id, "--version", "1", "--json")[1])
    assert shown["version"] == 1


def test_cache_commands_and_stats(db: Path) -> None:
    cli("plan", "JF:105", "--json")
    cli("plan", "JF:105", "--json")
    code, out, _ = cli("cache", "stats", "--json")
    data = json.loads(out)
    assert data["entries"] == 1 and data["total_hits"] == 1 and data["hit_rate"] == 0.5
    code, out, _ = cli("stats", "--json")
    stats = json.loads(out)
    assert stats["plan_requests"] == 2 and stats["plan_requests_by_source"] == {
        "cache": 1,
        "offline": 1,
    }
    code, out, _ = cli("cache", "invalidate", "JF:105")
    assert "invalidated 1" in out
    code, out, _ = cli("cache", "purge")
    assert code == 0 and "purged 0" in out


def test_prompt_prints_variant_and_exact_token_count(db: Path) -> None:
    profile = str(EXAMPLES / "profile.json")
    kit = str(EXAMPLES / "kit.json")
    compact = json.loads(cli("prompt", "JF:105", "--profile", profile, "--kit", kit, "--json")[1])
    full = json.loads(
        cli("prompt", "JF:105", "--profile", profile, "--kit", kit, "--variant", "full", "--json")[
            1
        ]
    )
    assert 0 < compact["tokens"] < full["tokens"]
    assert "maria" not in compact["user"]  # identifiers are never sent
    code, out, _ = cli("prompt", "JF:105", "--variant", "full")
    assert code == 0 and "full prompt:" in out and "tokens" in out


def test_precompile_warms_the_cache_for_a_level(db: Path) -> None:
    code, out, _ = cli("precompile", "--level", "A1", "--concurrency", "4", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["total"] >= 8 and report["failures"] == {}
    assert report["by_source"] == {"offline": report["total"]}
    again = json.loads(cli("precompile", "--level", "A1", "--json")[1])
    assert again["by_source"] == {"cache": report["total"]}


def test_lesson_list_filters_by_learner(db: Path) -> None:
    mine = json.loads(
        cli("compile", "JF:105", "--profile", str(EXAMPLES / "profile.json"), "--json")[1]
    )
    cli("compile", "JF:106", "--json")
    code, out, _ = cli("lesson", "list", "--learner", "maria", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [(r["lesson_id"], r["can_do_id"], r["status"]) for r in rows] == [
        (mine["lesson_id"], "JF:105", "complete")
    ]
    assert len(json.loads(cli("lesson", "list", "--json")[1])) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", "JF:105", "--prompt", "tiny"], "--prompt: Input should be 'compact' or 'full'"),
        (["compile", "JF:105", "--prompt", "tiny"], "--prompt"),
        (["serve", "--port", "99999"], "'--port': Input should be less than or equal to 65535"),
        (["serve", "--port", "http"], "'--port'"),
        (["serve", "--host", "0.0.0.0"], "no API key is configured"),
        (["precompile", "--level", "Q9"], "unknown level 'Q9'"),
        (["precompile", "--concurrency", "0"], "'--concurrency'"),
        (["cache", "invalidate", "NOPE:1"], "unknown Can-Do descriptor 'NOPE:1'"),
        (["plan", "JF:105", "--bogus"], "No such option: --bogus"),
        (["regenerate", "L-1"], "Missing option '--stage'"),
    ],
)
def test_more_bad_input_exits_2_with_one_line(db: Path, args: list[str], message: str) -> None:
    code, out, err = cli(*args)
    assert code == 2, (code, out, err)
    assert err.startswith("error: ") and message in err, err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err + out


def _write(tmp_path: Path, name: str, data: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")  # "\udc80" is written as its escape
    return str(path)


@pytest.mark.parametrize(
    "profile",
    [
        {"learner_id": "x", "learning_goals": ["\udc80"]},
        {"learner_id": "x", "usage_context": {"scenario_details": ["a\ud800b"]}},
        {"learner_id": "x", "previous_knowledge": "nul \x00 here"},
    ],
)
def test_unencodable_profile_text_exits_2(db: Path, tmp_path: Path, profile: object) -> None:
    path = _write(tmp_path, "profile.json", profile)
    for command in (["plan", "JF:105"], ["compile", "JF:105"], ["learner", "save"]):
        args = [*command, "--profile", path] if command[0] != "learner" else [*command, path]
        code, out, err = cli(*args)
        assert code == 2, (args, err)
        assert err.startswith("error: ") and len(err.strip().splitlines()) == 1, err
        assert "Traceback" not in err + out


def test_a_kit_over_its_cap_exits_2_naming_the_cap(db: Path, tmp_path: Path) -> None:
    words = [{"surface": f"語{i}"} for i in range(10_000)]
    kit = _write(tmp_path, "kit.json", {"words": words, "requirements": {"min_words": 10_000}})
    code, _, err = cli("plan", "JF:105", "--kit", kit)
    assert code == 2 and f"at most {KIT_MAX_WORDS} items" in err, err
    assert len(err.strip().splitlines()) == 1


def test_serve_warns_about_sqlite_workers_and_loopback(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    started: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: started.append(kw))
    code, _, err = cli("serve", "--workers", "2")
    assert code == 0, err
    assert "single-flight is per process" in err and "loopback only" in err
    assert started[0]["host"] == "127.0.0.1" and started[0]["workers"] == 2
    monkeypatch.setenv("LESSONPLAN_API_KEYS", "serve-admin-key-123456")
    get_settings.cache_clear()
    code, _, err = cli("serve", "--host", "0.0.0.0")
    assert code == 0 and "loopback" not in err, err
    assert started[1]["host"] == "0.0.0.0"


def test_commands_that_do_not_generate_need_no_api_key(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LESSONPLAN_LLM", "openai:gpt-4o")
    monkeypatch.setenv("LESSONPLAN_FALLBACK_LLMS", "anthropic:claude-haiku-4-5")
    get_settings.cache_clear()
    for args in (
        ["init"],
        ["catalog", "list"],
        ["catalog", "show", "JF:105"],
        ["lesson", "list"],
        ["stats"],
        ["cache", "stats"],
        ["versions", "JF:105"],
        ["prompt", "JF:105"],
    ):
        code, _, err = cli(*args)
        assert code == 0, (args, err)
    code, _, err = cli("plan", "JF:105")
    assert code == 2 and "OPENAI_API_KEY is not set" in err, err
    assert len(err.strip().splitlines()) == 1
    assert count(db, "plan_versions") == 0


def test_catalog_show_and_readable_tables(db: Path) -> None:
    code, out, _ = cli("catalog", "show", "JF:105", "--json")
    assert code == 0
    shown = json.loads(out)
    listed = {d["uid"]: d for d in json.loads(cli("catalog", "list", "--json")[1])}
    assert shown == listed["JF:105"] and shown["description_en"]
    code, out, _ = cli("catalog", "show", "JF:105")
    assert code == 0 and "description_en" in out and shown["description_en"][:30] in out
    code, _, err = cli("catalog", "show", "NOPE:1")
    assert code == 2 and "unknown Can-Do descriptor 'NOPE:1'" in err

    code, out, _ = cli("precompile", "--level", "A1")
    assert code == 0 and "precompiled" in out and "offline" in out
    assert "{" not in out and "'" not in out  # a table, not a Python dict
    code, out, _ = cli("cache", "stats")
    assert code == 0 and "hit rate" in out and "entries" in out
    assert "{" not in out
