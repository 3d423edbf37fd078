"""precompile --concurrency N is not throttled by the per-process LLM cap."""

from __future__ import annotations

import asyncio

import pytest

from lessonplan.providers.base import Completion, LLMRequest
from lessonplan.providers.fake import FakeProvider
from lessonplan.service.precompile import precompile
from tests.service.conftest import RuntimeFactory, offline_answer


class InFlight(FakeProvider):
    """A fake LLM that remembers how many of its calls ran at once, at most."""

    def __init__(self) -> None:
        super().__init__("gpt-4o-mini", fallback=offline_answer)
        self.running = 0
        self.most = 0

    async def complete(self, request: LLMRequest) -> Completion:
        self.running += 1
        self.most = max(self.most, self.running)
        try:
            await asyncio.sleep(0.02)  # long enough for the other tasks to start theirs
            return await super().complete(request)
        finally:
            self.running -= 1


@pytest.mark.parametrize(("lessons", "expected"), [(False, 4), (True, 12)])
async def test_precompile_raises_the_llm_cap_to_its_concurrency(
    make_runtime: RuntimeFactory, lessons: bool, expected: int
) -> None:
    llm = InFlight()
    rt = await make_runtime(llm, llm_concurrency=1)
    report = await precompile(rt, level="A1", concurrency=4, lessons=lessons)
    assert report.failures == {} and report.total >= 4
    assert rt.llm_cap == expected
    assert llm.most > 1  # with the cap left at 1, calls would have run one at a time
    assert llm.most <= expected


async def test_the_cap_is_never_lowered(make_runtime: RuntimeFactory) -> None:
    rt = await make_runtime(InFlight(), llm_concurrency=16)
    await precompile(rt, level="A1", concurrency=2)
    assert rt.llm_cap == 16
