"""OpenAI's Batch API through the ``openai`` SDK: a JSONL file on ``/v1/files``, a batch on
``/v1/batches`` (endpoint ``/v1/chat/completions``, window 24 h), results from the output and
error files. A batch that expired returns what it answered; its other items are errors."""

from __future__ import annotations

import json
from typing import Final

import openai
from openai.types.chat import ChatCompletion

from lessonplan.errors import ProviderError, TruncatedOutputError
from lessonplan.providers.base import LLMRequest
from lessonplan.providers.batch import BatchStatus, ItemResult
from lessonplan.providers.batch_item_errors import item_error
from lessonplan.providers.openai import OpenAIProvider, map_openai_error

ENDPOINT: Final = "/v1/chat/completions"
_RUNNING = {"validating", "in_progress", "finalizing", "cancelling"}
_ENDED = {"completed", "expired"}


class OpenAIBatches:
    def __init__(self, provider: OpenAIProvider) -> None:
        self._provider = provider

    @property
    def name(self) -> str:
        return "openai"

    @property
    def _client(self) -> openai.AsyncOpenAI:
        return self._provider.client

    def _error(self, exc: openai.OpenAIError) -> ProviderError:
        return map_openai_error(exc, model=self._provider.model)

    async def submit(self, items: list[tuple[str, LLMRequest]]) -> str:
        lines = [
            json.dumps(
                {
                    "custom_id": custom_id,
                    "method": "POST",
                    "url": ENDPOINT,
                    "body": self._provider.body_for(request),
                },
                ensure_ascii=False,
            )
            for custom_id, request in items
        ]
        data = ("\n".join(lines) + "\n").encode()
        try:
            uploaded = await self._client.files.create(
                file=("lessonplan-batch.jsonl", data), purpose="batch"
            )
            batch = await self._client.batches.create(
                input_file_id=uploaded.id, endpoint=ENDPOINT, completion_window="24h"
            )
        except openai.OpenAIError as exc:
            raise self._error(exc) from exc
        return batch.id

    async def poll(self, batch_id: str) -> BatchStatus:
        try:
            batch = await self._client.batches.retrieve(batch_id)
        except openai.OpenAIError as exc:
            raise self._error(exc) from exc
        if batch.status in _RUNNING:
            return "in_progress"
        return "ended" if batch.status in _ENDED else "failed"

    async def results(
        self, batch_id: str, requests: dict[str, LLMRequest]
    ) -> dict[str, ItemResult]:
        where = f"openai:{self._provider.model}"
        out: dict[str, ItemResult] = {}
        try:
            batch = await self._client.batches.retrieve(batch_id)
            texts = [
                (await self._client.files.content(file_id)).text
                for file_id in (batch.output_file_id, batch.error_file_id)
                if file_id
            ]
        except openai.OpenAIError as exc:
            raise self._error(exc) from exc
        for text in texts:
            for line in text.splitlines():
                if not line.strip():
                    continue
                item = json.loads(line)
                custom_id = str(item.get("custom_id"))
                request = requests.get(custom_id)
                if request is None:
                    continue
                response = item.get("response") or {}
                status = response.get("status_code")
                if status != 200:
                    out[custom_id] = item_error(where, "openai", custom_id, int(status or 500))
                    continue
                completion = ChatCompletion.model_validate(response.get("body") or {})
                try:
                    out[custom_id] = self._provider.completion_from(completion, request)
                except TruncatedOutputError as cut:
                    out[custom_id] = cut
        for custom_id in requests:
            out.setdefault(custom_id, item_error(where, "openai", custom_id, None))
        return out
