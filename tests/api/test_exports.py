"""`GET /api/v1/lessons/{id}/export`: the file, its media type and name; the access rules."""

from __future__ import annotations

import io
import zipfile

import httpx

from .helpers import MARIA_KEY, admin, assert_problem, publish

API = "/api/v1"


async def compiled(client: httpx.AsyncClient, *, published: bool = True) -> dict:
    response = await client.post(f"{API}/cando/JF:105/compile", json={})
    assert response.status_code == 200, response.text
    lesson: dict = response.json()["lesson"]
    if published:
        await publish(client, lesson["lesson_id"])
    return lesson


async def test_a_draft_is_exported_only_for_an_admin_asking_for_drafts(
    client: httpx.AsyncClient,
) -> None:
    lid = (await compiled(client, published=False))["lesson_id"]
    url = f"{API}/lessons/{lid}/export"
    hidden = await client.get(url, params={"format": "md"})
    assert_problem(hidden, 404, "unknown_lesson")
    refused = await client.get(url, params={"format": "md", "drafts": "true"})
    assert_problem(refused, 403, "admin_required")
    draft = await client.get(url, params={"format": "md", "drafts": "true"}, headers=admin())
    assert draft.status_code == 200 and draft.headers["content-type"].startswith("text/markdown")


async def test_each_format_comes_with_its_media_type_and_file_name(
    client: httpx.AsyncClient,
) -> None:
    lesson = await compiled(client)
    lid = lesson["lesson_id"]
    expected = {
        "html": ("text/html", f"{lid}.html"),
        "md": ("text/markdown", f"{lid}.md"),
        "anki": ("application/octet-stream", f"{lid}.apkg"),
        "pdf": ("application/pdf", f"{lid}.pdf"),
    }
    for fmt, (media, name) in expected.items():
        response = await client.get(f"{API}/lessons/{lid}/export", params={"format": fmt})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(media)
        assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    html = (await client.get(f"{API}/lessons/{lid}/export", params={"format": "html"})).text
    assert "<ruby>薬<rp>(</rp><rt>くすり</rt>" in html
    deck = (await client.get(f"{API}/lessons/{lid}/export", params={"format": "anki"})).content
    assert "collection.anki2" in zipfile.ZipFile(io.BytesIO(deck)).namelist()
    handout = await client.get(
        f"{API}/lessons/{lid}/export", params={"format": "pdf", "copy": "handout", "version": 1}
    )
    assert handout.headers["content-disposition"] == f'attachment; filename="{lid}-v1-handout.pdf"'
    assert handout.content.startswith(b"%PDF")


async def test_unknown_format_is_a_422_problem_and_unknown_lesson_404(
    client: httpx.AsyncClient,
) -> None:
    lesson = await compiled(client)
    response = await client.get(
        f"{API}/lessons/{lesson['lesson_id']}/export", params={"format": "docx"}
    )
    body = assert_problem(response, 422)
    assert "format" in str(body)
    missing = await client.get(f"{API}/lessons/L-000000000000/export", params={"format": "md"})
    assert_problem(missing, 404, "unknown_lesson")


async def test_a_key_bound_to_another_learner_does_not_reach_the_lesson(
    client: httpx.AsyncClient,
) -> None:
    lesson = await compiled(client)  # the anonymous learner's
    response = await client.get(
        f"{API}/lessons/{lesson['lesson_id']}/export",
        params={"format": "md"},
        headers={"X-API-Key": MARIA_KEY},
    )
    assert_problem(response, 404, "unknown_lesson")
