"""Output tokens per stage: the LLM writing readings and romaji (before) or not (after).

Issue #11 moved readings, furigana and romaji from the generator to the Japanese text layer:
the LLM writes each target-language text as surface + translation only. This workload counts
the output tokens that saves, with the project's token counter (``prompts.tokens``), on two
sets of real answers:

- the recorded lesson of an earlier LLM system (``tests/fixtures/recorded/jfmarugoto-14``), one
  row per card: the card as the LLM wrote it (``std``, ``furigana``, ``romaji``, ``translation``)
  against the same card with ``furigana`` and ``romaji`` removed;
- the four stages of this project's own lessons (``tests/fixtures/prechange_offline``, written
  when stages still carried ``reading`` and ``romaji``), against the same stages with surface
  and translation only.

Answers are serialised as compact JSON, as a provider returns them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.workloads.common import BenchContext, Figures, show
from lessonplan.domain.lesson import STAGES
from lessonplan.prompts.tokens import count_tokens

NAME = "output_tokens"
MODEL = "gpt-4o-mini"
FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
RECORDED_LESSON = FIXTURES / "recorded" / "jfmarugoto-14.lesson.json"
OWN_LESSONS = FIXTURES / "prechange_offline"
# Keys a generator no longer writes: the recorded shape's reading is called "furigana".
RECORDED_DERIVED = {"furigana", "romaji"}
OWN_DERIVED = {"reading", "romaji", "furigana"}


def strip(value: Any, keys: set[str], *, only_texts: bool = False) -> Any:
    """``value`` without ``keys`` in any object (``only_texts``: in objects with a surface)."""
    if isinstance(value, dict):
        drop = keys if not only_texts or "surface" in value or "std" in value else set()
        return {k: strip(v, keys, only_texts=only_texts) for k, v in value.items() if k not in drop}
    if isinstance(value, list):
        return [strip(v, keys, only_texts=only_texts) for v in value]
    return value


def tokens(value: Any) -> int:
    return count_tokens(json.dumps(value, ensure_ascii=False, separators=(",", ":")), MODEL)


def recorded_cards() -> list[tuple[str, int, int]]:
    cards = json.loads(RECORDED_LESSON.read_text("utf-8"))["lesson"]["cards"]
    rows = []
    for name, card in cards.items():
        answer = {k: v for k, v in card.items() if k != "gen"}  # gen is the prompt, not output
        after = strip(answer, RECORDED_DERIVED, only_texts=True)
        rows.append((name, tokens(answer), tokens(after)))
    return rows


def own_stages() -> list[tuple[str, int, int]]:
    totals = {stage: [0, 0] for stage in STAGES}
    files = sorted(OWN_LESSONS.glob("*.lesson.json"))
    for path in files:
        lesson = json.loads(path.read_text("utf-8"))
        for stage in STAGES:
            data = lesson["stages"][stage]["data"]
            before = strip(data, {"furigana"}, only_texts=True)  # the old schema had no furigana
            after = strip(data, OWN_DERIVED, only_texts=True)
            totals[stage][0] += tokens(before)
            totals[stage][1] += tokens(after)
    n = max(len(files), 1)
    return [(stage, round(b / n), round(a / n)) for stage, (b, a) in totals.items()]


async def run(ctx: BenchContext) -> Figures:
    cards = recorded_cards()
    stages = own_stages()
    before = sum(b for _, b, _ in cards) + sum(b for _, b, _ in stages)
    after = sum(a for _, _, a in cards) + sum(a for _, _, a in stages)
    figures: Figures = {
        "saved_share": round(1 - after / before, 4),
        "recorded_before": sum(b for _, b, _ in cards),
        "recorded_after": sum(a for _, _, a in cards),
        "own_before_per_lesson": sum(b for _, b, _ in stages),
        "own_after_per_lesson": sum(a for _, _, a in stages),
        "recorded_cards": {name: {"before": b, "after": a} for name, b, a in cards},
        "own_stages": {name: {"before": b, "after": a} for name, b, a in stages},
    }

    def row(name: str, b: int, a: int) -> tuple[str, Any, str]:
        return (f"  {name}", f"{b} → {a}", f"-{1 - a / b:.0%}" if b else "")

    show(
        ctx,
        f"[output_tokens] output tokens per stage, with vs without readings and romaji "
        f"({MODEL} tokenizer)",
        [
            ("saved share (all rows)", figures["saved_share"], "higher is better"),
            ("recorded lesson jfmarugoto-14, per card", "", "before → after"),
            *[row(name, b, a) for name, b, a in cards],
            ("own stages, mean per lesson", "", "before → after"),
            *[row(name, b, a) for name, b, a in stages],
        ],
    )
    return figures
