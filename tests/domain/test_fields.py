"""nested_fields: the walks over a stage visit exactly the fields that can hold a model."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from lessonplan.domain.fields import nested_fields
from lessonplan.domain.lesson import ContentStage, TargetText
from lessonplan.domain.quality.common import target_texts


class Inner(BaseModel):
    text: TargetText


class Mixed(BaseModel):
    name: str = ""
    count: int = 0
    kind: Literal["a", "b"] = "a"
    tags: list[str] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)
    one: TargetText | None = None
    many: list[Inner] = Field(default_factory=list)
    pair: tuple[Inner, ...] = ()
    loose: Any = None
    marked: Annotated[Inner | None, Field(description="x")] = None


def test_only_fields_that_can_hold_a_model_are_walked() -> None:
    assert nested_fields(Mixed) == ("one", "many", "pair", "loose", "marked")


def test_walk_finds_every_text_where_the_type_allows_one() -> None:
    def text(surface: str) -> TargetText:
        return TargetText(surface=surface, translation=surface)

    value = Mixed(
        name="ignored",
        tags=["not a text"],
        one=text("一"),
        many=[Inner(text=text("二"))],
        pair=(Inner(text=text("三")),),
        loose=[Inner(text=text("四"))],
        marked=Inner(text=text("五")),
    )
    assert [t.surface for t in target_texts(value)] == ["一", "二", "三", "四", "五"]


def test_content_stage_walks_its_texts_and_skips_its_strings() -> None:
    fields = nested_fields(ContentStage)
    assert {"dialogue", "reading", "words", "grammar"} <= set(fields)
    assert not {"objective", "objective_ja", "lesson_kind"} & set(fields)
