"""The bundled curriculum data that plans lessons nobody authored: script, meanings, sizes.

The slot-filling sentence templates are gone: no data file holds a template any more."""

from __future__ import annotations

from collections import Counter
from importlib import resources

from lessonplan.japanese import is_kana
from lessonplan.planners.offline.data import load_curriculum
from lessonplan.planners.offline.kana import is_japanese_script


def test_every_topic_has_three_buckets_of_eight_and_scenarios_and_themes() -> None:
    data = load_curriculum()
    assert len(data.topics) >= 10
    for topic in data.topics:
        buckets = [b for b in data.buckets if b.topic == topic.key]
        assert len(buckets) >= 3 and all(len(b.items) >= 8 for b in buckets), topic.key
        assert any(sum(w.is_verb for w in b.items) * 2 > len(b.items) for b in buckets)
        scenarios = [s for s in data.scenarios if s.topic == topic.key]
        assert scenarios and all(
            {r.side for r in s.roles} == {"learner", "partner"} for s in scenarios
        )
        assert len([t for t in data.themes if t.topic == topic.key]) >= 3
    general = [b for b in data.buckets if b.topic is None]
    assert len(general) >= 3 and all(len(b.items) >= 8 for b in general)


def test_vocabulary_is_japanese_with_kana_readings_and_meanings() -> None:
    data = load_curriculum()
    for bucket in data.buckets:
        for word in bucket.items:
            assert is_japanese_script(word.surface), word
            assert is_kana(word.reading), word
            assert word.meaning and word.pos, word
    surfaces = Counter(w.surface for b in data.buckets for w in b.items)
    assert max(surfaces.values()) == 1


def test_grammar_has_six_patterns_per_level_with_written_examples() -> None:
    data = load_curriculum()
    levels = Counter(g.level for g in data.grammar)
    assert all(levels[level] >= 6 for level in ("A1", "A2", "B1", "B2"))
    assert len({g.id for g in data.grammar}) == len(data.grammar)
    for pattern in data.grammar:
        assert is_japanese_script(pattern.pattern_ja)
        assert pattern.label and pattern.notes_en and pattern.slots
        assert len(pattern.examples) >= 2
        for example in pattern.examples:
            assert example.surface.endswith(("。", "？", "！")) and example.translation
            assert "{" not in example.surface and not example.reading and not example.romaji


def test_themes_and_markers() -> None:
    data = load_curriculum()
    assert all(t.en and is_japanese_script(t.ja) and t.tags for t in data.themes)
    assert all(is_japanese_script(m.surface) and m.meaning for m in data.markers)


def test_no_template_data_is_shipped() -> None:
    folder = resources.files("lessonplan.planners.offline").joinpath("data")
    names = {f.name for f in folder.iterdir()}
    assert "templates.json" not in names and "registers.json" not in names
    for name in names:
        text = folder.joinpath(name).read_text(encoding="utf-8")
        assert "{N1}" not in text and "{V1" not in text and '"frame"' not in text, name
