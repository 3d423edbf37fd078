"""The studio in a real headless Chromium, as an author walks it: sign in, search the catalog,
compile a lesson offline and watch its stages arrive, toggle furigana and romaji, regenerate a
stage, review and publish the version, open a plan diff, export a PDF. Screenshots of the main
pages are saved as test artifacts (``test-artifacts/screenshots/`` or
``$LESSONPLAN_TEST_ARTIFACTS``)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.browser.conftest import StudioServer
from tests.browser.walker import Walker

pytestmark = pytest.mark.slow


def test_an_author_walks_the_studio(studio_server: StudioServer, browser: Any) -> None:
    b = Walker(browser)
    browser.set_script_timeout(60)
    # sign in: a page behind the login redirects to it and comes back
    b.open(studio_server.url("/catalog"))
    assert "/login" in b.url
    b.type("input[name=api_key]", studio_server.admin_key)
    b.click("form[action='/login'] button[type=submit]")
    b.wait_for_text("h1", "Catalog")

    # search the catalog: htmx swaps the results as the author types
    everything = b.text("#result-count")
    b.type("input[name=query]", "薬")
    b.wait_until(lambda: b.text("#result-count") != everything)
    assert "query=%E8%96%AC" in b.url  # htmx pushed the search into the address bar
    found = b.text("#results")
    assert "JF:105" in found and "LP:001" not in found
    b.screenshot("catalog")
    b.click("#results a.uid[href='/catalog/JF:105']")
    b.wait_for_text("h1", "JF:105")
    b.click("#compile-this")

    # compile offline and watch the stages arrive
    b.wait_for_text("h1", "Compile a lesson")
    b.select("select[name=learner_id]", "")  # the anonymous learner: a new lesson
    b.click("#compile-button")
    b.wait_until(lambda: b.count("#progress li.done") == 5)
    b.wait_until(lambda: b.count("#live-stages section.stage") == 4)
    assert b.count("#live-content ruby") > 10
    b.wait_until(lambda: b.visible("#open-compiled-lesson"))
    b.screenshot("compile-progress")
    b.click("#open-compiled-lesson")

    # the lesson: furigana over the kanji, toggles for furigana and romaji
    b.wait_for_text("#review-state", "draft")
    assert b.count("#stage-content ruby rt") > 10
    assert b.style("#stage-content ruby rt", "display") != "none"
    assert not b.visible("#stage-content .romaji")
    b.screenshot("lesson")
    b.click("#toggle-furigana")
    assert b.style("#stage-content ruby rt", "display") == "none"
    b.click("#toggle-romaji")
    assert b.visible("#stage-content .romaji")
    b.screenshot("lesson-romaji-no-furigana")
    b.click("#toggle-furigana")
    b.click("#toggle-romaji")

    # regenerate one stage: a new version that reuses the plan
    b.click("#regenerate-production")
    b.wait_until(lambda: "version 2" in b.text(".lesson-head"))
    assert "plan v1 (reused)" in b.text(".lesson-head")

    # review and publish version 2
    b.type("input[name=by]", "Sato")
    b.click("#move-in_review")
    b.wait_for_text("#review-state", "in review")
    b.click("#move-approved")
    b.wait_for_text("#review-state", "approved")
    b.click("#move-published")
    b.wait_for_text("#review-state", "published")
    assert "Sato" in b.text("#review table.history")
    b.screenshot("lesson-published")

    # a second plan version by a manual edit, then its diff side by side
    b.click("#plan-history")
    b.wait_for_text("h1", "Plan history")
    plan = json.loads(b.value("textarea[name=plan]"))
    plan["evaluation"]["success_criteria"].append("Repeats the dose back to the doctor.")
    b.set_value("textarea[name=plan]", json.dumps(plan, ensure_ascii=False, indent=2))
    b.type("input[name=note]", "check-back step")
    b.click("form[action$='/plan/edit'] button[type=submit]")
    b.wait_for_text("#diff h2", "v1 → v2")
    assert "Repeats the dose back to the doctor." in b.text("table.diff tr.added")
    b.screenshot("plan-diff")

    # export a PDF from the lesson page's button
    b.click(".crumbs a:nth-of-type(2)")
    b.wait_for_text("#review-state", "published")
    href = b.attribute("#export-pdf", "href")
    status, kind, body = b.fetch_bytes(href)
    assert status == 200 and kind == "application/pdf"
    assert base64.b64decode(body)[:5] == b"%PDF-"

    b.open(studio_server.url("/dashboard"))
    b.wait_for_text("h1", "Dashboard")
    assert "LLM calls" in b.text(".figures")
    assert b.count("figure.chart svg") >= 8
    assert "LLM calls per hour" in b.text("#chart-llm_calls")
    b.screenshot("dashboard")
