"""Reading user files (profile, kit, plan, catalog) into models, with one-line errors.

A missing file, a file that is not JSON, or a value that does not validate becomes a
:class:`BadInputError` naming the file and the first problems, never a traceback.
"""

from __future__ import annotations

import csv
import io
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
        where = ".".join(str(p) for p in err["loc"]) or "(root)"
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown field"
        parts.append(f"{where}: {message}")
    more = len(exc.errors()) - limit
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)


def read_json_file(path: str | Path, what: str) -> Any:
    p = Path(path)
    if not p.exists():
        raise BadInputError(f"{what} file not found: {p}")
    if not p.is_file():
        raise BadInputError(f"{what} path is not a file: {p}")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInputError(f"cannot read {what} file {p}: {exc}") from exc
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


_CSV_ALIASES = {"description": "description_en", "topic": "primary_topic_en"}


def parse_catalog(text: str, *, fmt: str, name: str = "catalog") -> list[CanDoDescriptor]:
    """Validate every row; raise one error naming each bad row (all-or-nothing import)."""
    rows: list[Any]
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BadInputError(
                f"{name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from exc
        if isinstance(data, dict) and isinstance(data.get("descriptors"), list):
            data = data["descriptors"]
        if not isinstance(data, list):
            raise BadInputError(f"{name} must be a JSON list of descriptors")
        rows = data
        label = "item"
    elif fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames:
            raise BadInputError(f"{name} is empty: a CSV needs a header row")
        rows = [
            {_CSV_ALIASES.get(k, k): v for k, v in row.items() if k and v not in (None, "")}
            for row in reader
        ]
        label = "row"
    else:
        raise BadInputError(f"unsupported catalog format {fmt!r}: use .json or .csv")
    if not rows:
        raise BadInputError(f"{name} holds no descriptors")
    good: list[CanDoDescriptor] = []
    bad: list[str] = []
    seen: set[str] = set()
    for index, row in enumerate(rows, start=1):
        number = index + 1 if fmt == "csv" else index  # CSV rows count the header line
        if not isinstance(row, dict):
            bad.append(f"{label} {number}: not an object")
            continue
        try:
            descriptor = CanDoDescriptor.model_validate(row)
        except ValidationError as exc:
            bad.append(f"{label} {number}: {describe_validation_error(exc, limit=2)}")
            continue
        if descriptor.uid in seen:
            bad.append(f"{label} {number}: duplicate uid {descriptor.uid!r}")
            continue
        seen.add(descriptor.uid)
        good.append(descriptor)
    if bad:
        shown = " | ".join(bad[:5]) + (f" | and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise BadInputError(f"{name}: {len(bad)} bad {label}(s), nothing imported: {shown}")
    return good


def load_catalog_file(path: str | Path) -> list[CanDoDescriptor]:
    p = Path(path)
    if not p.is_file():
        raise BadInputError(f"catalog file not found: {p}")
    suffix = p.suffix.lower().lstrip(".")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInputError(f"cannot read catalog file {p}: {exc}") from exc
    return parse_catalog(text, fmt=suffix, name=str(p))
