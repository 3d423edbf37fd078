"""Repair prompts: the original task plus only the latest invalid answer and its problems.

A repair request keeps the original system message (so prompt caching still applies) and the
original data, then appends one section with the last answer and what is wrong with it. Building
a repair from a repair request replaces that section: the history never grows, so the second
repair costs what the first did and the model is not distracted by errors it already fixed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from lessonplan.domain.quality import QualityIssue
from lessonplan.prompts.datablocks import render_data_blocks
from lessonplan.providers.base import LLMRequest

MAX_OUTPUT_CHARS = 8000
MAX_ERRORS = 20
MAX_ERROR_CHARS = 300
# Marks where the original user message ends; everything after it is the latest repair section.
REPAIR_MARKER = "\n\n### REPAIR ###\n"


def _original_user(request: LLMRequest) -> str:
    return request.user.split(REPAIR_MARKER, 1)[0]


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text) - limit} more characters cut]"


def _with_section(original: LLMRequest, blocks: dict[str, Any], closing: str) -> LLMRequest:
    user = f"{_original_user(original)}{REPAIR_MARKER}{render_data_blocks(blocks)}\n\n{closing}"
    return replace(original, user=user)


def build_repair_request(original: LLMRequest, raw_output: str, errors: list[str]) -> LLMRequest:
    """Ask again for the same object, showing the last invalid answer and its errors."""
    shown = [_truncate(e, MAX_ERROR_CHARS) for e in errors[:MAX_ERRORS]]
    if len(errors) > MAX_ERRORS:
        shown.append(f"… and {len(errors) - MAX_ERRORS} more errors")
    blocks = {"previous_output": _truncate(raw_output, MAX_OUTPUT_CHARS), "errors": shown}
    closing = (
        f"Your previous answer (previous_output) was not a valid {original.schema_name} object; "
        "errors lists why. Return the complete corrected JSON object only."
    )
    return _with_section(original, blocks, closing)


def build_quality_repair_request(
    original: LLMRequest, plan_json: dict[str, Any], issues: list[QualityIssue]
) -> LLMRequest:
    """Ask to fix the listed quality issues and return the whole corrected object."""
    listed = [{"code": i.code, "path": i.path, "message": i.message} for i in issues]
    blocks = {"previous_output": plan_json, "issues": listed}
    closing = (
        f"Your previous {original.schema_name} (previous_output) has the quality issues listed in "
        "issues (path is a JSON path into it). Fix each of them, keep everything else, and return "
        "the whole corrected JSON object only."
    )
    return _with_section(original, blocks, closing)


def _json_path(loc: tuple[int | str, ...]) -> str:
    path = "$"
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def format_validation_errors(exc: ValidationError) -> list[str]:
    """One short ``path: message`` line per pydantic error."""
    return [f"{_json_path(err['loc'])}: {err['msg']}" for err in exc.errors(include_url=False)]
