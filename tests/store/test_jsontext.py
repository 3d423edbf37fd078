"""A lesson version's stages are serialised by pydantic and stored as that text: the document
read back is the one ``model_dump`` would have given, on both backends."""

from __future__ import annotations

import json

from sqlalchemy import text

from lessonplan.store import Store
from lessonplan.store.jsontext import JSONText, dump_json, models_json

from .samples import NOW, sample_plan, sample_stages


def test_models_json_is_the_document_model_dump_gives() -> None:
    stages = sample_stages(failed=("production",))
    document = models_json(stages)
    assert isinstance(document, JSONText)
    assert "こんにちは" in document  # written as UTF-8, not \\u escapes
    assert json.loads(document) == {
        name: record.model_dump(mode="json") for name, record in stages.items()
    }


def test_the_engines_serialiser_writes_serialised_text_as_it_is() -> None:
    assert dump_json(JSONText('{"a":1}')) == '{"a":1}'
    assert dump_json({"a": [1, "é"]}) == json.dumps({"a": [1, "é"]})
    assert dump_json('{"a":1}') == json.dumps('{"a":1}')  # a plain str is a JSON string


async def test_a_saved_lessons_stages_read_back_as_they_were(store: Store) -> None:
    stages = sample_stages(failed=("interaction",))
    lesson = await store.save_lesson(
        lesson_id=None,
        can_do_id="JF:21",
        learner_id="json-reader",
        profile_hash="p" * 16,
        kit_hash="k" * 16,
        plan_version=None,
        plan=sample_plan(),
        plan_source="generated",
        metalanguage="en",
        stages=stages,
        now=NOW,
    )
    stored = await store.get_lesson(lesson_id=lesson.lesson_id)
    assert stored is not None
    assert stored.stages == stages
    async with store.engine.connect() as conn:
        raw = (
            await conn.execute(
                text("SELECT stages FROM lesson_versions WHERE lesson_id = :id"),
                {"id": lesson.lesson_id},
            )
        ).scalar_one()
    document = raw if isinstance(raw, dict) else json.loads(raw)
    assert document["content"]["data"] == {"stage": "content", "text": "こんにちは"}
    assert document["interaction"]["status"] == "failed"
