"""Furigana as markup: ``<ruby>`` HTML for pages, ``漢字(かんじ)`` for Markdown.

The segments come from the Japanese text layer (:func:`lessonplan.japanese.annotate`); this
module only lays them out, it never tokenises.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from lessonplan.domain.lesson import FuriganaSegment
from lessonplan.japanese import annotate


def segments(surface: str) -> tuple[FuriganaSegment, ...]:
    return annotate(surface).furigana if surface else ()


def ruby_html(surface: str) -> Markup:
    """The surface as HTML, every kanji (or digit) run in ``<ruby>base<rt>reading</rt></ruby>``."""
    return ruby_segments(segments(surface))


def ruby_segments(segs: Sequence[FuriganaSegment]) -> Markup:
    """Segments the text layer made (a TargetText's stored ``furigana``, or :func:`segments`)
    as ruby HTML; the one place that lays furigana out as HTML, for exports and the studio."""
    out: list[str] = []
    for seg in _merged(tuple(segs)):
        if seg.reading:
            out.append(
                f"<ruby>{escape(seg.text)}<rp>(</rp><rt>{escape(seg.reading)}</rt><rp>)</rp></ruby>"
            )
        else:
            out.append(escape(seg.text))
    return Markup("".join(out))


def _merged(segs: tuple[FuriganaSegment, ...]) -> list[FuriganaSegment]:
    """A number and its counter (1 + 日 of 1日) as one base, so short readings do not collide."""
    out: list[FuriganaSegment] = []
    for seg in segs:
        if seg.reading and out and out[-1].reading and out[-1].text.isdigit():
            prev = out[-1]
            out[-1] = FuriganaSegment(
                text=prev.text + seg.text, reading=f"{prev.reading}{seg.reading}"
            )
        else:
            out.append(seg)
    return out


def ruby_text(surface: str) -> str:
    """Each kanji run's reading after it in ASCII brackets: 薬(くすり)を飲(の)む. Runs of two
    words stay apart (回(かい)飲(の)んで, not 回飲(かいの)んで), so a compound the analyser
    splits is read in parts (新(しん)幹線(かんせん))."""
    return "".join(
        f"{seg.text}({seg.reading})" if seg.reading else seg.text for seg in segments(surface)
    )


# A kanji/digit run followed by its kana reading in ASCII brackets, as ruby_text writes it.
_FURIGANA = re.compile(
    "([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ0-9０-９]+)\\(([\u3041-\u309f\u30a0-\u30ffー]+)\\)"
)


def strip_furigana(text: str) -> str:
    """The inverse of :func:`ruby_text`: the plain surface back."""
    return _FURIGANA.sub(r"\1", text)


# A run of Japanese script (with digits and Japanese punctuation) inside other text.
_JAPANESE_RUN = re.compile("[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ0-9０-９]+")


def ruby_mixed(text: str) -> Markup:
    """Text in the metalanguage quoting Japanese: each Japanese run with kanji gets ruby."""
    out: list[str] = []
    last = 0
    for match in _JAPANESE_RUN.finditer(text):
        run = match.group()
        if not _KANJI_IN.search(run):
            continue
        out.append(escape(text[last : match.start()]))
        out.append(str(ruby_html(run)))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("".join(out))


_KANJI_IN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ]")
