"""The bundled Can-Do catalog: size, levels, topics, unique ids and the recorded descriptors."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from lessonplan.domain.models import CanDoDescriptor
from lessonplan.planners.offline import load_catalog
from lessonplan.providers.replay import default_fixtures_dir

FIXTURES = {"JF:105": "jf-105", "JF:106": "jf-106", "JFまるごと:14": "jfmarugoto-14"}


def fixtures_dir() -> Path:
    path = default_fixtures_dir()
    assert path is not None and path.is_dir(), "recorded fixtures missing"
    return path


def test_catalog_size_levels_and_topics() -> None:
    catalog = load_catalog()
    assert len(catalog) >= 40
    levels = Counter(d.level for d in catalog)
    assert all(levels[level] >= 8 for level in ("A1", "A2", "B1", "B2"))
    assert len({d.primary_topic_en for d in catalog}) >= 10
    assert len({d.uid for d in catalog}) == len(catalog)


def test_catalog_entries_are_complete() -> None:
    for d in load_catalog():
        assert d.primary_topic_en and d.primary_topic_ja and d.description_ja and d.source
        assert d.skill_domain and d.type


def test_catalog_holds_the_recorded_descriptors() -> None:
    by_uid = {d.uid: d for d in load_catalog()}
    for uid, name in FIXTURES.items():
        raw = json.loads((fixtures_dir() / f"{name}.cando.json").read_text(encoding="utf-8"))
        assert by_uid[uid] == CanDoDescriptor.model_validate(raw)
        assert by_uid[uid].description_en == raw["description"]["en"]


def test_catalog_file_uses_spec_field_names() -> None:
    from importlib import resources

    raw = json.loads(resources.files("lessonplan").joinpath("data/catalog.json").read_text("utf-8"))
    fields = set(CanDoDescriptor.model_fields)
    assert all(set(entry) == fields for entry in raw)


def test_load_catalog_returns_a_fresh_list() -> None:
    first = load_catalog()
    first.clear()
    assert load_catalog()
