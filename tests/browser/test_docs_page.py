"""The OpenAPI docs in a real browser: Swagger UI renders offline and "Try it out" sends the key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from .conftest import StudioServer, network_requests

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HANG_GUARD_SECONDS = 60  # how long a wait may take before the test is reported as stuck
CANDO_OPERATION = "#operations-cando-list_cando_api_v1_cando_get"


def _wait(browser: Any) -> WebDriverWait[Any]:
    return WebDriverWait(browser, HANG_GUARD_SECONDS)


def _sent_off_origin(browser: Any, server: StudioServer) -> list[str]:
    """The requests that went (or tried to go) anywhere but the server, CSP-blocked ones aside."""
    return [
        url
        for url, blocked in network_requests(browser)
        if not url.startswith((server.base_url, "data:", "blob:")) and blocked != "csp"
    ]


def test_swagger_ui_renders_offline_and_calls_the_api_with_a_key(
    browser: Any, studio_server: StudioServer, screenshot: Callable[[str], Path]
) -> None:
    network_requests(browser)  # start from an empty log
    browser.get(studio_server.url("/docs"))
    wait = _wait(browser)
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".opblock-summary-path")))
    paths = [
        e.get_attribute("data-path") or e.text
        for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
    ]
    assert "/api/v1/cando" in paths, paths
    assert browser.find_element(By.CSS_SELECTOR, ".info .title").text.startswith("lessonplan")
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert loaded, "the page loaded no resources"
    assert all(url.startswith(studio_server.base_url) for url in loaded), loaded
    assert _sent_off_origin(browser, studio_server) == []
    shot = screenshot("docs-swagger-ui")
    assert shot.stat().st_size > 10_000

    # Authorize with the client key (X-API-Key), then "Try it out" on GET /api/v1/cando.
    browser.find_element(By.CSS_SELECTOR, "button.authorize").click()
    dialog = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".dialog-ux")))
    field = next(
        section.find_element(By.CSS_SELECTOR, "input")
        for section in dialog.find_elements(By.CSS_SELECTOR, ".auth-container")
        if "X-API-Key" in section.text
    )
    field.send_keys(studio_server.client_key)
    field.find_element(By.XPATH, "ancestor::form//button[contains(@class,'authorize')]").click()
    dialog.find_element(By.CSS_SELECTOR, "button.btn-done").click()

    operation = browser.find_element(By.CSS_SELECTOR, CANDO_OPERATION)
    operation.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
    wait.until(lambda _: operation.find_elements(By.CSS_SELECTOR, ".try-out__btn"))
    operation.find_element(By.CSS_SELECTOR, ".try-out__btn").click()
    operation.find_element(By.CSS_SELECTOR, ".execute").click()
    status = wait.until(
        lambda _: operation.find_elements(
            By.CSS_SELECTOR, ".live-responses-table tbody .response-col_status"
        )
    )
    assert status[0].text.strip() == "200", operation.text
    body = operation.find_element(By.CSS_SELECTOR, ".live-responses-table .microlight").text
    assert "JF:105" in body
    browser.execute_script("arguments[0].scrollIntoView()", status[0])
    screenshot("docs-try-it-out")


def test_redoc_renders_offline(
    browser: Any, studio_server: StudioServer, screenshot: Callable[[str], Path]
) -> None:
    network_requests(browser)
    browser.get(studio_server.url("/redoc"))
    _wait(browser).until(
        lambda b: (
            any("/api/v1/cando" in e.text for e in b.find_elements(By.CSS_SELECTOR, "h2"))
            or "/api/v1/cando" in b.find_element(By.TAG_NAME, "body").text
        )
    )
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert any(url.endswith("/docs-assets/redoc.standalone.js") for url in loaded), loaded
    # ReDoc asks for Redocly's logo on their CDN whatever its options: the page's policy stops it
    assert _sent_off_origin(browser, studio_server) == []
    screenshot("docs-redoc")
