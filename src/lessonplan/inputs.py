"""Reading user files (profile, kit, plan, catalog) into models, with one-line errors.

A missing file, a file that is not JSON, or a value that does not validate becomes a
:class:`BadInputError` naming the file and the first problems, never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from lessonplan.domain.models import CanDoDescriptor, LearnerProfile, PrelessonKit
from lessonplan.errors import BadInputError

M = TypeVar("M", bound=BaseModel)


def describe_validation_error(exc: ValidationError, limit: int = 3) -> str:
    parts = []
    for err in exc.errors()[:limit]:
        where = ".".join(str(p) for p in err["loc"])
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown field"
        if err["type"] == "value_error":
            message = message.removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    more = len(exc.errors()) - limit
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)


def read_text_file(path: str | Path, what: str, *, encoding: str = "utf-8") -> str:
    """A file's text, or a :class:`BadInputError` naming the file and what is wrong."""
    p = Path(path)
    if not p.exists():
        raise BadInputError(f"{what} file not found: {p}")
    if not p.is_file():
        raise BadInputError(f"{what} path is not a file: {p}")
    try:
        return p.read_text(encoding=encoding)
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInputError(f"cannot read {what} file {p}: {exc}") from exc


def read_json_file(path: str | Path, what: str) -> Any:
    p = Path(path)
    text = read_text_file(p, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInputError(
            f"{what} file {p} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc


def parse_model(model: type[M], data: Any, what: str) -> M:
    if not isinstance(data, dict):
        raise BadInputError(f"{what} must be a JSON object, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BadInputError(f"invalid {what}: {describe_validation_error(exc)}") from exc


def load_profile(path: str | Path) -> LearnerProfile:
    return parse_model(LearnerProfile, read_json_file(path, "profile"), f"profile {path}")


def load_kit(path: str | Path) -> PrelessonKit:
    return parse_model(PrelessonKit, read_json_file(path, "kit"), f"kit {path}")


def parse_catalog(text: str, *, fmt: str, name: str = "catalog") -> list[CanDoDescriptor]:
    """Validate every row; raise one error naming each bad row (all-or-nothing import)."""
    from lessonplan.catalog import read_catalog

    if fmt not in ("json", "csv", "jf"):
        raise BadInputError(f"unsupported catalog format {fmt!r}: use .json or .csv")
    report = read_catalog(text, fmt=fmt, name=name)
    if report.problems:
        raise BadInputError(report.refusal(name))
    return report.descriptors


def load_catalog_file(path: str | Path, *, fmt: str | None = None) -> list[CanDoDescriptor]:
    """A catalog file, all or nothing (see :func:`lessonplan.catalog.read_catalog_file`)."""
    from lessonplan.catalog import read_catalog_file

    report = read_catalog_file(path, fmt=fmt)
    if report.problems:
        raise BadInputError(report.refusal(str(path)))
    return report.descriptors
