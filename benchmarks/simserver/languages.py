"""What the simulated model writes for a descriptor whose target language is not Japanese.

The offline planner behind the Japanese answers teaches Japanese only, so a lesson in another
language is written by hand, once per language, in ``data/<lang>_*.json`` (a plan and its four
stages, as a careful model would answer the planner and stage prompts). The plan takes its
``uid`` and ``level`` from the descriptor in the prompt; each stage is the authored one. A
language with no authored lesson is refused as a bad request, as a model that cannot write it
would be useless: never Japanese content for it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data")
# Primary language subtag -> the authored lesson the simulated model answers with.
AUTHORED: dict[str, str] = {"es": "es_cafe_a2.json"}


def target_language(inputs: dict[str, Any]) -> str:
    """The prompt's descriptor's target language (``ja`` when it names none)."""
    descriptor = inputs.get("descriptor") or {}
    tag = descriptor.get("target_language") if isinstance(descriptor, dict) else None
    return str(tag or "ja")


@lru_cache(maxsize=8)
def authored_lesson(language: str) -> dict[str, Any]:
    primary = language.split("-")[0].lower()
    name = AUTHORED.get(primary)
    if name is None:
        known = ", ".join(sorted(AUTHORED))
        raise ValueError(
            f"the simulated model writes Japanese and {known} lessons only, not {language!r}"
        )
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


def answer_other_language(task: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """The answer to one task (plan, content, ...) for a non-Japanese descriptor."""
    lesson = authored_lesson(target_language(inputs))
    if task == "plan":
        descriptor = inputs["descriptor"]
        plan: dict[str, Any] = {
            "uid": descriptor["uid"],
            "level": descriptor.get("level", "A2"),
            **lesson["plan"],
        }
        return plan
    stage: dict[str, Any] = lesson["stages"][task]
    return stage
