"""``Runtime.warm`` loads, before the first compile, what that compile would otherwise load on
its critical path; opening without it loads none of it. Asserted on ``sys.modules`` in a fresh
interpreter, not on timings (``benchmarks --only critical_path`` measures the cold compile)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hermetic import clean_environ

SRC = Path(__file__).resolve().parents[2] / "src"
SDK_REQUEST_PATH = "openai.resources.chat.completions.completions"
DICTIONARY = "unidic_lite"  # the analyser's dictionary, loaded with its tagger

CHILD = """
import asyncio, json, sys
from lessonplan.config import Settings
from lessonplan.service.runtime import Runtime

async def main(url, warm):
    rt = await Runtime.open(Settings(database_url=url, llm="openai:gpt-4o-mini"), warm=warm)
    try:
        from lessonplan.japanese.analyser import _tagger
        from lessonplan.prompts.planner import _schema_text
        answers = sys.modules.get("openai.types.chat.chat_completion")
        return {
            # built by the rehearsal (on an in-process transport: the base URL is never called)
            "answer_model": bool(answers and answers.ChatCompletion.__pydantic_complete__),
            "modules": sorted(sys.modules),
            "schemas": _schema_text.cache_info().currsize,
            "tagger": _tagger.cache_info().currsize,
        }
    finally:
        await rt.close()

print(json.dumps(asyncio.run(main(sys.argv[1], sys.argv[2] == "1"))))
"""


def opened(tmp_path: Path, *, warm: bool, api_key: bool = True) -> dict[str, object]:
    environ = clean_environ()
    environ["PYTHONPATH"] = str(SRC)
    if api_key:  # else api.openai.com, which needs one: building the provider fails
        environ["OPENAI_BASE_URL"] = "https://llm.example.invalid/v1"  # never called
        environ["OPENAI_API_KEY"] = "sk-test-not-a-key"
    url = f"sqlite+aiosqlite:///{tmp_path / 'warm.db'}"
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, url, "1" if warm else "0"],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    report: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return report


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "not-warm"])
def test_warm_loads_the_sdk_request_path_the_schemas_and_the_text_layer(
    tmp_path: Path, warm: bool
) -> None:
    report = opened(tmp_path, warm=warm)
    modules = set(report["modules"])  # type: ignore[call-overload]
    assert (SDK_REQUEST_PATH in modules) is warm
    assert (DICTIONARY in modules) is warm
    assert report["tagger"] == (1 if warm else 0)
    assert report["schemas"] == (5 if warm else 0)  # the plan's and the four stages'
    assert report["answer_model"] is warm


def test_warm_without_an_api_key_leaves_the_provider_to_report_it_on_first_use(
    tmp_path: Path,
) -> None:
    report = opened(tmp_path, warm=True, api_key=False)
    modules = set(report["modules"])  # type: ignore[call-overload]
    assert SDK_REQUEST_PATH not in modules  # the provider was not built
    assert report["answer_model"] is False
    assert DICTIONARY in modules and report["tagger"] == 1
