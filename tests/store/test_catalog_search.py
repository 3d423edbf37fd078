"""Catalog search in SQL on both backends: words in either language, level, topic, skill and
source filters, paging with a total, LIKE wildcards taken literally, and migration 0005
back-filling descriptors stored before it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lessonplan.catalog import read_catalog_file
from lessonplan.catalog.search import CatalogQuery
from lessonplan.domain.models import CanDoDescriptor
from lessonplan.errors import BadInputError
from lessonplan.store import Store
from lessonplan.store.sql import utcnow
from lessonplan.store.tables import JSONType, UTCDateTime
from tests.catalog.test_jf_import import FIXTURE
from tests.conftest import TEST_POOL
from tests.store.test_rollups import _alembic

IMPORTED = read_catalog_file(FIXTURE).descriptors


def matching(query: CatalogQuery) -> list[str]:
    """The uids a query should find, computed here from the descriptors themselves."""
    found = []
    for d in IMPORTED:
        text = " ".join(
            [d.uid, d.description_en, d.description_ja, d.primary_topic_en, d.primary_topic_ja]
        ).lower()
        if all(t in text for t in query.terms) and (query.level in (None, d.level)):
            found.append(d)
    return [d.uid for d in sorted(found, key=lambda d: (d.level, d.uid))]


async def test_query_and_level_paged(store: Store) -> None:
    await store.upsert_descriptors(descriptors=IMPORTED)
    query = CatalogQuery.build(query="買い物", level="A2")
    expected = matching(query)
    assert len(expected) >= 4
    items, total = await store.search_descriptors(query=query)
    assert [d.uid for d in items] == expected and total == len(expected)
    paged: list[str] = []
    for offset in range(0, total, 2):
        page = CatalogQuery.build(query="買い物", level="a2", limit=2, offset=offset)
        items, page_total = await store.search_descriptors(query=page)
        assert page_total == total and len(items) <= 2
        paged += [d.uid for d in items]
    assert paged == expected


async def test_english_words_all_must_match(store: Store) -> None:
    await store.upsert_descriptors(descriptors=IMPORTED)
    query = CatalogQuery.build(query="SHOP price")
    items, total = await store.search_descriptors(query=query)
    assert [d.uid for d in items] == matching(query) and total >= 1


async def test_filters_by_topic_skill_and_source(store: Store) -> None:
    await store.upsert_descriptors(descriptors=IMPORTED)
    for topic in ("買い物", "shopping"):
        items, _ = await store.search_descriptors(
            query=CatalogQuery.build(topic=topic, skill="やりとり", source="jf")
        )
        assert items
        assert {(d.primary_topic_ja, d.skill_domain, d.source) for d in items} == {
            ("買い物", "やりとり", "JF")
        }
        assert len(items) == sum(
            1
            for d in IMPORTED
            if (d.primary_topic_ja, d.skill_domain, d.source) == ("買い物", "やりとり", "JF")
        )
    items, _ = await store.search_descriptors(query=CatalogQuery.build(source="JFまるごと"))
    assert {d.uid for d in items} == {d.uid for d in IMPORTED if d.source == "JFまるごと"}


async def test_like_wildcards_are_literal(store: Store) -> None:
    odd = CanDoDescriptor(uid="T:1", level="A1", description_en="Can say 100% and a_b.")
    plain = CanDoDescriptor(uid="T:2", level="A1", description_en="Can say 1000 and ab.")
    await store.upsert_descriptors(descriptors=[odd, plain])
    for text in ("100%", "a_b"):
        items, _ = await store.search_descriptors(query=CatalogQuery.build(query=text))
        assert [d.uid for d in items] == ["T:1"]


def test_bad_filters_are_bad_input() -> None:
    with pytest.raises(BadInputError, match="unknown level"):
        CatalogQuery.build(level="Z9")
    with pytest.raises(BadInputError, match="limit"):
        CatalogQuery.build(limit=0)
    with pytest.raises(BadInputError, match="offset"):
        CatalogQuery.build(offset=-1)


async def test_migration_0005_backfills_descriptors_already_stored(db_url: str) -> None:
    store = await Store.open(db_url, **TEST_POOL)
    try:
        async with store.engine.begin() as conn:
            await conn.run_sync(_alembic, "downgrade", "0004")
        # The descriptors table as revision 0004 left it.
        before = sa.table(
            "descriptors",
            sa.column("uid", sa.String()),
            sa.column("level", sa.String()),
            sa.column("topic_en", sa.Text()),
            sa.column("content_hash", sa.String()),
            sa.column("data", JSONType),
            sa.column("updated_at", UTCDateTime()),
        )
        shopping = [d for d in IMPORTED if d.primary_topic_ja == "買い物"]
        async with store.engine.begin() as conn:
            await conn.execute(
                before.insert(),
                [
                    {
                        "uid": d.uid,
                        "level": d.level,
                        "topic_en": d.primary_topic_en,
                        "content_hash": "x",
                        "data": d.model_dump(mode="json"),
                        "updated_at": utcnow(),
                    }
                    for d in shopping
                ],
            )
        async with store.engine.begin() as conn:
            await conn.run_sync(_alembic, "upgrade", "head")
        items, total = await store.search_descriptors(
            query=CatalogQuery.build(query="買い物", topic="Shopping", skill="interaction")
        )
        expected = sorted(
            (d for d in shopping if d.skill_domain == "やりとり"), key=lambda d: (d.level, d.uid)
        )
        assert [d.uid for d in items] == [d.uid for d in expected] and total == len(expected) > 0
    finally:
        await store.close()


async def test_descriptions_in_other_languages_are_searched(store: Store) -> None:
    french = CanDoDescriptor(
        uid="FR:1",
        level="A2",
        description_en="Can buy a train ticket at the counter.",
        descriptions={"fr": "Peut acheter un billet de train au guichet de la gare."},
        target_language="fr",
    )
    await store.upsert_descriptors(descriptors=[*IMPORTED, french])
    for words in ("guichet", "BILLET gare", "ticket guichet"):
        items, total = await store.search_descriptors(
            query=CatalogQuery.build(query=words, level="A2")
        )
        assert [d.uid for d in items] == ["FR:1"] and total == 1, words
    assert items[0].descriptions == french.descriptions
