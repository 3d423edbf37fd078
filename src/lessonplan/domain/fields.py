"""Which fields of a model a walk over its nested models must visit."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel


@cache
def nested_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``model`` whose type can hold a model (a TargetText, a turn, a question):
    walks over a stage skip the rest (its strings, numbers, literals and dicts)."""
    return tuple(
        name for name, info in model.model_fields.items() if _may_hold_model(info.annotation)
    )


def _may_hold_model(annotation: Any) -> bool:
    if annotation is Any or annotation is object:
        return True
    origin = get_origin(annotation)
    if origin is Literal or origin is dict:
        return False
    if origin is Annotated:
        return _may_hold_model(get_args(annotation)[0])
    if isinstance(annotation, type) and origin is None:
        return issubclass(annotation, BaseModel | list | tuple)
    args = get_args(annotation)
    if not args:
        return annotation is not None  # a type it cannot tell (a forward reference): walked
    return any(_may_hold_model(arg) for arg in args)
