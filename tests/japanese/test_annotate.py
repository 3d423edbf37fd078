"""The text layer on sentences that trip analysers and romanisers up."""

from __future__ import annotations

import pytest

from lessonplan.domain.lesson import FuriganaSegment, TargetText
from lessonplan.japanese import annotate, annotate_stage, annotate_text


@pytest.mark.parametrize(
    ("surface", "reading", "romaji"),
    [
        # particles は へ を
        ("私は東京へ行きます。", "わたしはとうきょうへいきます。", "watashi wa tōkyō e ikimasu."),
        ("手を洗ってください。", "てをあらってください。", "te o aratte kudasai."),
        ("では、実は", "では、じつは", "de wa, jitsu wa"),
        ("こんにちは、田中さん。", "こんにちは、たなかさん。", "konnichiwa, tanaka-san."),
        # katakana kept in the reading, romanised as Japanese
        ("コーヒーを飲みませんか？", "コーヒーをのみませんか？", "kōhī o nomimasen ka?"),
        ("東京タワーは高いです。", "とうきょうタワーはたかいです。", "tōkyō tawā wa takai desu."),
        ("パーティーに行こう。", "パーティーにいこう。", "pātī ni ikō."),
        # okurigana and inflection
        ("行かなければなりません。", "いかなければなりません。", "ikanakereba narimasen."),
        ("飲みすぎないでください。", "のみすぎないでください。", "nomisuginaide kudasai."),
        ("ちょっと待って。", "ちょっとまって。", "chotto matte."),
        ("高くないです。", "たかくないです。", "takakunai desu."),
        # numbers and counters in Arabic digits
        (
            "薬を1日3回飲んでください。",
            "くすりをいちにちさんかいのんでください。",
            "kusuri o ichinichi sankai nonde kudasai.",
        ),
        ("2つください。", "ふたつください。", "futatsu kudasai."),
        ("500円です。", "ごひゃくえんです。", "gohyakuen desu."),
        ("1,000円", "せんえん", "sen'en"),
        ("3時に会いましょう。", "さんじにあいましょう。", "sanji ni aimashō."),
        ("4時です。", "よじです。", "yoji desu."),
        ("ビールを1本ください。", "ビールをいっぽんください。", "bīru o ippon kudasai."),
        (
            "5月1日は日曜日です。",
            "ごがつついたちはにちようびです。",
            "gogatsu tsuitachi wa nichiyōbi desu.",
        ),
        ("20歳です。", "はたちです。", "hatachi desu."),
        ("10分待ちます。", "じゅっぷんまちます。", "juppun machimasu."),
        # 何 by context
        ("何を食べますか。", "なにをたべますか。", "nani o tabemasu ka."),
        ("何時ですか。", "なんじですか。", "nanji desu ka."),
        ("何人いますか。", "なんにんいますか。", "nannin imasu ka."),
        ("これは何ですか。", "これはなんですか。", "kore wa nan desu ka."),
        # long vowels: macrons for ou/oo/uu/aa/ee and ー; ii and ei written out; verb-final u
        ("ありがとうございます。", "ありがとうございます。", "arigatō gozaimasu."),
        ("お母さんは先生です。", "おかあさんはせんせいです。", "okāsan wa sensei desu."),
        ("大きいです。", "おおきいです。", "ōkii desu."),
        ("そう思います。", "そうおもいます。", "sō omoimasu."),
        ("何と言う？", "なんという？", "nan to iu?"),
        ("もう一度お願いします。", "もういちどおねがいします。", "mō ichido onegai shimasu."),
        (
            "今日は日本語を勉強します。",
            "きょうはにほんごをべんきょうします。",
            "kyō wa nihongo o benkyō shimasu.",
        ),
        # ん before a vowel, quotes
        ("原因は新聞です。", "げんいんはしんぶんです。", "gen'in wa shinbun desu."),
        ("「はい」と言いました。", "「はい」といいました。", '"hai" to iimashita.'),
        ("お大事に。", "おだいじに。", "odaiji ni."),
    ],
)
def test_reading_and_romaji(surface: str, reading: str, romaji: str) -> None:
    a = annotate(surface)
    assert (a.reading, a.romaji) == (reading, romaji)


def _ruby(surface: str) -> list[tuple[str, str | None]]:
    return [(s.text, s.reading) for s in annotate(surface).furigana]


def test_furigana_puts_kana_on_kanji_runs_only() -> None:
    assert _ruby("手を洗ってください。") == [
        ("手", "て"),
        ("を", None),
        ("洗", "あら"),
        ("ってください。", None),
    ]
    assert _ruby("食べ物") == [("食", "た"), ("べ", None), ("物", "もの")]


def test_furigana_of_numbers_follows_the_counter() -> None:
    assert _ruby("1日3回") == [("1", "いち"), ("日", "にち"), ("3", "さん"), ("回", "かい")]
    assert _ruby("1本") == [("1", "いっ"), ("本", "ぽん")]
    assert _ruby("5月1日") == [("5", "ご"), ("月", "がつ"), ("1日", "ついたち")]


def test_furigana_segments_rebuild_the_surface() -> None:
    for surface in ("薬を1日3回飲んでください。", "コーヒーとお茶、どちらにしますか？"):
        assert "".join(s.text for s in annotate(surface).furigana) == surface


def test_katakana_and_kana_texts_need_no_furigana() -> None:
    assert _ruby("コーヒーをください。") == [("コーヒーをください。", None)]


def test_full_width_digits_are_read() -> None:
    assert annotate("３回").reading == "さんかい"


def test_annotate_text_replaces_what_a_generator_wrote() -> None:
    text = TargetText(
        surface="私は学生です。", reading="わたくしは", romaji="watashi ha gakusei desu"
    )
    out = annotate_text(text)
    assert out.reading == "わたしはがくせいです。"
    assert out.romaji == "watashi wa gakusei desu."
    assert out.furigana[0] == FuriganaSegment(text="私", reading="わたし")
    assert out.translation == text.translation


def test_annotate_stage_fills_every_target_text_in_json() -> None:
    data = {
        "questions": [],
        "tasks": [
            {
                "id": "t1",
                "grammar_id": "gf_001",
                "instruction": "Say it.",
                "model_answer": {"surface": "水をください。", "translation": "Water, please."},
            }
        ],
    }
    out = annotate_stage("production", data)
    answer = out["tasks"][0]["model_answer"]
    assert answer["reading"] == "みずをください。"
    assert answer["romaji"] == "mizu o kudasai."
    assert answer["furigana"][0] == {"text": "水", "reading": "みず"}


def test_old_target_texts_without_furigana_still_load() -> None:
    assert TargetText.model_validate({"surface": "はい", "reading": "はい"}).furigana == []


def test_latin_letters_spaces_and_stray_katakana() -> None:
    a = annotate("JRの駅で、Mサイズを買います。")
    assert a.reading == "ジェーアールのえきで、エムサイズをかいます。"
    assert a.romaji == "JR no eki de, M saizu o kaimasu."
    spaced = annotate("1. 玉ねぎを切ります。")
    assert "".join(s.text for s in spaced.furigana) == "1. 玉ねぎを切ります。"
    assert annotate("グエン・ティ・マイです。").romaji == "guen ti mai desu."
