"""Reading the JF Can-do CSV with every irregular shape real files have (the fixture was written
for this project in the JF list's format), and plain CSV/JSON of one's own descriptors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from lessonplan.catalog import detect_format, read_catalog, read_catalog_file
from lessonplan.catalog.jf import is_japanese, level_of
from lessonplan.catalog.vocab import jf_vocabulary, skill_key
from lessonplan.errors import BadInputError

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "catalog" / "jf-cando-irregular.csv"
HEADER = (
    "No,種別,種類,レベル,言語活動,カテゴリー,第1トピック,JF Can-do (日本語),JF Can-do (English)"
)
BAD_LINES = {
    75: "level 'D1' is not A1…C2",
    76: "no Can-do text",
    77: "no No",
    78: "duplicate uid 'JF:1000' (first on row 34)",
    79: "the row ends after 3 of 9 columns",
}


def raw_rows() -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(FIXTURE.read_text(encoding="utf-8-sig")))
    return [(reader.line_num, row) for row in reader][1:]


def test_every_well_formed_row_is_read_and_every_bad_row_named() -> None:
    report = read_catalog_file(FIXTURE)
    assert report.format == "jf"
    problems = {p.row: p.reason for p in report.problems}
    assert set(problems) == set(BAD_LINES)
    for line, reason in BAD_LINES.items():
        assert reason in problems[line], (line, problems[line])
    # Every other row is a descriptor, with the uid its 種別 and No give.
    expected = {f"{row[1]}:{int(row[0])}" for line, row in raw_rows() if line not in BAD_LINES}
    assert {d.uid for d in report.descriptors} == expected
    assert len(report.descriptors) == len(raw_rows()) - len(BAD_LINES)
    levels = {d.level for d in report.descriptors}
    assert levels == {"A1", "A2", "B1", "B2"}
    assert {d.primary_topic_ja for d in report.descriptors} == {
        t.ja for t in jf_vocabulary().topics
    }


def test_irregular_shapes() -> None:
    by_uid = {d.uid: d for d in read_catalog_file(FIXTURE).descriptors}
    rows = {f"{r[1]}:{int(r[0])}": r for line, r in raw_rows() if line not in BAD_LINES}

    # Marugoto: the extra まるごと field shifts the columns; the level sat under 言語活動.
    marugoto = by_uid["JFまるごと:41"]
    assert rows["JFまるごと:41"][4] == "A2" and len(rows["JFまるごと:41"]) == 10
    assert marugoto.level == "A2" and marugoto.source == "JFまるごと"
    assert marugoto.course == rows["JFまるごと:41"][3]
    assert marugoto.skill_domain == "産出" and marugoto.category == "経験や物語を語る"
    assert marugoto.primary_topic_en == "Travel and Transportation"
    assert marugoto.description_ja.startswith("旅行の写真") and marugoto.description_en

    # English under JF Can-do (日本語), the English column empty: placed by its script.
    english_only = by_uid["JF:2401"]
    assert rows["JF:2401"][8] == "" and not is_japanese(rows["JF:2401"][7])
    assert english_only.description_en == rows["JF:2401"][7] and english_only.description_ja == ""
    # One language only.
    assert by_uid["JF:2402"].description_en == "" and by_uid["JF:2402"].description_ja
    assert by_uid["JF:2403"].description_ja == "" and by_uid["JF:2403"].description_en
    # Quoted quotes and commas survive.
    quoted = by_uid["JF:2404"]
    assert '"Can I try this on?", pointing' in quoted.description_en
    assert "「これ、着てみてもいいですか」" in quoted.description_ja
    # 種類 is the type: テキスト and 方略 rows.
    assert by_uid["JF:2405"].type == "テキスト" and by_uid["JF:2406"].type == "方略"
    # No out of order and with gaps: the uid is the No, not the position.
    numbers = [int(r[0]) for _, r in raw_rows() if r[0].isdigit() and r[1] == "JF"]
    assert numbers != sorted(numbers)
    assert all(f"JF:{n}" in by_uid for n in numbers[:60])


def test_a_title_line_above_the_header_and_full_width_levels() -> None:
    text = (
        "JF Can-do一覧（テスト）\n"
        + HEADER
        + "\n7,JF,活動,Ａ２,受容,会話する,買い物,店で値段を聞く。,\n"
    )
    report = read_catalog(text)
    assert report.format == "jf" and report.problems == []
    (descriptor,) = report.descriptors
    assert descriptor.uid == "JF:7" and descriptor.level == "A2"
    assert descriptor.primary_topic_en == "Shopping"


def test_an_unknown_topic_is_kept_with_a_note() -> None:
    report = read_catalog(
        HEADER + "\n8,JF,活動,A1,受容,会話する,宇宙旅行,月へ行く。,Go to the moon.\n"
    )
    assert report.descriptors[0].primary_topic_ja == "宇宙旅行"
    assert report.descriptors[0].primary_topic_en == ""
    assert "宇宙旅行" in str(report.notes[0]) and report.notes[0].row == 2


def test_format_detection() -> None:
    assert detect_format(HEADER + "\n", suffix=".csv") == "jf"
    assert detect_format("uid,level,description_en\n", suffix=".csv") == "csv"
    assert detect_format("[]", suffix=".json") == "json"
    with pytest.raises(BadInputError, match="unsupported catalog format"):
        detect_format("x", suffix=".xlsx")


def test_skills_and_levels_fold() -> None:
    assert skill_key("受容") == skill_key("Reception") == skill_key("listening") == "reception"
    assert skill_key("やりとり") == "interaction" and skill_key("方略") == "strategy"
    assert level_of("ｂ１") == "B1" and level_of("D1") is None


def test_plain_csv_reads_target_language_and_metalanguage() -> None:
    text = (
        "uid,level,description_en,primary_topic_ja,target_language,metalanguage,category\n"
        "ES:1,A1,Can order a coffee in a café.,,es,en,\n"
        "JA:1,A2,Can buy a ticket.,旅行と交通,,,店や公共機関でやりとりをする\n"
        "FR:1,A1,,,fr,de,\n"
        "XX:1,A1,Can do it.,,Spanish!,,\n"
    )
    report = read_catalog(text, fmt="csv")
    by_uid = {d.uid: d for d in report.descriptors}
    assert by_uid["ES:1"].target_language == "es" and not by_uid["ES:1"].is_japanese
    assert by_uid["ES:1"].primary_topic_en == ""  # nothing Japanese assumed
    assert by_uid["JA:1"].primary_topic_en == "Travel and Transportation"  # completed
    assert by_uid["JA:1"].category == "店や公共機関でやりとりをする"
    problems = {p.row: p.reason for p in report.problems}
    assert problems[4] == "description_en, description_ja or description_<language> is required"
    assert "target_language" in problems[5]


def test_plain_json_names_items() -> None:
    data = [{"uid": "T:1", "level": "A1", "description_ja": "挨拶ができる。"}, {"uid": "T:2"}]
    report = read_catalog(json.dumps(data), fmt="json")
    assert [d.uid for d in report.descriptors] == ["T:1"]
    assert str(report.problems[0]).startswith("item 2: level")
