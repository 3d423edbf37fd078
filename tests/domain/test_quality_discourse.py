"""Replies that fit, family words that fit, English that is English: the defects the teacher
found in the old offline lessons, flagged where they are, and natural lines left alone."""

from __future__ import annotations

from lessonplan.domain.lesson import Dialogue, DialogueTurn, TargetText
from lessonplan.domain.quality.discourse import (
    dialogue_discourse_issues,
    translation_english_issues,
)


def dialogue(*turns: tuple[str, str]) -> Dialogue:
    return Dialogue(
        scenario="s",
        turns=[DialogueTurn(speaker=who, text=TargetText(surface=line)) for who, line in turns],
    )


def codes(d: Dialogue) -> list[tuple[str, str]]:
    return [(i.code, i.path) for i in dialogue_discourse_issues(d)]


def test_a_doctor_answering_thanks_with_douitashimashite_is_flagged() -> None:
    d = dialogue(("患者", "ありがとうございました。"), ("医者", "どういたしまして。"))
    assert codes(d) == [("dialogue.reply_misfit", "$.dialogue.turns[1].text.surface")]
    fine = dialogue(("患者", "ありがとうございました。"), ("医者", "お大事に。"))
    assert codes(fine) == []


def test_douitashimashite_answering_nothing_is_flagged_and_a_friend_thanked_is_fine() -> None:
    d = dialogue(("店員", "これは三百円です。"), ("客", "どういたしまして。"))
    assert [c for c, _ in codes(d)] == ["dialogue.reply_unprompted"]
    fine = dialogue(("A", "手伝ってくれて、ありがとう。"), ("B", "どういたしまして。"))
    assert codes(fine) == []


def test_a_humble_family_word_in_a_question_is_flagged() -> None:
    d = dialogue(("A", "なるほど。父はどう？"), ("B", "元気だよ。"))
    assert [c for c, _ in codes(d)] == ["dialogue.kinship_humble"]
    fine = dialogue(
        ("A", "お父さんはお元気ですか。"),
        ("B", "はい、父は元気です。私の母はどうですか、と聞いていました。"),
    )
    assert codes(fine) == []


def test_translations_that_are_not_english_are_flagged() -> None:
    assert translation_english_issues("I often be born.", "$.t")[0].code == (
        "text.translation_ungrammatical"
    )
    assert translation_english_issues("This is the today.", "$.t")
    for fine in ("Will you be all right?", "I want to be a doctor.", "They can be late today."):
        assert translation_english_issues(fine, "$.t") == [], fine
