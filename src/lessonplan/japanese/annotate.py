"""Annotate target-language text: reading, furigana and romaji derived from the surface."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar, overload

from pydantic import BaseModel

from lessonplan.domain.fields import nested_fields
from lessonplan.domain.lesson import STAGE_MODELS, FuriganaSegment, StageName, TargetText
from lessonplan.japanese.analyser import Token, tokenize
from lessonplan.japanese.furigana import segments
from lessonplan.japanese.romaji import romanize


@dataclass(frozen=True)
class Annotation:
    """What the text layer derives from one surface."""

    surface: str
    reading: str
    furigana: tuple[FuriganaSegment, ...]
    romaji: str
    tokens: tuple[Token, ...]


@lru_cache(maxsize=8192)
def annotate(surface: str) -> Annotation:
    """Reading (kana, katakana words kept), furigana segments, Hepburn romaji and tokens."""
    tokens = tokenize(surface)
    return Annotation(
        surface=surface,
        reading="".join(t.reading for t in tokens),
        furigana=tuple(segments(tokens)),
        romaji=romanize(tokens),
        tokens=tuple(tokens),
    )


def forget_texts() -> None:
    """Empty every cache of the text layer keyed by a text or a word (analyses, words,
    annotations, romaji), as in a process that has annotated nothing yet."""
    from lessonplan.japanese.analyser import forget_analyses
    from lessonplan.japanese.romaji import forget_romaji

    forget_analyses()
    forget_romaji()
    annotate.cache_clear()


def annotate_text(text: TargetText) -> TargetText:
    """A copy of *text* whose reading, romaji and furigana come from the text layer."""
    a = annotate(text.surface)
    return text.model_copy(
        update={"reading": a.reading, "romaji": a.romaji, "furigana": list(a.furigana)}
    )


_M = TypeVar("_M", bound=BaseModel)


def annotate_model(model: _M) -> _M:
    """Every :class:`TargetText` inside a model, however deeply nested, annotated."""
    updates: dict[str, Any] = {}
    for name in nested_fields(type(model)):  # the others hold no text to annotate
        value = getattr(model, name)
        new = _annotate_value(value)
        if new is not value:
            updates[name] = new
    return model.model_copy(update=updates) if updates else model


def _annotate_value(value: Any) -> Any:
    if isinstance(value, TargetText):
        return annotate_text(value)
    if isinstance(value, BaseModel):
        return annotate_model(value)
    if isinstance(value, list):
        return [_annotate_value(v) for v in value]
    return value


@overload
def annotate_stage(stage: StageName, data: Mapping[str, Any]) -> dict[str, Any]: ...
@overload
def annotate_stage(stage: StageName, data: _M) -> _M: ...
def annotate_stage(stage: StageName, data: Mapping[str, Any] | BaseModel) -> Any:
    """Fill every TargetText of a stage's data (a model, or its JSON dict)."""
    if isinstance(data, BaseModel):
        return annotate_model(data)
    model = STAGE_MODELS[stage].model_validate(dict(data))
    return annotate_model(model).model_dump(mode="json")
