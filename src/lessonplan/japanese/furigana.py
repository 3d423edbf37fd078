"""Word-level furigana: each kanji run of a word with its kana; okurigana and kana outside."""

from __future__ import annotations

import re

from lessonplan.domain.lesson import FuriganaSegment
from lessonplan.japanese.analyser import Token
from lessonplan.japanese.kana import has_kanji, is_kanji_char, to_hiragana


def _runs(surface: str) -> list[tuple[str, bool]]:
    """Split into (text, needs_reading) runs: kanji and digits vs everything else."""
    runs: list[tuple[str, bool]] = []
    for char in surface:
        ruby = is_kanji_char(char) or char.isdigit()
        if runs and runs[-1][1] == ruby:
            runs[-1] = (runs[-1][0] + char, ruby)
        else:
            runs.append((char, ruby))
    return runs


def align(surface: str, reading: str) -> list[FuriganaSegment]:
    """Split one word's reading over its kanji runs (飲ん/のん → 飲:の + ん)."""
    runs = _runs(surface)
    if not any(ruby for _, ruby in runs):
        return [FuriganaSegment(text=surface)]
    hira = to_hiragana(reading)
    pattern = "".join(
        "(.+?)" if ruby else f"({re.escape(to_hiragana(text))})" for text, ruby in runs
    )
    match = re.fullmatch(pattern, hira)
    if match is None:
        return [FuriganaSegment(text=surface, reading=hira)]
    return [
        FuriganaSegment(text=text, reading=match.group(i + 1) if ruby else None)
        for i, (text, ruby) in enumerate(runs)
    ]


def _ruby_kana(text: str, kana: str) -> str:
    """Furigana are hiragana, except over a symbol: its reading is a loanword's, written in
    katakana as in print (5%[パーセント], 3㎏[キロ])."""
    if not has_kanji(text) and not any(c.isdigit() for c in text):
        return kana
    return to_hiragana(kana)


def segments(tokens: list[Token]) -> list[FuriganaSegment]:
    """Furigana segments for a whole text; consecutive kana-only pieces are merged."""
    out: list[FuriganaSegment] = []
    for token in tokens:
        if token.segments:
            pieces = [
                FuriganaSegment(text=text, reading=None if kana is None else _ruby_kana(text, kana))
                for text, kana in token.segments
            ]
        elif has_kanji(token.surface):
            pieces = align(token.surface, token.reading)
        else:
            pieces = [FuriganaSegment(text=token.surface)]
        for piece in pieces:
            if piece.reading is None and out and out[-1].reading is None:
                out[-1] = FuriganaSegment(text=out[-1].text + piece.text)
            else:
                out.append(piece)
    return out
