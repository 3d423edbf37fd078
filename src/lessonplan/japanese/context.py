"""Readings that depend on the words around a token, after numbers and counters are joined.

- ``～``/``〜`` between two numbers is read から (9時～17時 くじからじゅうしちじ).
- A phone number (digit groups joined by hyphens, three groups or a leading 0) is read digit by
  digit, the hyphens as の (03-1234-5678 ぜろさんのいちにさんよんのごろくななはち).
- 分 of a temperature after 度 is ぶ (38度5分 さんじゅうはちどごぶ).
- 十分 is じゅっぷん (ten minutes) before かかる, ぐらい, 前, 後…, else じゅうぶん (enough).
- 辛い is つらい after a hardship noun and が/は/も (仕事が辛い), else からい (カレーが辛い).
- でも opening a sentence is one word, the conjunction (demo), not で + も.
- A day of the week as one kanji, in brackets or joined to another day, is the day (月・木
  げつ・もく, 3日（土） ど); 〜 between two days is から (:func:`_weekdays`).
- By their neighbours (:func:`_by_neighbours`): 十分 alone じゅうぶん; 平野 before です/さん
  ひらの; 年 before の違う/の差 とし, before に + a number ねん; 袋 after a noun ぶくろ (レジ袋);
  after a placeholder 〜, 分 ふん and 人 before 家族 にん.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from lessonplan.japanese.kana import normalize_width
from lessonplan.japanese.lexicon import LEXICON

if TYPE_CHECKING:
    from lessonplan.japanese.analyser import Token

_TILDES = {"～", "〜", "~"}
_HYPHENS = {"-", "‐", "−", "ー", "－"}
_TEN_MINUTES_BEFORE = (
    "かか",
    "掛か",
    "ぐらい",
    "くらい",
    "ほど",
    "前",
    "後",
    "間",
    "おき",
    "以内",
    "以上",
    "待",
    "遅",
    "早",
)
_HARDSHIP = frozenset(
    (
        "仕事",
        "練習",
        "生活",
        "毎日",
        "別れ",
        "気持ち",
        "勉強",
        "朝",
        "人生",
        "立場",
        "思い",
        "経験",
        "治療",
        "手術",
        "寒さ",
        "暑さ",
        "一人暮らし",
    )
)


# Words whose 時 is どき, with or without お (お昼時 おひるどき, 食事時 しょくじどき,
# 書き入れ時 かきいれどき), where the dictionary gives とき or じ.
_DOKI = frozenset({"昼", "食事", "夕飯", "晩ご飯", "昼飯", "書き入れ", "引け", "潮"})


def _digits(token: Token) -> str | None:
    text = normalize_width(token.surface)
    return text if text.isdigit() else None


def _number(token: Token) -> bool:
    return token.pos2 == "数詞"


def apply_context(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        phone = _phone_at(tokens, i)
        if phone:
            out += phone[1]
            i += phone[0]
            continue
        prev = out[-1] if out else None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if (
            token.surface in _TILDES
            and prev is not None
            and _number(prev)
            and nxt is not None
            and _number(nxt)
        ):
            out.append(_read_as(token, "から", pos="助詞", pos2="格助詞"))
        elif (
            _number(token) and token.surface.endswith("分") and prev and prev.surface.endswith("度")
        ):
            out.append(_temperature_tenths(token))
        elif (
            token.surface == "十分"
            and nxt is not None
            and nxt.surface.startswith(_TEN_MINUTES_BEFORE)
        ):
            out.append(replace(token, reading="じゅっぷん", segments=(("十分", "じゅっぷん"),)))
        elif (
            token.surface.startswith("辛")
            and token.pos == "形容詞"
            and token.reading.startswith("から")
            and len(out) >= 2
            and out[-1].surface in {"が", "は", "も"}
            and out[-2].surface in _HARDSHIP
        ):
            out.append(replace(token, reading="つら" + token.reading[2:], segments=()))
        elif token.surface == "時" and prev is not None and prev.surface in _DOKI:
            out.append(replace(token, reading="どき", pos="接尾辞", segments=(("時", "どき"),)))
        elif (suffix := _after_honorific_noun(token, out)) is not None:
            # お買い上げ時 じ, ご利用時 じ, お買い上げ日 び (as お届け日): closing an honorific noun
            out.append(
                replace(token, reading=suffix, pos="接尾辞", segments=((token.surface, suffix),))
            )
        elif (
            token.surface == "で"
            and nxt is not None
            and nxt.surface == "も"
            and (prev is None or prev.is_punctuation or prev.pos == "空白")
        ):
            merged = replace(
                token,
                surface="でも",
                lemma="でも",
                base="でも",
                reading="でも",
                pos="接続詞",
                pos2="",
            )
            out.append(merged)
            i += 2
            continue
        else:
            nxt2 = tokens[i + 2] if i + 2 < len(tokens) else None
            out.append(_by_neighbours(token, prev, nxt, nxt2) or token)
        i += 1
    return _ki_ni_iru(_falling(_weekdays(out)))


def _ki_ni_iru(tokens: list[Token]) -> list[Token]:
    """入る after 気に is いる (気に入った きにいった, お気に入り), not はいる (enter)."""
    out = list(tokens)
    for k in range(2, len(tokens)):
        token = tokens[k]
        if (
            token.lemma == "入る"
            and token.reading.startswith("はい")
            and tokens[k - 1].surface == "に"
            and tokens[k - 2].surface == "気"
        ):
            reading = "い" + token.reading[2:]
            tail = token.surface[1:]
            segments = (("入", "い"), (tail, None)) if tail else (("入", "い"),)
            out[k] = replace(token, reading=reading, segments=segments)
    return out


_FALLING = {"雨", "雪", "あめ", "ゆき", "大雨", "大雪", "にわか雨", "小雨"}


def _falling(tokens: list[Token]) -> list[Token]:
    """降り whose subject is rain or snow is ふり (雨は何時ごろから降りますか), not おり (get off),
    which the analyser picks when the subject is not right before it: 雨 or 雪 with が, は or
    も, and no verb or を between (次の駅で降ります, 雨の日は電車を降ります stay おり)."""
    out = list(tokens)
    rain = False
    for k, token in enumerate(tokens):
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if token.surface in _FALLING and nxt is not None and nxt.surface in {"が", "は", "も"}:
            rain = True
        elif rain and token.surface == "降り" and token.reading == "おり":
            falls = (("降", "ふ"), ("り", None))
            out[k] = replace(token, reading="ふり", lemma="降る", segments=falls)
            rain = False
        elif token.pos == "動詞" or token.surface == "を" or token.surface in {"。", "！", "？"}:
            rain = False
    return out


# A day of the week written as one kanji, in a notice or a schedule: 月・木, 月〜金, 3日（土）.
_WEEKDAYS = {
    "月": "げつ",
    "火": "か",
    "水": "すい",
    "木": "もく",
    "金": "きん",
    "土": "ど",
    "日": "にち",
}
_DAY_JOINERS = {"・", "、", *_TILDES}
_OPENING_BRACKETS = {"（", "("}
_CLOSING_BRACKETS = {"）", ")"}


def _weekdays(tokens: list[Token]) -> list[Token]:
    """One-kanji days of the week read as days (げつ, もく), not as words (がつ, き): a kanji
    alone in brackets (5月3日（月）), or joined by ・, 、 or 〜 to another day (月・水・金,
    月〜金曜日); a 〜 between two days is から."""

    def is_day(k: int) -> bool:
        return 0 <= k < len(tokens) and tokens[k].surface in _WEEKDAYS

    def dayish(k: int) -> bool:
        return is_day(k) or (0 <= k < len(tokens) and tokens[k].surface.endswith(("曜日", "曜")))

    def joined(k: int) -> bool:
        before = k >= 2 and tokens[k - 1].surface in _DAY_JOINERS and dayish(k - 2)
        after = k + 2 < len(tokens) and tokens[k + 1].surface in _DAY_JOINERS and dayish(k + 2)
        return before or after

    def bracketed(k: int) -> bool:
        return (
            0 < k < len(tokens) - 1
            and tokens[k - 1].surface in _OPENING_BRACKETS
            and tokens[k + 1].surface in _CLOSING_BRACKETS
        )

    days = {k for k in range(len(tokens)) if is_day(k) and (joined(k) or bracketed(k))}
    if not days and not any(t.surface in _TILDES for t in tokens):
        return tokens
    out = list(tokens)
    for k in days:
        out[k] = _reread(tokens[k], _WEEKDAYS[tokens[k].surface])
    for k in range(1, len(tokens) - 1):
        if tokens[k].surface in _TILDES and dayish(k - 1) and dayish(k + 1):
            out[k] = _read_as(tokens[k], "から", pos="助詞", pos2="格助詞")
    return out


# Surnames the dictionary reads as a common noun (平野 へいや, a plain), read as the name before
# what follows a name (店長の平野です, 平野さん).
_SURNAMES = {"平野": "ひらの"}
_AFTER_A_NAME = frozenset(
    {"です", "でございます", "と", "さん", "様", "さま", "くん", "君", "先生", "氏"}
    | {"部長", "課長", "店長", "社長", "係長"}
)
# Counters of things in a row (trains, stops), after which 後 is あと: 一本後, 二つ後, 3台後.
_PLACE_COUNTERS = ("本", "つ", "台", "駅", "番目")
# What follows 人 when 〜人 is a number of people (〜人家族, 〜人で), not a nationality (〜人です).
_PEOPLE_AFTER = frozenset({"家族", "分", "で", "ぐらい", "くらい", "前", "ずつ"})


def _by_neighbours(
    token: Token, prev: Token | None, nxt: Token | None, nxt2: Token | None
) -> Token | None:
    """A token read by its neighbours, or ``None`` when they change nothing."""
    surface, reading = token.surface, token.reading
    alone = (nxt is None or nxt.is_punctuation) and (prev is None or prev.is_punctuation)
    after_number = prev is not None and _number(prev)
    if surface == "十分" and reading == "じゅっぷん" and alone:
        return _reread(token, "じゅうぶん")  # a word on its own (a vocabulary list): enough
    if surface == "分" and reading == "ぶん" and alone:
        return _reread(token, "ふん")  # a vocabulary entry "minute(s)", not a portion
    if surface in _SURNAMES and nxt is not None and nxt.surface in _AFTER_A_NAME:
        return _reread(token, _SURNAMES[surface])
    if (
        surface == "年"
        and reading == "ねん"
        and not after_number
        and nxt
        and nxt.surface == "の"
        and nxt2
        and nxt2.surface.startswith(("違", "差", "離"))
    ):
        return _reread(token, "とし")  # 年の違う, 年の差: age
    if surface == "年" and reading == "とし" and nxt and nxt.surface == "に" and nxt2:
        return _reread(token, "ねん") if _number(nxt2) else None  # 年に数十万円: a year
    if surface == "袋" and reading == "ふくろ" and prev and prev.pos == "名詞" and not after_number:
        return replace(_reread(token, "ぶくろ"), pos="接尾辞")  # レジ袋: the compound voices
    if surface == "後" and reading == "ご" and prev and prev.surface.endswith(_PLACE_COUNTERS):
        return _reread(token, "あと")  # 一本後の電車, 二つ後の駅: a place in a row, not a time
    if prev is not None and prev.surface in _TILDES:  # a placeholder for a number
        if surface == "分" and reading == "ぶん":
            return _reread(token, "ふん")  # 〜分ぐらい: minutes
        if surface == "人" and reading == "ひと" and nxt and nxt.surface in _PEOPLE_AFTER:
            return _reread(token, "にん")  # 〜人家族
    return None


def _reread(token: Token, reading: str) -> Token:
    return replace(token, reading=reading, segments=((token.surface, reading),))


# 時 and 日 closing an honorific noun (お + a noun or a verb's stem): their reading there.
_HONORIFIC_SUFFIXES = {"時": ("とき", "じ"), "日": ("ひ", "び")}
_HONORIFICS = frozenset({"お", "ご", "御"})


def _after_honorific_noun(token: Token, out: list[Token]) -> str | None:
    """じ or び for 時 or 日 right after お/ご + a noun or a verb's stem, else ``None``."""
    if token.surface not in _HONORIFIC_SUFFIXES or len(out) < 2:
        return None
    dictionary, suffix = _HONORIFIC_SUFFIXES[token.surface]
    prefix, noun = out[-2], out[-1]
    if token.reading != dictionary or prefix.pos != "接頭辞" or prefix.surface not in _HONORIFICS:
        return None
    stem = noun.pos == "動詞" and noun.conj_form.startswith("連用形")
    return suffix if stem or (noun.pos2 == "普通名詞" and noun.surface not in _DOKI) else None


