"""Adapters: the earlier system's recorded lessons (card shapes) as this project's stages.

Only what maps one to one is carried over: words, grammar examples, the dialogue (speaker, text,
its reading under "furigana", romaji, English), the reading, questions with their answers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from lessonplan.domain.lesson import ComprehensionStage, ContentStage

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "recorded"


def _text(jp: dict[str, Any]) -> dict[str, str]:
    translation = jp.get("translation") or {}
    return {
        "surface": jp["std"],
        "reading": jp.get("furigana") or "",
        "romaji": jp.get("romaji") or "",
        "translation": translation.get("en", "") if isinstance(translation, dict) else "",
    }


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。！？])", text) if s.strip()]


def marugoto_content(plan_roles: dict[str, str]) -> ContentStage:
    """jfmarugoto-14.lesson.json (cards) as a content stage; registers from the plan's roles."""
    cards = json.loads((RECORDED / "jfmarugoto-14.lesson.json").read_text("utf-8"))["lesson"]
    cards = cards["cards"]
    turns = cards["lesson_dialogue"]["turns"]
    culture = cards["cultural_explanation"]
    return ContentStage.model_validate(
        {
            "objective": cards["objective"]["title"]["en"],
            "words": [
                {"text": _text(item["jp"]), "bucket": (item.get("tags") or [""])[0]}
                for item in cards["words"]["items"]
            ],
            "grammar": [
                {
                    "grammar_id": f"gf_{i + 1:03d}",
                    "pattern_ja": p["form"]["ja"]["std"],
                    "explanation": p["explanation"]["en"],
                    "examples": [_text(e["ja"]) for e in p.get("examples", [])],
                }
                for i, p in enumerate(cards["grammar_patterns"]["patterns"])
            ],
            "dialogue": {
                "scenario": cards["lesson_dialogue"]["title"]["en"],
                "turns": [
                    {
                        "speaker": t["speaker"],
                        "register": plan_roles.get(t["speaker"], "polite"),
                        "text": _text(t["ja"]),
                    }
                    for t in turns
                ],
            },
            "reading": {
                "title": culture["title"]["ja"],
                "sentences": [{"surface": s} for s in _sentences(culture["body"]["ja"])],
            },
        }
    )


def jf21_stage1() -> tuple[ContentStage, ComprehensionStage]:
    """jf21-stage1 (an older content object): dialogue A/B, a reading, two questions."""
    raw = json.loads((RECORDED / "jf21-stage1-1761505261.lesson.json").read_text("utf-8"))
    stage1 = raw["stage1"]
    content = ContentStage.model_validate(
        {
            "objective": stage1["objective"],
            "words": [{"text": {"surface": "元気"}}],
            "grammar": [
                {
                    "grammar_id": f"gf_{i + 1:03d}",
                    "pattern_ja": g["pattern"],
                    "explanation": g["explanation"],
                    "examples": [{"surface": e} for e in g["examples"]],
                }
                for i, g in enumerate(stage1["grammar"])
            ],
            "dialogue": {
                "scenario": "Conversation",
                "turns": [
                    {"speaker": t["speaker"], "text": {"surface": t["text"]}}
                    for t in stage1["dialogue"]
                ],
            },
            "reading": {
                "title": stage1["reading"]["title"],
                "sentences": [{"surface": s} for s in _sentences(stage1["reading"]["text"])],
            },
        }
    )
    questions = ComprehensionStage.model_validate(
        {
            "questions": [
                {
                    "id": f"q{i + 1}",
                    "source": "reading",
                    "kind": "short_answer",
                    "question": q["question"],
                    "answer": q["answer"],
                    "evidence": q["answer"],
                }
                for i, q in enumerate(stage1["reading"]["questions"])
            ]
        }
    )
    return content, questions
