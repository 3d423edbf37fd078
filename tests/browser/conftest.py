"""The browser-test harness: a served, seeded studio and a headless Chromium driving it.

- ``studio_server`` (module scope): ``python -m uvicorn lessonplan.api.app:create_app --factory``
  on a free loopback port, over a temporary SQLite database seeded in-process first (the bundled
  catalog, stored learner profiles ``maria`` and ``ken``, and a lesson for each compiled by the
  offline planner, maria's published), with an admin key and a client key configured. It waits for
  ``/healthz`` and always stops the process (terminate, then kill).
- ``browser`` (module scope): Debian's ``/usr/bin/chromium`` through Selenium and Debian's
  ``/usr/bin/chromedriver`` (the two come from the same package version, so no driver download
  and no version mismatch), headless, a fresh user-data dir, 1280x900; always quit.
- ``screenshot(name)``: a PNG of the current page under ``LESSONPLAN_TEST_ARTIFACTS`` (default
  ``test-artifacts/screenshots/`` at the repository root); returns its path.

Without Chromium the tests skip locally and fail when ``CI=true``.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

import lessonplan
from tests.hermetic import clean_environ

CHROMIUM = os.environ.get("LESSONPLAN_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("LESSONPLAN_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
)
WINDOW = (1280, 900)
REPO_ROOT = Path(__file__).resolve().parents[2]
ADMIN_KEY = "browser-admin-key-5c81e0"
CLIENT_KEY = "browser-client-key-every-93fd"
PROFILES: dict[str, dict[str, Any]] = {
    "maria": json.loads((REPO_ROOT / "examples" / "profile.json").read_text("utf-8")),
}
PROFILES["ken"] = {**PROFILES["maria"], "learner_id": "ken"}
SEEDED = (("JF:105", "maria"), ("JF:105", "ken"))
STARTUP_SECONDS = 60


@dataclass(frozen=True)
class StudioServer:
    """A running server: where it is, its keys, and what the seed stored."""

    base_url: str
    admin_key: str
    client_key: str
    lesson_ids: dict[str, str]  # learner id -> the seeded lesson
    log: Path

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _seed(database_url: str) -> dict[str, str]:
    from lessonplan.config import Settings
    from lessonplan.domain.models import LearnerProfile
    from lessonplan.service.compile import compile_lesson
    from lessonplan.service.review import change_review_state
    from lessonplan.service.runtime import open_runtime

    settings = Settings(database_url=database_url, llm="offline")
    lessons: dict[str, str] = {}
    async with open_runtime(settings) as rt:
        for data in PROFILES.values():
            await rt.store.save_profile(profile=LearnerProfile.model_validate(data), now=rt.now())
        for can_do_id, learner_id in SEEDED:
            result = await compile_lesson(rt, can_do_id, learner_id=learner_id)
            lessons[learner_id] = result.lesson.lesson_id
        for state in ("in_review", "approved", "published"):
            await change_review_state(
                rt, lesson_id=lessons["maria"], to_state=state, actor="browser-test seed"
            )
    return lessons


def _wait_healthy(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the studio server exited with {proc.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the studio server was not healthy within {STARTUP_SECONDS} s:\n{log.read_text()}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


@pytest.fixture(scope="module")
def studio_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StudioServer]:
    workdir = tmp_path_factory.mktemp("studio")
    database_url = f"sqlite+aiosqlite:///{workdir / 'studio.db'}"
    lessons = asyncio.run(_seed(database_url))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = clean_environ()
    env["PYTHONPATH"] = os.pathsep.join(
        [
            str(Path(lessonplan.__file__).resolve().parents[1]),
            *filter(None, [env.get("PYTHONPATH")]),
        ]
    )
    env.update(
        LESSONPLAN_DATABASE_URL=database_url,
        LESSONPLAN_LLM="offline",
        LESSONPLAN_API_KEYS=ADMIN_KEY,
        LESSONPLAN_CLIENT_KEYS=f"{CLIENT_KEY}=*",
    )
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "lessonplan.api.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    log = workdir / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=workdir)
        try:
            _wait_healthy(base, proc, log)
            yield StudioServer(base, ADMIN_KEY, CLIENT_KEY, lessons, log)
        finally:
            _stop(proc)


def _require_chromium() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not shutil.which(p)]
    if not missing:
        return
    message = (
        f"browser tests need Chromium and ChromeDriver: {', '.join(missing)} not found "
        "(Debian: apt-get install chromium chromium-driver)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile_dir = tempfile.mkdtemp(prefix="lessonplan-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir}")
    options.add_argument(f"--window-size={WINDOW[0]},{WINDOW[1]}")
    options.add_argument("--lang=en-US")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})  # network events
    service = Service(executable_path=CHROMEDRIVER, log_output=subprocess.DEVNULL)
    driver = None
    try:
        driver = webdriver.Chrome(options=options, service=service)
        driver.set_page_load_timeout(60)
        yield driver
    finally:
        if driver is not None:
            driver.quit()
        service.stop()
        shutil.rmtree(profile_dir, ignore_errors=True)


def network_requests(browser: Any) -> list[tuple[str, str]]:
    """``(url, blocked reason or "")`` of every request the browser started since the last call
    (from Chromium's performance log: a request refused by the page's Content-Security-Policy
    never left the browser and is reported with reason ``csp``)."""
    started: dict[str, str] = {}
    blocked: dict[str, str] = {}
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message.get("method") == "Network.requestWillBeSent":
            started[params["requestId"]] = params["request"]["url"]
        elif message.get("method") == "Network.loadingFailed" and params.get("blockedReason"):
            blocked[params["requestId"]] = str(params["blockedReason"])
    return [(url, blocked.get(request_id, "")) for request_id, url in started.items()]


def artifacts_dir() -> Path:
    configured = os.environ.get("LESSONPLAN_TEST_ARTIFACTS")
    root = Path(configured) if configured else REPO_ROOT / "test-artifacts" / "screenshots"
    root.mkdir(parents=True, exist_ok=True)
    return root


@pytest.fixture
def screenshot(browser: Any) -> Callable[[str], Path]:
    """``screenshot("docs")`` saves the page as ``<artifacts>/docs.png`` and returns the path."""

    def take(name: str) -> Path:
        safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "page"
        path = artifacts_dir() / f"{safe}.png"
        if not browser.save_screenshot(str(path)):
            pytest.fail(f"could not save the screenshot {path}")
        return path

    return take
