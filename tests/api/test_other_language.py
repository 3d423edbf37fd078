"""A non-Japanese descriptor over HTTP with the offline planner: 422 with the reason, for the
plan, compile and streaming routes; no lesson stored."""

from __future__ import annotations

import httpx
import pytest

from lessonplan.service.runtime import Runtime

from .helpers import API, SPANISH, assert_problem


@pytest.mark.parametrize("route", ["plan", "compile"])
async def test_offline_refuses_a_spanish_descriptor_with_422(
    client: httpx.AsyncClient, runtime: Runtime, route: str
) -> None:
    await runtime.store.upsert_descriptors(descriptors=[SPANISH])
    response = await client.post(f"{API}/cando/ES:1/{route}", json={})
    assert_problem(response, 422, "unsupported_language")
    assert "offline planner's curriculum is Japanese only" in response.text
    assert await runtime.store.list_lessons() == []
