"""The plain importer reads descriptions in any language: ``description_fr`` (CSV column or
JSON field), ``descriptions: {"fr": ...}`` and ``description: {"en", "fr"}``, kept in
``descriptions`` by language tag; a descriptor without them keeps its fingerprint."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from lessonplan.catalog import read_catalog
from lessonplan.catalog.search import search_text
from lessonplan.domain.models import CanDoDescriptor

CSV = (
    "uid,level,description_en,description_fr,description_es,description_pt-BR,target_language\n"
    "FR:1,A1,Can read a simple sign at a station.,Peut lire un panneau simple dans une gare.,,,fr\n"
    "ES:1,A2,,,Puede pedir un café en una cafetería.,,es\n"
    'PT:1,B1,,,,"Consegue explicar, por telefone, um problema.",pt-BR\n'
    "XX:1,A1,,,,,fr\n"
)


def test_csv_description_columns_in_other_languages() -> None:
    report = read_catalog(CSV, fmt="csv")
    by_uid = {d.uid: d for d in report.descriptors}
    assert by_uid["FR:1"].descriptions == {"fr": "Peut lire un panneau simple dans une gare."}
    assert by_uid["FR:1"].description_en == "Can read a simple sign at a station."
    # A row with one other-language description only is well formed.
    assert by_uid["ES:1"].descriptions == {"es": "Puede pedir un café en una cafetería."}
    assert by_uid["ES:1"].display_description == "Puede pedir un café en una cafetería."
    assert by_uid["PT:1"].descriptions == {"pt-BR": "Consegue explicar, por telefone, um problema."}
    assert [p.row for p in report.problems] == [5]
    assert "description_<language> is required" in report.problems[0].reason
    assert "gare" in search_text(by_uid["FR:1"])  # what catalog list --query matches


def test_json_descriptions_in_every_shape() -> None:
    items = [
        {"uid": "A", "level": "A1", "description_fr": "Peut saluer.", "target_language": "fr"},
        {"uid": "B", "level": "A1", "descriptions": {"de": "Kann grüßen."}},
        {"uid": "C", "level": "A1", "description": {"en": "Can greet.", "it": "Sa salutare."}},
    ]
    report = read_catalog(json.dumps(items), fmt="json")
    assert not report.problems
    got = {d.uid: d.descriptions for d in report.descriptors}
    assert got == {
        "A": {"fr": "Peut saluer."},
        "B": {"de": "Kann grüßen."},
        "C": {"it": "Sa salutare."},
    }
    again = CanDoDescriptor.model_validate(report.descriptors[0].model_dump(mode="json"))
    assert again == report.descriptors[0]  # the stored JSON reads back the same


@pytest.mark.parametrize(
    ("column", "reason"),
    [
        ("description_en-GB", "goes in description_en"),
        ("description_FR", "description_FR"),  # not a language tag: an unknown column
    ],
)
def test_bad_description_columns_are_named(column: str, reason: str) -> None:
    report = read_catalog(f"uid,level,{column}\nX:1,A1,Some text.\n", fmt="csv")
    assert not report.descriptors
    assert reason in report.problems[0].reason


def test_a_descriptor_without_other_languages_keeps_its_fingerprint() -> None:
    plain = CanDoDescriptor(uid="X:1", level="A1", description_en="Can greet.")
    assert "descriptions" not in plain.fingerprint_data()
    french = CanDoDescriptor(uid="X:1", level="A1", description_en="Can greet.",
                             descriptions={"fr": "Peut saluer."})  # fmt: skip
    assert french.fingerprint_data()["descriptions"] == {"fr": "Peut saluer."}
    with pytest.raises(ValidationError, match="not a language tag"):
        CanDoDescriptor(uid="X:1", level="A1", descriptions={"French": "Peut saluer."})
