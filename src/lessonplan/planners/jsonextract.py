"""Find the JSON object in an LLM answer: fences, prose around it, braces in strings, truncation.

Models wrap JSON in code fences, add a sentence before or after, or stop mid-object when they
hit the token limit. A string-aware brace matcher finds complete objects; ``json_repair``
closes a truncated one so validation can report what is missing (and the repair prompt can ask
for it) instead of failing on a parse error.
"""

from __future__ import annotations

import json
import re
from typing import Any

import json_repair

_FENCE = re.compile(r"```[ \t]*(?:json|JSON|json5)?[ \t]*\r?\n(.*?)(?:```|\Z)", re.DOTALL)


class JSONExtractionError(ValueError):
    """No usable JSON object in the text."""


def _match_object(text: str, start: int) -> int | None:
    """Index just past the object opening at ``start``, or ``None`` when it never closes."""
    depth = 0
    in_string = False
    escaped = False
    for i in range(start, len(text)):
        ch = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return i + 1
    return None


def _loads_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _repair_object(text: str) -> dict[str, Any] | None:
    try:
        value = json_repair.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) and value else None


def _scan(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Complete top-level objects that parse, and fragments to try repairing (in order)."""
    found: list[dict[str, Any]] = []
    broken: list[str] = []
    i = text.find("{")
    while i != -1:
        end = _match_object(text, i)
        if end is None:  # never closes: truncated output from here on
            broken.append(text[i:])
            break
        value = _loads_object(text[i:end])
        if value is not None:
            found.append(value)
            i = text.find("{", end)
        else:
            broken.append(text[i:end])
            i = text.find("{", i + 1)
    return found, broken


def extract_json(text: str) -> dict[str, Any]:
    """The JSON object in ``text``; raises :class:`JSONExtractionError` when there is none.

    Order: the whole text; objects inside code fences; complete objects anywhere (the largest
    wins: an answer is bigger than an example quoted in prose); then ``json_repair`` on the
    largest truncated or malformed object.
    """
    stripped = text.strip()
    if not stripped:
        raise JSONExtractionError("the answer is empty")
    whole = _loads_object(stripped)
    if whole is not None:
        return whole
    sources = [m.group(1) for m in _FENCE.finditer(stripped)] + [stripped]
    broken: list[str] = []
    for source in sources:
        found, fragments = _scan(source)
        if found:
            return max(found, key=lambda obj: len(json.dumps(obj)))
        broken.extend(fragments)
    for fragment in sorted(broken, key=len, reverse=True):
        repaired = _repair_object(fragment)
        if repaired is not None:
            return repaired
    if "{" not in stripped:
        raise JSONExtractionError(f"no JSON object in the answer (starts: {_preview(stripped)})")
    raise JSONExtractionError(f"the answer's JSON cannot be parsed (starts: {_preview(stripped)})")


def _preview(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return repr(flat[:limit] + ("…" if len(flat) > limit else ""))
