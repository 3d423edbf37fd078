"""Hepburn romanisation of analysed tokens, with one convention (see the README).

- Modified Hepburn: し shi, ち chi, つ tsu, ふ fu, じ ji; ん before a vowel or y is ``n'``
  (kin'en); ん is always ``n`` (shinbun, not shimbun); っ doubles the consonant (っち → tch).
- Particles は, へ, を are wa, e, o.
- Long vowels with macrons: おう/おお → ō, うう → ū, ええ → ē, ああ → ā where it is one vowel
  (okāsan, mā, jā; two morphemes stay apart: baai, karaage), and the katakana
  long mark ー lengthens the vowel before it (コーヒー kōhī). い after i or e is written out
  (oishii, sensei). A verb's final う is not a long vowel (omou, iu).
- Words are separated by spaces: a verb or adjective keeps its endings and auxiliaries (nomimasen,
  tabete, ikanakereba); です/だ, particles and ください stand alone (nonde kudasai, desu ka);
  prefixes お/ご join their word (ocha); honorific suffixes take a hyphen (Tanaka-san);
  a number and its counter form one word (sankai).
- Katakana words are romanised like any other word (kōhī, not "coffee"); digits are read out
  (3回 → sankai); sentence punctuation is kept (。→ ., 、→ ,, ？→ ?, 「」→ "); everything is
  lower case except Latin letters of the surface, kept as written (JR, M saizu).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import cutlet

from lessonplan.japanese.analyser import Token
from lessonplan.japanese.kana import has_latin, is_kana, to_hiragana

_PARTICLES = {"は": "wa", "へ": "e", "を": "o"}
_MACRON = {"a": "ā", "i": "ī", "u": "ū", "e": "ē", "o": "ō"}
_CLOSING = {
    "。": ".",
    "、": ",",
    "，": ",",
    "．": ".",
    "？": "?",
    "?": "?",
    "！": "!",
    "!": "!",
    "」": '"',
    "』": '"',
    "）": ")",
    ")": ")",
    "：": ":",
    ":": ":",
    "；": ";",
    "…": "...",
}
_OPENING = {"「": '"', "『": '"', "（": "(", "(": "("}
_SEPARATORS = {"・", "　", " ", "／", "/"}
_TILDE = {"〜": "~", "～": "~"}
_HONORIFICS = {"さん", "様", "さま", "くん", "君", "ちゃん"}
_ENDINGS = {"て", "で", "ば", "たり", "だり", "ちゃ", "じゃ"}
_ATTACHING_POS = {"動詞", "形容詞", "助動詞"}
# Nouns that join the noun before them into one word (日本語 nihongo).
_LONG_A_POS = {"感動詞", "接続詞", "助詞", "副詞", "助動詞"}
_BOUND_NOUNS = {"語", "機", "券", "料", "費", "器", "室"}
# Prefixes written apart (約2割 yaku niwari) and auxiliaries that are words of their own.
_SPACED_PREFIXES = {"約"}
_AFTER_NUMBERS = {"割", "倍", "年間"}  # counters the analyser leaves apart from their number
_SPACED_AUXILIARIES = {"です", "だ", "らしい"}


@lru_cache(maxsize=1)
def _cutlet() -> Any:
    return cutlet.Cutlet(system="hepburn", use_foreign_spelling=False)


def kana_to_romaji(kana: str, long_ok: list[bool] | None = None) -> str:
    """Hepburn for a run of kana (hiragana or katakana), with the macron convention.

    ``long_ok[i]`` False: the kana at ``i`` does not lengthen the vowel before it."""
    flags = tuple(long_ok) if long_ok is not None else (True,) * len(kana)
    return _kana_romaji(to_hiragana(kana), flags)


@lru_cache(maxsize=16_384)  # a word's kana and flags: lessons romanise the same words again
def _kana_romaji(kana: str, flags: tuple[bool, ...]) -> str:
    table = _cutlet()
    chunks: list[str] = []
    for i, char in enumerate(kana):
        prev = kana[i - 1] if i else None
        nxt = kana[i + 1] if i + 1 < len(kana) else None
        last = next((c for c in reversed(chunks) if c), "")
        if char == "ー" and last and last[-1] in _MACRON:
            _lengthen(chunks)
            chunks.append("")
            continue
        if (
            flags[i]
            and last
            and (
                (char == "う" and last[-1] in "ou")
                or (char == "お" and last[-1] == "o")
                or (char == "あ" and last[-1] == "a")
                or (char == "え" and last[-1] == "e")
            )
            and (prev is not None and prev not in "っん")
        ):
            _lengthen(chunks)
            chunks.append("")
            continue
        if char == "っ" and nxt is None:
            chunks.append("")
            continue
        chunks.append(str(table.get_single_mapping(prev, char, nxt)))
    return "".join(chunks)


def forget_romaji() -> None:
    """Empty the romaji cache of words' kana."""
    _kana_romaji.cache_clear()


