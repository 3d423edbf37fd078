"""Anthropic Message Batches through the ``anthropic`` SDK: ``messages.batches.create`` with one
``{custom_id, params}`` per request, ``retrieve`` until ``processing_status == "ended"``, then
``results`` (succeeded / errored / canceled / expired per item)."""

from __future__ import annotations

import anthropic

from lessonplan.errors import ProviderError, TruncatedOutputError
from lessonplan.providers.anthropic import AnthropicProvider, map_anthropic_error
from lessonplan.providers.base import LLMRequest
from lessonplan.providers.batch import BatchStatus, ItemResult
from lessonplan.providers.batch_item_errors import item_error


class AnthropicBatches:
    def __init__(self, provider: AnthropicProvider) -> None:
        self._provider = provider

    @property
    def name(self) -> str:
        return "anthropic"

    @property
    def _client(self) -> anthropic.AsyncAnthropic:
        return self._provider.client

    def _error(self, exc: anthropic.AnthropicError) -> ProviderError:
        return map_anthropic_error(exc, model=self._provider.model)

    async def submit(self, items: list[tuple[str, LLMRequest]]) -> str:
        requests = [
            {"custom_id": custom_id, "params": self._provider.params_for(request, timeout=False)}
            for custom_id, request in items
        ]
        try:
            batch = await self._client.messages.batches.create(requests=requests)  # type: ignore[arg-type]
        except anthropic.AnthropicError as exc:
            raise self._error(exc) from exc
        return batch.id

    async def poll(self, batch_id: str) -> BatchStatus:
        try:
            batch = await self._client.messages.batches.retrieve(batch_id)
        except anthropic.AnthropicError as exc:
            raise self._error(exc) from exc
        return "ended" if batch.processing_status == "ended" else "in_progress"

    async def results(
        self, batch_id: str, requests: dict[str, LLMRequest]
    ) -> dict[str, ItemResult]:
        where = f"anthropic:{self._provider.model}"
        out: dict[str, ItemResult] = {}
        try:
            stream = await self._client.messages.batches.results(batch_id)
            async for item in stream:
                request = requests.get(item.custom_id)
                if request is None:
                    continue
                result = item.result
                if result.type == "succeeded":
                    try:
                        out[item.custom_id] = self._provider.completion_from(
                            result.message, request
                        )
                    except TruncatedOutputError as cut:
                        out[item.custom_id] = cut
                elif result.type == "errored":
                    out[item.custom_id] = item_error(where, "anthropic", item.custom_id, 500)
                else:  # canceled or expired
                    out[item.custom_id] = item_error(where, "anthropic", item.custom_id, None)
        except anthropic.AnthropicError as exc:
            raise self._error(exc) from exc
        for custom_id in requests:
            out.setdefault(custom_id, item_error(where, "anthropic", custom_id, None))
        return out
