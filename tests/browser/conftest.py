"""A real browser on the real server: ``lessonplan serve`` in a subprocess over a seeded SQLite
database, and Debian's headless Chromium driven through Selenium and Debian's chromedriver (no
browser is downloaded). Without Chromium the tests skip locally and fail when ``CI=true``."""

from __future__ import annotations

import os
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

REPO = Path(__file__).resolve().parents[2]
ADMIN_KEY = "studio-admin-key-5d1e9a7c"
CLIENT_KEY = "studio-client-key-all-3b8f"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WAIT_SECONDS = 60.0  # generous: a busy 2-core machine; nothing asserts how long a step takes


def artifacts_dir() -> Path:
    root = os.environ.get("LESSONPLAN_TEST_ARTIFACTS")
    path = Path(root) if root else REPO / "test-artifacts"
    out = path / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    return out


def _require_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if not missing:
        return
    why = f"{', '.join(missing)} not installed (Debian packages chromium, chromium-driver)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run in CI: {why}")
    pytest.skip(why)


@dataclass
class StudioServer:
    url: str
    database: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def studio_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StudioServer]:
    _require_browser()
    home = tmp_path_factory.mktemp("studio")
    env = clean_environ()
    env["PYTHONPATH"] = os.pathsep.join(
        [
            str(Path(lessonplan.__file__).resolve().parents[1]),
            *filter(None, [env.get("PYTHONPATH")]),
        ]
    )
    database = home / "studio.db"
    env.update(
        LESSONPLAN_DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        LESSONPLAN_LLM="offline",
        LESSONPLAN_API_KEYS=ADMIN_KEY,
        LESSONPLAN_CLIENT_KEYS=f"{CLIENT_KEY}=*",
    )
    cli = [sys.executable, "-m", "lessonplan"]
    for args in (["init"], ["learner", "save", str(REPO / "examples" / "profile.json")]):
        done = subprocess.run([*cli, *args], env=env, cwd=home, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    port = _free_port()
    log = home / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*cli, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=home,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the server exited with {proc.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not become healthy:\n{log.read_text()}")
            time.sleep(0.1)
        yield StudioServer(url=url, database=database)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Browser:
    """The few things a walk does, with waits instead of sleeps (Selenium underneath)."""

    def __init__(self, driver: Any) -> None:
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver = driver
        self._wait = WebDriverWait(driver, WAIT_SECONDS, poll_frequency=0.1)

    # navigation and input
    def open(self, url: str) -> None:
        self.driver.get(url)

    @property
    def url(self) -> str:
        return str(self.driver.current_url)

    def _one(self, css: str) -> Any:
        from selenium.webdriver.common.by import By

        return self._wait.until(lambda d: d.find_element(By.CSS_SELECTOR, css))

    def click(self, css: str) -> None:
        from selenium.webdriver.support import expected_conditions as ec

        element = self._one(css)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        self._wait.until(ec.element_to_be_clickable(element)).click()

    def type(self, css: str, text: str) -> None:
        element = self._one(css)
        element.clear()
        element.send_keys(text)

    def select(self, css: str, value: str) -> None:
        from selenium.webdriver.support.ui import Select

        Select(self._one(css)).select_by_value(value)

    def set_value(self, css: str, value: str) -> None:
        self.driver.execute_script(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'))",
            self._one(css),
            value,
        )

    # reading the page
    def text(self, css: str) -> str:
        return str(self._one(css).text)

    def value(self, css: str) -> str:
        return str(self._one(css).get_attribute("value"))

    def attribute(self, css: str, name: str) -> str:
        return str(self._one(css).get_attribute(name))

    def count(self, css: str) -> int:
        from selenium.webdriver.common.by import By

        return len(self.driver.find_elements(By.CSS_SELECTOR, css))

    def visible(self, css: str) -> bool:
        from selenium.webdriver.common.by import By

        found = self.driver.find_elements(By.CSS_SELECTOR, css)
        return bool(found) and bool(found[0].is_displayed())

    def style(self, css: str, prop: str) -> str:
        return str(self._one(css).value_of_css_property(prop))

    def wait_until(self, condition: Callable[[], bool]) -> None:
        from selenium.common.exceptions import StaleElementReferenceException

        def check(_driver: Any) -> bool:
            try:
                return condition()
            except StaleElementReferenceException:
                return False

        self._wait.until(check)

    def wait_for_text(self, css: str, text: str) -> None:
        self.wait_until(lambda: text in self.text(css))

    def fetch_bytes(self, url: str) -> tuple[int, str, str]:
        """GET ``url`` from the page (its cookies go along): status, content type, base64 body."""
        script = """
            const done = arguments[arguments.length - 1];
            fetch(arguments[0], {credentials: 'same-origin'}).then(async (r) => {
              const bytes = new Uint8Array(await r.arrayBuffer());
              let text = ''; for (const b of bytes) { text += String.fromCharCode(b); }
              done([r.status, (r.headers.get('content-type') || '').split(';')[0], btoa(text)]);
            }).catch((e) => done([0, String(e), '']));
        """
        status, kind, body = self.driver.execute_async_script(script, url)
        return int(status), str(kind), str(body)

    def screenshot(self, name: str) -> Path:
        """A full-page PNG of what the browser shows now."""
        path = artifacts_dir() / f"{name}.png"
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(1280, max(900, min(int(height) + 40, 8000)))
        self.driver.save_screenshot(str(path))
        self.driver.set_window_size(1280, 900)
        return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="lessonplan-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--window-size=1280,900",
        f"--user-data-dir={profile}",
        "--lang=en-US",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_script_timeout(WAIT_SECONDS)
    try:
        yield Browser(driver)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
