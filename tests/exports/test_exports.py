"""Exports as a teacher or author gets them from `lessonplan export`: the files' contents."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lessonplan.exports.ruby import ruby_html, ruby_text, strip_furigana
from lessonplan.japanese import has_kanji
from tests.cli.test_cli import cli, db  # noqa: F401  (the db fixture)


@pytest.fixture
def lesson(db: Path) -> dict:  # noqa: F811
    code, out, err = cli("compile", "JF:105", "--json")
    assert code == 0, err
    return json.loads(out)["lesson"]


def surfaces(lesson: dict) -> list[str]:
    c = lesson["stages"]["content"]["data"]
    found = [w["text"]["surface"] for w in c["words"]]
    found += [t["text"]["surface"] for t in c["dialogue"]["turns"]]
    found += [s["surface"] for s in c["reading"]["sentences"]]
    found += [t["model_answer"]["surface"] for t in lesson["stages"]["production"]["data"]["tasks"]]
    return found


def export(tmp_path: Path, lesson: dict, fmt: str, *extra: str) -> Path:
    target = tmp_path / f"out.{fmt}"
    code, out, err = cli("export", lesson["lesson_id"], "--format", fmt, "-o", str(target), *extra)
    assert code == 0, err
    assert f"wrote {target}" in out
    return target


class _OutsideRuby(HTMLParser):
    """Text of <body> that is not inside a <ruby> element (nor in <style>)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.skip = 0
        self.outside: list[str] = []
        self.bases: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "ruby":
            self.depth += 1
        if tag in ("style", "title", "rt", "rp"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "ruby":
            self.depth -= 1
        if tag in ("style", "title", "rt", "rp"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        (self.bases if self.depth else self.outside).append(data)


def test_html_puts_every_kanji_word_in_ruby(tmp_path: Path, lesson: dict) -> None:
    page = export(tmp_path, lesson, "html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page
    assert "<link" not in page and "<script src" not in page  # self-contained
    parser = _OutsideRuby()
    parser.feed(page)
    stray = [t for t in parser.outside if has_kanji(t) and re.search("[ぁ-んァ-ン]", t)]
    assert stray == []  # no Japanese line left with a kanji outside <ruby>
    for surface in surfaces(lesson):
        assert str(ruby_html(surface)) in page
    assert "<ruby>薬<rp>(</rp><rt>くすり</rt><rp>)</rp></ruby>" in page
    first = lesson["stages"]["comprehension"]["data"]["questions"][0]
    assert first["question"] in page and "Model answer" in page  # the teacher's copy


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_pdf_text_holds_the_lessons_japanese_in_a_japanese_font(
    tmp_path: Path, lesson: dict
) -> None:
    teacher = export(tmp_path, lesson, "pdf")
    assert teacher.read_bytes().startswith(b"%PDF")
    text = pdf_text(teacher)
    for surface in surfaces(lesson):
        assert surface in text, surface
    fonts = subprocess.run(
        ["pdffonts", str(teacher)], capture_output=True, text=True, check=True
    ).stdout
    assert "Noto-Sans-CJK-JP" in fonts or "Noto-Serif-CJK-JP" in fonts
    assert "Model answer" in text and "Success criteria" in text


def test_pdf_handout_has_no_answers(tmp_path: Path, lesson: dict) -> None:
    handout = tmp_path / "handout.pdf"
    code, _, err = cli(
        "export", lesson["lesson_id"], "--format", "pdf", "--copy", "handout", "-o", str(handout)
    )
    assert code == 0, err
    text = pdf_text(handout)
    task = lesson["stages"]["production"]["data"]["tasks"][0]
    assert task["instruction"][:40] in " ".join(text.split())
    assert task["model_answer"]["surface"] not in text
    assert "Model answer" not in text and "Success criteria" not in text
    assert "Handout" in text


def test_md_round_trips_the_text(tmp_path: Path, lesson: dict) -> None:
    md = export(tmp_path, lesson, "md").read_text()
    assert "薬(くすり)" in md
    plain = strip_furigana(md)
    for surface in surfaces(lesson):
        assert surface in plain, surface
    turn = lesson["stages"]["content"]["data"]["dialogue"]["turns"][0]["text"]
    assert turn["translation"] in md


def test_md_prints_each_criterion_once_and_tags_words(tmp_path: Path, lesson: dict) -> None:
    md = export(tmp_path, lesson, "md").read_text()
    cards = lesson["stages"]["interaction"]["data"]["role_plays"]
    for criterion in {c for rp in cards for c in rp["success_criteria"]}:
        assert md.count(f"- {criterion}\n") == sum(
            criterion in rp["success_criteria"] for rp in cards
        ), criterion  # on its card, not again in a lesson-level list
    assert "| word | reading | JLPT | meaning |" in md
    assert "| 薬(くすり) | くすり (kusuri) | N5 |" in md


def test_md_keeps_two_words_readings_apart() -> None:
    # a merge of adjacent kanji runs read 3回飲んで as 3(さん)回飲(かいの)んで
    assert ruby_text("3回飲んでください") == "3(さん)回(かい)飲(の)んでください"
    assert ruby_text("毎日飲んで") == "毎日(まいにち)飲(の)んで"


def test_anki_deck_holds_one_note_per_word_with_stable_ids(tmp_path: Path, lesson: dict) -> None:
    first = export(tmp_path, lesson, "anki")
    with zipfile.ZipFile(first) as z:
        z.extract("collection.anki2", tmp_path / "a")
    again = tmp_path / "again.apkg"
    cli("export", lesson["lesson_id"], "--format", "anki", "-o", str(again))
    with zipfile.ZipFile(again) as z:
        z.extract("collection.anki2", tmp_path / "b")

    def notes(which: str) -> list[tuple[str, str, str]]:
        with sqlite3.connect(tmp_path / which / "collection.anki2") as conn:
            rows = conn.execute("SELECT guid, tags, flds FROM notes ORDER BY guid").fetchall()
        return [(g, t, f) for g, t, f in rows]

    words = lesson["stages"]["content"]["data"]["words"]
    found = notes("a")
    word_notes = [n for n in found if " word " in f" {n[1]} "]
    assert len(word_notes) == len(words)
    by_surface = {n[2].split("\x1f")[0]: n for n in word_notes}
    for w in words:
        fields = by_surface[w["text"]["surface"]][2].split("\x1f")
        assert fields[2] == w["text"]["reading"] and fields[4] == w["text"]["translation"]
        assert {"JF:105", "A1"} <= set(by_surface[w["text"]["surface"]][1].split())
    assert any(" sentence " in f" {n[1]} " for n in found)
    assert [n[0] for n in notes("b")] == [n[0] for n in found]  # re-export: same note guids


def test_unknown_format_or_lesson_is_a_one_line_error(lesson: dict) -> None:
    code, _, err = cli("export", lesson["lesson_id"], "--format", "docx")
    assert code == 2 and err.strip() == "error: unknown format 'docx': use html, pdf, md, anki"
    code, _, err = cli("export", "L-nope", "--format", "md")
    assert code == 2 and "unknown lesson 'L-nope'" in err
