"""Register false positives reviewers reported: set phrases, でしょ, one-adjective exclamations."""

from __future__ import annotations

import pytest

from lessonplan.japanese.grammar import sentence_register


@pytest.mark.parametrize(
    ("sentence", "register"),
    [
        ("はい、お大事に。", "neutral"),  # a polite doctor's short answer
        ("いらっしゃい。", "neutral"),
        ("どうも。", "neutral"),
        ("詳しく説明していただいて、ありがとうございました。", "neutral"),
        ("でしょ？", "plain"),
        ("雨が降るでしょ。", "plain"),
        ("そうでしょう。", "polite"),
        ("雨が降るでしょう。", "polite"),
        # a grandmother's casual でしょう after ちゃう (two reviewers: not polite)
        ("季節の味を伝える場がなくなっちゃうでしょう。", "plain"),
        ("そんなことしたら、困っちゃうでしょう。", "plain"),
        ("食べて。", "plain"),
        ("食べてください。", "polite"),
        ("すごい！", "neutral"),  # a polite colleague's exclamation
        ("おいしいね！", "neutral"),
        ("おいしい。", "plain"),  # stated, not exclaimed
        ("この店は高い！", "plain"),  # a whole sentence, not an exclamation of one word
        ("すごいですね！", "polite"),
    ],
)
def test_reported_sentence_register(sentence: str, register: str) -> None:
    assert sentence_register(sentence) == register
