"""Exports of a lesson in another language than Japanese (the authored Spanish café lesson):
no reading column, furigana or romaji toggles, Japanese quotation marks or readings on digits."""

from __future__ import annotations

import copy
import io
import json
import sqlite3
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from lessonplan.domain.lesson import STAGES, Lesson, StageRecord
from lessonplan.domain.models import DomainPlan
from lessonplan.exports import export_lesson
from tests.api.helpers import SPANISH

AUTHORED = Path(__file__).resolve().parents[2] / "benchmarks" / "simserver" / "data"
PRICE = "Son 5 euros con 20."  # digits: no Japanese reading may land on them


def _spanish_lesson() -> Lesson:
    data = json.loads((AUTHORED / "es_cafe_a2.json").read_text("utf-8"))
    stages: dict[str, Any] = copy.deepcopy(data["stages"])
    stages["content"]["dialogue"]["turns"][-3]["text"]["surface"] = PRICE
    plan = DomainPlan.model_validate({"uid": SPANISH.uid, "level": SPANISH.level, **data["plan"]})
    return Lesson(
        lesson_id="L-es0000000001",
        version=1,
        can_do_id=SPANISH.uid,
        learner_id="lucia",
        profile_hash="p",
        kit_hash="k",
        plan_version=1,
        plan=plan,
        plan_source="generated",
        stages={name: StageRecord(status="done", data=stages[name]) for name in STAGES},
        created_at=datetime(2026, 12, 7, tzinfo=UTC),
    )


@pytest.fixture(scope="module")
def lesson() -> Lesson:
    return _spanish_lesson()


def test_markdown_has_no_reading_column_and_quotes_in_latin_marks(lesson: Lesson) -> None:
    text = export_lesson(lesson, "md", descriptor=SPANISH).data.decode()
    assert "| word | meaning |" in text and "| word | reading | meaning |" not in text
    assert "| el café con leche | white coffee (coffee with milk) |" in text
    assert " () |" not in text  # no empty reading and romaji
    assert "“No importa. Me siento fuera.”" in text and "「" not in text
    assert "el bocadillo de jamón, el agua con gas" in text and "、" not in text
    assert f"{PRICE} — " in text  # no 5(ご)


def test_html_names_the_language_and_offers_no_furigana_or_romaji(lesson: Lesson) -> None:
    for copy_kind in ("teacher", "handout"):
        page = export_lesson(lesson, "html", descriptor=SPANISH, copy=copy_kind).data.decode()
        assert '<html lang="es">' in page
        assert 'id="t-furigana"' not in page and 'id="t-romaji"' not in page
        assert "<ruby>" not in page and "<th>reading</th>" not in page
        assert PRICE in page
    teacher = export_lesson(lesson, "html", descriptor=SPANISH).data.decode()
    assert "“No importa. Me siento fuera.”" in teacher and "「" not in teacher


def test_anki_cards_have_no_furigana_field_for_spanish(lesson: Lesson) -> None:
    deck = export_lesson(lesson, "anki", descriptor=SPANISH).data
    with zipfile.ZipFile(io.BytesIO(deck)) as archive, tempfile.TemporaryDirectory() as tmp:
        archive.extract("collection.anki2", tmp)
        rows = sqlite3.connect(Path(tmp) / "collection.anki2").execute("SELECT flds FROM notes")
        notes = [row[0].split("\x1f") for row in rows]
    by_surface = {fields[0]: fields for fields in notes}
    _surface, furigana, reading, romaji, meaning = by_surface["el café con leche"][:5]
    assert (furigana, reading, romaji) == ("", "", "")
    assert meaning == "white coffee (coffee with milk)"


def test_a_japanese_lesson_keeps_its_readings_and_marks() -> None:
    """Without a descriptor a lesson whose words are in kana (readings not derived yet, as in
    a teacher's file) is taken as Japanese."""
    from tests.domain import samples

    content = samples.content_stage()
    plan = samples.plan("jfmarugoto-14")
    lesson = Lesson(
        lesson_id="L-ja0000000001",
        version=1,
        can_do_id=plan.uid,
        learner_id="ken",
        profile_hash="p",
        kit_hash="k",
        plan=plan,
        stages={"content": StageRecord(status="done", data=content.model_dump(mode="json"))},
        created_at=datetime(2026, 12, 7, tzinfo=UTC),
    )
    text = export_lesson(lesson, "md").data.decode()
    assert "| word | reading | JLPT | meaning |" in text
    assert " | N5 | park |" in text  # 公園's tag, as the terminal shows it
    page = export_lesson(lesson, "html").data.decode()
    assert '<html lang="ja">' in page and 'id="t-furigana"' in page and "<ruby>" in page
    assert "<th>reading</th>" in page and "<th>JLPT</th>" in page
    assert '<td class="jlpt">N5</td>' in page
