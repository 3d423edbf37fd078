"""A plain CSV or JSON of one's own descriptors, in the :class:`CanDoDescriptor` field names.

CSV: a header row naming the columns; ``uid`` and ``level`` are required and one description:
``description_en``, ``description_ja`` or ``description_<language>`` for any other language tag
(``description_fr``, ``description_pt-BR``: kept in ``descriptions``; ``title_<language>``
likewise in ``titles``); ``description`` and
``topic`` are accepted for ``description_en`` and ``primary_topic_en``. Empty cells are left
unset; an unknown column is an error of every row. JSON: a list of objects (or
``{"descriptors": [...]}``), with the same field names or ``descriptions: {"fr": ...}``.

``target_language`` (default ``ja``) and ``metalanguage`` (default ``en``) are per descriptor.
Only for a Japanese descriptor is a JF topic name completed with its other language (買い物 →
Shopping); nothing Japanese is assumed for another language. Pure.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from pydantic import ValidationError

from lessonplan.catalog.report import ImportReport, RowProblem
from lessonplan.catalog.vocab import jf_vocabulary
from lessonplan.domain.models import CanDoDescriptor
from lessonplan.errors import BadInputError

CSV_ALIASES = {"description": "description_en", "topic": "primary_topic_en"}


def _complete_topic(row: dict[str, Any]) -> dict[str, Any]:
    language = str(row.get("target_language") or "ja")
    if language.split("-")[0] != "ja":
        return row
    ja, en = row.get("primary_topic_ja"), row.get("primary_topic_en")
    if not isinstance(ja, str | type(None)) or not isinstance(en, str | type(None)):
        return row
    topic = jf_vocabulary().topic(ja or en or "") if bool(ja) != bool(en) else None
    if topic is None:
        return row
    return {**row, "primary_topic_ja": ja or topic.ja, "primary_topic_en": en or topic.en}


def _rows(text: str, fmt: str, name: str) -> tuple[list[tuple[int, Any]], str]:
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
        return list(enumerate(data, start=1)), "item"
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames:
        raise BadInputError(f"{name} is empty: a CSV needs a header row")
    rows = []
    for row in reader:
        cleaned = {
            CSV_ALIASES.get(k.strip(), k.strip()): v.strip() if isinstance(v, str) else v
            for k, v in row.items()
            if k and v not in (None, "")
        }
        rows.append((reader.line_num, cleaned))
    return rows, "row"


def parse_plain(text: str, *, fmt: str, name: str = "catalog") -> ImportReport:
    """Every valid row as a descriptor, every other one named (CSV line or JSON item number)."""
    from lessonplan.inputs import describe_validation_error

    rows, label = _rows(text, fmt, name)
    if not rows:
        raise BadInputError(f"{name} holds no descriptors")
    report = ImportReport(format=fmt)
    seen: set[str] = set()
    for number, row in rows:
        if not isinstance(row, dict):
            report.problems.append(RowProblem(number, "not an object", label))
            continue
        try:
            descriptor = CanDoDescriptor.model_validate(_complete_topic(row))
        except ValidationError as exc:
            reason = describe_validation_error(exc, limit=2)
            report.problems.append(RowProblem(number, reason, label))
            continue
        if descriptor.uid in seen:
            reason = f"duplicate uid {descriptor.uid!r}"
            report.problems.append(RowProblem(number, reason, label))
            continue
        seen.add(descriptor.uid)
        report.descriptors.append(descriptor)
    return report
