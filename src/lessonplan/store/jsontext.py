"""JSON columns: what the engines write, and text serialised before it reaches them.

The engines serialise JSON column values with :func:`dump_json`: the standard library's
``json.dumps`` (SQLAlchemy's default), except for :class:`JSONText`, text already serialised,
written as it is. :func:`models_json` serialises models with pydantic's own serialiser (in
Rust, several times faster than ``model_dump`` and then ``json.dumps``): a lesson version's
stages, the largest value the store writes, on the path where a compile's caller waits.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

_Name = TypeVar("_Name", bound=str)


class JSONText(str):
    """A JSON document already serialised: a JSON column stores this text as it is."""

    __slots__ = ()


def dump_json(value: Any) -> str:
    """The engines' JSON serialiser (``json_serializer``)."""
    if isinstance(value, JSONText):
        return str(value)
    return json.dumps(value)


def models_json(models: Mapping[_Name, BaseModel]) -> JSONText:
    """``{name: model}`` as one JSON object, each model serialised by pydantic (the same
    document as ``json.dumps({name: model.model_dump(mode="json")})``, non-ASCII unescaped)."""
    parts = (f"{json.dumps(name)}:{model.model_dump_json()}" for name, model in models.items())
    return JSONText("{" + ",".join(parts) + "}")
