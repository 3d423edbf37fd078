"""Every command of the README's "Using it" block runs as written, against a temporary database.

Each ``lessonplan`` line runs twice: without its ``[…]`` optional parts and with all of them.
``L-…`` becomes the id of the lesson ``compile`` made; ``> FILE`` writes stdout to FILE. Only
``serve`` (which would not return) is left out, and checked with ``--help``.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lessonplan.cli.app import app
from lessonplan.config import get_settings

REPO = Path(__file__).resolve().parents[1]
OPTIONAL = re.compile(r"\s*\[([^\]]*)\]")


def using_it_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Using it", 1)[1].split("\n## ", 1)[0]
    block = section.split("```bash", 1)[1].split("```", 1)[0]
    lines = [line.split("  #", 1)[0].strip() for line in block.splitlines()]
    return [line for line in lines if line.startswith("lessonplan ")]


def variants(line: str) -> list[str]:
    bare = OPTIONAL.sub("", line)
    full = OPTIONAL.sub(lambda m: " " + m.group(1), line)
    return [bare] if bare == full else [bare, full]


def test_the_readme_lists_the_commands() -> None:
    commands = {line.split()[1] for line in using_it_commands()}
    assert {"init", "plan", "compile", "edit", "versions", "diff", "rollback", "serve"} <= commands


def test_every_using_it_command_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LESSONPLAN_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'lp.db'}")
    get_settings.cache_clear()
    runner = CliRunner()
    lesson_id = ""
    ran = 0
    for line in using_it_commands():
        if line.startswith("lessonplan serve"):
            assert runner.invoke(app, ["serve", "--help"]).exit_code == 0
            continue
        for command in variants(line):
            if "L-…" in command:
                assert lesson_id, f"{command}: no lesson compiled before it"
                command = command.replace("L-…", lesson_id)
            args, _, target = command.partition(" > ")
            argv = shlex.split(args)[1:]
            result = runner.invoke(app, argv)
            assert result.exit_code == 0, f"{command}\n{result.stderr}\n{result.stdout[-2000:]}"
            if target:
                (tmp_path / target.strip()).write_text(result.stdout, encoding="utf-8")
            if argv[0] == "compile":
                found = re.search(r"Lesson (L-[0-9a-f]+)", result.stdout)
                assert found, result.stdout[:500]
                lesson_id = found.group(1)
            ran += 1
    assert ran >= 25


def test_the_readme_route_table_matches_the_app(tmp_path: Path) -> None:
    from lessonplan.api.app import API_PREFIX, create_app
    from lessonplan.config import Settings

    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## HTTP API", 1)[1].split("\n## ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("| `")]
    documented = set()
    for row in table:
        for method, path in re.findall(r"`(GET|POST|PUT|DELETE) (/[^`\[?]*)", row.split(" | ")[0]):
            documented.add((method, API_PREFIX + path.replace("{id}", "{can_do_id}")))
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"))
    paths = app.openapi()["paths"]
    served = {(m.upper(), p) for p, item in paths.items() if p.startswith(API_PREFIX) for m in item}
    assert documented == served
    assert {"/healthz", "/metrics"} <= set(paths)
    assert "`GET /healthz`" in section and "`GET /metrics`" in section
    assert "/api/v1/healthz" not in text and "/api/v1/metrics" not in text
