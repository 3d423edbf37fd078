"""``lessonplan review``: move a version through review from the terminal; errors are one line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import cli, db  # noqa: F401  (the db fixture)


def _compile() -> str:
    code, out, err = cli("compile", "JF:105", "--json")
    assert code == 0, err
    lesson_id: str = json.loads(out)["lesson"]["lesson_id"]
    return lesson_id


def test_a_version_goes_to_published_and_the_history_says_who(db: Path) -> None:  # noqa: F811
    lesson_id = _compile()
    code, out, _ = cli("review", lesson_id, "in-review", "--by", "Sato")
    assert code == 0 and "draft → in_review by Sato (cli)" in out
    assert cli("review", lesson_id, "approved", "--by", "Sato")[0] == 0
    assert cli("review", lesson_id, "published", "--version", "1", "--by", "Ito")[0] == 0

    code, out, _ = cli("review", lesson_id, "--json")
    shown = json.loads(out)
    assert shown["versions"] == [{"version": 1, "review_state": "published", "status": "complete"}]
    assert [(e["to_state"], e["actor"]) for e in shown["history"]] == [
        ("in_review", "Sato (cli)"),
        ("approved", "Sato (cli)"),
        ("published", "Ito (cli)"),
    ]
    code, out, _ = cli("lesson", "show", lesson_id)
    assert "review published" in out


def test_refused_moves_exit_2_with_the_reason(db: Path) -> None:  # noqa: F811
    lesson_id = _compile()
    code, _, err = cli("review", lesson_id, "published")
    assert code == 2
    assert "cannot become published: from draft it can go to in_review, rejected" in err
    code, _, err = cli("review", lesson_id, "rejected")
    assert code == 2 and "needs a note" in err
    code, _, err = cli("review", lesson_id, "finished")
    assert code == 2 and "unknown review state 'finished'" in err
    code, _, err = cli("review", "L-000000000000")
    assert code == 2 and "unknown lesson 'L-000000000000'" in err
    assert "Traceback" not in err
    code, out, _ = cli("review", lesson_id, "rejected", "--note", "Dialogue is off-topic.")
    assert code == 0 and "draft → rejected" in out
