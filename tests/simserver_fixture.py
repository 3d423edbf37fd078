"""Pytest fixtures for the simulated OpenAI-compatible server (``benchmarks.simserver``).

Import them into a test module::

    from tests.simserver_fixture import sim_server  # noqa: F401
    from tests.simserver_fixture import sim_openai_env, sim_server_factory  # noqa: F401

``sim_server``: one server per test session (started on first use, in a background thread on a
free loopback port), reset before each test (counters zeroed, configuration back to the default
``SimConfig()``: no latency, no faults). Change it within a test with
``sim_server.configure(script=["rate_limit"], latency_ms=20, ...)``.
``sim_openai_env``: ``sim_server`` with ``OPENAI_BASE_URL``/``OPENAI_API_KEY`` pointing at it
(so ``LESSONPLAN_LLM=openai:sim-model`` reaches it through the real SDK).
``sim_server_factory``: a callable ``(SimConfig) -> handle`` for a dedicated server, stopped
after the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from benchmarks.simserver import SimConfig, SimServerHandle, run_in_thread

_shared: SimServerHandle | None = None


def _stop_shared() -> None:
    global _shared
    if _shared is not None:
        _shared.stop()
        _shared = None


def shared_sim_server(config: pytest.Config) -> SimServerHandle:
    """The session's server, started on first use and stopped when pytest ends."""
    global _shared
    if _shared is None or not _shared.alive:
        _shared = run_in_thread(SimConfig())
        config.add_cleanup(_stop_shared)
    return _shared


@pytest.fixture
def sim_server(request: pytest.FixtureRequest) -> Iterator[SimServerHandle]:
    handle = shared_sim_server(request.config)
    handle.reset()
    yield handle


@pytest.fixture
def sim_openai_env(
    sim_server: SimServerHandle, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SimServerHandle]:
    monkeypatch.setenv("OPENAI_BASE_URL", sim_server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sim-key")
    yield sim_server


@pytest.fixture
def sim_server_factory() -> Iterator[Callable[[SimConfig], SimServerHandle]]:
    started: list[SimServerHandle] = []

    def start(config: SimConfig) -> SimServerHandle:
        handle = run_in_thread(config)
        started.append(handle)
        return handle

    yield start
    for handle in started:
        handle.stop()
