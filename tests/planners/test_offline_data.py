"""The bundled curriculum data: script, readings and the sizes the planner relies on."""

from __future__ import annotations

from collections import Counter

from lessonplan.planners.offline.data import load_curriculum
from lessonplan.planners.offline.kana import is_japanese_script, is_kana_text, romanize
from lessonplan.planners.offline.text import Word, render


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


def test_vocabulary_is_japanese_with_kana_readings() -> None:
    data = load_curriculum()
    for bucket in data.buckets:
        for word in bucket.items:
            assert is_japanese_script(word.surface), word
            assert is_kana_text(word.reading), word
            assert word.romaji.isascii() and word.romaji, word
            assert word.meaning and word.pos, word
    surfaces = Counter(w.surface for b in data.buckets for w in b.items)
    assert max(surfaces.values()) == 1


def test_grammar_has_six_patterns_per_level_with_examples() -> None:
    data = load_curriculum()
    levels = Counter(g.level for g in data.grammar)
    assert all(levels[level] >= 6 for level in ("A1", "A2", "B1", "B2"))
    assert len({g.id for g in data.grammar}) == len(data.grammar)
    for pattern in data.grammar:
        assert is_japanese_script(pattern.pattern_ja)
        assert pattern.label and pattern.notes_en and pattern.slots
        assert len(pattern.examples) >= 2
        for example in pattern.examples:
            assert is_japanese_script(example.surface) and is_kana_text(example.reading)
            assert example.romaji.isascii() and example.translation


def test_themes_markers_and_registers() -> None:
    data = load_curriculum()
    assert all(t.en and is_japanese_script(t.ja) and t.tags for t in data.themes)
    for marker in data.markers:
        assert is_japanese_script(marker.surface) and is_kana_text(marker.reading)
        assert marker.romaji and marker.meaning
    assert set(data.registers) == {"plain", "polite", "neutral"}


def test_templates_render_with_readings() -> None:
    data = load_curriculum()
    slots = {
        "N1": data.lexicon["駅"],
        "N2": data.lexicon["地図"],
        "N3": data.lexicon["切符"],
        "V1": data.lexicon["乗る"],
        "V2": data.lexicon["予約する"],
        "A1": data.lexicon["便利"],
        "K": Word("「駅」", "「えき」", '"eki"', "'駅' (station)", "noun"),
    }
    templates = [(t, tr) for t, tr in data.reading]
    for line in data.dialogue.values():
        templates += [(line.line.polite, line.line.translation), (line.line.plain, "")]
    for scenario in data.scenarios:
        templates += [(scenario.opener.polite, ""), (scenario.opener.plain, "")]
    for pattern in data.grammar:
        templates.append((pattern.frame, pattern.frame_translation))
    for template, translation in templates:
        text = render(template, slots, translation)
        assert is_japanese_script(text.surface), template
        assert is_kana_text(text.reading), template
        assert "{" not in text.translation


def test_conjugation_and_romaji() -> None:
    data = load_curriculum()
    text = render(
        "{V1:te} ください 。 {V2:masu} 。 {V3:nai} +で 。 {A1:polite} 。",
        {
            "V1": data.lexicon["休む"],
            "V2": data.lexicon["掃除する"],
            "V3": data.lexicon["行く"],
            "A1": data.lexicon["静か"],
        },
        "",
    )
    assert text.surface == "休んでください。掃除します。行かないで。静かです。"
    assert text.reading == "やすんでください。そうじします。いかないで。しずかです。"
    assert text.romaji == "Yasunde kudasai. Souji shimasu. Ikanaide. Shizuka desu."
    assert render("{V1:te} 。", {"V1": data.lexicon["行く"]}, "").surface == "行って。"
    assert render("{V1:ta} 。", {"V1": data.lexicon["来る"]}, "").reading == "きた。"
    assert romanize("きっぷ") == "kippu" and romanize("こんにちは") == "konnichiwa"
    assert romanize("しんあい") == "shin'ai" and romanize("ぱすぽーと") == "pasupooto"
