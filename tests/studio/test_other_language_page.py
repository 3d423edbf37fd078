"""The studio's lesson page for a lesson in another language than Japanese: its texts are
tagged with that language, and there is no furigana or romaji toggle to offer."""

from __future__ import annotations

from pathlib import Path

from lessonplan.api.app import create_app
from lessonplan.store import Store
from tests.api.helpers import SPANISH, api_settings, serve
from tests.exports.test_other_language_exports import _spanish_lesson


async def test_a_spanish_lesson_page_is_tagged_es_without_furigana_toggles(
    tmp_path: Path,
) -> None:
    settings = api_settings(tmp_path)
    lesson = _spanish_lesson()
    store = await Store.open(settings.database_url)
    try:
        await store.upsert_descriptors(descriptors=[SPANISH])
        stored = await store.save_lesson(
            lesson_id=None,
            can_do_id=SPANISH.uid,
            learner_id=lesson.learner_id,
            profile_hash=lesson.profile_hash,
            kit_hash=lesson.kit_hash,
            plan_version=None,
            plan=lesson.plan,
            plan_source="generated",
            metalanguage="en",
            stages=dict(lesson.stages),
            now=lesson.created_at,
        )
    finally:
        await store.close()
    async with serve(create_app(settings)) as client:  # no keys: the local author
        page = await client.get(f"/lessons/{stored.lesson_id}")
    assert page.status_code == 200, page.text
    text = page.text
    assert 'lang="ja"' not in text
    line = '<span class="ja" lang="es">Buenos días. ¿Me pone un café con leche, por favor?</span>'
    assert line in text, "the dialogue line is not tagged as Spanish"
    assert 'id="toggle-furigana"' not in text and 'id="toggle-romaji"' not in text
    assert 'id="toggle-translations"' in text and "<ruby>" not in text
    assert "el bocadillo de jamón, el agua con gas" in text
