"""The lesson's words and key sentences as an Anki deck (``.apkg``, genanki).

Ids are stable so that importing a re-export updates the cards instead of duplicating them:
one note model for every lesson, one deck per lesson id, and each note's guid from the lesson id
and the word's surface.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from lessonplan.domain.lesson import ContentStage, Lesson, TargetText
from lessonplan.exports.ruby import ruby_html

MODEL_ID = 1_744_182_613  # fixed: every export shares the note type
MODEL_NAME = "lessonplan word (v1)"
FIELDS = ("Surface", "Furigana", "Reading", "Romaji", "Meaning", "Kind", "Source")


def deck_id(lesson_id: str) -> int:
    """A stable deck id in the range genanki recommends (2^30 … 2^31)."""
    digest = int.from_bytes(hashlib.sha256(f"lessonplan deck {lesson_id}".encode()).digest()[:8])
    return (1 << 30) + digest % (1 << 30)


def note_guid(lesson_id: str, surface: str) -> str:
    import genanki

    return str(genanki.guid_for(lesson_id, surface))


def _tag(value: str) -> str:
    return "_".join(value.split())  # Anki tags cannot hold spaces


def cards(lesson: Lesson) -> list[tuple[str, TargetText]]:
    """(kind, text) for each card: every word, then the key sentences (key expressions; the
    grammar examples when the lesson has none). Each surface once."""
    content = lesson.stage_data("content")
    if not isinstance(content, ContentStage):
        return []
    out: list[tuple[str, TargetText]] = [("word", w.text) for w in content.words]
    sentences = content.phrases or [ex for g in content.grammar for ex in g.examples]
    out += [("sentence", s) for s in sentences]
    seen: set[str] = set()
    unique = []
    for kind, text in out:
        if text.surface not in seen:
            seen.add(text.surface)
            unique.append((kind, text))
    return unique


def render_apkg(lesson: Lesson) -> bytes:
    import genanki

    model = genanki.Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[{"name": f} for f in FIELDS],
        templates=[
            {
                "name": "Recognise",
                "qfmt": '<div class="ja">{{Surface}}</div>',
                "afmt": '{{FrontSide}}<hr id="answer"><div class="ja">{{Furigana}}</div>'
                '<div>{{Reading}}</div><div class="romaji">{{Romaji}}</div>'
                '<div class="meaning">{{Meaning}}</div>',
            }
        ],
        css=".card { font-family: 'Noto Sans CJK JP', sans-serif; font-size: 22px; "
        "text-align: center; } .ja { font-size: 32px; } .romaji { color: #777; } "
        ".meaning { margin-top: 0.5em; }",
    )
    level = lesson.plan.level
    deck = genanki.Deck(deck_id(lesson.lesson_id), f"lessonplan::{lesson.can_do_id} ({level})")
    for kind, text in cards(lesson):
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[
                    text.surface,
                    # no furigana where there is no reading (a language other than Japanese)
                    str(ruby_html(text.surface)) if text.reading else "",
                    text.reading,
                    text.romaji,
                    text.translation,
                    kind,
                    f"{lesson.can_do_id} · {lesson.lesson_id}",
                ],
                guid=note_guid(lesson.lesson_id, text.surface),
                tags=["lessonplan", _tag(lesson.can_do_id), level, kind],
            )
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deck.apkg"
        genanki.Package(deck).write_to_file(str(path))
        return path.read_bytes()
