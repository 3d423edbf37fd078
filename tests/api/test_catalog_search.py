"""``GET /api/v1/cando`` and ``GET /api/v1/cando/{id}`` on both backends: the same rows as
``catalog list``, paged with a total and the next offset; bad filters are 422 problems; the
catalog answers any valid key and no key is 401."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from lessonplan.api.app import create_app
from lessonplan.catalog import read_catalog_file
from lessonplan.catalog.search import CatalogQuery
from tests.catalog.test_jf_import import FIXTURE
from tests.conftest import TEST_POOL

from .helpers import (
    API,
    CLIENT_KEY,
    CLIENT_KEYS,
    MARIA_KEY,
    NO_KEY,
    api_settings,
    assert_problem,
    serve,
)


def _app_for(db_url: str, tmp_path: Path) -> tuple[FastAPI, dict[str, str]]:
    settings = api_settings(
        tmp_path,
        database_url=db_url,
        api_keys="test-admin-key-7f3a9c1e5b",
        client_keys=CLIENT_KEYS,
        db_pool_size=TEST_POOL["pool_size"],
        db_max_overflow=TEST_POOL["max_overflow"],
        db_lock_pool_max=TEST_POOL["lock_pool_max"],
    )
    return create_app(settings), {"X-API-Key": CLIENT_KEY}


async def test_query_level_paged_on_both_backends(db_url: str, tmp_path: Path) -> None:
    app, headers = _app_for(db_url, tmp_path)
    async with serve(app, headers=headers) as client:
        store = app.state.runtime.store
        await store.upsert_descriptors(descriptors=read_catalog_file(FIXTURE).descriptors)
        expected, total = await store.search_descriptors(
            query=CatalogQuery.build(query="買い物", level="A2")
        )
        assert total >= 4
        seen: list[str] = []
        offset: int | None = 0
        while offset is not None:
            response = await client.get(
                f"{API}/cando",
                params={"query": "買い物", "level": "A2", "limit": 2, "offset": offset},
            )
            assert response.status_code == 200, response.text
            page = response.json()
            assert page["total"] == total and page["limit"] == 2 and page["offset"] == offset
            assert len(page["items"]) <= 2
            seen += [d["uid"] for d in page["items"]]
            offset = page["next_offset"]
        assert seen == [d.uid for d in expected]
        assert all(
            "買い物" in d.primary_topic_ja + d.description_ja and d.level == "A2" for d in expected
        )

        response = await client.get(
            f"{API}/cando", params={"topic": "Shopping", "skill": "interaction", "source": "JF"}
        )
        items = response.json()["items"]
        assert items and {(d["primary_topic_ja"], d["skill_domain"]) for d in items} == {
            ("買い物", "やりとり")
        }

        one = await client.get(f"{API}/cando/JFまるごと:41")
        assert one.status_code == 200 and one.json()["course"].startswith("まるごと")
        assert_problem(await client.get(f"{API}/cando/NOPE:1"), 404)


async def test_bad_filters_are_422_and_keys_apply(tmp_path: Path) -> None:
    app, headers = _app_for(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}", tmp_path)
    async with serve(app, headers=headers) as client:
        for params in ({"level": "Z9"}, {"limit": 0}, {"offset": -1}, {"query": "x" * 201}):
            assert_problem(await client.get(f"{API}/cando", params=params), 422)
        assert_problem(
            await client.get(f"{API}/cando", params=[("level", "A1"), ("level", "A2")]), 422
        )
        assert_problem(await client.get(f"{API}/cando", headers=NO_KEY), 401, "missing_api_key")
        bound = await client.get(f"{API}/cando", headers={"X-API-Key": MARIA_KEY})
        assert bound.status_code == 200 and bound.json()["total"] >= 40  # the bundled catalog


def test_page_schema_is_documented(tmp_path: Path) -> None:
    app = create_app(api_settings(tmp_path))
    paths = app.openapi()["paths"]
    assert "/api/v1/cando" in paths and "get" in paths["/api/v1/cando"]
    schema = paths["/api/v1/cando"]["get"]["responses"]["200"]["content"]["application/json"]
    assert schema["schema"]["$ref"].endswith("/CatalogPage")
