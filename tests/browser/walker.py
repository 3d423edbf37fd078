"""A walk's vocabulary over a Selenium driver: open, type, click, read, wait and screenshot,
with waits instead of sleeps (nothing asserts how long a step takes)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.browser.conftest import artifacts_dir

WAIT_SECONDS = 60.0  # generous: a busy 2-core machine


class Walker:
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
        """A full-page PNG of what the browser shows now (under the harness's artifacts dir)."""
        path = artifacts_dir() / f"{name}.png"
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(1280, max(900, min(int(height) + 40, 8000)))
        self.driver.save_screenshot(str(path))
        self.driver.set_window_size(1280, 900)
        return path