def _lengthen(chunks: list[str]) -> None:
    for j in range(len(chunks) - 1, -1, -1):
        if chunks[j]:
            chunks[j] = chunks[j][:-1] + _MACRON[chunks[j][-1]]
            return


def _token_kana(token: Token) -> str:
    reading = token.reading
    if token.pron.endswith("ワ") and reading.endswith("は"):
        reading = reading[:-1] + "わ"
    return reading


def _verb_final_u(token: Token) -> bool:
    return (
        token.pos == "動詞"
        and "ワア行" in token.conj_type
        and (token.conj_form.startswith("終止形") or token.conj_form.startswith("連体形"))
        and token.surface.endswith("う")
    )


def _pron_flags(token: Token, kana: str) -> list[bool]:
    """Which kana may lengthen the vowel before them: not where the dictionary's pronunciation
    says the two vowels are both pronounced (湖 ミズウミ mizuumi, 小売り コウリ kouri)."""
    pron = to_hiragana(token.pron)
    if len(pron) != len(kana):
        return [True] * len(kana)
    return [not (c in "うお" and p == c) for c, p in zip(kana, pron, strict=True)]


def _long_a(token: Token) -> bool:
    """ああ is one long vowel in お母さん, おばあさん, まあ, じゃあ; elsewhere two morphemes
    meet (場合 baai, からあげ karaage)."""
    return token.pos in _LONG_A_POS or any(k in token.surface for k in ("母", "婆", "かあ", "ばあ"))


def _attaches(token: Token, unit: list[Token]) -> bool:
    if not unit:
        return False
    last = unit[-1]
    if last.is_punctuation:
        return False
    if last.pos == "接頭辞":
        return last.surface not in _SPACED_PREFIXES  # ocha, gokazoku; yaku niwari
    if token.pos == "助動詞":
        return token.lemma not in _SPACED_AUXILIARIES  # tabemasu; desu, takai rashii
    if last.surface.endswith(("っ", "ッ")):
        return True  # a word does not end in っ (そっか sokka)
    if token.pos == "助詞" and token.pos2 in {"接続助詞", "副助詞"} and token.surface in _ENDINGS:
        return last.pos in _ATTACHING_POS  # 行ったり ittari, 食べて tabete
    if token.pos == "接尾辞":
        return not (last.pos == "助詞" and token.surface in _HONORIFICS)
    if token.surface in _BOUND_NOUNS and token.pos == "名詞":
        return last.pos == "名詞"
    if token.surface in _AFTER_NUMBERS and last.pos2 == "数詞":
        return True  # ni-wari as niwari, ichi nenkan as ichinenkan
    if token.surface == "時" and token.reading in {"じ", "どき"}:  # riyōji, shokujidoki
        return last.pos == "名詞" or last.conj_form.startswith("連用形")
    if token.pos == "形容詞" and token.pos2 == "非自立可能":  # yomiyasui, takakunai
        if token.lemma == "良い" and last.pos == "形容詞":
            return False  # sugoku yokatta: an adverb of degree, not a negation
        return last.pos in _ATTACHING_POS and last.conj_form.startswith("連用形")
    return (
        token.pos == "動詞"
        and token.pos2 == "非自立可能"
        and token.lemma != "下さる"  # okiki kudasai, as kiite kudasai
        and token.lemma != "為る"
        and last.pos == "動詞"
        and last.conj_form.startswith("連用形")
    )


