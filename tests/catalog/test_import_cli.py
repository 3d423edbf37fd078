"""``catalog import`` and ``catalog list`` as a user runs them: lenient and strict JF imports,
one transaction, search and paging."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.catalog.test_jf_import import BAD_LINES, FIXTURE
from tests.cli.test_cli import cli, count, db  # noqa: F401  (the db fixture)


def test_jf_import_lenient_writes_good_rows_and_names_bad_ones(db: Path) -> None:  # noqa: F811
    cli("init")
    before = count(db, "descriptors")
    code, out, err = cli("catalog", "import", str(FIXTURE), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["format"] == "jf" and report["imported"] == report["read"]
    assert {r["row"] for r in report["bad_rows"]} == set(BAD_LINES)
    assert count(db, "descriptors") == before + report["read"]
    for line in BAD_LINES:
        assert f"skipped row {line}:" in err


def test_jf_import_strict_writes_nothing(db: Path, tmp_path: Path) -> None:  # noqa: F811
    cli("init")
    before = count(db, "descriptors")
    copy = tmp_path / "list.csv"
    shutil.copy(FIXTURE, copy)
    code, _, err = cli("catalog", "import", str(copy), "--strict")
    assert code == 2
    assert f"{len(BAD_LINES)} bad row(s), nothing imported" in err
    assert "bad row 75: level 'D1' is not A1…C2" in err
    assert count(db, "descriptors") == before


def test_unknown_format_is_bad_input(db: Path) -> None:  # noqa: F811
    code, _, err = cli("catalog", "import", str(FIXTURE), "--format", "xml")
    assert code == 2 and "unknown --format 'xml'" in err


def test_catalog_list_query_level_paged(db: Path) -> None:  # noqa: F811
    cli("init")
    cli("catalog", "import", str(FIXTURE))
    code, out, err = cli(
        "catalog", "list", "--query", "買い物", "--level", "A2", "--limit", "0", "--json"
    )
    assert code == 0, err
    everything = json.loads(out)
    assert everything and all(d["level"] == "A2" for d in everything)
    assert all("買い物" in d["primary_topic_ja"] + d["description_ja"] for d in everything)
    total = len(everything)
    assert f"descriptors 1–{total} of {total}" in err
    pages = []
    for page in range(1, total // 2 + 2):
        code, out, err = cli(
            "catalog", "list", "--query", "買い物", "--level", "A2", "--limit", "2",
            "--page", str(page), "--json",
        )  # fmt: skip
        assert code == 0, err
        pages += [d["uid"] for d in json.loads(out)]
    assert pages == [d["uid"] for d in everything]
    code, out, _ = cli("catalog", "list", "--topic", "Shopping", "--skill", "interaction", "--json")
    assert {d["skill_domain"] for d in json.loads(out)} == {"やりとり"}
    assert {d["primary_topic_ja"] for d in json.loads(out)} == {"買い物"}
    code, _, err = cli("catalog", "list", "--level", "Z1")
    assert code == 2 and "unknown level" in err


def test_precompile_selects_by_the_same_filters(db: Path) -> None:  # noqa: F811
    cli("init")
    cli("catalog", "import", str(FIXTURE))
    filters = ["--source", "JF", "--level", "A2", "--topic", "買い物"]
    listed = json.loads(cli("catalog", "list", *filters, "--json")[1])
    assert listed and all(d["source"] == "JF" for d in listed)
    code, out, err = cli("precompile", *filters, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["total"] == len(listed) and report["failures"] == {}


def test_an_imported_descriptor_compiles_offline(db: Path) -> None:  # noqa: F811
    cli("init")
    cli("catalog", "import", str(FIXTURE))
    code, out, err = cli("compile", "JF:2404", "--json")
    assert code == 0, err
    lesson = json.loads(out)["lesson"]
    content = lesson["stages"]["content"]["data"]
    assert content["lesson_kind"] == "vocabulary_and_grammar"
    assert "これ、着てみてもいいですか" in [p["surface"] for p in content["phrases"]]


def test_a_non_japanese_descriptor_is_refused_by_the_offline_planner(
    db: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    cli("init")
    spanish = tmp_path / "es.csv"
    spanish.write_text(
        "uid,level,description_en,target_language\nES:1,A1,Can order a coffee.,es\n",
        encoding="utf-8",
    )
    assert cli("catalog", "import", str(spanish))[0] == 0
    code, _, err = cli("compile", "ES:1")
    assert code == 2 and "offline planner's curriculum is Japanese only" in err
    assert count(db, "lessons") == 0


def test_descriptions_in_other_languages_are_shown_and_searched(
    db: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    cli("init")
    french = tmp_path / "fr.csv"
    french.write_text(
        "uid,level,description_en,description_fr,target_language\n"
        "FR:1,A1,Can read a simple sign.,Peut lire un panneau simple dans une gare.,fr\n"
        "FR:2,A2,,Peut acheter un billet de train au guichet.,fr\n",
        encoding="utf-8",
    )
    code, _, err = cli("catalog", "import", str(french))
    assert code == 0, err
    code, out, err = cli("catalog", "show", "FR:2")
    assert code == 0, err
    assert "description_fr" in out and "Peut acheter un billet de train" in out
    shown = json.loads(cli("catalog", "show", "FR:2", "--json")[1])
    assert shown["descriptions"] == {"fr": "Peut acheter un billet de train au guichet."}
    code, out, err = cli("catalog", "list", "--query", "GARE", "--json")
    assert code == 0, err
    assert [d["uid"] for d in json.loads(out)] == ["FR:1"]
    code, out, _ = cli("catalog", "list", "--query", "billet", "--level", "A2")
    assert "FR:2" in out and "Peut acheter" in out  # the table shows the only description
