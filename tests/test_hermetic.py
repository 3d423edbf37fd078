"""The suite is hermetic: the developer's environment does not leak in, the network is refused.

The subprocess tests run pytest itself with a polluted environment (a ``reject`` quality policy,
an OpenAI key with a fallback to the real API) and check that the tests still pass and nothing
leaves loopback.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from lessonplan.config import Settings, get_settings
from tests.hermetic import GUARD, RealNetworkCallError, clean_environ

REPO = Path(__file__).resolve().parents[1]


def test_environment_is_clean() -> None:
    assert not [
        k
        for k in os.environ
        if k.startswith(("LESSONPLAN_", "OPENAI_", "ANTHROPIC_"))
        and not k.startswith("LESSONPLAN_TEST_")
    ]
    assert get_settings() == Settings()
    assert get_settings().quality_policy == "warn"
    assert get_settings().fallback_llm_specs == []


def test_clean_environ_keeps_test_infrastructure() -> None:
    env = {"LESSONPLAN_LLM": "x", "LESSONPLAN_TEST_PG_URL": "y", "OPENAI_API_KEY": "z", "HOME": "h"}
    assert clean_environ(env) == {"LESSONPLAN_TEST_PG_URL": "y", "HOME": "h"}


def test_a_real_connection_is_refused_and_remembered() -> None:
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(RealNetworkCallError),
    ):
        sock.connect(("192.0.2.1", 443))  # TEST-NET-1: never routed
    with pytest.raises(RealNetworkCallError):
        socket.getaddrinfo("api.openai.com", 443)
    assert len(GUARD.take_violations()) == 2  # taken here, so this test itself passes


def test_loopback_and_unix_sockets_are_allowed(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5):
            pass
    assert socket.getaddrinfo("localhost", 80)
    path = str(tmp_path / "s.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(path)
        server.listen(1)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect(path)
    assert GUARD.take_violations() == []


def _pytest(env_extra: dict[str, str], *targets: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        **env_extra,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "src"), str(REPO)])),
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *targets],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_a_reject_policy_in_the_shell_does_not_leak_in() -> None:
    proc = _pytest(
        {"LESSONPLAN_QUALITY_POLICY": "reject", "LESSONPLAN_PROMPT": "full"},
        "tests/service/test_plan_cache.py",
        "tests/service/test_replay_recorded.py",
        "tests/test_hermetic.py::test_environment_is_clean",
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]


@pytest.mark.slow
def test_a_real_api_key_and_fallback_in_the_shell_do_not_reach_the_network() -> None:
    proc = _pytest(
        {
            "OPENAI_API_KEY": "sk-not-a-real-key-000000",
            "ANTHROPIC_API_KEY": "sk-ant-not-real",
            "LESSONPLAN_FALLBACK_LLMS": "openai:gpt-4o",
            "LESSONPLAN_LLM": "openai:gpt-4o",
        },
        "tests/service/test_compile_regenerate.py",
        "tests/api/test_provider_errors.py",
        "tests/test_hermetic.py::test_environment_is_clean",
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "real network calls" not in proc.stdout
