"""What a line does where it stands: a reply that answers something, family words that fit who
is meant, and English translations that are English.

Heuristics with few false alarms, so they warn rather than reject: どういたしまして that answers
no thanks (or a doctor's reply to a patient's thanks, where お大事に belongs), a humble family word
(父, 母…) in a question, which asks about the listener's family and needs お父さん, お母さん…; and
translations with a bare "be" after a subject ("I often be born") or an article before
today/tomorrow ("This is the today.").
"""

from __future__ import annotations

import re

from lessonplan.domain.issues import QualityIssue
from lessonplan.domain.lesson import Dialogue
from lessonplan.domain.quality.common import warning

_THANKS = ("ありがとう", "どうも", "すみません", "お世話", "助かり", "助かっ")
_CARE_ROLES = ("医者", "医師", "doctor", "薬剤師", "pharmacist", "看護師", "nurse")
_HUMBLE_KIN = re.compile(
    r"(?<![お私僕])(?<!私の)(?<!僕の)(?<!うちの)(祖父|祖母|父|母|兄|姉|弟|妹)(?:は|が|も|に|を)"
)
_QUESTION_END = re.compile(r"(?:か|？|\?)[。．.]?\s*$")
_BARE_BE = re.compile(
    r"\b(?:I|we|they)(?:\s+(?:often|always|usually|sometimes|never|also|really))?\s+be\b",
    re.IGNORECASE,
)
_MODAL_BEFORE = re.compile(
    r"\b(?:will|would|can|could|shall|should|may|might|must|to|not|let|if|did|do)\s*$",
    re.IGNORECASE,
)
_ARTICLE_DAY = re.compile(r"\b(?:the|a)\s+(?:today|tomorrow|yesterday|tonight)\b", re.IGNORECASE)


def dialogue_discourse_issues(dialogue: Dialogue, base: str = "$.dialogue") -> list[QualityIssue]:
    issues: list[QualityIssue] = []
    turns = dialogue.turns
    for i, turn in enumerate(turns):
        surface = turn.text.surface
        path = f"{base}.turns[{i}].text.surface"
        if "どういたしまして" in surface:
            before = turns[i - 1].text.surface if i else ""
            speaker = turn.speaker.casefold()
            if not any(word in before for word in _THANKS):
                msg = f"{surface!r} answers thanks, but the line before thanks nobody: {before!r}."
                issues.append(warning("dialogue.reply_unprompted", msg, path))
            elif any(role.casefold() in speaker for role in _CARE_ROLES):
                msg = (
                    f"{turn.speaker} answers a patient's thanks with どういたしまして; "
                    "a doctor says お大事に."
                )
                issues.append(warning("dialogue.reply_misfit", msg, path))
        for sentence in re.split(r"(?<=[。！？!?])", surface):
            if _HUMBLE_KIN.search(sentence) and _QUESTION_END.search(sentence):
                msg = (
                    f"{sentence!r} asks about someone else's family with a humble word "
                    "(父, 母…); the listener's family is お父さん, お母さん…"
                )
                issues.append(warning("dialogue.kinship_humble", msg, path))
                break
    return issues


def translation_english_issues(translation: str, path: str) -> list[QualityIssue]:
    found = next(
        (
            m
            for m in _BARE_BE.finditer(translation)
            if not _MODAL_BEFORE.search(translation[: m.start()])
        ),
        None,
    ) or _ARTICLE_DAY.search(translation)
    if found is None:
        return []
    msg = f"translation {translation!r} is not English as written ({found.group(0)!r})."
    return [warning("text.translation_ungrammatical", msg, path)]
