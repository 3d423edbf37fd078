"""The studio's pages over a real app (in process): what an author and a read-only teacher see,
sign-in, CSRF, reviews, regeneration, compile progress, plan history and errors as pages."""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from lessonplan.api.app import create_app
from lessonplan.japanese import has_kanji, tokenize
from tests.api.helpers import ADMIN_KEY, CLIENT_KEY, PROFILE, api_settings, serve

CAN_DO = "JF:105"


@pytest.fixture
async def studio(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """A server with keys: an admin key and a client key reaching every learner."""
    settings = api_settings(tmp_path, api_keys=ADMIN_KEY, client_keys=f"{CLIENT_KEY}=*")
    async with serve(create_app(settings)) as client:
        yield client


@pytest.fixture
async def local(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """A server with no keys: loopback only, the local user is the author."""
    async with serve(create_app(api_settings(tmp_path))) as client:
        yield client


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert found, "the page carries no CSRF token"
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, key: str) -> None:
    form = await client.get("/login")
    assert form.status_code == 200
    response = await client.post(
        "/login", data={"api_key": key, "csrf_token": csrf_of(form.text), "next": "/lessons"}
    )
    assert response.status_code == 303 and response.headers["location"] == "/lessons"
    cookie = response.headers["set-cookie"]
    assert "lessonplan_key=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie


async def compile_one(client: httpx.AsyncClient) -> dict[str, Any]:
    page = await client.get(f"/compile?can_do_id={CAN_DO}")
    assert page.status_code == 200, page.text
    response = await client.post(
        "/compile/stream",
        data={"can_do_id": CAN_DO, "learner_id": ""},
        headers={"X-CSRF-Token": csrf_of(page.text)},
    )
    assert response.status_code == 200, response.text
    events = [
        (m.group(1), json.loads(m.group(2)))
        for m in re.finditer(r"event: (\w+)\r?\ndata: (.*)\r?\n", response.text)
    ]
    names = [name for name, _ in events]
    assert names[0] == "plan" and names[-1] == "lesson"
    stages = [data for name, data in events if name == "stage"]
    assert stages[0]["stage"] == "content"
    assert sorted(s["stage"] for s in stages) == [
        "comprehension",
        "content",
        "interaction",
        "production",
    ]
    assert all(s["status"] == "done" and "<" in s["html"] for s in stages)
    content = next(s for s in stages if s["stage"] == "content")
    assert "<ruby>" in content["html"] and "Dialogue" in content["html"]
    lesson: dict[str, Any] = events[-1][1]
    return lesson


async def test_without_keys_the_local_author_gets_every_page(local: httpx.AsyncClient) -> None:
    home = await local.get("/")
    assert home.status_code == 200 and "text/html" in home.headers["content-type"]
    assert 'href="/compile"' in home.text  # the local user is the author
    lesson = await compile_one(local)
    page = await local.get(lesson["url"])
    assert page.status_code == 200
    assert "draft" in page.text and 'id="move-in_review"' in page.text
    assert (await local.get("/login")).status_code == 303  # nothing to sign in to


async def test_signing_in_and_what_each_key_may_do(studio: httpx.AsyncClient) -> None:
    first = await studio.get("/lessons/L-1?version=1")
    assert first.status_code == 303
    assert first.headers["location"] == "/login?next=/lessons/L-1%3Fversion%3D1"

    form = await studio.get("/login")
    wrong = await studio.post(
        "/login", data={"api_key": "x" * 20, "csrf_token": csrf_of(form.text)}
    )
    assert wrong.status_code == 403 and "That API key is not valid." in wrong.text
    assert "x" * 20 not in wrong.text
    forged = await studio.post("/login", data={"api_key": ADMIN_KEY, "csrf_token": "forged"})
    assert forged.status_code == 403 and "did not come from the studio" in forged.text

    await sign_in(studio, ADMIN_KEY)
    lesson = await compile_one(studio)
    lesson_id = lesson["lesson_id"]

    studio.cookies.delete("lessonplan_key")
    await sign_in(studio, CLIENT_KEY)  # a teacher's read-only key
    listing = await studio.get("/lessons")
    assert lesson_id not in listing.text and "Published lessons only." in listing.text
    hidden = await studio.get(f"/lessons/{lesson_id}")
    assert hidden.status_code == 404 and f"no published lesson '{lesson_id}'" in html.unescape(
        hidden.text
    )
    assert 'href="/compile"' not in listing.text
    refused = await studio.get("/compile")
    assert refused.status_code == 403 and "needs an admin API key" in refused.text


async def test_review_from_the_lesson_page_and_a_teacher_then_reads_it(
    studio: httpx.AsyncClient,
) -> None:
    await sign_in(studio, ADMIN_KEY)
    lesson = await compile_one(studio)
    lesson_id = lesson["lesson_id"]
    page = await studio.get(lesson["url"])
    token = csrf_of(page.text)

    no_token = await studio.post(
        f"/lessons/{lesson_id}/review", data={"state": "in_review", "version": 1}
    )
    assert no_token.status_code == 403
    skipped = await studio.post(
        f"/lessons/{lesson_id}/review",
        data={"state": "published", "version": 1, "csrf_token": token},
    )
    assert skipped.status_code == 409
    assert "cannot become published: from draft it can go to in_review, rejected" in skipped.text
    for state in ("in_review", "approved", "published"):
        moved = await studio.post(
            f"/lessons/{lesson_id}/review",
            data={"state": state, "version": 1, "by": "Sato", "csrf_token": token},
        )
        assert moved.status_code == 303, moved.text
    page = await studio.get(lesson["url"])
    assert 'id="review-state">published' in page.text
    assert "Sato (admin key 1), studio" in page.text

    studio.cookies.delete("lessonplan_key")
    await sign_in(studio, CLIENT_KEY)
    read = await studio.get(f"/lessons/{lesson_id}")
    assert read.status_code == 200
    assert 'id="move-' not in read.text and 'id="regenerate-' not in read.text


async def test_the_lesson_page_shows_every_kanji_word_with_furigana(
    local: httpx.AsyncClient,
) -> None:
    lesson = await compile_one(local)
    page = (await local.get(lesson["url"])).text
    stored = (
        await local.get(f"/api/v1/lessons/{lesson['lesson_id']}", params={"drafts": "true"})
    ).json()
    turn = stored["stages"]["content"]["data"]["dialogue"]["turns"][0]["text"]
    for seg in turn["furigana"]:
        if seg["reading"]:
            assert f"<ruby>{seg['text']}<rp>(</rp><rt>{seg['reading']}</rt>" in page
    assert turn["romaji"] in page and turn["translation"] in page
    kanji_words = [t for t in tokenize(turn["surface"]) if has_kanji(t.surface)]
    assert kanji_words, turn["surface"]
    assert page.count("<ruby>") >= len(kanji_words)


async def test_regenerate_a_stage_and_compare_plan_versions(local: httpx.AsyncClient) -> None:
    lesson = await compile_one(local)
    lesson_id = lesson["lesson_id"]
    page = await local.get(lesson["url"])
    token = csrf_of(page.text)
    regenerated = await local.post(
        f"/lessons/{lesson_id}/regenerate", data={"stage": "production", "csrf_token": token}
    )
    assert regenerated.status_code == 303
    assert regenerated.headers["location"] == f"/lessons/{lesson_id}?version=2#stage-production"
    v2 = await local.get(f"/lessons/{lesson_id}?version=2")
    assert "version 2" in v2.text and "plan v1 (reused)" in v2.text

    history = await local.get(f"/lessons/{lesson_id}/plan")
    assert history.status_code == 200 and "Only one version so far" in history.text
    plan = json.loads(
        re.search(r'<textarea name="plan"[^>]*>(.*?)</textarea>', history.text, re.S)
        .group(1)
        .replace("&#34;", '"')
        .replace("&quot;", '"')
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
    )
    criteria = plan["evaluation"]["success_criteria"]
    plan["evaluation"]["success_criteria"] = [*criteria, "Repeat the dose back to the doctor."]
    edited = await local.post(
        f"/lessons/{lesson_id}/plan/edit",
        data={
            "plan": json.dumps(plan, ensure_ascii=False),
            "note": "a check-back step",
            "csrf_token": token,
        },
    )
    assert edited.status_code == 303, edited.text
    diff = await local.get(edited.headers["location"])
    assert "v1 → v2" in diff.text
    assert "+ Repeat the dose back to the doctor." in diff.text
    bad = await local.post(
        f"/lessons/{lesson_id}/plan/edit", data={"plan": "{not json", "csrf_token": token}
    )
    assert bad.status_code == 422 and "the plan is not JSON" in bad.text


async def test_catalog_search_pages_and_htmx_partial(local: httpx.AsyncClient) -> None:
    page = await local.get("/catalog", params={"query": "買い物", "level": "A2"})
    assert page.status_code == 200 and '<form class="filters"' in page.text
    count = re.search(r'id="result-count">(\d+) descriptor', page.text)
    assert count and int(count.group(1)) >= 1
    uids = re.findall(r'class="uid">([^<]+)<', page.text)
    api = (await local.get("/api/v1/cando", params={"query": "買い物", "level": "A2"})).json()
    assert uids == [d["uid"] for d in api["items"]][: len(uids)]
    partial = await local.get(
        "/catalog", params={"query": "買い物"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in partial.text and 'id="result-count"' in partial.text
    nothing = await local.get("/catalog", params={"query": "zzzzqqq"})
    assert "Nothing matches" in nothing.text
    bad = await local.get("/catalog", params={"level": "Z9"})
    assert bad.status_code == 422 and "unknown level 'Z9'" in html.unescape(bad.text)
    descriptor = await local.get(f"/catalog/{CAN_DO}")
    assert descriptor.status_code == 200 and 'id="compile-this"' in descriptor.text


async def test_errors_are_pages_not_json(local: httpx.AsyncClient) -> None:
    missing = await local.get("/lessons/L-000000000000")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    assert "no lesson 'L-000000000000'" in html.unescape(missing.text)
    assert not missing.text.lstrip().startswith("{")  # a page, not a problem document
    unknown = await local.get("/catalog/NOPE:1")
    assert unknown.status_code == 404 and "NOPE:1" in unknown.text
    odd = await local.get("/lessons/L-1", params={"version": "zero"})
    assert odd.status_code == 422 and "version" in odd.text
    dashboard = await local.get("/dashboard")
    assert dashboard.status_code == 200
    assert dashboard.text.count('role="img"') >= 8 and 'id="chart-llm_calls"' in dashboard.text
    assert (await local.get("/dashboard", params={"bucket": "week"})).status_code == 422


async def test_login_never_redirects_off_site(studio: httpx.AsyncClient) -> None:
    form = await studio.get("/login")
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil"):
        response = await studio.post(
            "/login",
            data={"api_key": ADMIN_KEY, "csrf_token": csrf_of(form.text), "next": target},
        )
        assert response.headers["location"] == "/"


async def test_compiled_for_a_stored_learner(local: httpx.AsyncClient) -> None:
    assert (await local.put("/api/v1/learners/maria/profile", json=PROFILE)).status_code == 200
    page = await local.get("/compile")
    assert '<option value="maria">maria</option>' in page.text
    response = await local.post(
        "/compile",
        data={"can_do_id": CAN_DO, "learner_id": "maria", "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 303
    lesson = await local.get(response.headers["location"])
    assert "learner maria" in lesson.text
    unknown = await local.post(
        "/compile",
        data={"can_do_id": CAN_DO, "learner_id": "nobody", "csrf_token": csrf_of(page.text)},
    )
    assert unknown.status_code == 422 and "no stored learner 'nobody'" in html.unescape(
        unknown.text
    )