_SENTENCE_MARKS = {"、", "。", "！", "？", "!", "?", "「", "」", "，", "．"}


def _split_words(tokens: list[Token]) -> set[int]:
    """Tokens that join the one before them because the analyser split a kana word: a run of
    particles standing alone between sentence marks (かさ、 as か + さ), a filler's lengthening
    (あのう as あの + う)."""
    joined: set[int] = set()
    k = 0
    while k < len(tokens):
        token = tokens[k]
        if (
            token.pos == "感動詞"
            and token.surface in {"う", "ー"}
            and k
            and tokens[k - 1].pos == "感動詞"
        ):
            joined.add(k)
        end = k
        while (
            end < len(tokens) and tokens[end].is_particle and tokens[end].surface not in _PARTICLES
        ):
            end += 1
        alone_before = k == 0 or tokens[k - 1].surface in _SENTENCE_MARKS
        alone_after = end == len(tokens) or tokens[end].surface in _SENTENCE_MARKS
        if end - k >= 2 and alone_before and alone_after:
            joined.update(range(k + 1, end))
        k = max(end, k + 1)
    return joined


def _unit_romaji(unit: list[Token]) -> str:
    """One word's romaji: its tokens' kana romanised together (っ and ん see across tokens)."""
    out = ""
    kana = ""
    flags: list[bool] = []

    def flush() -> None:
        nonlocal out, kana, flags
        if kana:
            out += kana_to_romaji(kana, flags)
        kana, flags = "", []

    for token in unit:
        if token.is_particle and token.surface in _PARTICLES:
            flush()
            out += _PARTICLES[token.surface]
            continue
        text = _token_kana(token)
        if has_latin(token.surface) or not is_kana(text):
            flush()  # Latin letters are kept as written (JR, Mサイズ M saizu)
            out += token.surface if has_latin(token.surface) else text.lower()
            continue
        if (out or kana) and token.pos == "接尾辞" and token.surface in _HONORIFICS:
            flush()
            out += "-"
        filler = token.pos == "感動詞" and token.surface == "う"  # あのう: anō
        token_flags = [True] if filler else _pron_flags(token, text)
        if kana and not filler:
            token_flags[0] = False
        if _verb_final_u(token):
            token_flags[-1] = False
        if not _long_a(token):
            token_flags = [ok and c != "あ" for ok, c in zip(token_flags, text, strict=True)]
        kana += text
        flags += token_flags
    flush()
    return out


def romanize(tokens: list[Token]) -> str:
    """The romaji of a token sequence, words spaced, punctuation kept."""
    units: list[list[Token]] = []
    joined = _split_words(tokens)
    for k, token in enumerate(tokens):
        if units and not token.is_punctuation and (k in joined or _attaches(token, units[-1])):
            units[-1].append(token)
        else:
            units.append([token])
    out = ""
    glue = True
    for unit in units:
        first = unit[0]
        if first.is_punctuation or first.surface in _SEPARATORS:
            mark = first.surface
            if mark in _CLOSING:
                out += _CLOSING[mark]
                glue = False
            elif mark in _OPENING:
                out += ("" if glue else " ") + _OPENING[mark]
                glue = True
            elif mark in _TILDE:
                out += ("" if glue else " ") + "~"
                glue = True
            elif mark in _SEPARATORS:
                glue = False
            elif mark in {"-", "‐", "－"}:
                out += "-"
                glue = True
            elif mark.strip():
                out += mark
            continue
        word = _unit_romaji(unit)
        if not word:
            continue
        out += ("" if glue else " ") + word
        glue = False
    return out.strip()