def _read_as(token: Token, reading: str, *, pos: str, pos2: str) -> Token:
    return replace(token, reading=reading, pos=pos, pos2=pos2, segments=((token.surface, reading),))


def _temperature_tenths(token: Token) -> Token:
    """N分 after N度 of a temperature: one digit, read ぶ (5分 ごぶ)."""
    digit = normalize_width(token.surface[:-1])
    if len(digit) != 1 or not digit.isdigit():
        return token
    head = LEXICON.digits[digit]
    return replace(token, reading=head + "ぶ", segments=((token.surface[:-1], head), ("分", "ぶ")))


def _phone_at(tokens: list[Token], i: int) -> tuple[int, list[Token]] | None:
    """Digit groups joined by hyphens that make a phone number, read digit by digit."""
    groups: list[Token] = []
    j = i
    while j < len(tokens) and _digits(tokens[j]) is not None:
        groups.append(tokens[j])
        if j + 2 < len(tokens) and tokens[j + 1].surface in _HYPHENS:
            if _digits(tokens[j + 2]) is None:
                break
            j += 2
        else:
            break
    first = _digits(groups[0]) if groups else None
    if first is None or len(groups) < 2 or not (len(groups) >= 3 or first.startswith("0")):
        return None
    out: list[Token] = []
    for k, group in enumerate(groups):
        if k:
            hyphen = tokens[i + 2 * k - 1]
            out.append(_read_as(hyphen, "の", pos="助詞", pos2="格助詞"))
        for char in group.surface:
            reading = LEXICON.digits[normalize_width(char)]
            out.append(
                replace(
                    group,
                    surface=char,
                    lemma=char,
                    base=char,
                    reading=reading,
                    segments=((char, reading),),
                )
            )
    return 2 * len(groups) - 1, out
