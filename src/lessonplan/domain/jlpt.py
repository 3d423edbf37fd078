"""The JLPT bands and how CEFR levels map onto them: plain data, apart from the Japanese text
layer (:mod:`lessonplan.japanese.levels` adds the word lists) so that a prompt or a plan key can
name a band without loading the analyser."""

from __future__ import annotations

from typing import Literal

JlptLevel = Literal["N5", "N4", "N3", "N2", "N1"]
JLPT_LEVELS: tuple[JlptLevel, ...] = ("N5", "N4", "N3", "N2", "N1")
JLPT_TO_CEFR: dict[JlptLevel, str] = {"N5": "A1", "N4": "A2", "N3": "B1", "N2": "B2", "N1": "C1"}
CEFR_TO_JLPT: dict[str, JlptLevel] = {
    "A1": "N5",
    "A2": "N4",
    "B1": "N3",
    "B2": "N2",
    "C1": "N1",
    "C2": "N1",
}


def jlpt_for_cefr(cefr: str) -> JlptLevel:
    """The JLPT band a CEFR level's lesson draws its words from (A1 → N5)."""
    return CEFR_TO_JLPT.get(cefr.upper(), "N1")


def above(level: JlptLevel, band: JlptLevel) -> bool:
    """Is *level* harder than *band* (N3 is above N4)?"""
    return JLPT_LEVELS.index(level) > JLPT_LEVELS.index(band)
