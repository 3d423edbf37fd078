"""Grammar facts the quality checks need, read from the analyser's tokens.

- :func:`sentence_register`: is a sentence polite (です/ます, ください), plain (a plain predicate
  at its end: だ, 行く, 行った, 行こう, 待って, おいしい) or neutral (no predicate: はい, 駅の前).
- :func:`nonvolitional_requests`: verbs a person cannot choose to do (生まれる, 降る, 分かる...)
  used with 〜てください, 〜てみてください or 〜ないでください.
"""

from __future__ import annotations

import re
from typing import Literal

from lessonplan.japanese.analyser import Token, tokenize

SentenceRegister = Literal["polite", "plain", "neutral"]

# Set phrases whose です/ます does not make a plain speaker polite (friends say いただきます).
SET_PHRASES = (
    "よろしくお願いします",
    "お願いします",
    "いただきます",
    "ごちそうさまでした",
    "おはようございます",
    "ありがとうございます",
    "ありがとうございました",
    "おめでとうございます",
    "すみません",
    "お疲れさまです",
    "お疲れ様です",
    "失礼します",
    "いらっしゃいませ",
    "いらっしゃい",
    "お大事に",
    "どうも",
)
_TRAILING_PUNCTUATION = "。！？!?、，,…〜～ 　"
# UniDic lemmas of verbs that name what happens to someone, not what they choose to do.
NONVOLITIONAL_VERBS = frozenset(
    {
        "生まれる",
        "降る",
        "痛む",
        "分かる",
        "出来る",
        "有る",
        "要る",
        "見える",
        "聞こえる",
        "困る",
        "晴れる",
        "曇る",
        "止む",
        "咲く",
        "起こる",
        "違う",
        "似る",
        "似合う",
        "足りる",
        "疲れる",
        "亡くなる",
        "死ぬ",
        "治る",
        "壊れる",
        "割れる",
        "汚れる",
        "驚く",
    }
)
_SENTENCE_END = re.compile(r"(?<=[。！？!?])")
_QUOTED = re.compile(r"「[^」]*」|『[^』]*』")
_FINAL_PARTICLES = {"よ", "ね", "か", "な", "わ", "の", "さ", "ぞ", "ぜ", "かな", "よね", "っけ"}
_PLAIN_AUXILIARIES = {"だ", "た", "ない", "う", "たい", "ず", "ぬ", "らしい", "そう"}
_PLAIN_FORMS = ("終止形", "意志推量形", "命令形")


def sentences(text: str) -> list[str]:
    """Split at 。！？ (kept with their sentence); empty pieces dropped."""
    return [s for s in (p.strip() for p in _SENTENCE_END.split(text)) if s]


def _content_tokens(sentence: str) -> list[Token]:
    text = _QUOTED.sub("", sentence)
    for phrase in SET_PHRASES:
        text = text.replace(phrase, "")
    return [t for t in tokenize(text) if not t.is_punctuation]


# Colloquial contractions (なくなっちゃう, 忘れちゃう): a でしょう after one is a casual speaker's
# "you see", not polite speech, which says なくなってしまうでしょう.
_CONTRACTIONS = {"ちゃう", "じゃう", "ちまう", "じまう"}


def _is_polite(token: Token, following: Token | None, previous: Token | None = None) -> bool:
    if token.pos == "助動詞" and token.surface == "でしょ":
        return following is not None and following.surface == "う"  # でしょ？ is plain
    if token.pos == "助動詞" and token.surface == "でしょう":
        return previous is None or previous.lemma not in _CONTRACTIONS
    if token.pos == "助動詞" and token.lemma in {"です", "ます"}:
        return True
    return token.pos == "動詞" and token.base in {"くださる", "下さる"}


def _ends_in_set_phrase(sentence: str) -> bool:
    bare = _QUOTED.sub("", sentence).rstrip(_TRAILING_PUNCTUATION)
    return any(bare.endswith(phrase) for phrase in SET_PHRASES)


def _adjective_exclamation(sentence: str, tokens: list[Token]) -> bool:
    """A sentence that is one adjective and an exclamation mark (すごい！, おいしいね！): what a
    speaker of any register exclaims; the same adjective stated (おいしい。) is plain."""
    exclaimed = _QUOTED.sub("", sentence).rstrip().endswith(("！", "!"))
    return exclaimed and len(tokens) == 1 and tokens[0].pos == "形容詞"


def sentence_register(sentence: str) -> SentenceRegister:
    """The register a sentence's own predicate shows (quotes and set phrases ignored)."""
    tokens = _content_tokens(sentence)
    if any(
        _is_polite(t, tokens[i + 1] if i + 1 < len(tokens) else None, tokens[i - 1] if i else None)
        for i, t in enumerate(tokens)
    ):
        return "polite"
    if _ends_in_set_phrase(sentence):
        return "neutral"  # はい、お大事に。 / 説明していただいて、ありがとうございました。
    while tokens and tokens[-1].pos == "助詞" and tokens[-1].surface in _FINAL_PARTICLES:
        tokens.pop()
    if tokens and tokens[-1].pos == "助動詞" and tokens[-1].surface in {"でしょ", "でしょう"}:
        return "plain"  # でしょ, or でしょう after a contraction (polite ones returned above)
    if not tokens:
        return "neutral"
    if _adjective_exclamation(sentence, tokens):
        return "neutral"  # すごい！ おいしい！: an exclamation, said in any register
    last = tokens[-1]
    if last.pos == "助動詞" and last.lemma in _PLAIN_AUXILIARIES:
        return "plain"
    if last.pos in {"動詞", "形容詞"} and last.conj_form.startswith(_PLAIN_FORMS):
        return "plain"
    if last.pos == "助詞" and last.pos2 == "接続助詞" and last.surface in {"て", "で"}:
        return "plain"
    return "neutral"


def line_registers(text: str) -> list[tuple[str, SentenceRegister]]:
    """Each sentence of a line with its register."""
    return [(s, sentence_register(s)) for s in sentences(text)]


def nonvolitional_requests(text: str) -> list[str]:
    """Non-volitional verbs (lemmas) requested: 〜てください, 〜てみてください, 〜ないでください."""
    tokens = [t for t in tokenize(text) if not t.is_punctuation]
    found: list[str] = []
    for i, token in enumerate(tokens):
        if token.pos != "動詞" or token.lemma not in NONVOLITIONAL_VERBS:
            continue
        j = i + 1
        if j < len(tokens) and tokens[j].pos == "助動詞" and tokens[j].lemma == "ない":
            j += 1
        if j >= len(tokens) or tokens[j].surface not in {"て", "で"}:
            continue
        j += 1
        if j + 1 < len(tokens) and tokens[j].lemma == "見る" and tokens[j + 1].surface == "て":
            j += 2
        if j < len(tokens) and tokens[j].base in {"くださる", "下さる"}:
            found.append(token.lemma)
    return found
