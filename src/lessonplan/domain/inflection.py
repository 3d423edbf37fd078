"""A small Japanese conjugation matcher: does a text use a word, in any common inflected form?

Kit words are given in dictionary form (飲む, 食べる, 高い, 掃除する) while lessons write them
inflected (飲みます, 食べて, 高かった, 掃除をしました). We generate the stems and short prefixes
that every common form starts with and look for them as substrings. Good enough for a coverage
check, not a morphological analyser: it errs towards accepting related forms (飲み物 for 飲む).
"""

from __future__ import annotations

from functools import lru_cache

# Godan endings -> the five vowel-row kana (a, i, u, e, o) and the te/ta-form suffixes.
_GODAN: dict[str, tuple[str, tuple[str, ...]]] = {
    "う": ("わいうえお", ("って", "った")),
    "く": ("かきくけこ", ("いて", "いた")),
    "ぐ": ("がぎぐげご", ("いで", "いだ")),
    "す": ("さしすせそ", ("して", "した")),
    "つ": ("たちつてと", ("って", "った")),
    "ぬ": ("なにぬねの", ("んで", "んだ")),
    "ぶ": ("ばびぶべぼ", ("んで", "んだ")),
    "む": ("まみむめも", ("んで", "んだ")),
    "る": ("らりるれろ", ("って", "った")),
}
# What follows an ichidan stem (食べ|る, ます, て, た, ない, れば, られる, させる, よう, ろ, ず).
_ICHIDAN_NEXT = "るれろよまてたならさず"
# する: the forms after the noun (勉強|します, して, した, しない, される, させる, すれば, せず).
_SURU_FORMS = (
    "する",
    "すれ",
    "しま",
    "して",
    "した",
    "しな",
    "しよ",
    "しろ",
    "され",
    "させ",
    "せず",
)
_KURU_KANA_FORMS = ("くる", "くれ", "こな", "こよ", "こら", "こさ", "きま", "きて", "きた", "きな")
# い-adjective endings after the stem (高|い, く, かった, ければ, さ, そう).
_ADJ_I_NEXT = ("い", "く", "かっ", "けれ", "さ", "そう", "すぎ")  # 短すぎます

_E_ROW = set("えけげせぜてでねへべぺめれエケゲセゼテデネヘベペメレ")
_I_ROW = set("いきぎしじちぢにひびぴみりイキギシジチヂニヒビピミリ")
# る-verbs (and their compounds: 持って帰る, 気に入る) that look ichidan but are godan.
_GODAN_RU = (
    *(
        "帰る",
        "入る",
        "走る",
        "知る",
        "切る",
        "要る",
        "限る",
        "減る",
        "滑る",
        "蹴る",
        "焦る",
        "握る",
    ),
    *(
        "参る",
        "散る",
        "喋る",
        "照る",
        "練る",
        "茂る",
        "覆る",
        "湿る",
        "陥る",
        "遮る",
        "嘲る",
        "捻る",
    ),
    *("混じる", "交じる", "はいる", "はしる", "しる", "しゃべる"),
)
# Kana spellings shared by an ichidan and a godan verb (変える/帰る, 居る/要る, 着る/切る...).
_AMBIGUOUS_RU = frozenset({"かえる", "いる", "きる", "へる", "ねる"})
# Kanji + る verbs that are ichidan (kanji + る is otherwise godan: 取る, 乗る, 作る...).
_ICHIDAN_KANJI_RU = frozenset(
    {"見る", "寝る", "着る", "出る", "居る", "似る", "煮る", "得る", "経る", "干る", "射る"}
)
# Kanji words ending in い that are not い-adjectives.
_NOT_I_ADJ = frozenset({"嫌い", "綺麗", "はい"})


def _is_kana(char: str) -> bool:
    return "\u3040" <= char <= "\u30ff"


def _ichidan(stem: str) -> set[str]:
    return {stem + nxt for nxt in _ICHIDAN_NEXT} | {stem + "る", stem + "すぎ"}  # 食べすぎた


def _godan(stem: str, ending: str, *, iku: bool = False) -> set[str]:
    row, te_ta = _GODAN[ending]
    forms = {stem + kana for kana in row}
    if iku:  # 行く/いく: 行って, 行った
        te_ta = ("って", "った")
    return forms | {stem + suffix for suffix in te_ta}


def _ru_verb_classes(word: str) -> tuple[bool, bool]:
    """(maybe ichidan, maybe godan) for a word ending in る; ambiguous spellings are both."""
    if word in _AMBIGUOUS_RU:
        return (True, True)
    if any(word.endswith(godan) for godan in _GODAN_RU):
        return (False, True)
    before = word[-2]
    if _is_kana(before):
        ichidan = before in _E_ROW or before in _I_ROW
        return (ichidan, not ichidan)
    ichidan = word[-2:] in _ICHIDAN_KANJI_RU
    return (ichidan, not ichidan)


@lru_cache(maxsize=4096)
def inflected_prefixes(word: str) -> frozenset[str]:
    """Substrings one of which every common inflected form of ``word`` contains.

    Always includes ``word`` itself. Non-inflecting words (nouns, katakana, phrases) yield just
    themselves; so do words whose stem would be empty.
    """
    word = word.strip()
    forms: set[str] = {word}
    if len(word) < 2:
        return frozenset(forms)
    if word.endswith("する"):
        noun = word[:-2]
        forms |= {noun + form for form in _SURU_FORMS}
        if noun:
            forms |= {noun + "を" + form for form in _SURU_FORMS}
    elif word.endswith("来る"):
        forms |= _ichidan(word[:-1])
    elif word == "くる" or word.endswith(("てくる", "でくる")):
        forms |= {word[:-2] + form for form in _KURU_KANA_FORMS}
    elif word in {"いい", "良い", "よい"}:
        forms |= {"よく", "よかっ", "よけれ", "良く", "良かっ", "良けれ"}
    elif word.endswith("る"):
        maybe_ichidan, maybe_godan = _ru_verb_classes(word)
        if maybe_ichidan:
            forms |= _ichidan(word[:-1])
        if maybe_godan:
            forms |= _godan(word[:-1], "る")
    elif word[-1] in _GODAN:
        forms |= _godan(word[:-1], word[-1], iku=word.endswith(("行く", "いく")))
    elif word.endswith("い") and word not in _NOT_I_ADJ and word[-2] not in _E_ROW:
        forms |= {word[:-1] + nxt for nxt in _ADJ_I_NEXT}
    elif word.endswith(("な", "の")) and len(word) >= 3:
        forms.add(word[:-1])  # 有名な -> 有名です, 人気の -> 人気がある
    return frozenset(forms)


def contains_word(text: str, word: str) -> bool:
    """True if ``text`` contains ``word`` in its dictionary form or a common inflected form."""
    if not word.strip():
        return False
    return any(form in text for form in inflected_prefixes(word))
