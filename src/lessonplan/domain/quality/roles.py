"""Who knows what in a dialogue, and what いる may be said of.

**Roles reversed.** In a service or guided exchange one side owns a topic: the patient owns the
symptoms, the guide (or local) owns the town, the server owns the menu. A dialogue is reversed
when the owner asks the other side about it (a guide asking the visitor about the guide's own
town, a patient asking the doctor "may I ask about my head?"), or when the other side informs
the owner about it with よ (a doctor telling the patient 「頭は痛いですよ」). Roles are recognised
by their labels (English or Japanese); a pair is checked only when both of its roles speak.

**いる for things.** いる (居る) is said of people and animals; things and places take ある.
「パンがいます」 is flagged; 「猫がいます」 and 「お金がいります」 (要る, need) are not.

Both are heuristics over a small lexicon, so they warn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lessonplan.domain.issues import QualityIssue
from lessonplan.domain.lesson import Dialogue
from lessonplan.domain.quality.common import warning
from lessonplan.japanese import Token, tokenize


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True)
class _Pair:
    owner: tuple[str, ...]  # role label keywords of the side that owns the topic
    other: tuple[str, ...]
    topic: frozenset[str]  # lemmas of the topic's nouns
    what: str  # "the patient's own symptoms"


_PAIRS = (
    _Pair(
        owner=("patient", "患者"),
        other=("doctor", "nurse", "pharmacist", "医者", "医師", "看護師", "薬剤師", "先生"),
        topic=_words(
            "頭 お腹 腹 喉 歯 目 耳 鼻 足 手 背中 腰 胸 熱 咳 鼻水 具合 気分 体 体調 症状 "
        ),
        what="the patient's own symptoms",
    ),
    _Pair(
        owner=("guide", "local", "resident", "ガイド", "地元", "案内"),
        other=("visitor", "tourist", "traveller", "traveler", "観光客", "旅行者", "訪問者"),
        topic=_words("町 街 辺 あたり 名所 観光地 寺 神社 城 名物 見所 地元 公園 通り 商店街 "),
        what="the guide's own town",
    ),
    _Pair(
        owner=("server", "waiter", "waitress", "staff", "店員", "ウェイター"),
        other=("customer", "guest", "diner", "客"),
        topic=_words("メニュー お薦め 薦め 料理 日替わり 定食 セット 本日 "),
        what="the restaurant's own menu",
    ),
)

_ASKING = re.compile(
    r"について(?:聞|き)いても(?:いい|よろしい)|について教えて|はどうですか|はどう[？?]|はいかがですか"
)
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")


def _role_of(speaker: str, keywords: tuple[str, ...]) -> bool:
    label = speaker.casefold()
    return any(k.casefold() in label for k in keywords)


def _topic_word(tokens: list[Token], topic: frozenset[str]) -> str | None:
    for token in tokens:
        if token.pos == "名詞" and (token.lemma in topic or token.surface in topic):
            return token.surface
    return None


def roles_reversed_issues(dialogue: Dialogue, base: str = "$.dialogue") -> list[QualityIssue]:
    speakers = {turn.speaker for turn in dialogue.turns}
    issues: list[QualityIssue] = []
    for pair in _PAIRS:
        owners = {s for s in speakers if _role_of(s, pair.owner)}
        others = {s for s in speakers if _role_of(s, pair.other)} - owners
        if not owners or not others:
            continue
        for i, turn in enumerate(dialogue.turns):
            path = f"{base}.turns[{i}].text.surface"
            for sentence in _SENTENCE.findall(turn.text.surface):
                tokens = tokenize(sentence)
                word = _topic_word(tokens, pair.topic)
                if word is None:
                    continue
                if turn.speaker in owners and _ASKING.search(sentence):
                    msg = (
                        f"roles reversed: {turn.speaker} asks about {word} ({pair.what}) in "
                        f"{sentence!r}; the other side should ask and {turn.speaker} answer."
                    )
                    issues.append(warning("dialogue.roles_reversed", msg, path))
                    break
                if turn.speaker in others and _informs(sentence):
                    msg = (
                        f"roles reversed: {turn.speaker} tells the other side about {word} "
                        f"({pair.what}) in {sentence!r}; that is theirs to tell."
                    )
                    issues.append(warning("dialogue.roles_reversed", msg, path))
                    break
    return issues


def _informs(sentence: str) -> bool:
    """A statement pressed on the listener as news: ends in よ, not a question."""
    core = sentence.rstrip("。！!？? ")
    return core.endswith("よ") and not core.endswith(("かよ", "でしょうよ"))


_ANIMATE = _words(
    "人 方 子 子供 子ども 赤ちゃん 友達 友だち 友人 家族 親 両親 父 母 "
    "兄 姉 弟 妹 祖父 祖母 夫 妻 主人 奥さん 息子 娘 兄弟 姉妹 彼 彼女 "
    "誰 皆 みんな 私 僕 俺 あなた 君 先生 学生 生徒 医者 医師 看護師 "
    "店員 客 お客 選手 社長 部長 課長 上司 同僚 先輩 後輩 仲間 恋人 彼氏 "
    "隣人 犬 猫 鳥 魚 動物 ペット 虫 馬 牛 豚 熊 猿 象 パンダ ライオン "
    "兎 うさぎ 鼠 ねずみ 金魚 "
)
_ANIMATE_SUFFIX = (
    "人",
    "者",
    "員",
    "さん",
    "くん",
    "ちゃん",
    "様",
    "さま",
    "たち",
    "達",
    "ら",
    "手",
)


def _animate(noun: Token) -> bool:
    if noun.pos2 == "固有名詞":
        return True
    return (
        noun.lemma in _ANIMATE or noun.surface in _ANIMATE or noun.surface.endswith(_ANIMATE_SUFFIX)
    )


def animacy_issues(surface: str, path: str) -> list[QualityIssue]:
    """いる said of a thing: a plain noun, then が/は/も, then 居る."""
    tokens = [t for t in tokenize(surface) if t.pos not in {"空白"}]
    for i in range(2, len(tokens)):
        verb, particle, noun = tokens[i], tokens[i - 1], tokens[i - 2]
        if verb.lemma != "居る" or particle.surface not in {"が", "は", "も"}:
            continue
        if noun.pos != "名詞" or noun.pos2 not in {"普通名詞", "一般"}:
            continue
        if _animate(noun):
            continue
        msg = (
            f"{surface!r} says {noun.surface}{particle.surface}{verb.surface}…: いる is for "
            "people and animals; a thing or place takes ある "
            f"({noun.surface}{particle.surface}あります)."
        )
        return [warning("grammar.iru_for_thing", msg, path)]
    return []
